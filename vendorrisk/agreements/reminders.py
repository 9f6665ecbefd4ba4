"""Reminders before an agreement expires: to the firm's owner here and to the firm's contacts.

A database-driven sweep, safe to run any number of times: each (agreement, lead time) is
recorded once under a unique key, in the same transaction as the emails it queues. When several
lead times fall due at once (an agreement recorded a week before it ends), one email goes out,
for the nearest, and the others are recorded as passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus, reminder_due
from vendorrisk.agreements.models import Agreement, AgreementReminder
from vendorrisk.mail import service as mail
from vendorrisk.vendors.models import Vendor

CATCH_UP = timedelta(days=30)


@dataclass
class ReminderReport:
    sent: int = 0  # reminders emailed
    passed: int = 0  # earlier lead times that fell due at the same time, recorded unsent


def _candidates(session: Session, today: date, longest_lead: int) -> list[int]:
    return list(session.scalars(select(Agreement.id).where(
        Agreement.status == AgreementStatus.SIGNED, Agreement.superseded_at.is_(None),
        Agreement.indefinite.is_(False), Agreement.expires_on.is_not(None),
        # Ended up to CATCH_UP ago: a worker that was down on the day still sends the reminder.
        Agreement.expires_on >= today - CATCH_UP,
        Agreement.expires_on <= today + timedelta(days=longest_lead))))


# Emails are bilingual and sent by the worker, outside any request (so not through gettext).
KIND_NAMES = {AgreementKind.NDA: ("non-disclosure agreement", "保密协议"),
              AgreementKind.DPA: ("data processing agreement", "数据处理协议"),
              AgreementKind.MSA: ("master services agreement", "主服务协议")}


def _email(agreement: Agreement, lead: int, organization: str) -> tuple[str, str]:
    (kind, kind_zh), firm = KIND_NAMES[agreement.kind], agreement.vendor.name
    assert agreement.expires_on is not None
    when = agreement.expires_on.isoformat()
    if lead == 0:
        subject = f"{organization}: the {kind} with {firm} expires today / 协议今日到期"
    else:
        subject = f"{organization}: the {kind} with {firm} expires on {when} / 协议即将到期"
    body = (f"The {kind} between {organization} and {firm} expires on {when}.\n"
            "Without a signed agreement in force no client data may be shared with the firm. "
            "Please arrange its renewal.\n\n----\n\n"
            f"{organization} 与 {firm} 之间的{kind_zh}将于 {when} 到期。"
            "协议失效后不得再向该机构共享任何客户数据，请及时安排续签。\n")
    return subject, body


def _remind_one(session: Session, agreement_id: int, leads: Sequence[int], today: date,
                organization: str, report: ReminderReport) -> None:
    agreement = session.scalar(select(Agreement).where(Agreement.id == agreement_id).options(
        joinedload(Agreement.vendor).selectinload(Vendor.contacts),
        joinedload(Agreement.vendor).joinedload(Vendor.owner)))
    assert agreement is not None and agreement.expires_on is not None
    done = set(session.scalars(select(AgreementReminder.lead_days).where(
        AgreementReminder.agreement_id == agreement.id)))
    due = [lead for lead in leads if lead not in done
           and reminder_due(agreement.expires_on, lead, today)]
    if not due:
        return
    nearest = min(due)
    recipients = sorted({c.email for c in agreement.vendor.contacts}
                        | ({agreement.vendor.owner.email} if agreement.vendor.owner else set()))
    subject, body = _email(agreement, nearest, organization)
    for address in recipients:
        mail.enqueue(session, kind="agreement_reminder", to=address, subject=subject, body=body)
    for lead in due:
        session.add(AgreementReminder(agreement_id=agreement.id, lead_days=lead,
                                      sent_at=clock.now(),
                                      recipients=len(recipients) if lead == nearest else 0))
    session.commit()
    report.sent += 1
    report.passed += len(due) - 1


def send_due(new_session: Callable[[], Session], leads: Sequence[int],
             organization: str) -> ReminderReport:
    """Queue every reminder that is due; one transaction per agreement, so one failure blocks
    no other, and a reminder another worker just recorded is skipped, not sent twice."""
    today, report = clock.now().date(), ReminderReport()
    with new_session() as session:
        for agreement_id in _candidates(session, today, max(leads)):
            try:
                _remind_one(session, agreement_id, leads, today, organization, report)
            except IntegrityError:
                session.rollback()
    return report
