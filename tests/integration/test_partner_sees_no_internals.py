"""Scores, weights, option scores and internal comments never reach a partner.

Every page a partner can open is rendered with an assessment that has all of them, and so are the
emails sent to the firm; none may show them. A new partner route is covered without editing this
test: the routes come from the app's own route table.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import TEST_ACTOR, csrf_token
from tests.partner_helpers import PDF
from tests.review_helpers import SECTION, act
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.assessments.models import Assessment, EvidenceFile, Finding
from vendorrisk.audit.chain import Actor
from vendorrisk.incidents import service as incidents
from vendorrisk.incidents.domain import DEFAULT_NOTIFICATION_HOURS
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.scheduling.cadence import Cadence
from vendorrisk.security.policy import policy_for
from vendorrisk.sharing import service as sharing
from vendorrisk.sharing.domain import Channel, CountUnit
from vendorrisk.storage.files import EncryptedFiles, keyring_for
from vendorrisk.vendors.domain import DataCategory, RiskTier

MARKER = "INTERNAL-NOTE-7f3a"
# The review questionnaire's weight (3) and option scores are too common as digits to search
# for; the stored overall score (25) is searched as the page would print it.
FORBIDDEN_WORDS = ("score", "weight", "confidence", "residual", "internal", MARKER)


def partner_get_routes(app) -> list[str]:
    routes = []
    for rule in app.url_map.iter_rules():
        policy = policy_for(app, rule.endpoint)
        if isinstance(policy, frozenset) and Role.PARTNER in policy and "GET" in rule.methods:
            routes.append(rule.endpoint)
    return sorted(routes)


@pytest.fixture
def everything_internal(app, db_session, submitted, tmp_path, make_user):
    """The partner's assessment, reviewed with internal notes, a clarification, a finding with
    an internal comment and a partner response with a file."""
    previous = app.config["UPLOAD_DIR"], app.config["AGREEMENTS_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    sent, partner, reviewer = submitted
    act(reviewer, sent.id, "comment", question="nda", body=MARKER, internal="1")
    act(reviewer, sent.id, "comment", body=MARKER, internal="1")
    act(reviewer, sent.id, "clarify", question="nda", body="Please check your letter.")
    act(reviewer, sent.id, "return")
    finding = db_session.scalar(select(Finding).where(Finding.assessment_id == sent.id))
    reviewer.post(f"/findings/{finding.id}/comment", data={
        "csrf_token": csrf_token(reviewer, f"/findings/{finding.id}"), "body": MARKER,
        "internal": "1"})
    partner.post(f"/partner/findings/{finding.id}", data={
        "csrf_token": csrf_token(partner, f"/partner/findings/{finding.id}"),
        "plan": "We will add a clause.", "files": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data")
    app.config["AGREEMENTS_DIR"] = str(tmp_path / "agreements")
    agreement = agreements.record(
        db_session, TEST_ACTOR, EncryptedFiles(tmp_path / "agreements", keyring_for(app)), 10**6,
        sent.vendor_id, agreements.AgreementDetails(AgreementKind.NDA, AgreementStatus.SENT,
                                                    notes=MARKER),
        agreements.Upload("nda.pdf", PDF))
    incidents.record(db_session, TEST_ACTOR, sent.vendor_id, incidents.IncidentReport(
        MARKER, MARKER, RiskTier.HIGH, True, frozenset({DataCategory.IDENTITY}),
        detected_on=date.today()), DEFAULT_NOTIFICATION_HOURS)  # recorded by procurement
    # Client data disclosed to the firm against the policy: the override and approver are ours.
    approver = make_user(Role.MANAGER, name=MARKER)
    engagement = sharing.open_engagement(db_session, TEST_ACTOR, sent.vendor_id,
                                         sharing.EngagementDetails(
                                             "Deregistration", "A client", MARKER, date.today(),
                                             date.today(), approver.id))
    sharing.record_disclosure(
        db_session, Actor(approver.id, Role.MANAGER.value, "local"), engagement.id,
        sharing.DisclosureDetails(["identity"], 3, CountUnit.DOCUMENTS, Channel.IN_PERSON,
                                  date.today(), date.today(), approver.id), Cadence(),
        override_reason=MARKER)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Assessment, sent.id).score is not None  # there is a score to leak
    yield sent, partner, finding, agreements.documents_of(db_session, agreement.id)[0]
    app.config["UPLOAD_DIR"], app.config["AGREEMENTS_DIR"] = previous


def url_for_partner(endpoint: str, sent, finding, evidence_id: int, document) -> str:
    paths = {
        "partner.home": "/partner/",
        "partner.assessment": f"/partner/assessments/{sent.id}",
        "partner.section": f"/partner/assessments/{sent.id}/{SECTION}",
        "partner.submit": f"/partner/assessments/{sent.id}/submit",
        "partner.receipt": f"/partner/assessments/{sent.id}/receipt",
        "partner.download": f"/partner/evidence/{evidence_id}",
        "partner_findings.respond": f"/partner/findings/{finding.id}",
        "partner_agreements.mine": "/partner/agreements/",
        "partner_agreements.partner_download": f"/partner/agreements/documents/{document.id}",
        "partner_incidents.mine": "/partner/incidents/",
        "partner_incidents.report": "/partner/incidents/new",
        "partner_sharing.mine": "/partner/sharing/",
    }
    assert endpoint in paths, f"new partner route {endpoint}: add how to reach it here"
    return paths[endpoint]


def visible_text(html: str) -> str:
    """What a person reads: tags, attribute values and scripts removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def test_no_partner_page_shows_scores_weights_or_internal_comments(app, db_session,
                                                                   everything_internal):
    sent, partner, finding, document = everything_internal
    evidence_id = db_session.scalar(select(EvidenceFile.id).where(
        EvidenceFile.finding_id == finding.id))
    routes = partner_get_routes(app)
    assert {"partner.home", "partner.section", "partner_findings.respond"} <= set(routes)
    for endpoint in routes:
        response = partner.get(url_for_partner(endpoint, sent, finding, evidence_id, document),
                               follow_redirects=True)
        assert response.status_code == 200, endpoint
        if not response.mimetype.startswith("text/html"):
            assert MARKER.encode() not in response.data, endpoint
            continue
        html = response.get_data(as_text=True)
        assert MARKER not in html, endpoint  # not even in an attribute
        text = visible_text(html).lower()
        for word in FORBIDDEN_WORDS:
            assert word.lower() not in text, (endpoint, word)


