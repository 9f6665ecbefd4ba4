"""`flask backup`: an encrypted backup of the database and the stored documents comes back
exactly as it was, and a damaged, foreign or ill-timed one is refused before anything changes.

These tests restore, so they run on portals of their own (a scratch database and folders),
never on the suite's shared database. They work on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect, select, text

from tests.conftest import TEST_ACTOR, make_app, vendor_details
from tests.databases import BACKEND, scratch_database
from vendorrisk import db
from vendorrisk.agreements.models import AgreementDocument
from vendorrisk.assessments import evidence
from vendorrisk.assessments.models import EvidenceFile
from vendorrisk.audit import service as audit
from vendorrisk.audit.models import AuditEvent
from vendorrisk.backup import service
from vendorrisk.backup.stream import TAG_BYTES
from vendorrisk.db import get_db, unit_of_work
from vendorrisk.migrate import alembic_config, upgrade
from vendorrisk.scheduling.leader import leader_lock_for
from vendorrisk.storage import EncryptedFiles, keyring_for
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.models import Vendor

BIG_DOCUMENT = "b1" * 20  # a 2.5 MB stored document, so that every backup has several chunks
AUDIT_TABLES = ("audit_event", "audit_chain_head")
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@contextmanager
def portal(root: Path, revision: str = "head") -> Iterator[Flask]:
    """A portal of its own: database, instance folder and document folders under ``root``."""
    root.mkdir(exist_ok=True)
    with scratch_database(root, "backup") as url:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("VENDORRISK_INSTANCE", str(root / "instance"))
            app = make_app(url, UPLOAD_DIR=str(root / "uploads"),
                           AGREEMENTS_DIR=str(root / "agreements"),
                           CERTIFICATES_DIR=str(root / "certificates"))
        for setting in service.STORAGE_FOLDERS:  # as a portal in use has them
            Path(app.config[setting]).mkdir(mode=0o700, parents=True, exist_ok=True)
        upgrade(get_db(app).engine, revision)
        try:
            yield app
        finally:
            get_db(app).engine.dispose()


def cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["backup", *args])


def succeeded(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def refused(result: Any, *phrases: str) -> str:
    """A one-line error, a non-zero exit, no traceback."""
    assert result.exit_code != 0, result.output
    assert not isinstance(result.exception, AssertionError | TypeError | ValueError)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def rows(app: Flask, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with get_db(app).engine.connect() as connection:
        names = sorted(set(inspect(connection).get_table_names()) - set(skip))
        return {name: sorted((tuple(row) for row in connection.execute(
            text(f'SELECT * FROM "{name}"'))), key=repr)  # noqa: S608 - the schema's own names
            for name in names}


def documents(app: Flask) -> dict[str, tuple[bytes, int]]:
    """Every stored file (bytes and mode) and folder (mode) of every document folder."""
    found: dict[str, tuple[bytes, int]] = {}
    for setting in service.STORAGE_FOLDERS:
        folder = Path(app.config[setting])
        for path in [folder, *sorted(folder.rglob("*"))]:
            data = path.read_bytes() if path.is_file() else b""
            found[f"{setting}/{path.relative_to(folder)}"] = (data, stat.S_IMODE(
                path.stat().st_mode))
    return found


def audit_actions(app: Flask) -> list[tuple[str, str]]:
    with unit_of_work(app) as session:
        return [(event.action, event.outcome) for event in session.scalars(
            select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo portfolio (evidence files and signed agreements included) and one big
    document, loaded through the real services."""
    with portal(tmp_path_factory.mktemp("seeded")) as app:
        assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
        with app.app_context():
            EncryptedFiles(Path(app.config["UPLOAD_DIR"]), keyring_for(app)).write(
                BIG_DOCUMENT, os.urandom(2_500_000))
        yield app


