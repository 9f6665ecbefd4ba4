"""Reminders about what is late: questionnaires and findings past their due date (weekly, to the
firm), and invitation links that expired unused (once, to the firm's owner here).

A database-driven sweep: each reminder is recorded under a unique key in the transaction that
queues its emails, so a doubled or late run never sends one twice and a missed run sends it at
the next one. Emails carry no scores, comments or findings' internals: only what is late and a
link to sign in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from vendorrisk import clock
from vendorrisk.assessments.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    Invitation,
)
from vendorrisk.mail import service as mail
from vendorrisk.scheduling.models import ReminderSent
from vendorrisk.vendors.models import Vendor


@dataclass
class LateReport:
    assessments: int = 0
    findings: int = 0
    invitations: int = 0


@dataclass(frozen=True)
class Reminder:
    subject_type: str
    subject_id: int
    key: str
    recipients: frozenset[str]
    subject: str
    body: str
    kind: str = ""  # the emails' kind in the outbox; default: late_<subject_type>


def send_once(session: Session, reminder: Reminder) -> bool:
    """Queue the reminder unless it was sent under its key already; its own transaction."""
    if session.scalar(select(ReminderSent.id).where(
            ReminderSent.subject_type == reminder.subject_type,
            ReminderSent.subject_id == reminder.subject_id, ReminderSent.key == reminder.key)):
        return False
    session.add(ReminderSent(subject_type=reminder.subject_type, subject_id=reminder.subject_id,
                             key=reminder.key, sent_at=clock.now(),
                             recipients=len(reminder.recipients)))
    for address in sorted(reminder.recipients):
        mail.enqueue(session, kind=reminder.kind or f"late_{reminder.subject_type}", to=address,
                     subject=reminder.subject, body=reminder.body)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # another worker sent it a moment ago
        return False
    return True


def _week(due: date, today: date) -> str:
    """One reminder per week overdue: the day after the due date, then weekly."""
    return f"overdue-week-{(today - due).days // 7}"


def _late_assessments(session: Session, today: date, sign_in: str,
                      organization: str) -> Iterable[Reminder]:
    late = session.scalars(select(Assessment).where(
        Assessment.status.in_(OPEN_STATUSES - {AssessmentStatus.DRAFT}),
        Assessment.due_date < today).options(
        joinedload(Assessment.vendor), joinedload(Assessment.questionnaire_version),
        selectinload(Assessment.invitations).joinedload(Invitation.contact)))
    for assessment in late:
        title, due = assessment.questionnaire_version.title, assessment.due_date.isoformat()
        yield Reminder(
            "assessment", assessment.id, _week(assessment.due_date, today),
            frozenset(i.contact.email for i in assessment.invitations if i.revoked_at is None),
            f"{organization}: \"{title}\" was due on {due} / 问卷已逾期",
            f"{organization} asked {assessment.vendor.name} to complete \"{title}\" by {due}, "
            f"and it is not complete yet. Please sign in and finish it:\n{sign_in}\n\n"
            f"----\n\n{assessment.vendor.name} 的问卷“{title}”应于 {due} 前完成，目前尚未完成。"
            f"请登录门户完成填写：\n{sign_in}\n")


def _late_findings(session: Session, today: date, sign_in: str,
                   organization: str) -> Iterable[Reminder]:
    late = session.scalars(select(Finding).where(
        Finding.status != FindingStatus.CLOSED, Finding.due_date < today)
        .options(joinedload(Finding.vendor).selectinload(Vendor.contacts),
                 joinedload(Finding.vendor).joinedload(Vendor.owner)))
    for finding in late:
        assert finding.due_date is not None
        vendor, due = finding.vendor, finding.due_date.isoformat()
        recipients = {c.email for c in vendor.contacts} | (
            {vendor.owner.email} if vendor.owner else set())
        yield Reminder(
            "finding", finding.id, _week(finding.due_date, today), frozenset(recipients),
            f"{organization}: a finding for {vendor.name} was due on {due} / 整改事项已逾期",
            f"The remediation of \"{finding.title}\" was due on {due}. Please sign in and send "
            f"your remediation plan and evidence:\n{sign_in}\n\n----\n\n"
            f"整改事项“{finding.title}”应于 {due} 前完成。请登录门户提交整改计划及证明材料："
            f"\n{sign_in}\n")


def _expired_invitations(session: Session, portal_url: str,
                         organization: str) -> Iterable[Reminder]:
    expired = session.scalars(select(Invitation).join(Assessment).where(
        Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at < clock.now(), Assessment.status == AssessmentStatus.SENT)
        .options(joinedload(Invitation.contact),
                 joinedload(Invitation.assessment).joinedload(Assessment.vendor)
                 .joinedload(Vendor.owner)))
    for invitation in expired:
        vendor = invitation.assessment.vendor
        link = f"{portal_url.rstrip('/')}/assessments/{invitation.assessment_id}"
        yield Reminder(
            "invitation", invitation.id, "expired",
            frozenset({vendor.owner.email} if vendor.owner else set()),
            f"{organization}: the invitation to {invitation.contact.name} ({vendor.name}) "
            "expired unused",
            f"The questionnaire link sent to {invitation.contact.name} "
            f"<{invitation.contact.email}> at {vendor.name} expired before anyone used it. "
            "Send a new link from the "
            f"assessment's page:\n{link}\n")


def send_late_reminders(new_session: Callable[[], Session], public_url: str,
                        organization: str) -> LateReport:
    today, report = clock.now().date(), LateReport()
    sign_in = f"{public_url.rstrip('/')}/partner/"
    with new_session() as session:
        sources = (("assessments", list(_late_assessments(session, today, sign_in,
                                                          organization))),
                   ("findings", list(_late_findings(session, today, sign_in, organization))),
                   ("invitations", list(_expired_invitations(session, public_url,
                                                             organization))))
        for field_name, reminders in sources:
            for reminder in reminders:
                if send_once(session, reminder):
                    setattr(report, field_name, getattr(report, field_name) + 1)
    return report
