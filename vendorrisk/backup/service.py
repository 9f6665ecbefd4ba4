"""Back up, check and restore the whole portal: the database and every folder of stored documents.

**Consistency.** The database is dumped first, as one snapshot (see ``databases.py``), and the
stored documents are copied after it, each under its folder's lock. Documents are written
before the row that names them is committed, so every document the snapshot names was already
on disk when the snapshot was taken. What can differ:

- a document uploaded after the snapshot is copied too: an orphan nobody names, harmless;
- a document deleted after the snapshot is missing from the backup although the snapshot's row
  still names it. Deleting documents is rare (replacing evidence), so the backup tolerates it
  and counts it as ``vanished``; the command says so, and a second run a minute later is clean.

The other order (documents first) would miss every document uploaded while the copy ran, which
is far more common than a deletion; locking the portal for the whole backup would stop it.

**Restoring** reads and verifies the whole backup into staging places beside what it replaces
(a database file beside the live one, or a dump file in the instance folder; a folder beside
each live folder) before it changes anything, then puts each in place by renaming, while
holding the worker's leader lock so no job writes meanwhile.

The master keys are deliberately not in a backup: the backup is encrypted under them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import BinaryIO

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from vendorrisk import clock, migrate
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.backup import archive, databases
from vendorrisk.backup.archive import DATABASE_MEMBERS, ArchiveWriter, Manifest
from vendorrisk.backup.errors import BackupError, RestoreRefusedError, first_line
from vendorrisk.backup.stream import DecryptingReader, EncryptingWriter
from vendorrisk.db import get_db, make_engine
from vendorrisk.scheduling.leader import LeaderLock, WorkerSetupError, leader_lock_for
from vendorrisk.storage import EncryptedFiles, Keyring, StorageError, keyring_for
from vendorrisk.storage.fsutil import fsync_directory

# Every setting naming a folder of stored documents. Members are named by the setting, so a
# backup restores wherever it now points. A test checks that every *_DIR setting is here or in
# NOT_BACKED_UP, which says why not: the questionnaire files are data kept in the repository,
# backups are not backed up into backups, and rendered reports are a cache keyed on their
# content (rendered again on demand; an entry left from after the backup is served only for
# identical content, so it need not be cleared on restore either).
STORAGE_FOLDERS = ("UPLOAD_DIR", "AGREEMENTS_DIR", "CERTIFICATES_DIR")
NOT_BACKED_UP = ("QUESTIONNAIRES_DIR", "BACKUP_DIR", "REPORT_CACHE_DIR")
SUFFIX = ".vrbackup"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    manifest: Manifest
    backup_id: str
    key_id: str  # the master key its data key is sealed under


def backup_dir(app: Flask) -> Path:
    return Path(app.config.get("BACKUP_DIR") or Path(app.instance_path) / "backups")


# --- create ----------------------------------------------------------------------------------

def create(app: Flask, session: Session, actor: Actor, output: Path | None = None) -> BackupInfo:
    """Write one encrypted backup file (default: a timestamped file in BACKUP_DIR)."""
    keyring = _keyring(app)
    engine = get_db(app).engine
    try:
        path = output or _default_output(app)
        with _scratch(app) as scratch, _written_aside(path) as sink:
            writer = EncryptingWriter(sink, keyring)
            manifest = _write_archive(app, engine, keyring, ArchiveWriter(writer), scratch)
        info = BackupInfo(path, path.stat().st_size, manifest, writer.backup_id, writer.key_id)
    except OSError as error:
        raise BackupError(f"no backup written: {_describe(error)}") from None
    except SQLAlchemyError as error:
        raise BackupError(f"no backup written: the database failed ({first_line(error)})"
                          ) from None
    _record(session, actor, "backup.create", info)
    return info


def _default_output(app: Flask) -> Path:
    directory = backup_dir(app)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / f"vendorrisk-{clock.now():%Y%m%dT%H%M%SZ}{SUFFIX}"


def _write_archive(app: Flask, engine: Engine, keyring: Keyring, writer: ArchiveWriter,
                   scratch: Path) -> Manifest:
    created_at = clock.now()
    dump_file = scratch / "database"
    snapshot = databases.dump(engine, dump_file)  # first: see "Consistency" above
    with dump_file.open("rb") as source:
        writer.add(DATABASE_MEMBERS[engine.dialect.name], source, os.fstat(source.fileno()).st_size)
    dump_file.unlink()  # the plaintext dump goes as soon as it is sealed
    folders, vanished = _add_documents(app, keyring, writer)
    manifest = Manifest(created_at=created_at, app_version=_app_version(),
                        dialect=engine.dialect.name, revision=snapshot.revision,
                        tables=snapshot.tables, members=dict(writer.digests), folders=folders,
                        vanished=vanished)
    writer.finish(manifest)
    return manifest


def _add_documents(app: Flask, keyring: Keyring,
                   writer: ArchiveWriter) -> tuple[dict[str, int], int]:
    counts, vanished = dict.fromkeys(STORAGE_FOLDERS, 0), 0
    for setting in STORAGE_FOLDERS:
        store = EncryptedFiles(Path(app.config[setting]), keyring)
        for name in store.names():
            try:
                sealed = store.read_sealed(name)
            except FileNotFoundError:
                vanished += 1  # deleted since the snapshot (see "Consistency" above)
                continue
            writer.add_bytes(archive.file_member(setting, name), sealed)
            counts[setting] += 1
    return counts, vanished


@contextmanager
def _written_aside(path: Path) -> Iterator[BinaryIO]:
    """A file that appears at ``path`` whole, mode 0600, once the block succeeds, and never
    replaces an existing file; a failure leaves nothing behind."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose another --output")
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as sink:
            yield sink
            sink.flush()
            os.fsync(sink.fileno())
        os.link(temporary, path)  # unlike a rename, fails rather than replaces
    except FileExistsError:
        raise BackupError(f"{path} already exists; choose another --output") from None
    finally:
        os.unlink(temporary)
    fsync_directory(path.parent)


