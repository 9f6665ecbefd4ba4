"""Engine, one session per unit of work, and the SQLite settings that make it a safe embedded store.

The boundary (a request, a CLI command, a job) owns the unit of work: it commits once at the end or
rolls back. Services only ``flush``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    ORMExecuteState,
    Session,
    SessionTransaction,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 5000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def str_enum(enum_type: type) -> Enum:
    """A StrEnum stored as its values in a VARCHAR, the same on every backend."""
    longest = max(len(member.value) for member in enum_type)  # type: ignore[attr-defined]
    return Enum(enum_type, native_enum=False, length=max(20, longest),
                values_callable=lambda members: [member.value for member in members])


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no timezone type)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Deleted rows are overwritten with zeros, not left in free pages: a purge must leave
        # nothing behind in the file (some builds default to this; none is relied on).
        cursor.execute("PRAGMA secure_delete=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred BEGIN that later writes cannot wait for the lock and fails with "database is
        # locked"; taking the write lock up front makes concurrent writers queue on busy_timeout.
        # A reading unit of work never writes (see below), so it takes no lock and runs beside
        # the others on its WAL snapshot.
        reading = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


class ReadOnlyUnitOfWork(RuntimeError):
    """A page that only reads tried to change the database (a programming error)."""


# A unit of work that only reads (a GET request): on SQLite it begins without the write lock, so
# readers do not queue behind each other while pages render. Its few writes of record (the audit
# entries of what was read, a session's last-seen time) are queued with ``write_at_commit`` and
# made at commit, on SQLite in a short transaction of their own, because a WAL reader cannot
# safely turn into a writer. Any other write from it is a programming error, refused at once on
# every database, so the rule is the same in tests and production.
READ_ONLY = "vendorrisk_read_only"  # the connection option that makes SQLite's BEGIN deferred
_READING = "vendorrisk.db.reading"
_AT_COMMIT = "vendorrisk.db.at_commit"
_WRITING_QUEUED = "vendorrisk.db.writing_queued"
# Called with the unit of work that queued it and the session to write with.
WriteAtCommit = Callable[[Session, Session], None]


class Database:
    """The app's engine and session factory, kept in ``app.extensions``."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.engine = make_engine(url, echo=echo)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        event.listen(self.sessionmaker, "before_commit", _write_queued)
        event.listen(self.sessionmaker, "after_commit", _write_queued_apart)
        event.listen(self.sessionmaker, "after_soft_rollback", _forget_queued)
        event.listen(self.sessionmaker, "before_flush", _refuse_flush_when_reading)
        event.listen(self.sessionmaker, "do_orm_execute", _refuse_statement_when_reading)

    def new_session(self, read_only: bool = False) -> Session:
        if not read_only:
            return self.sessionmaker()
        options = {READ_ONLY: True} if _reads_apart(self.sessionmaker) else {}
        session = self.sessionmaker(execution_options=options)
        session.info[_READING] = True
        return session


def _reads_apart(sessions: sessionmaker[Session]) -> bool:
    # Only SQLite readers wait for the writer; tests bind the sessions to one shared connection,
    # which must keep its own transaction mode.
    bind = sessions.kw.get("bind")
    return isinstance(bind, Engine) and bind.dialect.name == "sqlite"


def write_at_commit(session: Session, key: str, write: WriteAtCommit) -> None:
    """Queue a write for when the unit of work commits (once per ``key``): in the same
    transaction, or for a reading unit of work on SQLite in a short one of its own. A rollback
    forgets it."""
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any SQL, forgets the write
    session.info.setdefault(_AT_COMMIT, {})[key] = write


def _write_queued(session: Session) -> None:
    if session.execution_options.get(READ_ONLY):
        return  # after the commit (_write_queued_apart)
    queued: dict[str, WriteAtCommit] = session.info.pop(_AT_COMMIT, {})
    session.info[_WRITING_QUEUED] = True
    try:
        for write in queued.values():
            write(session, session)
        session.flush()
    finally:
        del session.info[_WRITING_QUEUED]


def _write_queued_apart(session: Session) -> None:
    # After the reading transaction has ended: a WAL checkpoint cannot pass a reader's snapshot,
    # so writing while it is still open makes every commit retry the checkpoint.
    queued: dict[str, WriteAtCommit] = session.info.pop(_AT_COMMIT, {})
    if not queued:
        return
    with Session(bind=session.get_bind()) as writer:  # BEGIN IMMEDIATE: the write lock
        for write in queued.values():
            write(session, writer)
        writer.commit()


def _forget_queued(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_AT_COMMIT, None)


def _reading(session: Session) -> bool:
    return bool(session.info.get(_READING)) and not session.info.get(_WRITING_QUEUED)


def _refuse_flush_when_reading(session: Session, _context: Any, _instances: Any) -> None:
    if _reading(session) and (session.new or session.deleted or any(
            session.is_modified(instance) for instance in session.dirty)):
        changed = next(iter([*session.new, *session.deleted, *session.dirty]))
        raise ReadOnlyUnitOfWork(f"a page that only reads tried to change a "
                                 f"{type(changed).__name__}: mark its route @db.writes, or queue "
                                 "the write with db.write_at_commit")


def _refuse_statement_when_reading(state: ORMExecuteState) -> None:
    if _reading(state.session) and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlyUnitOfWork("a page that only reads ran an INSERT, UPDATE or DELETE: mark "
                                 "its route @db.writes, or queue the write with db.write_at_commit")


def init_app(app: Flask, url: str) -> Database:
    database = Database(url, echo=app.config["SQL_ECHO"])
    app.extensions["vendorrisk.db"] = database
    app.teardown_appcontext(_close_session)
    return database


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["vendorrisk.db"]


def session() -> Session:
    """The unit of work of the current request, command or job; a request that only reads (see
    ``read_only_request``) gets a reading one."""
    if "db_session" not in g:
        g.db_session = get_db().new_session(read_only=g.get("db_read_only", False))
    return g.db_session


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable[..., Any])


def writes(view: F) -> F:
    """Marks a GET route that changes the database (its unit of work takes the write lock)."""
    view.writes_database = True  # type: ignore[attr-defined]
    return view


def read_only_request(method: str, view: Callable[..., Any] | None) -> bool:
    return method in SAFE_METHODS and not getattr(view, "writes_database", False)


def commit_if_open() -> None:
    """Commit the current unit of work, if this request opened one."""
    current = g.get("db_session")
    if current is not None:
        current.commit()


def rollback_if_open() -> None:
    current = g.get("db_session")
    if current is not None:
        current.rollback()


def _close_session(_exc: BaseException | None) -> None:
    current = g.pop("db_session", None)
    if current is not None:
        current.close()  # closing rolls back whatever was not committed


@contextmanager
def unit_of_work(app: Flask) -> Iterator[Session]:
    """A unit of work outside a request: commit on success, roll back on any error."""
    with app.app_context():
        current = session()
        try:
            yield current
            current.commit()
        except BaseException:
            current.rollback()
            raise
