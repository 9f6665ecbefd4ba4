"""Findings: gaps raised by scoring or by a reviewer, answered by the partner, closed by a reviewer.

Scoring's findings follow the submitted answers: each submission opens one for every critical
control that fails and closes those whose control now passes. A reviewer raises others by hand.
The partner sees every finding of its firm (never the internal comments) and responds with a
remediation plan and evidence; the reviewer closes it or reopens it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import VENDOR_EDITORS
from vendorrisk.assessments import evidence
from vendorrisk.assessments.answering import questionnaire_of
from vendorrisk.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceFile,
    Finding,
    FindingSeverity,
    FindingStatus,
    ReviewComment,
)
from vendorrisk.assessments.service import get_assessment
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, NotFound
from vendorrisk.questionnaires import scoring
from vendorrisk.questionnaires.schema import Questionnaire
from vendorrisk.text import clean_text
from vendorrisk.vendors import service as vendors

SCORING, REVIEWER = "scoring", "reviewer"
# How long a partner has to remediate, by severity, unless the reviewer sets a date.
REMEDIATION_DAYS = {FindingSeverity.CRITICAL: 30, FindingSeverity.HIGH: 60,
                    FindingSeverity.MEDIUM: 90, FindingSeverity.LOW: 180}
NOT_YET_SUBMITTED = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.SENT,
                               AssessmentStatus.IN_PROGRESS, AssessmentStatus.CANCELLED})


def default_due_date(severity: FindingSeverity) -> date:
    return clock.now().date() + timedelta(days=REMEDIATION_DAYS[severity])


def is_overdue(finding: Finding, today: date) -> bool:
    return overdue(finding.status, finding.due_date, today)


def overdue(status: FindingStatus, due_date: date | None, today: date) -> bool:
    """The one rule: a finding not closed past its due date (also for rows read as plain
    values)."""
    return status != FindingStatus.CLOSED and due_date is not None and due_date < today


def _text(value: str, what: str, required: bool = True) -> str:
    return clean_text(value, missing=f"Give the finding's {what}." if required else None,
                      too_long=f"Keep the {what} under {{limit}} characters.")


# --- raised by scoring ------------------------------------------------------------------------

def sync_from_scoring(session: Session, actor: Actor, assessment: Assessment,
                      questionnaire: Questionnaire, card: scoring.Scorecard) -> None:
    """Open a finding for each failing critical control; close the ones that pass now."""
    existing = {f.question_id: f for f in session.scalars(select(Finding).where(
        Finding.assessment_id == assessment.id, Finding.source == SCORING,
        Finding.status != FindingStatus.CLOSED))}
    failing = {auto.question_id: auto for auto in card.findings}
    language = questionnaire.languages[0]
    for qid, auto in failing.items():
        if qid in existing:
            continue
        question = questionnaire.question(qid)
        assert question is not None
        severity = FindingSeverity(auto.severity.value)
        finding = Finding(
            assessment_id=assessment.id, vendor_id=assessment.vendor_id, question_id=qid,
            source=SCORING, code=auto.reason.value, severity=severity,
            title=question.text.get(language, qid)[:300], description="", remediation="",
            due_date=default_due_date(severity), owner_id=assessment.vendor.owner_id,
            status=FindingStatus.OPEN, created_at=clock.now(), created_by_id=None)
        session.add(finding)
        session.flush()
        audit.record(session, actor, "finding.raise", object_type="finding",
                     object_id=finding.id, details={"source": SCORING, "question": qid})
    for qid, finding in existing.items():
        if qid not in failing:
            _set_closed(session, actor, finding, "The resubmitted answer meets the control.")


# --- raised and handled by reviewers ----------------------------------------------------------

@dataclass(frozen=True)
class NewFinding:
    severity: FindingSeverity
    title: str
    description: str
    remediation: str
    due_date: date | None
    owner_id: int | None
    question_id: str | None = None


def raise_finding(session: Session, actor: Actor, assessment_id: int,
                  new: NewFinding) -> Finding:
    assessment = get_assessment(session, assessment_id)
    if assessment.status in NOT_YET_SUBMITTED:
        raise DomainError("Findings are raised on submitted answers.")
    if new.question_id is not None and \
            questionnaire_of(assessment).question(new.question_id) is None:
        raise NotFound("No such question in this assessment.")
    if new.owner_id is not None and new.owner_id not in {
            u.id for u in accounts.users_with_roles(session, VENDOR_EDITORS)}:
        raise DomainError("The owner must be one of your procurement colleagues or an admin.")
    if new.due_date is not None and new.due_date < clock.now().date():
        raise DomainError("The remediation due date is in the past.")
    finding = Finding(
        assessment_id=assessment.id, vendor_id=assessment.vendor_id,
        question_id=new.question_id, source=REVIEWER, code="", severity=new.severity,
        title=_text(new.title, "title")[:300], description=_text(new.description, "description"),
        remediation=_text(new.remediation, "required remediation"),
        due_date=new.due_date or default_due_date(new.severity),
        owner_id=new.owner_id or assessment.vendor.owner_id, status=FindingStatus.OPEN,
        created_at=clock.now(), created_by_id=actor.user_id)
    session.add(finding)
    session.flush()
    audit.record(session, actor, "finding.raise", object_type="finding", object_id=finding.id,
                 details={"source": REVIEWER, "assessment_id": assessment.id,
                          "severity": new.severity.value})
    if new.severity == FindingSeverity.CRITICAL and \
            assessment.status == AssessmentStatus.COMPLETED:
        # Found while supervising an approved firm: reassess it now, not at its cadence.
        vendors.request_reassessment(session, actor, assessment.vendor_id,
                                     f"critical finding #{finding.id}")
    return finding


def get_finding(session: Session, finding_id: int, vendor_id: int | None = None) -> Finding:
    """A finding; for a partner (vendor_id given) only one of its own firm's."""
    query = select(Finding).where(Finding.id == finding_id).options(joinedload(Finding.vendor))
    if vendor_id is not None:
        query = query.where(Finding.vendor_id == vendor_id)
    finding = session.scalar(query)
    if finding is None:
        raise NotFound("No such finding.")
    return finding


