"""Findings from scoring and reviewers, the partner's remediation, the manager's decision."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TEST_ACTOR, csrf_token, login
from tests.partner_helpers import PDF
from tests.review_helpers import (
    act,
    complete_review,
    decide,
    manager_client,
    post,
    raise_finding,
    save,
    submit,
)
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.models import (
    AnswerReview,
    Assessment,
    AssessmentStatus,
    Decision,
    EvidenceFile,
    Finding,
    FindingSeverity,
    FindingStatus,
)
from vendorrisk.vendors.domain import RiskTier, VendorStatus
from vendorrisk.vendors.models import Vendor


@pytest.fixture
def uploads(app, tmp_path):
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config["UPLOAD_DIR"] = previous


def findings_of(db_session, assessment_id: int) -> list[Finding]:
    db_session.expire_all()
    return list(db_session.scalars(select(Finding).where(Finding.assessment_id == assessment_id)
                                   .order_by(Finding.id)))


# --- findings ---------------------------------------------------------------------------------

def test_a_failed_critical_control_raises_a_finding_that_the_answer_later_closes(
        db_session, submitted, frozen_clock):
    sent, partner, reviewer = submitted
    [finding] = findings_of(db_session, sent.id)
    assert (finding.source, finding.question_id, finding.code) == ("scoring", "nda",
                                                                   "critical_failed")
    assert finding.severity == FindingSeverity.CRITICAL and finding.status == FindingStatus.OPEN
    assert finding.due_date is not None  # 30 days for a critical finding
    # The partner sees it on its home page.
    assert finding.title in partner.get("/partner/").get_data(as_text=True)

    act(reviewer, sent.id, "clarify", question="nda", body="Check your engagement letter.")
    act(reviewer, sent.id, "return")
    save(partner, sent.id, {"nda": "yes"})
    save(partner, sent.id, {"nda-years": "forever"})
    submit(partner, sent.id)
    [closed] = findings_of(db_session, sent.id)
    assert closed.status == FindingStatus.CLOSED and closed.closed_at is not None


def test_a_reviewer_raises_a_finding_and_the_partner_responds_with_a_plan_and_evidence(
        db_session, submitted, uploads, make_user):
    sent, partner, reviewer = submitted
    colleague = make_user(Role.PROCUREMENT, name="王芳")
    response = raise_finding(reviewer, sent.id, question="encryption", owner=str(colleague.id))
    assert response.status_code == 302
    finding = findings_of(db_session, sent.id)[-1]
    assert finding.source == "reviewer" and finding.question_id == "encryption"
    assert finding.due_date == date.today() + timedelta(days=60)  # high: 60 days by default
    assert finding.owner_id == colleague.id
    assert "王芳" in reviewer.get(f"/findings/{finding.id}").get_data(as_text=True)
    post(reviewer, f"/findings/{finding.id}", f"/findings/{finding.id}/comment",
         body="Vendor seemed evasive on site.", internal="1")

    page = partner.get(f"/partner/findings/{finding.id}").get_data(as_text=True)
    assert "Enable full-disk encryption" in page
    assert "evasive" not in page  # the internal comment never reaches the partner
    response = partner.post(f"/partner/findings/{finding.id}", data={
        "csrf_token": csrf_token(partner, f"/partner/findings/{finding.id}"),
        "plan": "BitLocker on all laptops by the end of the month.",
        "files": (io.BytesIO(PDF), "bitlocker-report.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    [responded] = [f for f in findings_of(db_session, sent.id) if f.id == finding.id]
    assert responded.status == FindingStatus.RESPONDED
    stored = db_session.scalar(select(EvidenceFile).where(EvidenceFile.finding_id == finding.id))
    assert stored.original_name == "bitlocker-report.pdf"
    # The reviewer sees plan and file, and closes the finding; the partner sees why.
    detail = reviewer.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert "BitLocker on all laptops" in detail and "bitlocker-report.pdf" in detail
    post(reviewer, f"/findings/{finding.id}", f"/findings/{finding.id}/close",
         body="Report shows every laptop encrypted.")
    assert "Report shows every laptop encrypted" in partner.get(
        f"/partner/findings/{finding.id}").get_data(as_text=True)
    post(reviewer, f"/findings/{finding.id}", f"/findings/{finding.id}/reopen",
         body="Found another laptop.")
    assert findings_of(db_session, sent.id)[-1].status == FindingStatus.OPEN


def test_a_bad_file_in_a_response_keeps_nothing_and_says_why(db_session, submitted, uploads):
    sent, partner, reviewer = submitted
    raise_finding(reviewer, sent.id)
    finding = findings_of(db_session, sent.id)[-1]
    response = partner.post(f"/partner/findings/{finding.id}", data={
        "csrf_token": csrf_token(partner, f"/partner/findings/{finding.id}"),
        "plan": "Here is the proof.",
        "files": [(io.BytesIO(PDF), "ok.pdf"), (io.BytesIO(b"MZ\x90\x00"), "report.pdf")]},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "does not contain what its name says" in page
    assert "Here is the proof." in page  # what was typed is shown again
    assert findings_of(db_session, sent.id)[-1].status == FindingStatus.OPEN
    assert db_session.scalar(select(EvidenceFile).where(
        EvidenceFile.finding_id == finding.id)) is None
    assert not any(path.is_file() for path in uploads.rglob("*"))


def test_another_firms_finding_does_not_exist_for_a_partner(app, db_session, submitted,
                                                            make_vendor, make_user):
    sent, _partner, reviewer = submitted
    raise_finding(reviewer, sent.id)
    finding = findings_of(db_session, sent.id)[-1]
    stranger = app.test_client()
    other = make_vendor(name="Another Firm LLP")
    login(stranger, make_user(Role.PARTNER, vendor_id=other.id).email)
    assert stranger.get(f"/partner/findings/{finding.id}").status_code == 404
    assert stranger.post(f"/partner/findings/{finding.id}", data={"plan": "x"}).status_code \
        in (400, 404)


def test_a_finding_needs_a_title_description_and_remediation(db_session, submitted):
    sent, _partner, reviewer = submitted
    before = len(findings_of(db_session, sent.id))
    response = raise_finding(reviewer, sent.id, title="  ")
    assert "Give the finding&#39;s title" in reviewer.get(response.headers["Location"]).get_data(
        as_text=True)
    raise_finding(reviewer, sent.id, due_date="2001-01-01")
    raise_finding(reviewer, sent.id, due_date="next week")
    partner_user = db_session.scalar(select(User).where(User.role == Role.PARTNER))
    response = raise_finding(reviewer, sent.id, owner=str(partner_user.id))
    assert "must be one of your procurement colleagues" in reviewer.get(
        response.headers["Location"]).get_data(as_text=True)
    assert len(findings_of(db_session, sent.id)) == before


# --- decisions --------------------------------------------------------------------------------

def test_a_manager_cannot_decide_before_the_review_is_complete(app, db_session, submitted,
                                                               make_user):
    sent, _partner, _reviewer = submitted
    manager = manager_client(app, make_user)
    response = decide(manager, sent.id, "approved_with_conditions")
    assert "Only a reviewed assessment can be decided" in manager.get(
        response.headers["Location"]).get_data(as_text=True)
    assert db_session.scalar(select(Decision)) is None


def test_approving_with_conditions_makes_open_findings_conditions_and_activates_the_firm(
        app, db_session, submitted, make_user):
    sent, _partner, reviewer = submitted
    complete_review(reviewer, sent.id)
    manager = manager_client(app, make_user)
    refused = decide(manager, sent.id, "approved")  # the NDA finding is open
    assert "still open" in manager.get(refused.headers["Location"]).get_data(as_text=True)
    decide(manager, sent.id, "approved_with_conditions",
           reason="NDA clause to be added to the engagement letter within 30 days.")
    db_session.expire_all()
    decision = db_session.scalar(select(Decision))
    [nda_finding] = findings_of(db_session, sent.id)
    assert json.loads(decision.conditions_json) == [nda_finding.id]
    assert decision.score == 25 and decision.residual_risk == RiskTier.CRITICAL
    assessment = db_session.get(Assessment, sent.id)
    assert assessment.status == AssessmentStatus.COMPLETED and assessment.decided_at
    vendor = db_session.get(Vendor, sent.vendor_id)
    assert vendor.status == VendorStatus.ACTIVE
    assert (vendor.residual_risk, vendor.control_score) == (RiskTier.CRITICAL, 25)
    page = manager.get(f"/assessments/{sent.id}/review").get_data(as_text=True)
    assert "Approved with conditions" in page and "NDA clause to be added" in page
    again = decide(manager, sent.id, "rejected")
    assert "Only a reviewed assessment" in manager.get(again.headers["Location"]).get_data(
        as_text=True)


def test_rejecting_suspends_the_firm(app, db_session, submitted, make_user):
    sent, _partner, reviewer = submitted
    complete_review(reviewer, sent.id)
    decide(manager_client(app, make_user), sent.id, "rejected", reason="No NDA practice.")
    db_session.expire_all()
    assert db_session.get(Vendor, sent.vendor_id).status == VendorStatus.SUSPENDED


def test_procurement_cannot_decide_and_a_reason_is_required(app, db_session, submitted,
                                                            make_user):
    sent, _partner, reviewer = submitted
    complete_review(reviewer, sent.id)
    assert decide(reviewer, sent.id, "rejected").status_code == 403
    manager = manager_client(app, make_user)
    response = decide(manager, sent.id, "rejected", reason="   ")
    assert "Write the reason" in manager.get(response.headers["Location"]).get_data(
        as_text=True)
    assert decide(manager, sent.id, "maybe").status_code == 302
    assert db_session.scalar(select(Decision)) is None


# --- reassessment -----------------------------------------------------------------------------

def test_a_reassessment_starts_from_the_last_answers_and_keeps_unchanged_acceptances(
        app, db_session, submitted, make_user, questionnaires):
    sent, partner, reviewer = submitted
    complete_review(reviewer, sent.id)
    decide(manager_client(app, make_user), sent.id, "approved_with_conditions",
           reason="NDA to follow.")
    contact_id = assessments.get_assessment(db_session, sent.id).invitations[0].contact_id
    portal = assessments.Portal("Test Co", "http://portal.example.com", timedelta(days=14))
    again = assessments.send(db_session, TEST_ACTOR, portal, questionnaires,
                             assessments.SendRequest(sent.vendor_id, "review-test",
                                                     frozenset({contact_id}),
                                                     date.today() + timedelta(days=30)))
    db_session.commit()
    assert again.cycle == 1

    page = partner.get(f"/partner/assessments/{again.id}/basics").get_data(as_text=True)
    assert re.search(r'name="q-nda" value="no" checked', page)  # carried forward
    save(partner, again.id, {"encryption": "no"})
    assert submit(partner, again.id).status_code == 302

    sheet = reviewer.get(f"/assessments/{again.id}/review").get_data(as_text=True)
    assert "1 answer(s) changed since" in sheet
    assert "Changed since the last assessment; it was: Yes" in sheet
    assert "Unchanged since the last assessment" in sheet and "(carried over)" in sheet
    db_session.expire_all()
    reviews = {r.question_id: r for r in db_session.scalars(
        select(AnswerReview).where(AnswerReview.assessment_id == again.id))}
    assert reviews["nda"].carried_over_from_id == sent.id  # unchanged: acceptance kept
    assert "encryption" not in reviews  # changed: to be reviewed again
