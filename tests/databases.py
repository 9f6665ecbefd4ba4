"""Throwaway databases for a test run: a SQLite file, or a fresh PostgreSQL database.

``VENDORRISK_TEST_DB=postgresql`` runs the suite against PostgreSQL (``make test-pg``); the server
is taken from ``VENDORRISK_TEST_PG`` (default: the local server on 127.0.0.1:5432, user postgres).
Each database is created for the run and dropped after it, so runs never see each other's data.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

BACKEND = os.environ.get("VENDORRISK_TEST_DB", "sqlite")
PG_SERVER = os.environ.get("VENDORRISK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _admin_dsn() -> str:
    url = make_url(PG_SERVER).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@contextmanager
def scratch_database(tmp_dir: Path, label: str) -> Iterator[str]:
    """Yield the URL of an empty database that is removed afterwards."""
    if BACKEND == "sqlite":
        path = tmp_dir / f"{label}-{secrets.token_hex(4)}.db"
        yield f"sqlite:///{path}"
        return
    if BACKEND != "postgresql":
        raise RuntimeError(f"VENDORRISK_TEST_DB must be sqlite or postgresql, not {BACKEND!r}")
    name = f"vr_test_{label}_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
