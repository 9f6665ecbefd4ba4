"""``flask --app vendorrisk backup create | verify | restore``.

Each command is one unit of work for its audit entry: the success entry commits with the
command, and a failure is recorded in its own commit (a tampered backup offered for restore is
worth knowing about) before the one-line error and the non-zero exit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from vendorrisk import db
from vendorrisk.audit.chain import Actor
from vendorrisk.backup import archive, service
from vendorrisk.backup.errors import BackupError, first_line
from vendorrisk.backup.service import BackupInfo

backup_cli = AppGroup("backup", help="Back up, check and restore the database and stored "
                                     "documents (encrypted under the storage keys).")
ACTOR = Actor.system("cli")
BACKUP_FILE = click.Path(path_type=Path, dir_okay=False)


def _audited(action: str, path: Path | None, work: Callable[[Session], BackupInfo]) -> BackupInfo:
    session = db.session()
    try:
        info = work(session)
        session.commit()
        return info
    except BackupError as error:
        session.rollback()
        _record_failure(session, action, path, error)
        raise click.ClickException(error.message) from error
    except SQLAlchemyError as error:  # writing the audit entry itself
        session.rollback()
        raise click.ClickException(f"the audit log could not be written: "
                                   f"{first_line(error)}") from error


def _record_failure(session: Session, action: str, path: Path | None, error: BackupError) -> None:
    try:
        service.record_failure(session, ACTOR, action, path, error)
        session.commit()
    except SQLAlchemyError:
        session.rollback()  # the database may be why it failed; the error itself still shows
        click.echo("(this failure could not be written to the audit log)", err=True)


@backup_cli.command("create")
@click.option("--output", type=BACKUP_FILE, default=None,
              help="Where to write it (default: a timestamped file in BACKUP_DIR, "
                   "instance/backups unless set).")
def create(output: Path | None) -> None:
    """Write an encrypted, consistent backup of the database and the stored documents."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    info = _audited("backup.create", output,
                    lambda session: service.create(app, session, ACTOR, output))
    rows, documents = archive.summary_counts(info.manifest)
    click.echo(f"Backup written to {info.path} ({_megabytes(info.size)}): {rows:,} rows, "
               f"{documents:,} stored documents; sealed under storage key "
               f"{info.key_id!r}, which is needed to restore it and is not in the backup.")
    if info.manifest.vanished:
        click.echo(f"Note: {info.manifest.vanished} stored document(s) were deleted while the "
                   "backup ran; the backup's database may still name them. Run it again if "
                   "that matters.")


@backup_cli.command("verify")
@click.argument("path", type=BACKUP_FILE)
def verify(path: Path) -> None:
    """Check a backup through (every chunk, every member) without restoring it; for restore
    drills and before copying a backup off site."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    info = _audited("backup.verify", path,
                    lambda session: service.verify(app, session, ACTOR, path))
    click.echo(f"Backup {info.path} ({_megabytes(info.size)}) is intact: every chunk and every "
               "member checked.")
    for line in _summary(info):
        click.echo(f"  {line}")


@backup_cli.command("restore")
@click.argument("path", type=BACKUP_FILE)
@click.option("--yes", is_flag=True, help="Confirm: replace the database and stored documents.")
def restore(path: Path, yes: bool) -> None:
    """Replace the database and the stored documents with a backup's, after checking all of it.
    An older backup is upgraded to this version's schema; a newer one is refused."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not yes:
        raise click.ClickException(service.replacement_warning(app))
    info = _audited("backup.restore", path,
                    lambda session: service.restore(app, session, ACTOR, path))
    rows, documents = archive.summary_counts(info.manifest)
    click.echo(f"Restored the backup of {info.manifest.created_at:%Y-%m-%d %H:%M:%S} UTC: "
               f"{rows:,} rows and {documents:,} stored documents.")


def _summary(info: BackupInfo) -> list[str]:
    manifest = info.manifest
    status, head = service.schema_status(manifest)
    restorable = {"same": "restorable as is", "older": "restoring upgrades it",
                  "newer": "too new to restore with this version"}[status]
    dialect = db.get_db().engine.dialect.name
    if manifest.dialect != dialect:
        restorable = f"not restorable into this portal's {dialect} database"
    rows, _documents = archive.summary_counts(manifest)
    tables = ", ".join(f"{table} {count:,}" for table, count in sorted(manifest.tables.items()))
    folders = ", ".join(f"{setting} {count:,}" for setting, count in manifest.folders.items())
    return [f"id         {info.backup_id}",
            f"created    {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC by VendorRisk "
            f"{manifest.app_version}",
            f"key        sealed under storage key {info.key_id!r}",
            f"database   {manifest.dialect}, schema {manifest.revision} (this version: {head}; "
            f"{restorable})",
            f"rows       {rows:,} in {len(manifest.tables)} tables: {tables}",
            f"documents  {folders}" + (f" ({manifest.vanished} vanished during the backup)"
                                      if manifest.vanished else "")]


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"
