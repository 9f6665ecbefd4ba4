"""Reminders of the notifications the company owes after an incident: once when the deadline is
a day away, once when it has passed. Sent to the firm's owner, whoever recorded the incident and
every manager; each recorded under its key, so a doubled run sends nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.incidents.domain import reminder_due
from vendorrisk.incidents.models import Incident, IncidentNotification
from vendorrisk.scheduling.reminders import Reminder, send_once
from vendorrisk.vendors.models import Vendor

# Plain text for the worker, which has no request and so no gettext locale.
RECIPIENT_NAMES = {"regulator": "the regulator", "clients": "the affected clients"}


@dataclass
class NotificationReport:
    soon: int = 0
    overdue: int = 0


def _reminders(session: Session, now: datetime, portal_url: str) -> Iterable[Reminder]:
    pending = session.scalars(
        select(IncidentNotification).where(IncidentNotification.outcome.is_(None))
        .options(joinedload(IncidentNotification.incident).joinedload(Incident.vendor)
                 .joinedload(Vendor.owner)))
    managers = frozenset(session.scalars(select(User.email).where(
        User.role == Role.MANAGER, User.is_enabled.is_(True))))
    for notification in pending:
        key = reminder_due(notification.due_at, now)
        if key is None:
            continue
        incident = notification.incident
        recorder = session.get(User, incident.created_by_id) if incident.created_by_id else None
        recipients = set(managers) | {user.email for user in (incident.vendor.owner, recorder)
                                      if user is not None and user.role != Role.PARTNER}
        whom = RECIPIENT_NAMES[notification.recipient.value]
        due = f"{notification.due_at:%Y-%m-%d %H:%M} UTC"
        state = "is overdue" if key == "overdue" else "is due within a day"
        yield Reminder(
            "incident_notice", notification.id, key, frozenset(recipients),
            f"Incident #{incident.id} at {incident.vendor.name}: notifying {whom} {state}",
            f"The security incident \"{incident.title}\" at {incident.vendor.name} involved "
            f"client data. Notifying {whom} was due by {due} and is not recorded yet.\n"
            f"Record it (or why it is not owed) on the incident's page:\n"
            f"{portal_url.rstrip('/')}/incidents/{incident.id}\n", kind="incident_deadline")


def send_deadline_reminders(new_session: Callable[[], Session],
                            portal_url: str) -> NotificationReport:
    report = NotificationReport()
    with new_session() as session:
        for reminder in list(_reminders(session, clock.now(), portal_url)):
            if send_once(session, reminder):
                setattr(report, reminder.key, getattr(report, reminder.key) + 1)
    return report
