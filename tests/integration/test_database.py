"""Migrations match the models, and concurrent writers neither fail nor fork the audit chain."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, update

from tests.conftest import TEST_ACTOR, make_app
from tests.databases import scratch_database
from vendorrisk.audit import chain
from vendorrisk.audit import service as audit
from vendorrisk.audit.models import AuditChainHead, AuditEvent
from vendorrisk.db import ReadOnlyUnitOfWork, get_db, unit_of_work
from vendorrisk.migrate import downgrade, upgrade
from vendorrisk.models import Base


def at_once(work: Callable[[int], None], threads: int) -> list[BaseException]:
    """Run ``work(0)`` … ``work(threads - 1)`` in parallel threads; the errors they raised."""
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            work(n)
        except BaseException as error:  # collected and reported by the test
            errors.append(error)

    started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return errors


@pytest.fixture
def fresh_app(tmp_path):
    with scratch_database(tmp_path, "fresh") as url:
        app = make_app(url)
        yield app
        get_db(app).engine.dispose()


def test_upgrading_an_empty_database_yields_exactly_the_models(fresh_app):
    engine = get_db(fresh_app).engine
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_removes_everything_and_upgrade_works_again(fresh_app):
    engine = get_db(fresh_app).engine
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "vendor" in inspect(engine).get_table_names()


def test_concurrent_writers_all_succeed_and_keep_one_chain(fresh_app):
    """SQLite needs BEGIN IMMEDIATE for this (a deferred BEGIN fails with "database is locked");
    PostgreSQL needs the chain head's row lock."""
    upgrade(get_db(fresh_app).engine)
    writers, per_writer = 6, 15

    def write(n: int) -> None:
        for i in range(per_writer):
            with unit_of_work(fresh_app) as session:
                audit.record(session, TEST_ACTOR, "test.write", object_id=f"{n}-{i}")

    assert at_once(write, writers) == []
    with unit_of_work(fresh_app) as session:
        result = chain.verify(session)
    assert result.ok, result.problem
    assert result.checked == writers * per_writer


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(fresh_app):
    engine = get_db(fresh_app).engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_upgrading_a_database_with_data_keeps_every_row(fresh_app):
    """Migrations that rebuild a SQLite table must not cascade-delete what refers to it."""
    engine = get_db(fresh_app).engine
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO user_account (id, email, name, role, password_hash, is_enabled, "
            "created_at, password_changed_at) VALUES (1, 'a@example.com', 'A', 'procurement', "
            "'x', true, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO vendor (id, name, kind, services, website, city, record_count, "
            "stores_data, uses_subcontractors, criticality, tier, tier_points, status, owner_id, "
            "created_at, updated_at, version) VALUES (1, 'Hengxin', 'law_firm', '', '', '', 10, "
            "false, false, 'high', 'critical', 9, 'active', 1, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00', 1)")
        connection.exec_driver_sql(
            "INSERT INTO contact (id, vendor_id, name, email, role, phone, is_primary, created_at)"
            " VALUES (1, 1, 'Li Na', 'li@example.com', '', '', true, '2026-01-01 00:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO vendor_data_category (vendor_id, category) VALUES (1, 'identity')")
    upgrade(engine)
    with engine.connect() as connection:
        count = lambda table: connection.exec_driver_sql(  # noqa: E731
            f"SELECT count(*) FROM {table}").scalar()  # noqa: S608 - fixed table names
        assert [count(t) for t in ("user_account", "vendor", "contact", "vendor_data_category")] \
            == [1, 1, 1, 1]
        assert connection.exec_driver_sql("SELECT tier_rank FROM vendor").scalar() == 3
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_one_invitation_link_accepted_twice_at_once_makes_one_account(fresh_app, tmp_path):
    import re
    from datetime import date, timedelta

    from sqlalchemy import func, select

    from tests.conftest import MINI_QUESTIONNAIRE, vendor_details
    from vendorrisk.accounts.models import User
    from vendorrisk.assessments import service as assessments
    from vendorrisk.mail.models import OutboxEmail
    from vendorrisk.vendors import service as vendors

    upgrade(get_db(fresh_app).engine)
    (tmp_path / "mini-screen.yaml").write_text(MINI_QUESTIONNAIRE, encoding="utf-8")
    with unit_of_work(fresh_app) as session:
        firm = vendors.register_vendor(session, TEST_ACTOR, vendor_details(name="Race LLP"))
        contact = vendors.add_contact(session, TEST_ACTOR, firm.id, name="Li", email="li@x.cn",
                                      role="", phone="", is_primary=True)
        assessments.send(session, TEST_ACTOR, assessments.Portal(
            "Co", "http://p", timedelta(days=14)), tmp_path, assessments.SendRequest(
            firm.id, "mini-screen", frozenset({contact.id}), date.today() + timedelta(days=9)))
    with unit_of_work(fresh_app) as session:
        body = session.scalar(select(OutboxEmail.body_text))
    token = re.search(r"/invite/(\S+)", body).group(1)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            with unit_of_work(fresh_app) as session:
                assessments.accept(session, token, name="Li", password="x" * 14, ip="1.2.3.4",
                                   min_length=12)
            outcomes.append("accepted")
        except assessments.InvitationUnusable:
            outcomes.append("refused")
        except BaseException as error:  # anything else is the bug this test is about
            outcomes.append(repr(error))

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "refused"]
    with unit_of_work(fresh_app) as session:
        assert session.scalar(select(func.count(User.id))) == 1


def test_a_reading_unit_of_work_takes_no_write_lock_and_records_at_commit(fresh_app):
    """A page that only reads runs beside writers: while it is open another unit of work writes
    and commits (on SQLite a held write lock would make that wait 5 s and fail), and its own
    audit entry is chained when it commits."""
    upgrade(get_db(fresh_app).engine)
    with fresh_app.app_context():
        reader = get_db(fresh_app).new_session(read_only=True)
        assert reader.scalar(select(func.count(AuditEvent.id))) == 0  # its snapshot is open
        audit.record(reader, TEST_ACTOR, "vendor.view")
        with unit_of_work(fresh_app) as writer:
            audit.record(writer, TEST_ACTOR, "vendor.update")
        reader.commit()
        reader.close()
        with unit_of_work(fresh_app) as session:
            assert list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))) \
                == ["vendor.update", "vendor.view"]
            assert chain.verify(session).ok


def test_a_reading_unit_of_work_refuses_any_other_write(fresh_app):
    upgrade(get_db(fresh_app).engine)
    with fresh_app.app_context(), get_db(fresh_app).new_session(read_only=True) as reader:
        with pytest.raises(ReadOnlyUnitOfWork):
            reader.execute(update(AuditChainHead).values(last_event_id=7))
        reader.rollback()
        reader.add(AuditChainHead(id=1, last_event_id=0, last_hash="0" * 64))
        with pytest.raises(ReadOnlyUnitOfWork):
            reader.flush()


def test_readers_and_writers_at_once_all_succeed_and_keep_one_chain(fresh_app):
    upgrade(get_db(fresh_app).engine)
    units, per_unit = 6, 15

    def work(n: int) -> None:
        with fresh_app.app_context():
            for i in range(per_unit):
                with get_db(fresh_app).new_session(read_only=n % 2 == 0) as session:
                    session.scalar(select(func.count(AuditEvent.id)))
                    audit.record(session, TEST_ACTOR, "test.unit", object_id=f"{n}-{i}")
                    session.commit()

    assert at_once(work, units) == []
    with unit_of_work(fresh_app) as session:
        result = chain.verify(session)
    assert result.ok, result.problem
    assert result.checked == units * per_unit
