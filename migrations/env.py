"""Alembic environment: the database is the one the VendorRisk app is configured with.

Callers that already hold a connection (the CLI, the test suite) pass it in
``config.attributes["connection"]``; plain ``alembic`` commands build the app from the environment.
"""

from alembic import context
from sqlalchemy.engine import Connection

from vendorrisk.models import Base

config = context.config
target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from vendorrisk import create_app
    from vendorrisk.db import get_db
    from vendorrisk.migrate import sqlite_foreign_keys_off

    app = create_app()
    with get_db(app).engine.connect() as connection, sqlite_foreign_keys_off(connection):
        run_with(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_online()
