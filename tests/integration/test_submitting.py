"""Submitting: what is missing is listed, the person attests, answers lock, a receipt proves it."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from tests.conftest import csrf_token, login
from tests.partner_helpers import PDF, upload
from vendorrisk.assessments.models import AssessmentStatus, Submission
from vendorrisk.audit.models import AuditEvent


def submit(client, assessment_id, **changes):
    path = f"/partner/assessments/{assessment_id}/submit"
    data = {"csrf_token": csrf_token(client, path), "name": "李娜", "position": "合伙人",
            "confirm": "y"}
    data.update(changes)
    return client.post(path, data={k: v for k, v in data.items() if v is not None})


def test_missing_answers_and_files_are_listed_before_submitting(client, evidence_setup):
    _firm, sent, partner, _folder = evidence_setup
    login(client, partner.email)
    page = client.get(f"/partner/assessments/{sent.id}/submit").get_data(as_text=True)
    assert "Upload your confidentiality policy" in page and "no file attached" in page
    assert "Do all staff sign confidentiality undertakings" in page and "not answered" in page
    upload(client, sent.id, {}, {"staff-ndas": "yes"})
    page = client.get(f"/partner/assessments/{sent.id}/submit").get_data(as_text=True)
    assert "evidence for this answer is missing" in page  # "yes" claims it: proof needed
    refused = submit(client, sent.id)
    assert refused.status_code == 200 and "Before you can submit" in refused.get_data(
        as_text=True)


def test_a_complete_questionnaire_is_submitted_locked_and_receipted(client, evidence_setup,
                                                                    db_session):
    _firm, sent, partner, _folder = evidence_setup
    login(client, partner.email)
    upload(client, sent.id, {"policy": ("policy.pdf", PDF)}, {"staff-ndas": "no"})
    no_tick = submit(client, sent.id, confirm=None)
    assert "Tick the box to make the statement." in no_tick.get_data(as_text=True)
    response = submit(client, sent.id)
    assert response.status_code == 302
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    submission = db_session.scalar(select(Submission))
    assert submission.digest in receipt and "李娜, 合伙人" in receipt
    assert hashlib.sha256(submission.content_json.encode()).hexdigest() == submission.digest
    assert hashlib.sha256(PDF).hexdigest() in submission.content_json
    assert "policy.pdf" in receipt and "Do all staff sign" in receipt
    db_session.expire_all()
    assert db_session.get(type(sent), sent.id).status == AssessmentStatus.SUBMITTED
    logged = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.submit"))
    assert submission.digest in logged.details
    # Locked: a later save changes nothing and says why.
    page = client.get(f"/partner/assessments/{sent.id}/policies").get_data(as_text=True)
    assert "can no longer be changed" in page and "<button type=\"submit\" class=\"primary\"" \
        not in page
    token = csrf_token(client, f"/partner/assessments/{sent.id}/policies")
    late = client.post(f"/partner/assessments/{sent.id}/policies",
                       data={"csrf_token": token, "q-staff-ndas": "yes", "v-staff-ndas": "1"})
    assert late.status_code == 400 and "can no longer be changed" in late.get_data(as_text=True)
    again = client.get(f"/partner/assessments/{sent.id}/submit")
    assert again.status_code == 302 and "receipt" in again.headers["Location"]


def test_the_digest_changes_with_any_answer(client, evidence_setup, db_session, app):
    from vendorrisk.assessments import answering, submitting

    _firm, sent, partner, _folder = evidence_setup
    login(client, partner.email)
    upload(client, sent.id, {"policy": ("policy.pdf", PDF)}, {"staff-ndas": "no"})
    with app.test_request_context():
        questionnaire = answering.questionnaire_of(sent)
        first = submitting.submitted_content(db_session, sent, questionnaire)
    page = client.get(f"/partner/assessments/{sent.id}/policies").get_data(as_text=True)
    version = re.search(r'name="v-staff-ndas" value="(\d+)"', page).group(1)
    client.post(f"/partner/assessments/{sent.id}/policies", data={
        "csrf_token": csrf_token(client, f"/partner/assessments/{sent.id}/policies"),
        "q-staff-ndas": "yes", "v-staff-ndas": version})
    with app.test_request_context():
        second = submitting.submitted_content(db_session, sent, questionnaire)
    assert first != second
