"""Dumping and restoring the database, consistently, while the portal runs (dumping) or stands
still (restoring).

- SQLite: Python's ``sqlite3`` online backup API copies the database into a file in one step,
  under one read transaction, so the copy is a consistent snapshot even while the portal writes
  (WAL lets readers and writers proceed together). Row counts and the schema revision are read
  from that copy.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the row counts and revision
  are read in it, and ``pg_dump --format=custom --snapshot=...`` dumps exactly that snapshot, so
  the manifest describes the very dump it sits beside. Connection parameters come from the
  SQLAlchemy URL; the password goes in ``PGPASSWORD``, never on a command line.

Restoring PostgreSQL: ``pg_restore --clean --if-exists --no-owner`` turns the dump into SQL,
which ``psql --single-transaction`` applies, after dropping the tables the backup does not have
(a backup older than the code lacks tables later migrations created; ``--clean`` only drops
what the dump holds, and the upgrade afterwards would then find those tables in its way). One
transaction covers the drop and the whole restore, so a failure leaves the database as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from vendorrisk.backup.errors import BackupError, RestoreRefusedError, ToolError, first_line
from vendorrisk.db import SQLITE_BUSY_TIMEOUT_MS
from vendorrisk.storage.fsutil import fsync_directory

_STDERR_SUMMARY_CHARS = 400


@dataclass(frozen=True)
class Snapshot:
    revision: str | None
    tables: dict[str, int]


def table_counts(connection: Connection) -> dict[str, int]:
    preparer = connection.dialect.identifier_preparer
    return {table: connection.execute(text(f"SELECT count(*) FROM {preparer.quote(table)}"))  # noqa: S608 - names come from the schema, quoted
            .scalar_one() for table in sorted(inspect(connection).get_table_names())}


def revision_of(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        raise BackupError(f"cannot back up {engine.url.render_as_string()!r}: backups need "
                          "PostgreSQL or a SQLite file")
    return Path(database)


# --- dumping ---------------------------------------------------------------------------------

def dump(engine: Engine, target: Path) -> Snapshot:
    """Write a consistent dump of the database to ``target``."""
    if engine.dialect.name == "postgresql":
        return _dump_postgres(engine, target)
    return _dump_sqlite(sqlite_path(engine), target)


def _dump_sqlite(database: Path, target: Path) -> Snapshot:
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    # mode=rw: never create an empty database where the real one was expected.
    source = sqlite3.connect(f"file:{database}?mode=rw", uri=True,
                             timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one read transaction, one snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy the SQLite database: {error}") from None
    finally:
        copy.close()
        source.close()
    return read_snapshot(f"sqlite:///{target}")


def read_snapshot(url: str) -> Snapshot:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return Snapshot(revision_of(connection), table_counts(connection))
    finally:
        engine.dispose()


def _dump_postgres(engine: Engine, target: Path) -> Snapshot:
    pg_dump = _tool("pg_dump")
    conninfo, environment = libpq_connection(engine.url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ",
                                                      postgresql_readonly=True)
            with connection.begin():
                snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                snapshot = Snapshot(revision_of(connection), table_counts(connection))
                # The exported snapshot lives as long as this transaction: dump inside it.
                _run("pg_dump", [pg_dump, "--format=custom", f"--snapshot={snapshot_id}",
                                 "--no-password", f"--file={target}", f"--dbname={conninfo}"],
                     environment)
    except SQLAlchemyError as error:
        raise BackupError(f"cannot read the database: {first_line(error)}") from None
    return snapshot


# --- restoring -------------------------------------------------------------------------------

def replace_sqlite(database: Path, staged: Path) -> None:
    """Put the staged copy in the live database's place, atomically.

    The live database is checkpointed first (its WAL merged in and emptied), so that removing
    the -wal and -shm files loses nothing should the rename then fail; they are removed before
    the rename, because a stale WAL beside the new file would be replayed into it.
    """
    if database.exists():
        _checkpoint(database)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(staged, database)
    fsync_directory(database.parent)


def _checkpoint(database: Path) -> None:
    connection = sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as error:
        raise RestoreRefusedError(f"the live database cannot be checkpointed ({error}); stop "
                                  "the portal and try again") from None
    finally:
        connection.close()
    if busy:
        raise RestoreRefusedError("the live database is in use (its WAL could not be "
                                  "checkpointed): stop the portal and try again")


def restore_postgres(engine: Engine, dump_file: Path, tables: set[str]) -> None:
    """Replace the database's contents with ``dump_file`` in one transaction."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    conninfo, environment = libpq_connection(engine.url)
    with engine.connect() as connection:
        extra = sorted(set(inspect(connection).get_table_names()) - tables)
    quoted = ", ".join(map(engine.dialect.identifier_preparer.quote, extra))
    drop = [f"--command=DROP TABLE IF EXISTS {quoted} CASCADE"] if extra else []
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        producer = subprocess.Popen(  # noqa: S603 - an argument list, no shell; our own dump file
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--file=-", str(dump_file)],
            stdout=subprocess.PIPE, stderr=restore_errors, env=environment)
        consumer = subprocess.Popen(  # noqa: S603 - an argument list, no shell; the configured database
            [psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1",
             "--single-transaction", *drop, "--file=-", f"--dbname={conninfo}"],
            stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=psql_errors, env=environment)
        assert producer.stdout is not None
        producer.stdout.close()  # psql holds the pipe now; pg_restore sees it close if psql stops
        consumer_status, producer_status = consumer.wait(), producer.wait()
        # psql's error explains pg_restore's broken pipe, so it comes first.
        for tool, status, errors in (("psql", consumer_status, psql_errors),
                                     ("pg_restore", producer_status, restore_errors)):
            if status:
                errors.seek(0)
                raise ToolError(f"{tool} failed (exit {status}), the database is unchanged: "
                                f"{_summary(errors.read())}")


# --- PostgreSQL client tools -----------------------------------------------------------------

def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` without its password, and the environment for the
    client tools, with the password in ``PGPASSWORD`` (a command line is visible to every user)."""
    parameters: dict[str, str] = {key: value if isinstance(value, str) else value[-1]
                                  for key, value in url.query.items()}
    for key, value in (("host", url.host), ("port", url.port), ("user", url.username),
                       ("dbname", url.database)):
        if value is not None:
            parameters[key] = str(value)
    conninfo = " ".join(f"{key}={_libpq_quote(value)}" for key, value in parameters.items())
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return conninfo, environment


def _libpq_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolError(f"{name} is not installed or not on PATH: install the PostgreSQL client "
                        "tools of the server's major version")
    return found


def _run(tool: str, arguments: list[str], environment: dict[str, str]) -> None:
    completed = subprocess.run(arguments, env=environment, stdout=subprocess.DEVNULL,  # noqa: S603 - an argument list, no shell; the configured database
                               stderr=subprocess.PIPE, check=False)
    if completed.returncode:
        raise ToolError(f"{tool} failed (exit {completed.returncode}): "
                        f"{_summary(completed.stderr)}")


def _summary(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    joined = " / ".join(line for line in lines if line) or "no message"
    return joined[:_STDERR_SUMMARY_CHARS]


@contextmanager
def disposed(engine: Engine) -> Iterator[None]:
    """Close the pool's connections before and after: a restore replaces what they point at."""
    engine.dispose()
    try:
        yield
    finally:
        engine.dispose()
