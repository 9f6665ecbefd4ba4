"""Recording an incident at a partner firm and following it up.

Recording one (by procurement, or by the firm's partner for its own firm) raises the firm's
residual risk, asks for an early reassessment, and, when client data was involved, opens the
notifications the company owes with their deadlines (``INCIDENT_NOTIFICATION_HOURS``). Every
step is audited with ids and field names only: the description may hold personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from vendorrisk import clock
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import Conflict, DomainError, NotFound
from vendorrisk.incidents.domain import (
    IncidentStatus,
    NotificationOutcome,
    Recipient,
    deadlines,
    raised_risk,
)
from vendorrisk.incidents.models import Incident, IncidentNotification
from vendorrisk.text import clean_text
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import DataCategory, RiskTier, VendorStatus

MAX_RECORDS = 1_000_000_000


@dataclass(frozen=True)
class IncidentReport:
    """What the incident form collects, from procurement or from the firm."""

    title: str
    description: str
    severity: RiskTier
    client_data: bool
    data_categories: frozenset[DataCategory] = frozenset()
    records_affected: int | None = None
    occurred_on: date | None = None
    detected_on: date | None = None
    learnt_at: datetime | None = None  # when the company learnt of it; default: now
    containment: str = ""


def _checked(report: IncidentReport, now: datetime) -> IncidentReport:
    title = clean_text(report.title, missing="Give the incident a short title.",
                       too_long="Keep the title under {limit} characters.", limit=200)
    description = clean_text(report.description, missing="Say what happened.",
                             too_long="Keep the description under {limit} characters.")
    containment = clean_text(report.containment, missing=None,
                             too_long="Keep the containment under {limit} characters.")
    today = now.date()
    if report.detected_on is None:
        raise DomainError("Give the date the incident was detected.")
    if report.detected_on > today or (report.occurred_on and report.occurred_on > today):
        raise DomainError("An incident cannot be detected or happen in the future.")
    if report.occurred_on and report.occurred_on > report.detected_on:
        raise DomainError("The incident cannot have happened after it was detected.")
    learnt_at = report.learnt_at or now
    if learnt_at > now or learnt_at.date() < report.detected_on:
        raise DomainError("We cannot have learnt of it before it was detected, or in the "
                          "future.")
    if report.records_affected is not None and not 0 <= report.records_affected <= MAX_RECORDS:
        raise DomainError("Give the number of records affected as a whole number, or leave "
                          "it empty if unknown.")
    if report.client_data and not report.data_categories:
        raise DomainError("Say which kinds of client data were involved.")
    return IncidentReport(title, description, report.severity, report.client_data,
                          report.data_categories if report.client_data else frozenset(),
                          report.records_affected, report.occurred_on, report.detected_on,
                          learnt_at, containment)


def record(session: Session, actor: Actor, vendor_id: int, report: IncidentReport,
           notification_hours: Mapping[str, int], by_partner: bool = False) -> Incident:
    vendor = vendors.get_vendor(session, vendor_id, for_update=True)
    if vendor.status == VendorStatus.OFFBOARDED and by_partner:
        raise DomainError("This firm is offboarded; tell your contact at the company directly.")
    report = _checked(report, clock.now())
    assert report.learnt_at is not None  # _checked fills it in
    incident = Incident(
        vendor_id=vendor.id, title=report.title, description=report.description,
        severity=report.severity, client_data=report.client_data,
        data_categories=" ".join(sorted(c.value for c in report.data_categories)),
        records_affected=report.records_affected, occurred_on=report.occurred_on,
        detected_on=report.detected_on, learnt_at=report.learnt_at,
        containment=report.containment, status=IncidentStatus.OPEN,
        reported_by_partner=by_partner, created_by_id=actor.user_id)
    session.add(incident)
    session.flush()
    for recipient, due_at in deadlines(report.learnt_at, report.client_data,
                                       notification_hours).items():
        session.add(IncidentNotification(incident_id=incident.id, recipient=recipient,
                                         due_at=due_at))
    before = vendor.residual_risk
    vendor.residual_risk = raised_risk(before, vendor.tier, report.severity, report.client_data)
    audit.record(session, actor, "incident.recorded", object_type="incident",
                 object_id=incident.id, details={
                     "vendor": vendor.id, "severity": report.severity.value,
                     "client_data": report.client_data, "by_partner": by_partner,
                     "residual_risk": {"from": before.value if before else None,
                                       "to": vendor.residual_risk.value}})
    vendors.request_reassessment(session, actor, vendor.id,
                                 f"Security incident #{incident.id} reported")
    session.flush()
    return incident


def get_incident(session: Session, incident_id: int, vendor_id: int | None = None) -> Incident:
    """The incident with its firm and notifications; with ``vendor_id`` (a partner's own firm),
    another firm's incident does not exist."""
    query = (select(Incident).where(Incident.id == incident_id)
             .options(joinedload(Incident.vendor), selectinload(Incident.notifications)))
    if vendor_id is not None:
        query = query.where(Incident.vendor_id == vendor_id)
    incident = session.scalar(query)
    if incident is None:
        raise NotFound("No such incident.")
    return incident


def view(session: Session, actor: Actor, incident_id: int,
         vendor_id: int | None = None) -> Incident:
    incident = get_incident(session, incident_id, vendor_id)
    audit.record(session, actor, "incident.view", object_type="incident", object_id=incident.id)
    return incident


def set_status(session: Session, actor: Actor, incident_id: int, status: IncidentStatus,
               containment: str, expected_version: int) -> Incident:
    """Mark the incident contained or closed (or open again), with what was done."""
    incident = get_incident(session, incident_id)
    if incident.version != expected_version:
        raise Conflict("Someone changed this incident meanwhile; reload it and try again.")
    text = clean_text(containment, missing=None,
                      too_long="Keep the containment under {limit} characters.")
    if status == IncidentStatus.CLOSED:
        pending = [n.recipient.value for n in incident.notifications if n.outcome is None]
        if pending:
            raise DomainError("Record the owed notifications first (" + ", ".join(pending) +
                              "): notified, or not required with the reason.")
        if not (text or incident.containment):
            raise DomainError("Say how the incident was contained before closing it.")
    before = incident.status
    incident.status = status
    incident.containment = text or incident.containment
    incident.closed_at = clock.now() if status == IncidentStatus.CLOSED else None
    session.flush()
    audit.record(session, actor, "incident.status", object_type="incident",
                 object_id=incident.id, details={"from": before.value, "to": status.value})
    return incident


def record_notification(session: Session, actor: Actor, incident_id: int, recipient: Recipient,
                        outcome: NotificationOutcome, note: str) -> IncidentNotification:
    """The company told the regulator or the clients (how, to whom), or decided, with its
    reason, that it did not have to."""
    incident = get_incident(session, incident_id)
    notification = next((n for n in incident.notifications if n.recipient == recipient), None)
    if notification is None:
        raise NotFound("This incident owes no such notification.")
    if notification.outcome is not None:
        raise Conflict("This notification is recorded already.")
    reason = "Say how and to whom it was sent." if outcome == NotificationOutcome.NOTIFIED \
        else "Give the reason no notification is owed."
    note = clean_text(note, missing=reason, too_long="Keep the note under {limit} characters.")
    notification.outcome, notification.note = outcome, note
    notification.done_at, notification.done_by_id = clock.now(), actor.user_id
    session.flush()
    audit.record(session, actor, "incident.notification", object_type="incident",
                 object_id=incident.id, details={
                     "recipient": recipient.value, "outcome": outcome.value,
                     "late": notification.done_at > notification.due_at})
    return notification


def of_vendor(session: Session, vendor_id: int, reported_by_partner: bool = False
              ) -> list[Incident]:
    """The firm's incidents, newest first; ``reported_by_partner``: only those the firm itself
    reported, which is all its partners see (what procurement records is internal)."""
    query = (select(Incident).where(Incident.vendor_id == vendor_id)
             .options(selectinload(Incident.notifications))
             .order_by(Incident.learnt_at.desc(), Incident.id.desc()))
    if reported_by_partner:
        query = query.where(Incident.reported_by_partner.is_(True))
    return list(session.scalars(query))


def register(session: Session, actor: Actor, open_only: bool) -> list[Incident]:
    """Every incident (or the ones not closed), the newest first."""
    query = (select(Incident).options(joinedload(Incident.vendor),
                                      selectinload(Incident.notifications))
             .order_by(Incident.learnt_at.desc(), Incident.id.desc()))
    if open_only:
        query = query.where(Incident.status != IncidentStatus.CLOSED)
    found = list(session.scalars(query))
    audit.record(session, actor, "incident.list", object_type="incident",
                 details={"open_only": open_only, "shown": len(found)})
    return found


@dataclass(frozen=True)
class IncidentCounts:
    open: int
    notifications_overdue: int


def counts(session: Session, now: datetime) -> IncidentCounts:
    """For the dashboard: incidents not closed, and owed notifications past their deadline."""
    return IncidentCounts(
        open=session.scalar(select(func.count(Incident.id))
                            .where(Incident.status != IncidentStatus.CLOSED)) or 0,
        notifications_overdue=session.scalar(
            select(func.count(IncidentNotification.id))
            .where(IncidentNotification.outcome.is_(None),
                   IncidentNotification.due_at < now)) or 0)
