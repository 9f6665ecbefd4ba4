"""CSV exports of every assessment and every finding, read as plain rows before the file streams
(so no database transaction stays open while a large file goes out), each export audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, aliased

from vendorrisk.accounts.models import User
from vendorrisk.assessments import findings
from vendorrisk.assessments.models import (
    Assessment,
    AssessmentStatus,
    Decision,
    Finding,
    FindingStatus,
    QuestionnaireVersion,
    Submission,
)
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.vendors.models import Vendor

ASSESSMENT_COLUMNS = ("id", "firm", "questionnaire", "version", "cycle", "status", "sent_on",
                      "due_on", "last_submitted_on", "score", "confidence_percent",
                      "residual_risk", "reviewer", "reviewed_on", "decision", "decided_on")
FINDING_COLUMNS = ("id", "firm", "assessment_id", "source", "question", "severity", "title",
                   "status", "due_on", "overdue", "owner", "raised_on", "closed_on")


def assessment_rows(session: Session, actor: Actor,
                    status: AssessmentStatus | None = None) -> list[Row[Any]]:
    """One row per assessment in ASSESSMENT_COLUMNS' order, newest first."""
    reviewer = aliased(User)
    last_submitted = (select(func.max(Submission.submitted_at))
                      .where(Submission.assessment_id == Assessment.id).scalar_subquery())
    query = (select(Assessment.id, Vendor.name, QuestionnaireVersion.title,
                    QuestionnaireVersion.version, Assessment.cycle, Assessment.status,
                    Assessment.sent_at, Assessment.due_date, last_submitted, Assessment.score,
                    Assessment.confidence_percent, Assessment.residual_risk, reviewer.name,
                    Assessment.reviewed_at, Decision.outcome, Decision.decided_at)
             .join(Vendor, Vendor.id == Assessment.vendor_id)
             .join(QuestionnaireVersion,
                   QuestionnaireVersion.id == Assessment.questionnaire_version_id)
             .outerjoin(reviewer, reviewer.id == Assessment.reviewer_id)
             .outerjoin(Decision, Decision.assessment_id == Assessment.id)
             .order_by(Assessment.created_at.desc(), Assessment.id.desc()))
    if status is not None:
        query = query.where(Assessment.status == status)
    rows = session.execute(query).all()
    audit.record(session, actor, "assessment.export", details={
        "status": status.value if status else None, "rows": len(rows)})
    return list(rows)


def finding_rows(session: Session, actor: Actor, today: date,
                 status: FindingStatus | None = None) -> list[tuple[Any, ...]]:
    """One row per finding in FINDING_COLUMNS' order, the soonest due first."""
    owner = aliased(User)
    query = (select(Finding.id, Vendor.name, Finding.assessment_id, Finding.source,
                    Finding.question_id, Finding.severity, Finding.title, Finding.status,
                    Finding.due_date, owner.name, Finding.created_at, Finding.closed_at)
             .join(Vendor, Vendor.id == Finding.vendor_id)
             .outerjoin(owner, owner.id == Finding.owner_id)
             .order_by(Finding.due_date.is_(None), Finding.due_date, Finding.id))
    if status is not None:
        query = query.where(Finding.status == status)
    rows = session.execute(query).all()
    audit.record(session, actor, "finding.export", details={
        "status": status.value if status else None, "rows": len(rows)})
    return [(*row[:9], findings.overdue(row.status, row.due_date, today), *row[9:])
            for row in rows]
