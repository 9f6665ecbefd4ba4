"""Pure rules for incidents: the notification deadlines, and how an incident raises a firm's
risk. No Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from vendorrisk.vendors.domain import RiskTier


class IncidentStatus(StrEnum):
    OPEN = "open"  # still going on, or not yet known to be contained
    CONTAINED = "contained"
    CLOSED = "closed"


class Recipient(StrEnum):
    """Whom the company must tell when client data was involved."""

    REGULATOR = "regulator"  # e.g. the supervisory authority (GDPR Art. 33), the CAC (PIPL Art. 57)
    CLIENTS = "clients"  # the clients whose data it was


class NotificationOutcome(StrEnum):
    NOTIFIED = "notified"
    NOT_REQUIRED = "not_required"  # assessed, with a written reason, as not owed


# Hours from the moment the company learnt of the incident. GDPR gives the controller 72 hours
# to tell the authority; PIPL asks for "immediate" notice; clients are told without undue delay.
DEFAULT_NOTIFICATION_HOURS: Mapping[str, int] = {Recipient.REGULATOR.value: 72,
                                                 Recipient.CLIENTS.value: 72}
SOON = timedelta(hours=24)  # a deadline this close is reminded of


def deadlines(learnt_at: datetime, client_data: bool,
              hours: Mapping[str, int]) -> dict[Recipient, datetime]:
    """When each notification falls due; none when no client data was involved."""
    if not client_data:
        return {}
    return {recipient: learnt_at + timedelta(hours=int(hours[recipient.value]))
            for recipient in Recipient}


def raised_risk(current: RiskTier | None, inherent: RiskTier, severity: RiskTier,
                client_data: bool) -> RiskTier:
    """The firm's residual risk after an incident: at least the incident's severity (and the
    firm's inherent tier when nothing was decided yet), and one step higher when client data was
    involved, up to critical. An incident never lowers a risk."""
    tiers = list(RiskTier)
    level = max(tiers.index(current or inherent), tiers.index(severity))
    if client_data:
        level = min(level + 1, len(tiers) - 1)
    return tiers[level]


def reminder_due(due_at: datetime, now: datetime) -> str | None:
    """Which reminder a pending notification needs now: "overdue", "soon" or none. Each is sent
    once (the caller records it), so the label is also the reminder's key."""
    if now >= due_at:
        return "overdue"
    if due_at - now <= SOON:
        return "soon"
    return None
