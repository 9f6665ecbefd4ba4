"""Recording and reading the audit log."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.audit import chain
from vendorrisk.audit.chain import Actor
from vendorrisk.audit.models import AuditEvent

OUTCOMES = ("success", "denied", "failure")


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    outcome: str = "success",
    object_type: str = "",
    object_id: str | int = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Log an action; it joins the hash chain when the unit of work commits (chain.record), so
    a page of the log shows what was committed before it was asked for."""
    chain.record(session, chain.Entry(
        actor=actor, action=action, occurred_at=clock.now(), outcome=outcome,
        object_type=object_type, object_id=str(object_id),
        details=chain.canonical_details(details)))


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    outcome: str = ""
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def _filtered(query: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.actor_id is not None:
        query = query.where(AuditEvent.actor_id == f.actor_id)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.object_type:
        query = query.where(AuditEvent.object_type == f.object_type)
    if f.object_id:
        query = query.where(AuditEvent.object_id == f.object_id)
    if f.outcome:
        query = query.where(AuditEvent.outcome == f.outcome)
    if f.since is not None:
        query = query.where(AuditEvent.occurred_at >= f.since)
    if f.until is not None:
        query = query.where(AuditEvent.occurred_at < f.until)
    return query


def page(session: Session, f: AuditFilter, page_number: int, per_page: int
         ) -> tuple[list[AuditEvent], int]:
    total = session.scalar(_filtered(select(func.count(AuditEvent.id)), f)) or 0
    rows = session.scalars(
        _filtered(select(AuditEvent), f)
        .order_by(AuditEvent.id.desc())
        .limit(per_page)
        .offset((page_number - 1) * per_page)
    ).all()
    return list(rows), total


def stream(session: Session, f: AuditFilter, batch_size: int = 2000) -> Iterator[AuditEvent]:
    query = _filtered(select(AuditEvent), f).order_by(AuditEvent.id)
    yield from session.scalars(query.execution_options(yield_per=batch_size))


def known_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
