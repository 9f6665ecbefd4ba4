"""Run Alembic against the app's database (used by ``flask db`` and the test suite)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from vendorrisk import PROJECT_ROOT


def alembic_config(engine: Engine) -> Config:
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    config.attributes["engine"] = engine
    return config


def _run(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
        connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, "downgrade", revision)