def test_no_email_to_the_firm_shows_them(db_session, everything_internal):
    emails = db_session.scalars(select(OutboxEmail).where(
        OutboxEmail.to_address == "li.na@hengxin.example.com")).all()
    assert {e.kind for e in emails} >= {"invitation", "clarification"}
    for email in emails:
        text = f"{email.subject}\n{email.body_text}".lower()
        for word in FORBIDDEN_WORDS:
            assert word.lower() not in text, (email.kind, word)


def test_the_partner_still_sees_what_is_meant_for_it(everything_internal):
    sent, partner, finding, _document = everything_internal
    section = partner.get(f"/partner/assessments/{sent.id}/{SECTION}").get_data(as_text=True)
    assert "Please check your letter." in section
    assert "We will add a clause." in partner.get(
        f"/partner/findings/{finding.id}").get_data(as_text=True)


def test_the_autosave_reply_shows_them_neither(everything_internal):
    sent, partner, _finding, _document = everything_internal
    path = f"/partner/assessments/{sent.id}/{SECTION}"
    page = partner.get(path).get_data(as_text=True)
    version = re.search(r'name="v-nda" value="(\d+)"', page).group(1)
    response = partner.post(path, data={"csrf_token": csrf_token(partner, path), "q-nda": "yes",
                                        "v-nda": version},
                            headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["saved"] == ["nda"]
    for word in FORBIDDEN_WORDS:
        assert word.lower() not in response.get_data(as_text=True).lower(), word