@contextmanager
def _scratch(app: Flask) -> Iterator[Path]:
    """A private (0700) folder for plaintext dumps, in the instance folder beside the database
    and keys, never beside the backup, which may be on a shared or remote disk."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=instance, prefix=".backup-scratch-") as folder:
        yield Path(folder)


# --- verify ----------------------------------------------------------------------------------

def verify(app: Flask, session: Session, actor: Actor, path: Path) -> BackupInfo:
    """Check every chunk and every member of a backup without restoring anything."""
    info = _read(path, _keyring(app), lambda _member: None)
    _record(session, actor, "backup.verify", info)
    return info


def _read(path: Path, keyring: Keyring, target: archive.Target) -> BackupInfo:
    try:
        with path.open("rb") as source:
            reader = DecryptingReader(source, keyring)
            manifest = archive.read(reader, target)
            size = os.fstat(source.fileno()).st_size
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file") from None
    except OSError as error:
        if isinstance(error, FileNotFoundError) and error.filename == str(path):
            raise BackupError(f"there is no backup at {path}") from None
        raise BackupError(f"cannot read {path} or stage its contents: {_describe(error)}"
                          ) from None
    return BackupInfo(path, size, manifest, reader.backup_id, reader.key_id)


def schema_status(manifest: Manifest) -> tuple[str, str]:
    """("same" | "older" | "newer", this code's revision) of the backup's schema."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    head = scripts.get_current_head() or ""
    if manifest.revision == head:
        return "same", head
    known = {script.revision for script in scripts.walk_revisions()}
    return ("older" if manifest.revision in known else "newer"), head


# --- restore ---------------------------------------------------------------------------------

def replacement_warning(app: Flask) -> str:
    """What a restore replaces, for the operator to confirm."""
    url = get_db(app).engine.url.render_as_string(hide_password=True)
    folders = ", ".join(f"{setting} ({app.config[setting]})" for setting in STORAGE_FOLDERS)
    return (f"restoring replaces the whole database ({url}) and every stored document in "
            f"{folders} with the backup's; everything since the backup is lost. Stop the "
            "portal and the worker, then run again with --yes.")


def restore(app: Flask, session: Session, actor: Actor, path: Path) -> BackupInfo:
    """Replace the database and the stored documents with a backup's, once it is verified.

    ``session`` is used only afterwards, for the audit entry, which becomes the newest entry of
    the restored log.
    """
    engine = get_db(app).engine
    keyring = _keyring(app)
    lock = _worker_lock(engine)
    try:
        with _staging(app, engine) as staging:
            info = _read(path, keyring, staging.open)
            status, head = schema_status(info.manifest)
            if status == "newer":
                raise RestoreRefusedError(
                    f"the backup's schema (revision {info.manifest.revision}) is newer than this "
                    f"version's ({head}): restore it with VendorRisk {info.manifest.app_version}")
            staging.apply(info.manifest, upgrade=status == "older")
    except SQLAlchemyError as error:
        raise BackupError(f"restore stopped, the database failed: {first_line(error)}") from None
    finally:
        lock.release()
    session.close()  # anything it held pointed at the database just replaced
    _record(session, actor, "backup.restore", info)
    return info


def _worker_lock(engine: Engine) -> LeaderLock:
    """The worker's own leader lock, held for the restore: refused while a worker leads, and
    no worker can start leading (and writing) until the restore is done."""
    try:
        lock = leader_lock_for(engine)
        acquired = lock.acquire()
    except WorkerSetupError as error:
        raise BackupError(str(error)) from None
    except SQLAlchemyError as error:
        raise BackupError(f"cannot reach the database: {first_line(error)}") from None
    if not acquired:
        raise RestoreRefusedError("the worker is running (it holds its leader lock) and would "
                                  "write during the restore: stop every `flask worker` and the "
                                  "portal, restore, then start them again")
    return lock


@dataclass
class _Staging:
    """Where a backup is unpacked, beside what it replaces, so putting it in place is a rename."""

    engine: Engine
    database: Path
    folders: dict[str, tuple[Path, Path]]  # setting -> (live folder, staged folder)

    def open(self, member: str) -> BinaryIO:
        dialect = self.engine.dialect.name
        if member in DATABASE_MEMBERS.values():
            if member != DATABASE_MEMBERS[dialect]:
                raise RestoreRefusedError(f"the backup holds another kind of database "
                                          f"({member}); this portal uses {dialect}")
            return self.database.open("wb")
        setting, name = archive.parse_file_member(member) or ("", "")
        if setting not in self.folders:
            raise RestoreRefusedError(f"the backup holds a folder this version does not know "
                                      f"({setting or member})")
        shard = self.folders[setting][1] / name[:2]
        shard.mkdir(mode=0o700, exist_ok=True)
        return os.fdopen(os.open(shard / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")

    def apply(self, manifest: Manifest, upgrade: bool) -> None:
        if self.engine.dialect.name == "sqlite":
            if upgrade:  # the staged copy is upgraded first: a failure leaves the live one be
                _upgrade(make_engine(f"sqlite:///{self.database}"), restored=False)
            with databases.disposed(self.engine):
                databases.replace_sqlite(databases.sqlite_path(self.engine), self.database)
        else:
            with databases.disposed(self.engine):
                databases.restore_postgres(self.engine, self.database, set(manifest.tables))
        for live, staged in self.folders.values():
            _swap(live, staged)
        if upgrade and self.engine.dialect.name != "sqlite":
            _upgrade(self.engine, restored=True)


@contextmanager
def _staging(app: Flask, engine: Engine) -> Iterator[_Staging]:
    with ExitStack() as cleanup:
        folders = {}
        for setting in STORAGE_FOLDERS:
            live = Path(app.config[setting]).absolute()
            live.parent.mkdir(parents=True, exist_ok=True)
            staged = Path(tempfile.mkdtemp(dir=live.parent, prefix=f".{live.name}.restore-"))
            cleanup.callback(shutil.rmtree, staged, ignore_errors=True)  # gone once swapped in
            folders[setting] = (live, staged)
        if engine.dialect.name == "sqlite":
            live_database = databases.sqlite_path(engine)
            descriptor, name = tempfile.mkstemp(dir=live_database.parent,
                                                prefix=f".{live_database.name}.restore-")
            os.close(descriptor)
            for suffix in ("", "-wal", "-shm"):
                cleanup.callback(Path(name + suffix).unlink, missing_ok=True)
            database = Path(name)
        else:
            database = cleanup.enter_context(_scratch(app)) / "database"
        yield _Staging(engine, database, folders)


def _swap(live: Path, staged: Path) -> None:
    """Put the staged folder in the live one's place. The replaced folder is renamed aside,
    then removed: its files are sealed, and crypto-shredding, not overwriting, is what makes
    deleted documents unreadable (see storage/files.py)."""
    try:
        if live.exists():
            replaced = live.with_name(f".{live.name}.replaced-{secrets.token_hex(4)}")
            os.rename(live, replaced)
            os.rename(staged, live)
            shutil.rmtree(replaced)
        else:
            os.rename(staged, live)
        fsync_directory(live.parent)
    except OSError as error:
        raise BackupError(f"the database was restored, but the stored documents in {live} "
                          f"could not be replaced ({_describe(error)}): fix that and restore "
                          "again") from None


def _upgrade(engine: Engine, restored: bool) -> None:
    try:
        migrate.upgrade(engine)
    except (SQLAlchemyError, CommandError, migrate.MigrationError) as error:
        done = ("the backup was restored, but upgrading its schema failed: run `flask db "
                "upgrade`" if restored
                else "nothing restored: upgrading the backup's schema failed")
        raise BackupError(f"{done} ({first_line(error)})") from None
    finally:
        if not restored:
            engine.dispose()


# --- shared ----------------------------------------------------------------------------------

def _keyring(app: Flask) -> Keyring:
    try:
        return keyring_for(app)
    except StorageError as error:
        raise BackupError(str(error)) from None


def _record(session: Session, actor: Actor, action: str, info: BackupInfo) -> None:
    audit.record(session, actor, action, object_type="backup", object_id=info.backup_id,
                 details={**archive.audit_details(info.manifest), "file": info.path.name,
                          "bytes": info.size, "key_id": info.key_id})


def record_failure(session: Session, actor: Actor, action: str, path: Path | None,
                   error: BackupError) -> None:
    """A failed backup, check or restore, by the kind of failure (a tampered backup matters)."""
    audit.record(session, actor, action, outcome="failure", object_type="backup",
                 details={"file": path.name if path else "", "problem": error.code})


def _app_version() -> str:
    try:
        return version("vendorrisk")
    except PackageNotFoundError:
        return "unknown"


def _describe(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{reason} ({error.filename})" if error.filename else reason
