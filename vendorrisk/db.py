"""Engine, one session per unit of work, and the SQLite settings that make it a safe embedded store.

The boundary (a request, a CLI command, a job) owns the unit of work: it commits once at the end or
rolls back. Services only ``flush``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
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
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The app's engine and session factory, kept in ``app.extensions``."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.engine = make_engine(url, echo=echo)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)

    def new_session(self) -> Session:
        return self.sessionmaker()


def init_app(app: Flask, url: str) -> Database:
    database = Database(url, echo=app.config["SQL_ECHO"])
    app.extensions["vendorrisk.db"] = database
    app.teardown_appcontext(_close_session)
    return database


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["vendorrisk.db"]


def session() -> Session:
    """The unit of work of the current request, command or job."""
    if "db_session" not in g:
        g.db_session = get_db().new_session()
    return g.db_session


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
