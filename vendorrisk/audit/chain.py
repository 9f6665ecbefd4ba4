"""Append to and verify the hash chain of the audit log.

Each entry's hash covers its own fields and the previous entry's hash, and ids run 1, 2, 3, ...
without gaps, so changing an entry, deleting one or reordering them breaks the chain at that point.
The chain head row records the newest entry, so deleting entries at the end is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event as sqlalchemy_events
from sqlalchemy import select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from vendorrisk.audit.models import AuditChainHead, AuditEvent
from vendorrisk.db import write_at_commit

GENESIS_HASH = "0" * 64
HEAD_ID = 1


@dataclass(frozen=True)
class Actor:
    """Who acts and from where; the CLI and jobs act as ``system`` from ``local``."""

    user_id: int | None
    role: str
    ip: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(user_id=None, role=label, ip="local")


def canonical_details(details: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(details or {}), sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(event: AuditEvent) -> str:
    fields = [
        event.id,
        event.occurred_at.isoformat(),
        event.actor_id,
        event.actor_role,
        event.action,
        event.object_type,
        event.object_id,
        event.ip,
        event.outcome,
        event.details,
        event.prev_hash,
    ]
    payload = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _locked_head(session: Session) -> AuditChainHead:
    # FOR UPDATE serializes appenders on PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=HEAD_ID, last_event_id=0, last_hash=GENESIS_HASH)
        session.add(head)
    return head


@dataclass(frozen=True)
class Entry:
    """An event recorded in a unit of work and not yet chained (see ``record``)."""

    actor: Actor
    action: str
    occurred_at: datetime
    outcome: str
    object_type: str
    object_id: str
    details: str


PENDING = "vendorrisk.audit.pending"
SAVEPOINTS = "vendorrisk.audit.savepoints"  # savepoint -> entries queued before it began


def record(session: Session, entry: Entry) -> None:
    """Queue an entry; it is chained when the unit of work commits (``db.write_at_commit``).

    Chaining takes the head lock, which every unit of work that records anything needs (every
    page view does). Taking it at commit, once for all of the unit's entries, holds it for a
    millisecond instead of for the whole request, so requests stop queueing behind each other.
    A unit of work that rolls back loses its entries together with its changes, as before.
    """
    session.info.setdefault(PENDING, []).append(entry)
    write_at_commit(session, "audit", _chain_queued)


def _chain_queued(unit: Session, writer: Session) -> None:
    entries: list[Entry] = unit.info.pop(PENDING, [])
    unit.info.pop(SAVEPOINTS, None)
    if not entries:
        return
    head = _locked_head(writer)
    for entry in entries:
        event = AuditEvent(
            id=head.last_event_id + 1,
            occurred_at=entry.occurred_at,
            actor_id=entry.actor.user_id,
            actor_role=entry.actor.role,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            ip=entry.actor.ip,
            outcome=entry.outcome,
            details=entry.details,
            prev_hash=head.last_hash,
        )
        event.hash = entry_hash(event)
        writer.add(event)
        head.last_event_id, head.last_hash = event.id, event.hash
    writer.flush()


def forget_rolled_back_entries(sessions: sessionmaker[Session]) -> None:
    """A rollback forgets the entries it undoes; a savepoint only those recorded inside it."""
    sqlalchemy_events.listen(sessions, "after_transaction_create", _mark_savepoint)
    sqlalchemy_events.listen(sessions, "after_soft_rollback", _forget_rolled_back)


def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(SAVEPOINTS, {})
        marks[transaction] = len(session.info.get(PENDING, ()))


def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    mark = session.info.get(SAVEPOINTS, {}).pop(previous, None) if previous.nested else None
    if mark is None:
        session.info.pop(PENDING, None)
        session.info.pop(SAVEPOINTS, None)
    else:
        del session.info.get(PENDING, [])[mark:]


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, batch_size: int = 5000) -> VerifyResult:
    expected_id, expected_prev, checked = 1, GENESIS_HASH, 0
    events = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(
        yield_per=batch_size)).scalars()
    for event in events:
        if event.id != expected_id:
            return VerifyResult(checked, expected_id, f"entry {expected_id} is missing")
        if event.prev_hash != expected_prev:
            return VerifyResult(
                checked, event.id, f"entry {event.id} does not follow entry {event.id - 1}"
            )
        if entry_hash(event) != event.hash:
            return VerifyResult(checked, event.id, f"entry {event.id} was altered")
        expected_id, expected_prev, checked = event.id + 1, event.hash, checked + 1
    head = session.get(AuditChainHead, HEAD_ID)
    last_id = expected_id - 1
    if head is None and last_id == 0:
        return VerifyResult(0)
    if head is None or head.last_event_id != last_id or head.last_hash != expected_prev:
        recorded = head.last_event_id if head else "none"
        return VerifyResult(
            checked, last_id + 1, f"entries after {last_id} were removed (head records {recorded})"
        )
    return VerifyResult(checked)
