"""Fixtures shared by the partner-side integration tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import TEST_ACTOR
from tests.partner_helpers import QUESTIONNAIRE
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments import service as assessments
from vendorrisk.vendors import service as vendors


@pytest.fixture
def evidence_setup(app, db_session, questionnaires, make_vendor, make_user, tmp_path):
    (questionnaires / "evidence-test.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    firm = make_vendor(name="上海衡信律师事务所")
    contact = vendors.add_contact(db_session, TEST_ACTOR, firm.id, name="李娜",
                                  email="li.na@hengxin.example.com", role="", phone="",
                                  is_primary=True)
    portal = assessments.Portal("Test Co", "http://portal.example.com", timedelta(days=14))
    sent = assessments.send(db_session, TEST_ACTOR, portal, questionnaires,
                            assessments.SendRequest(firm.id, "evidence-test",
                                                    frozenset({contact.id}),
                                                    date.today() + timedelta(days=30)))
    db_session.commit()
    partner = make_user(Role.PARTNER, email=contact.email, vendor_id=firm.id)
    yield firm, sent, partner, tmp_path / "uploads"
    app.config["UPLOAD_DIR"] = previous
