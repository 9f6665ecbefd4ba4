"""Run Alembic against the app's database (used by ``flask db``, ``alembic`` and the tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from vendorrisk import PROJECT_ROOT


class MigrationError(RuntimeError):
    pass


@contextmanager
def sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite alters a table by copying it and dropping the old one. With foreign keys on, that
    drop is an implicit DELETE which cascades (losing every contact of every vendor) or fails, so
    migrations run with them off, and the result is checked before they go back on."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, where SQLite honours it
    try:
        yield
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        connection.commit()
        if broken:
            raise MigrationError(f"foreign keys broken after migrating: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def alembic_config() -> Config:
    return Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))


def _run(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config()
    with engine.connect() as connection, sqlite_foreign_keys_off(connection):
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
        connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, "downgrade", revision)
