"""A reviewer goes through a submission: score, clarification round trip, acceptance, completion."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token, login
from tests.review_helpers import QUESTIONNAIRE, SECTION, act, save, submit
from vendorrisk.accounts.roles import Role
from vendorrisk.assessments.models import AnswerReview, Assessment, AssessmentStatus
from vendorrisk.audit.models import AuditEvent
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.vendors.domain import RiskTier


def status_of(db_session, assessment_id: int) -> Assessment:
    db_session.expire_all()
    return db_session.get(Assessment, assessment_id)


def test_submitting_scores_the_assessment(db_session, submitted):
    sent, _partner, _reviewer = submitted
    stored = status_of(db_session, sent.id)
    # nda "no" (weight 3) scores 0 and encryption "yes" 100: (0*3 + 100) / 4 = 25, below the cap.
    assert stored.status == AssessmentStatus.SUBMITTED and stored.score == 25
    assert stored.residual_risk == RiskTier.CRITICAL  # high tier x poor controls
    assert stored.confidence_percent == 0  # nothing evidenced or accepted yet


def test_the_reviewer_sees_the_score_and_what_cost_it(submitted):
    sent, _partner, reviewer = submitted
    page = reviewer.get(f"/assessments/{sent.id}/review").get_data(as_text=True)
    assert "25" in page and "/ 100" in page
    assert "What cost the most points" in page
    assert "Failed critical controls" in page and "the answer fails the control" in page
    assert "Confidence" in page and "Critical" in page  # residual risk


def test_a_clarification_round_trip_reopens_exactly_the_questions_concerned(
        db_session, submitted):
    sent, partner, reviewer = submitted
    act(reviewer, sent.id, "clarify", question="nda",
        body="Your engagement letter has a confidentiality clause; is that not an NDA?")
    act(reviewer, sent.id, "comment", question="nda", body="Looks like a misread", internal="1")
    assert status_of(db_session, sent.id).status == AssessmentStatus.UNDER_REVIEW
    response = act(reviewer, sent.id, "return")
    assert response.status_code == 302
    assert status_of(db_session, sent.id).status == AssessmentStatus.RETURNED
    email = db_session.scalar(select(OutboxEmail).where(OutboxEmail.kind == "clarification"))
    assert email.to_address == "li.na@hengxin.example.com"
    assert "clarify 1 of them" in email.body_text and "/partner/" in email.body_text
    assert "misread" not in email.body_text and "25" not in email.body_text

    page = partner.get(f"/partner/assessments/{sent.id}/{SECTION}").get_data(as_text=True)
    assert "is that not an NDA?" in page  # the question for the partner
    assert "Looks like a misread" not in page  # never the internal comment
    assert re.search(r'name="q-nda" value="yes"\s*>', page)  # open: not disabled
    assert re.search(r'name="q-encryption" value="yes" checked\s+disabled', page)

    # Changing a question that was not reopened is ignored; the reopened one and the follow-up
    # it reveals are saved, with a note for the reviewer.
    save(partner, sent.id, {"encryption": "no"})
    save(partner, sent.id, {"nda": "yes"})
    save(partner, sent.id, {"nda-years": "forever"},
         notes={"nda-years": "Clause 12 of our engagement letter survives termination."})
    assert submit(partner, sent.id).status_code == 302
    resubmitted = status_of(db_session, sent.id)
    assert resubmitted.status == AssessmentStatus.SUBMITTED
    assert resubmitted.score == 100  # nda 100 x3, encryption still 100

    sheet = reviewer.get(f"/assessments/{sent.id}/review").get_data(as_text=True)
    assert "Changed since the last verdict" in sheet
    assert "History (2 versions)" in sheet
    assert "Clause 12 of our engagement letter" in sheet and "from the partner" in sheet
    assert "Looks like a misread" in sheet and "internal" in sheet


def test_accepting_everything_completes_the_review(db_session, submitted):
    sent, _partner, reviewer = submitted
    response = act(reviewer, sent.id, "complete")
    assert "not accepted yet" in reviewer.get(response.headers["Location"]).get_data(
        as_text=True)
    act(reviewer, sent.id, "accept-pending")
    states = {r.question_id: r.state for r in db_session.scalars(
        select(AnswerReview).where(AnswerReview.assessment_id == sent.id))}
    assert set(states) == {"nda", "encryption", "notes"}  # every visible question
    assert status_of(db_session, sent.id).confidence_percent == 100
    act(reviewer, sent.id, "complete")
    done = status_of(db_session, sent.id)
    assert done.status == AssessmentStatus.REVIEWED and done.reviewed_at is not None
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"answer.accept", "assessment.review_complete"} <= actions


def test_returning_needs_a_question_to_clarify(submitted):
    sent, _partner, reviewer = submitted
    response = act(reviewer, sent.id, "return")
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ask for clarification on at least one answer" in page


def test_a_clarification_needs_a_comment_and_a_real_question(db_session, submitted):
    sent, _partner, reviewer = submitted
    act(reviewer, sent.id, "clarify", question="nda", body="   ")
    assert "Write the comment first" in reviewer.get(
        f"/assessments/{sent.id}/review").get_data(as_text=True)
    act(reviewer, sent.id, "clarify", question="nda-years", body="?")  # hidden: nda is "no"
    assert "No such question in this assessment" in reviewer.get(
        f"/assessments/{sent.id}/review").get_data(as_text=True)
    assert status_of(db_session, sent.id).status == AssessmentStatus.SUBMITTED


def test_managers_read_the_review_but_cannot_act(app, make_user, submitted):
    sent, _partner, _reviewer = submitted
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER).email)
    page = manager.get(f"/assessments/{sent.id}/review")
    assert page.status_code == 200 and "Request clarification" not in page.get_data(as_text=True)
    sheet = f"/assessments/{sent.id}/review"
    assert manager.post(f"{sheet}/accept-pending",
                        data={"csrf_token": csrf_token(manager, sheet)}).status_code == 403


def test_a_draft_or_unsubmitted_assessment_cannot_be_reviewed(app, db_session, partner_with,
                                                             make_user):
    _firm, sent, _partner = partner_with(QUESTIONNAIRE)
    reviewer = app.test_client()
    login(reviewer, make_user(Role.PROCUREMENT).email)
    response = act(reviewer, sent.id, "accept-pending")
    assert "Only a submitted assessment can be reviewed" in reviewer.get(
        response.headers["Location"]).get_data(as_text=True)
