"""Fixtures shared by the partner-side integration tests."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.partner_helpers import QUESTIONNAIRE
from tests.review_helpers import QUESTIONNAIRE as REVIEW_QUESTIONNAIRE
from tests.review_helpers import save, submit
from vendorrisk.accounts.roles import Role
from vendorrisk.vendors.domain import RiskTier


@pytest.fixture
def evidence_setup(app, partner_with, tmp_path):
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield (*partner_with(QUESTIONNAIRE), tmp_path / "uploads")
    app.config["UPLOAD_DIR"] = previous


@pytest.fixture
def submitted(app, db_session, partner_with, make_user):
    """A firm (high inherent tier) that answered NDA "no" and encryption "yes", and submitted;
    a signed-in partner client and a signed-in procurement reviewer."""
    firm, sent, partner = partner_with(REVIEW_QUESTIONNAIRE)
    firm.tier = RiskTier.HIGH
    db_session.commit()
    partner_client = app.test_client()
    login(partner_client, partner.email)
    assert save(partner_client, sent.id, {"nda": "no", "encryption": "yes"}).status_code == 302
    assert submit(partner_client, sent.id).status_code == 302
    reviewer = app.test_client()
    login(reviewer, make_user(Role.PROCUREMENT).email)
    return sent, partner_client, reviewer
