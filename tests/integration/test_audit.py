"""The audit log: append-only, hash-chained, verifiable, browsable and exportable by admins."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import TEST_ACTOR
from vendorrisk.accounts.roles import Role
from vendorrisk.audit import service as audit
from vendorrisk.audit.models import AuditEvent
from vendorrisk.db import get_db


def _record_some(db_session, n: int = 5) -> None:
    for i in range(n):
        audit.record(db_session, TEST_ACTOR, "vendor.view", object_type="vendor", object_id=i)
    db_session.commit()


def _drop_append_only_guard(db_session) -> None:
    """What an attacker with database access would do first."""
    if db_session.bind.dialect.name == "sqlite":
        db_session.execute(text("DROP TRIGGER audit_event_no_update"))
        db_session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        db_session.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_an_intact_log_verifies(app, db_session):
    _record_some(db_session)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 5 entries" in result.output


def test_the_database_refuses_to_change_or_delete_entries(db_session):
    _record_some(db_session, 2)
    for statement in ("UPDATE audit_event SET outcome = 'denied' WHERE id = 1",
                      "DELETE FROM audit_event WHERE id = 1"):
        nested = db_session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db_session.execute(text(statement))
        nested.rollback()


def test_an_edited_entry_is_found(app, db_session):
    _record_some(db_session)
    _drop_append_only_guard(db_session)
    db_session.execute(text("UPDATE audit_event SET actor_role = 'admin' WHERE id = 3"))
    db_session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "BROKEN at entry 3" in result.output and "altered" in result.output


def test_a_deleted_entry_is_found(app, db_session):
    _record_some(db_session)
    _drop_append_only_guard(db_session)
    db_session.execute(text("DELETE FROM audit_event WHERE id = 2"))
    db_session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "BROKEN at entry 2" in result.output


def test_deleting_the_newest_entries_is_found(app, db_session):
    _record_some(db_session)
    _drop_append_only_guard(db_session)
    db_session.execute(text("DELETE FROM audit_event WHERE id >= 4"))
    db_session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entries after 3 were removed" in result.output


def test_a_recomputed_hash_does_not_hide_an_edit(app, db_session):
    """Rewriting an entry and its own hash still breaks the link from the next entry."""
    _record_some(db_session)
    _drop_append_only_guard(db_session)
    db_session.execute(text("UPDATE audit_event SET hash = :h WHERE id = 2"), {"h": "f" * 64})
    db_session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "BROKEN at entry 2" in result.output


def test_admins_browse_and_filter_the_log(client, login_as, make_vendor):
    admin = login_as(Role.ADMIN)
    vendor = make_vendor()
    client.get(f"/vendors/{vendor.id}")
    page = client.get("/admin/audit/", query_string={"action": "vendor.view"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "vendor.view" in html and admin.name in html
    assert "auth.login" not in html.split("<tbody>")[1]
    denied = client.get("/admin/audit/", query_string={"outcome": "denied"})
    assert "vendor.view" not in denied.get_data(as_text=True).split("<tbody>")[1]


def test_admins_export_the_log_as_csv(client, login_as, make_vendor):
    login_as(Role.ADMIN)
    vendor = make_vendor(name="上海衡信律师事务所")
    client.get(f"/vendors/{vendor.id}")
    response = client.get("/admin/audit/export.csv", query_string={"action": "vendor.view"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows and all(row["action"] == "vendor.view" for row in rows)
    assert rows[-1]["object_id"] == str(vendor.id)
    assert len(rows[-1]["hash"]) == 64


def test_a_failed_sign_in_is_logged_without_the_password(client, db_session, make_user):
    from tests.conftest import login
    from vendorrisk.audit.models import AuditEvent

    user = make_user(Role.ADMIN)
    login(client, user.email, "secret-guess-1234")
    event = db_session.query(AuditEvent).filter_by(action="auth.login",
                                                   outcome="failure").one()
    assert event.object_id == str(user.id)
    assert "secret-guess-1234" not in event.details


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_entries_join_the_chain_when_their_unit_of_work_commits(app, db_session):
    audit.record(db_session, TEST_ACTOR, "first")
    audit.record(db_session, TEST_ACTOR, "second")
    with get_db(app).new_session() as other:  # another request, committing in between
        audit.record(other, TEST_ACTOR, "meanwhile")
        other.commit()
    db_session.commit()
    assert _actions(db_session) == ["meanwhile", "first", "second"]
    assert verify(app).exit_code == 0


def test_a_rolled_back_unit_of_work_leaves_no_entry_behind(app, db_session):
    audit.record(db_session, TEST_ACTOR, "undone")
    db_session.rollback()
    audit.record(db_session, TEST_ACTOR, "kept")
    db_session.commit()
    assert _actions(db_session) == ["kept"]


def test_a_rolled_back_savepoint_forgets_only_its_own_entries(app, db_session):
    audit.record(db_session, TEST_ACTOR, "before")
    with pytest.raises(RuntimeError), db_session.begin_nested():
        audit.record(db_session, TEST_ACTOR, "inside")
        raise RuntimeError("refused")
    db_session.commit()
    assert _actions(db_session) == ["before"]

