"""Fixtures: one migrated database per run, one rolled-back transaction per test."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.databases import scratch_database
from vendorrisk import clock, create_app
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments import service as assessments
from vendorrisk.audit.chain import Actor
from vendorrisk.db import get_db
from vendorrisk.migrate import upgrade
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import Criticality, DataCategory, VendorKind
from vendorrisk.vendors.models import Vendor

PASSWORD = "correct horse battery staple"
# Stored documents are encrypted; the suite uses a throwaway key of its own, never a real one.
os.environ.setdefault("VENDORRISK_STORAGE_KEYS", json.dumps(
    {"active": "test", "keys": {"test": secrets.token_urlsafe(32)}}))
TEST_ACTOR = Actor.system("test")


def make_app(database_url: str, **overrides: Any) -> Flask:
    return create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, **overrides})


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with scratch_database(tmp_path_factory.mktemp("db"), "main") as url:
        files = tmp_path_factory.mktemp("files")  # never the repository's instance folder
        application = make_app(url, UPLOAD_DIR=str(files / "uploads"),
                               AGREEMENTS_DIR=str(files / "agreements"),
                               REPORT_CACHE_DIR=str(files / "report-cache"),
                               CERTIFICATES_DIR=str(files / "certificates"))
        upgrade(get_db(application).engine)
        yield application
        get_db(application).engine.dispose()


@contextmanager
def rolled_back(app: Flask) -> Iterator[Session]:
    """Every session opened meanwhile (requests, CLI, factories) shares one outer transaction
    that is rolled back at the end; their commits only release savepoints."""
    database = get_db(app)
    original = dict(database.sessionmaker.kw)
    connection = database.engine.connect()
    outer = connection.begin()
    database.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    session = database.sessionmaker()
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
        database.sessionmaker.kw.clear()
        database.sessionmaker.kw.update(original)


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """One rolled-back transaction per test."""
    with rolled_back(app) as session:
        yield session


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    return app.test_client()


class FrozenClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    clock.use(frozen)
    yield frozen
    clock.use(None)


@pytest.fixture
def make_user(db_session: Session) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def factory(role: Role = Role.PROCUREMENT, email: str | None = None,
                name: str | None = None, password: str = PASSWORD,
                vendor_id: int | None = None) -> User:
        n = next(counter)
        user = accounts.create_user(
            db_session, TEST_ACTOR, email=email or f"{role.value}{n}@example.com",
            name=name or f"{role.value.title()} User {n}", role=role, password=password,
            min_length=12, vendor_id=vendor_id)
        db_session.commit()
        return user

    return factory


def vendor_details(**changes: Any) -> vendors.VendorDetails:
    base: dict[str, Any] = {
        "name": "上海衡信律师事务所", "kind": VendorKind.LAW_FIRM,
        "services": "Deregistration filings", "website": "https://hengxin.example.com",
        "city": "Shanghai", "data_categories": frozenset({DataCategory.IDENTITY}),
        "record_count": 500, "stores_data": False, "uses_subcontractors": False,
        "criticality": Criticality.MEDIUM, "owner_id": None,
    }
    base.update(changes)
    return vendors.VendorDetails(**base)


@pytest.fixture
def make_vendor(db_session: Session) -> Callable[..., Vendor]:
    counter = iter(range(1, 100_000))

    def factory(**changes: Any) -> Vendor:
        changes.setdefault("name", f"Partner Firm {next(counter)}")
        vendor = vendors.register_vendor(db_session, TEST_ACTOR, vendor_details(**changes))
        db_session.commit()
        return vendor

    return factory


MINI_QUESTIONNAIRE = """\
id: mini-screen
version: "1.0.0"
languages: [en, zh]
title: {en: Mini screen, zh: 简易筛查}
sections:
  - id: basics
    title: {en: Basics, zh: 基本情况}
    questions:
      - id: nda
        type: yes_no
        text: {en: 'Will you sign our NDA?', zh: 是否愿意签署我方保密协议？}
"""


@pytest.fixture
def questionnaires(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """A questionnaire folder holding one small questionnaire, 'mini-screen'."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "mini-screen.yaml").write_text(MINI_QUESTIONNAIRE, encoding="utf-8")
    previous = {key: app.config[key] for key in ("QUESTIONNAIRES_DIR", "ORGANIZATION_NAME",
                                                 "PUBLIC_URL")}
    app.config.update(QUESTIONNAIRES_DIR=str(folder), ORGANIZATION_NAME="上海示例企业服务有限公司",
                      PUBLIC_URL="http://portal.example.com")
    yield folder
    app.config.update(previous)


@pytest.fixture
def make_assessment(app: Flask, db_session: Session, questionnaires: Path) -> Callable[..., Any]:
    """Send 'mini-screen' to a firm's contact through the real service."""

    def factory(vendor: Vendor, contact_email: str = "li.na@example.com") -> Any:
        contact = vendors.add_contact(db_session, TEST_ACTOR, vendor.id, name="李娜",
                                      email=contact_email, role="", phone="", is_primary=True)
        portal = assessments.Portal("Test Co", "http://portal.example.com", timedelta(days=14))
        assessment = assessments.send(db_session, TEST_ACTOR, portal, questionnaires,
                                      assessments.SendRequest(vendor.id, "mini-screen",
                                                              frozenset({contact.id}),
                                                              date.today() + timedelta(days=30)))
        db_session.commit()
        return assessments.get_assessment(db_session, assessment.id)

    return factory


@pytest.fixture
def partner_with(db_session: Session, questionnaires: Path, make_vendor: Callable[..., Any],
                 make_user: Callable[..., User]) -> Callable[..., tuple[Any, Any, User]]:
    """Given a questionnaire's YAML: a firm that was sent it, and the firm's partner user."""

    def factory(questionnaire_yaml: str, name: str = "上海衡信律师事务所",
                email: str = "li.na@hengxin.example.com") -> tuple[Any, Any, User]:
        key = re.search(r"^id: (\S+)$", questionnaire_yaml, re.MULTILINE).group(1)  # type: ignore[union-attr]
        (questionnaires / f"{key}.yaml").write_text(questionnaire_yaml, encoding="utf-8")
        firm = make_vendor(name=name)
        contact = vendors.add_contact(db_session, TEST_ACTOR, firm.id, name="李娜",
                                      email=email, role="", phone="", is_primary=True)
        portal = assessments.Portal("Test Co", "http://portal.example.com", timedelta(days=14))
        sent = assessments.send(db_session, TEST_ACTOR, portal, questionnaires,
                                assessments.SendRequest(firm.id, key, frozenset({contact.id}),
                                                        date.today() + timedelta(days=30)))
        db_session.commit()
        partner = make_user(Role.PARTNER, email=contact.email, vendor_id=firm.id)
        return firm, sent, partner

    return factory


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path``, read from the page as a browser would."""
    page = client.get(path)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} (status {page.status_code})"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[[Role], User]:
    def sign_in(role: Role) -> User:
        user = make_user(role)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


def statements_for(app: Flask, client: FlaskClient, path: str) -> int:
    """How many SQL statements a GET of ``path`` issues (which must answer 200)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)