@pytest.fixture(scope="module")
def backup(seeded: Flask, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A backup of the seeded portal, and the rows and documents it was taken from."""
    path = tmp_path_factory.mktemp("backups") / "demo.vrbackup"
    at_backup_time = rows(seeded), documents(seeded)
    succeeded(cli(seeded, "create", "--output", str(path)))
    return path, at_backup_time


def changed_copy(source: Path, target: Path, how: str) -> Path:
    blob = source.read_bytes()
    start = 27 + int.from_bytes(blob[25:27], "big")  # the header (see backup/stream.py)
    size = (1 << 20) + TAG_BYTES
    first, second = start + size, start + 2 * size
    target.write_bytes({
        "one byte flipped in the middle": lambda: blob[:len(blob) // 2]
        + bytes([blob[len(blob) // 2] ^ 0x20]) + blob[len(blob) // 2 + 1:],
        "the last chunk cut short": lambda: blob[:-100],
        "a chunk dropped": lambda: blob[:first] + blob[second:],
    }[how]())
    return target


# --- the round trip --------------------------------------------------------------------------

def test_a_restore_brings_back_every_row_and_every_document_byte_for_byte(seeded, backup):
    path, (rows_then, documents_then) = backup
    with seeded.app_context(), unit_of_work(seeded) as session:
        # Life goes on after the backup: a firm registered, another renamed, evidence removed,
        # a signed agreement lost on disk, a stray file written.
        vendors.register_vendor(session, TEST_ACTOR, vendor_details(name="Newly Registered LLP"))
        firm = session.scalars(select(Vendor).order_by(Vendor.id)).first()
        vendors.update_vendor(session, TEST_ACTOR, firm.id, dataclasses.replace(
            vendors.details_of(firm), name="Renamed Partners"), expected_version=firm.version)
        uploads = EncryptedFiles(Path(seeded.config["UPLOAD_DIR"]), keyring_for(seeded))
        removed = session.scalars(select(EvidenceFile).where(
            EvidenceFile.removed_at.is_(None)).order_by(EvidenceFile.id)).first()
        evidence.remove(session, TEST_ACTOR, evidence.Storage(uploads, 1 << 24), removed)
        uploads.write(secrets.token_hex(20), b"uploaded after the backup")
        signed = session.scalars(select(AgreementDocument).order_by(AgreementDocument.id)).first()
        agreements = Path(seeded.config["AGREEMENTS_DIR"])
        (agreements / signed.storage_name[:2] / signed.storage_name).unlink()
    assert rows(seeded) != rows_then and documents(seeded) != documents_then

    refused(cli(seeded, "restore", str(path)), "--yes", "replaces the whole database")
    output = succeeded(cli(seeded, "restore", "--yes", str(path)))

    assert "Restored the backup" in output
    rows_now = rows(seeded)
    for table in set(rows_then) - set(AUDIT_TABLES):
        assert rows_now[table] == rows_then[table], table
    assert documents(seeded) == documents_then  # same bytes, and still 0700 folders, 0600 files
    # The restored log is the one of backup time, and the restore is its newest entry.
    added = set(rows_now["audit_event"]) - set(rows_then["audit_event"])
    assert len(rows_now["audit_event"]) == len(rows_then["audit_event"]) + len(added) == (
        len(rows_then["audit_event"]) + 1)
    assert audit_actions(seeded)[-1] == ("backup.restore", "success")
    assert "Audit log intact" in seeded.test_cli_runner().invoke(args=["audit", "verify"]).output
    with seeded.app_context(), unit_of_work(seeded) as session:  # documents open with the key
        assert evidence.read(session, TEST_ACTOR, evidence.Storage(uploads, 1 << 24),
                             session.get(EvidenceFile, removed.id))


def test_a_backup_is_private_on_disk_verifies_and_is_audited_without_personal_data(seeded):
    output = succeeded(cli(seeded, "create"))
    folder = service.backup_dir(seeded)
    [path] = folder.iterdir()  # one file; nothing half-written left beside it
    assert str(path) in output and "rows" in output
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"VRBK") and b"%PDF" not in path.read_bytes()

    summary = succeeded(cli(seeded, "verify", str(path)))
    assert "is intact" in summary and f"{BACKEND}, schema" in summary
    assert "vendor 30" in summary and "restorable as is" in summary
    with seeded.app_context(), unit_of_work(seeded) as session:
        created, verified = session.scalars(select(AuditEvent).order_by(
            AuditEvent.id.desc()).limit(2)).all()[::-1]
    assert (created.action, verified.action) == ("backup.create", "backup.verify")
    details = json.loads(created.details)
    assert details["documents"] > 200 and details["rows"] > 1000 and details["key_id"] == "test"
    assert "衡信" not in created.details and "@" not in created.details


# --- refusals that change nothing ----------------------------------------------------------

@pytest.mark.parametrize("how", ["one byte flipped in the middle", "the last chunk cut short",
                                 "a chunk dropped"])
def test_a_damaged_backup_is_refused_by_verify_and_restore_and_nothing_changes(
        seeded, backup, tmp_path, how):
    damaged = changed_copy(backup[0], tmp_path / "damaged.vrbackup", how)
    before = rows(seeded, skip=AUDIT_TABLES), documents(seeded)

    refused(cli(seeded, "verify", str(damaged)), "damaged")
    refused(cli(seeded, "restore", "--yes", str(damaged)), "damaged")

    assert (rows(seeded, skip=AUDIT_TABLES), documents(seeded)) == before
    assert audit_actions(seeded)[-2:] == [("backup.verify", "failure"),
                                          ("backup.restore", "failure")]
    leftovers = [p.name for p in Path(seeded.config["UPLOAD_DIR"]).parent.iterdir()
                 if ".restore-" in p.name]
    assert leftovers == []


def test_a_backup_opens_only_with_the_keyring_it_was_made_under(seeded, backup, monkeypatch):
    path = backup[0]
    before = rows(seeded, skip=AUDIT_TABLES)
    monkeypatch.setenv("VENDORRISK_STORAGE_KEYS", json.dumps(
        {"active": "test", "keys": {"test": secrets.token_urlsafe(32)}}))
    refused(cli(seeded, "restore", "--yes", str(path)), "does not open the backup")
    monkeypatch.setenv("VENDORRISK_STORAGE_KEYS", json.dumps(
        {"active": "k9", "keys": {"k9": secrets.token_urlsafe(32)}}))
    refused(cli(seeded, "verify", str(path)), "master key 'test'", "does not hold")
    assert rows(seeded, skip=AUDIT_TABLES) == before


def test_no_restore_while_the_worker_holds_its_lock(seeded, backup):
    lock = leader_lock_for(get_db(seeded).engine)
    assert lock.acquire()
    try:
        before = rows(seeded, skip=AUDIT_TABLES)
        refused(cli(seeded, "restore", "--yes", str(backup[0])), "the worker is running")
        assert rows(seeded, skip=AUDIT_TABLES) == before
    finally:
        lock.release()


def test_what_is_not_a_backup_gets_a_one_line_answer(seeded, tmp_path):
    refused(cli(seeded, "verify", str(tmp_path / "missing.vrbackup")), "no backup at")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7 minutes of the board")
    refused(cli(seeded, "restore", "--yes", str(tmp_path / "notes.pdf")), "not a VendorRisk")
    refused(cli(seeded, "create", "--output", str(tmp_path / "notes.pdf")), "already exists")


def test_a_full_disk_leaves_no_backup_behind(seeded, tmp_path, monkeypatch):
    aside = tmp_path / "aside.partial"
    aside.touch()
    # mkstemp hands out a descriptor on /dev/full: every write fails with ENOSPC, for real.
    monkeypatch.setattr(service.tempfile, "mkstemp",
                        lambda **_: (os.open("/dev/full", os.O_WRONLY), str(aside)))
    refused(cli(seeded, "create", "--output", str(tmp_path / "full.vrbackup")),
            "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert audit_actions(seeded)[-1] == ("backup.create", "failure")


def test_a_backup_taken_while_the_portal_writes_is_one_consistent_moment(tmp_path):
    with portal(tmp_path) as app:
        stop, written = threading.Event(), threading.Semaphore(0)

        def keep_writing() -> None:  # audit entries: each moves the chain's head row too
            while not stop.is_set():
                with unit_of_work(app) as session:
                    audit.record(session, TEST_ACTOR, "test.tick")
                written.release()

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            for _ in range(5):  # under way before the backup starts, and still going
                assert written.acquire(timeout=20)
            succeeded(cli(app, "create", "--output", str(tmp_path / "busy.vrbackup")))
        finally:
            stop.set()
            writer.join()
        succeeded(cli(app, "restore", "--yes", str(tmp_path / "busy.vrbackup")))
        with app.app_context():
            manifest = service.verify(app, db.session(), TEST_ACTOR,
                                      tmp_path / "busy.vrbackup").manifest
        restored = {table: len(found) for table, found in rows(app).items()}
        assert manifest.tables["audit_event"] >= 5
        assert restored == {**manifest.tables, "audit_event": manifest.tables["audit_event"] + 1}
        # The chain's head row and its entries come from the same instant, or this would fail.
        assert "Audit log intact" in app.test_cli_runner().invoke(args=["audit", "verify"]).output


def test_a_document_deleted_while_the_backup_runs_is_counted_not_fatal(tmp_path, monkeypatch):
    with portal(tmp_path) as app:
        with app.app_context():
            uploads = EncryptedFiles(Path(app.config["UPLOAD_DIR"]), keyring_for(app))
            kept, deleted = sorted(secrets.token_hex(20) for _ in range(2))
            for name in (kept, deleted):
                uploads.write(name, b"evidence")
        read_sealed = EncryptedFiles.read_sealed

        def deleted_meanwhile(store: EncryptedFiles, name: str) -> bytes:
            if name == deleted:
                store.delete(name)  # as the portal would, just after the listing
            return read_sealed(store, name)

        monkeypatch.setattr(EncryptedFiles, "read_sealed", deleted_meanwhile)
        output = succeeded(cli(app, "create", "--output", str(tmp_path / "x.vrbackup")))
        assert "1 stored document(s) were deleted while the backup ran" in output
        assert "UPLOAD_DIR 1 (1 vanished" in succeeded(cli(app, "verify",
                                                           str(tmp_path / "x.vrbackup")))


# --- schema versions -------------------------------------------------------------------------

def test_an_older_backup_is_restored_then_upgraded(tmp_path):
    with portal(tmp_path / "old", revision="0010") as old:
        succeeded(cli(old, "create", "--output", str(tmp_path / "old.vrbackup")))
    with portal(tmp_path / "new") as new:
        assert "restoring upgrades it" in succeeded(cli(new, "verify",
                                                        str(tmp_path / "old.vrbackup")))
        succeeded(cli(new, "restore", "--yes", str(tmp_path / "old.vrbackup")))
        with get_db(new).engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD
            assert connection.scalar(text("SELECT count(*) FROM reminder_sent")) == 0
        assert "Audit log intact" in new.test_cli_runner().invoke(args=["audit", "verify"]).output


def test_a_backup_from_a_newer_version_is_refused(tmp_path):
    with portal(tmp_path) as app:
        def set_revision(revision: str) -> None:
            with get_db(app).engine.begin() as connection:
                connection.execute(text("UPDATE alembic_version SET version_num = :revision"),
                                   {"revision": revision})

        set_revision("9999")
        succeeded(cli(app, "create", "--output", str(tmp_path / "future.vrbackup")))
        set_revision(HEAD)
        assert "too new" in succeeded(cli(app, "verify", str(tmp_path / "future.vrbackup")))
        refused(cli(app, "restore", "--yes", str(tmp_path / "future.vrbackup")),
                "newer than this version's")


def test_every_folder_setting_of_stored_documents_is_backed_up():
    from vendorrisk.config import DefaultConfig

    folders = {name for name in dir(DefaultConfig) if name.endswith("_DIR")}
    assert folders - set(service.NOT_BACKED_UP) == set(service.STORAGE_FOLDERS)


# --- PostgreSQL's client tools ---------------------------------------------------------------

postgresql_only = pytest.mark.skipif(BACKEND != "postgresql", reason="pg_dump is PostgreSQL's")


@postgresql_only
def test_a_restore_that_fails_halfway_leaves_the_database_as_it_was(seeded, backup):
    with get_db(seeded).engine.begin() as connection:  # an operator's view stands in the way
        connection.execute(text("CREATE VIEW firm_names AS SELECT name FROM vendor"))
    before = rows(seeded, skip=AUDIT_TABLES)
    refused(cli(seeded, "restore", "--yes", str(backup[0])), "psql failed",
            "the database is unchanged", "other objects depend on it")
    assert rows(seeded, skip=AUDIT_TABLES) == before
    with get_db(seeded).engine.begin() as connection:
        connection.execute(text("DROP VIEW firm_names"))


@postgresql_only
def test_a_missing_pg_dump_is_named(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    refused(cli(seeded, "create", "--output", str(tmp_path / "x.vrbackup")),
            "pg_dump is not installed")


@postgresql_only
def test_a_failing_pg_dump_is_summarised_and_leaves_no_file(seeded, tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: aborting because of server version "
                    "mismatch' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    refused(cli(seeded, "create", "--output", str(tmp_path / "x.vrbackup")),
            "pg_dump failed (exit 1): pg_dump: error: aborting because of server version")
    assert not (tmp_path / "x.vrbackup").exists()


def test_the_password_reaches_postgresql_tools_by_environment_only():
    from sqlalchemy.engine import make_url

    from vendorrisk.backup.databases import libpq_connection

    conninfo, environment = libpq_connection(make_url(
        "postgresql+psycopg://vr:s3cr%27et@db.internal:5433/vendorrisk?sslmode=require"))
    assert "s3cr" not in conninfo and environment["PGPASSWORD"] == "s3cr'et"
    assert conninfo == ("sslmode='require' host='db.internal' port='5433' user='vr' "
                        "dbname='vendorrisk'")

