"""Bringing everything encrypted under the active master key (``flask keys rotate``), and counting
what each key still holds (``flask keys status``), so an operator knows when an old key can go.

What a rotation touches:
- firms' data keys: rewrapped under the active master key (database rows; the firms' documents
  themselves do not change);
- documents with a record that are not under their firm's key yet: sealed directly under a
  master key before firms had keys (rewrapped under the firm's key), or stored before encryption
  existed (recognised by the digest on their record, then sealed in place);
- sealed column values (``SealedText``) under an older key, or still marked ``plain:`` by
  migration 0015: re-encrypted.

It commits in batches, so it can run beside the portal and can be stopped and run again: whatever
is already under the active key is left alone. An item that fails is reported and left as it
was; the others go on. Files that no record refers to (an upload rolled back, or one whose
record is being written right now) are left alone and counted.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Column, Table, Text, func, select, type_coerce, update
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.db import Base
from vendorrisk.keys.columns import SealedText
from vendorrisk.keys.models import VendorKey
from vendorrisk.keys.service import (
    VENDOR_KEY_ID,
    StoredDocument,
    firm_key,
    firm_keyring,
    owner,
    wrapped,
)
from vendorrisk.storage.datakeys import rewrap_key
from vendorrisk.storage.errors import StorageError
from vendorrisk.storage.fields import PLAIN_PREFIX, TOKEN_PREFIX, key_id_of_text, reseal_text
from vendorrisk.storage.files import EncryptedFiles
from vendorrisk.storage.keyring import Keyring

BATCH = 500
ROTATOR = Actor.system("keys-rotate")
NOT_ENCRYPTED = "(not encrypted yet)"


@dataclass(frozen=True)
class DocumentFolder:
    """A folder of sealed documents and the query listing their records."""

    label: str
    files: EncryptedFiles  # with the master keyring
    records: Callable[[Session], Iterable[StoredDocument]]


@dataclass
class RotationReport:
    active: str
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # what -> outcome -> how many
    failed: list[str] = field(default_factory=list)  # "what: why", never key material

    def count(self, what: str, outcome: str) -> None:
        self.counts.setdefault(what, Counter())[outcome] += 1


def sealed_columns() -> list[Column[str]]:
    """Every column stored as SealedText (the models must all be imported: vendorrisk.models)."""
    return [column for table in Base.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, SealedText)]


def rotate(new_session: Callable[[], Session], master: Keyring,
           folders: Iterable[DocumentFolder]) -> RotationReport:
    report = RotationReport(master.active)
    _rotate_firm_keys(new_session, master, report)
    for folder in folders:
        _rotate_documents(new_session, master, folder, report)
    for column in sealed_columns():
        _rotate_values(new_session, master, column, report)
    with new_session() as session:
        audit.record(session, ROTATOR, "storage.keys_rotated", details={
            "active": master.active, "failed": len(report.failed),
            "counts": {what: dict(outcomes) for what, outcomes in report.counts.items()}})
        session.commit()
    return report


def _rotate_firm_keys(new_session: Callable[[], Session], master: Keyring,
                      report: RotationReport) -> None:
    for rows in _firm_key_batches(new_session):
        for row in rows:
            try:
                rewrapped = rewrap_key(master, row.key_id, owner(row.vendor_id), wrapped(row))
            except StorageError as error:
                report.failed.append(f"firm key {row.key_id}: {error}")
                continue
            if rewrapped is None:
                report.count("firm keys", "current")
                continue
            row.master_key_id, row.nonce, row.wrapped_key = (
                rewrapped.master_key_id, rewrapped.nonce, rewrapped.wrapped)
            row.rewrapped_at = clock.now()
            report.count("firm keys", "rewrapped")


def _firm_key_batches(new_session: Callable[[], Session]) -> Iterator[list[VendorKey]]:
    """Firm keys in id order, locked, one committed transaction per batch."""
    last = 0
    while True:
        with new_session() as session:
            rows = list(session.scalars(select(VendorKey).where(VendorKey.id > last)
                                        .order_by(VendorKey.id).limit(BATCH).with_for_update()))
            if not rows:
                return
            yield rows
            session.commit()
        last = rows[-1].id


def _rotate_documents(new_session: Callable[[], Session], master: Keyring,
                      folder: DocumentFolder, report: RotationReport) -> None:
    with new_session() as session:
        records = {record.name: record for record in folder.records(session)}
        live = {row.vendor_id: row.key_id for row in session.scalars(select(VendorKey))}
    pending: list[StoredDocument] = []
    for name in folder.files.names():
        record = records.get(name)
        if record is None:
            report.count(folder.label, "left alone: no record refers to them")
            continue
        try:
            header = folder.files.key_id_of(name)
        except (StorageError, OSError) as error:
            report.failed.append(f"{folder.label} {name}: {error}")
            continue
        if header is None or not VENDOR_KEY_ID.fullmatch(header):
            pending.append(record)
        elif header == live.get(record.vendor_id):
            report.count(folder.label, "current")
        else:
            report.count(folder.label, "unreadable: their firm's key was destroyed")
    keyrings = _firm_keyrings(new_session, master, {r.vendor_id for r in pending}, report)
    for record in pending:
        if record.vendor_id in keyrings:
            _reseal(folder, keyrings[record.vendor_id], record, report)


def _firm_keyrings(new_session: Callable[[], Session], master: Keyring, vendor_ids: set[int],
                   report: RotationReport) -> dict[int, Keyring]:
    """Each firm's keyring, its key made if need be and committed before any file is sealed
    under it: a file sealed under a key that then failed to commit would be lost."""
    keyrings: dict[int, Keyring] = {}
    with new_session() as session:
        rows = {vendor_id: firm_key(session, master, vendor_id) for vendor_id in vendor_ids}
        session.commit()
        for vendor_id, row in rows.items():
            try:
                keyrings[vendor_id] = firm_keyring(master, row)
            except StorageError as error:
                report.failed.append(f"firm key {row.key_id}: {error}")
    return keyrings


def _reseal(folder: DocumentFolder, keyring: Keyring, record: StoredDocument,
            report: RotationReport) -> None:
    def is_plaintext(blob: bytes) -> bool:
        return hashlib.sha256(blob).hexdigest() == record.sha256

    try:
        outcome = folder.files.with_keyring(keyring).reseal(record.name, is_plaintext)
    except (StorageError, OSError) as error:
        report.failed.append(f"{folder.label} {record.name}: {error}")
        return
    report.count(folder.label, {"sealed": "sealed (were not encrypted)",
                                "rewrapped": "moved under their firm's key"}.get(outcome, outcome))


def _rotate_values(new_session: Callable[[], Session], master: Keyring, column: Column[str],
                   report: RotationReport) -> None:
    table, raw = column.table, type_coerce(column, Text)  # the stored token, not the text
    assert isinstance(table, Table) and isinstance(column.type, SealedText)
    purpose, what = column.type.purpose, f"{table.name}.{column.name}"
    current = _under(raw, master.active)
    with new_session() as session:
        report.counts.setdefault(what, Counter())["current"] += session.scalar(
            select(func.count()).select_from(table).where(current)) or 0
    last = 0
    while True:
        with new_session() as session:
            rows = session.execute(select(table.c.id, raw).where(table.c.id > last, ~current)
                                   .order_by(table.c.id).limit(BATCH)).all()
            if not rows:
                return
            for row_id, stored in rows:
                try:
                    token = reseal_text(master, purpose, stored)
                except StorageError as error:
                    report.failed.append(f"{what} row {row_id}: {error}")
                    continue
                # Only if unchanged since read: a save meanwhile is already under the active key.
                session.execute(update(table).where(table.c.id == row_id, raw == stored)
                                .values({column.name: type_coerce(token, Text)}))
                report.count(what, "sealed (were not encrypted)"
                             if stored.startswith(PLAIN_PREFIX) else "re-encrypted")
            session.commit()
        last = rows[-1][0]


def _under(raw: object, key_id: str) -> object:
    prefix = f"{TOKEN_PREFIX}{key_id}:"
    return func.substr(raw, 1, len(prefix)) == prefix


# --- status -------------------------------------------------------------------------------------

@dataclass
class KeyStatus:
    """How many items each key id holds: master key ids, NOT_ENCRYPTED, and the firms' data keys
    (``firm_files``: files under a live firm key; ``shredded``: under a destroyed one). Files no
    record refers to are only counted (``strays``), as rotation leaves them alone."""

    by_key: dict[str, Counter[str]] = field(default_factory=dict)
    firm_files: int = 0
    shredded: int = 0
    strays: int = 0
    unreadable: list[str] = field(default_factory=list)

    def count(self, key_id: str, what: str, n: int = 1) -> None:
        self.by_key.setdefault(key_id, Counter())[what] += n


def status(session: Session, folders: Iterable[DocumentFolder]) -> KeyStatus:
    result = KeyStatus()
    for master_key_id, n in session.execute(select(VendorKey.master_key_id, func.count())
                                            .group_by(VendorKey.master_key_id)):
        result.count(master_key_id, "firm keys", n)
    live = set(session.scalars(select(VendorKey.key_id)))
    for folder in folders:
        _count_files(folder, {record.name for record in folder.records(session)}, live, result)
    for column in sealed_columns():
        raw = type_coerce(column, Text)
        # The token's head is enough to name its key (prefix, 32-character id, colon).
        for head in session.scalars(select(func.substr(raw, 1, len(TOKEN_PREFIX) + 33))):
            try:
                result.count(key_id_of_text(head) or NOT_ENCRYPTED, "values")
            except StorageError as error:
                result.unreadable.append(f"{column.table.name}.{column.name}: {error}")
    return result


def _count_files(folder: DocumentFolder, recorded: set[str], live: set[str],
                 result: KeyStatus) -> None:
    for name in folder.files.names():
        if name not in recorded:
            result.strays += 1
            continue
        try:
            header = folder.files.key_id_of(name)
        except (StorageError, OSError) as error:
            result.unreadable.append(f"{folder.label} {name}: {error}")
            continue
        if header is None:
            result.count(NOT_ENCRYPTED, "files")
        elif not VENDOR_KEY_ID.fullmatch(header):
            result.count(header, "files")
        elif header in live:
            result.firm_files += 1
        else:
            result.shredded += 1
