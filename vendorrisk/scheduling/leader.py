"""The leader lock: however many workers are started, one runs the jobs and the others stand by.

PostgreSQL: a session-level advisory lock held on a connection kept for the purpose. The server
drops it when that connection ends, so a crashed leader never blocks a standby for long.
SQLite: an exclusive ``flock`` on a file beside the database; the kernel drops it when the process
ends, however it ends.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

# Any constant works as long as nothing else in the database uses it: "VRWK" in ASCII.
ADVISORY_LOCK_KEY = 0x5652574B


class LeaderLock(Protocol):
    def acquire(self) -> bool:
        """Try once, without waiting; True when this process is now (or still) the leader."""

    def still_held(self) -> bool:
        """False once the lock is lost (e.g. the database connection dropped)."""

    def release(self) -> None: ...


class PostgresAdvisoryLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        if self.connection is not None:
            return self.still_held()
        connection = self.engine.connect()
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                     {"key": ADVISORY_LOCK_KEY}).scalar_one()
            connection.commit()  # the lock is session-level: it outlives this transaction
        except Exception:
            connection.invalidate()
            raise
        if not got:
            connection.close()
            return False
        self.connection = connection
        return True

    def still_held(self) -> bool:
        if self.connection is None:
            return False
        try:
            held = self.connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND objid = :key"), {"key": ADVISORY_LOCK_KEY},
            ).scalar_one()
            self.connection.commit()
        except Exception:
            self._drop()
            return False
        if not held:
            self._drop()
        return bool(held)

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                    {"key": ADVISORY_LOCK_KEY})
            self.connection.commit()
            self.connection.close()
        except Exception:
            self._drop()  # closing the session on the server releases the lock anyway
        self.connection = None

    def _drop(self) -> None:
        if self.connection is not None:
            self.connection.invalidate()  # never return a connection in an unknown state
            self.connection = None


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def acquire(self) -> bool:
        if self.handle is not None:
            return True
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")  # for a person wondering who holds it
        handle.flush()
        self.handle = handle
        return True

    def still_held(self) -> bool:
        return self.handle is not None

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class WorkerSetupError(Exception):
    """The worker cannot start as configured; the message says why."""


def leader_lock_for(engine: Engine) -> LeaderLock:
    if engine.dialect.name == "postgresql":
        return PostgresAdvisoryLock(engine)
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        raise WorkerSetupError(f"the worker needs PostgreSQL or a SQLite file, not {engine.url!r}")
    return FileLock(Path(database).with_name(Path(database).name + ".worker-lock"))