def _set_closed(session: Session, actor: Actor, finding: Finding, note: str) -> None:
    finding.status, finding.closed_at, finding.closed_by_id = (
        FindingStatus.CLOSED, clock.now(), actor.user_id)
    _comment(session, actor, finding, note, internal=False)
    audit.record(session, actor, "finding.close", object_type="finding", object_id=finding.id)


def close(session: Session, actor: Actor, finding_id: int, note: str) -> Finding:
    finding = get_finding(session, finding_id)
    if finding.status == FindingStatus.CLOSED:
        raise DomainError("This finding is already closed.")
    _set_closed(session, actor, finding, _text(note, "reason for closing"))
    return finding


def reopen(session: Session, actor: Actor, finding_id: int, note: str) -> Finding:
    finding = get_finding(session, finding_id)
    if finding.status != FindingStatus.CLOSED:
        raise DomainError("Only a closed finding can be reopened.")
    reason = _text(note, "reason for reopening")
    finding.status, finding.closed_at, finding.closed_by_id = FindingStatus.OPEN, None, None
    _comment(session, actor, finding, reason, internal=False)
    audit.record(session, actor, "finding.reopen", object_type="finding", object_id=finding.id)
    return finding


def comment(session: Session, actor: Actor, finding_id: int, body: str,
            internal: bool) -> ReviewComment:
    finding = get_finding(session, finding_id)
    return _comment(session, actor, finding, _text(body, "comment"), internal)


def _comment(session: Session, actor: Actor, finding: Finding, body: str,
             internal: bool) -> ReviewComment:
    note = ReviewComment(assessment_id=finding.assessment_id, finding_id=finding.id,
                         internal=internal, body=body, author_id=actor.user_id,
                         created_at=clock.now())
    session.add(note)
    session.flush()
    return note


# --- the partner's side -----------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    filename: str
    stream: BinaryIO


def respond(session: Session, actor: Actor, storage: evidence.Storage, vendor_id: int,
            finding_id: int, plan: str, uploads: Iterable[Upload]) -> Finding:
    """The partner's remediation plan, with evidence; the reviewer's turn next."""
    finding = get_finding(session, finding_id, vendor_id=vendor_id)
    if finding.status == FindingStatus.CLOSED:
        raise DomainError("This finding is closed; there is nothing more to send.")
    body = _text(plan, "remediation plan")
    assessment = session.get(Assessment, finding.assessment_id)
    assert assessment is not None
    # Every file is checked before any is kept, so a refused one leaves nothing half-stored.
    received = [(upload.filename, upload.stream.read(storage.max_bytes + 1)) for upload in uploads]
    for filename, data in received:
        evidence.check(filename, data, storage.max_bytes)
    for filename, data in received:
        evidence.store(session, actor, storage, assessment, finding.question_id or "",
                       filename, io.BytesIO(data), finding_id=finding.id)
    _comment(session, actor, finding, body, internal=False)
    finding.status = FindingStatus.RESPONDED
    audit.record(session, actor, "finding.respond", object_type="finding", object_id=finding.id)
    return finding


# --- reading ----------------------------------------------------------------------------------

@dataclass
class FindingView:
    finding: Finding
    comments: list[ReviewComment]
    files: list[EvidenceFile]


def view(session: Session, finding: Finding, partner_view: bool) -> FindingView:
    query = select(ReviewComment).where(ReviewComment.finding_id == finding.id) \
        .options(joinedload(ReviewComment.author)).order_by(ReviewComment.id)
    if partner_view:
        query = query.where(ReviewComment.internal.is_(False))
    files = session.scalars(select(EvidenceFile).where(
        EvidenceFile.finding_id == finding.id, EvidenceFile.removed_at.is_(None))
        .order_by(EvidenceFile.id))
    return FindingView(finding, list(session.scalars(query)), list(files))


def of_assessment(session: Session, assessment_id: int) -> list[Finding]:
    return list(session.scalars(select(Finding).where(Finding.assessment_id == assessment_id)
                                .order_by(Finding.status, Finding.id)))


def of_vendor(session: Session, vendor_id: int) -> list[Finding]:
    return list(session.scalars(select(Finding).where(Finding.vendor_id == vendor_id)
                                .order_by(Finding.status, Finding.due_date, Finding.id)))


def open_of_assessment(session: Session, assessment_id: int) -> list[Finding]:
    return [f for f in of_assessment(session, assessment_id) if f.status != FindingStatus.CLOSED]
