"""The reassessment sweep: start each firm's next cycle a lead time before it falls due, or at
once when an early reassessment was asked for (a critical finding, an NDA renewal).

Database-driven and idempotent: a firm is due when its last decision plus its tier's cadence,
minus the lead time, has come; it is skipped when a later cycle of the same questionnaire
already exists. The unique key on (firm, questionnaire, cycle) makes a duplicate impossible even
when two sweeps race. Each firm is its own transaction, so one firm's problem (no contact, no
NDA) is reported and never blocks the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.models import Assessment, AssessmentStatus
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError
from vendorrisk.scheduling.cadence import Cadence, next_due
from vendorrisk.scheduling.queries import reassessment_due_by
from vendorrisk.vendors.domain import VendorStatus
from vendorrisk.vendors.models import Contact, Vendor

log = logging.getLogger("vendorrisk.scheduling")
SWEEP = Actor.system("reassessment-sweep")


@dataclass
class SweepReport:
    started: int = 0
    already: int = 0  # a later cycle exists (another sweep, or procurement, was first)
    problems: dict[int, str] = field(default_factory=dict)  # vendor id -> why it was not sent


@dataclass(frozen=True)
class SweepSettings:
    folder: Path
    portal: assessments.Portal
    cadence: Cadence
    lead: timedelta
    require_nda: bool
    answer_days: int = 30  # the partner's time to answer, at least


def _due_firms(session: Session, today: date, settings: SweepSettings) -> list[int]:
    return list(session.scalars(select(Vendor.id).where(
        Vendor.last_decided_at.is_not(None),
        Vendor.status.in_((VendorStatus.ACTIVE, VendorStatus.ONBOARDING)),
        reassessment_due_by(today + settings.lead, settings.cadence)
        | Vendor.reassessment_requested_at.is_not(None))
        .order_by(Vendor.last_decided_at, Vendor.id)))


def _last_completed(session: Session, vendor_id: int) -> Assessment | None:
    return session.scalar(select(Assessment).where(
        Assessment.vendor_id == vendor_id, Assessment.status == AssessmentStatus.COMPLETED)
        .order_by(Assessment.decided_at.desc(), Assessment.id.desc()).limit(1))


def _start_one(session: Session, vendor_id: int, today: date, settings: SweepSettings,
               report: SweepReport) -> None:
    # Locked first, so a racing sweep waits here and then sees the cycle this one started.
    vendor = session.get(Vendor, vendor_id, with_for_update=True, populate_existing=True)
    previous = _last_completed(session, vendor_id)
    if vendor is None or previous is None or vendor.last_decided_at is None:
        return
    later = session.scalar(select(func.count(Assessment.id)).where(
        Assessment.vendor_id == vendor_id,
        Assessment.questionnaire_key == previous.questionnaire_key,
        Assessment.cycle > previous.cycle))
    early = vendor.reassessment_requested_at is not None
    vendor.reassessment_requested_at = None  # answered below, or by the cycle already open
    if later:
        report.already += 1
        session.commit()
        return
    contact = session.scalar(select(Contact).where(Contact.vendor_id == vendor_id)
                             .order_by(Contact.is_primary.desc(), Contact.id).limit(1))
    if contact is None:
        raise DomainError("the firm has no contact to send the reassessment to")
    soonest = today + timedelta(days=settings.answer_days)
    due = soonest if early else max(
        next_due(vendor.last_decided_at.date(), vendor.tier, settings.cadence), soonest)
    assessments.send(session, SWEEP, settings.portal, settings.folder,
                     assessments.SendRequest(vendor_id, previous.questionnaire_key,
                                             frozenset({contact.id}), due),
                     require_nda=settings.require_nda)
    session.commit()
    report.started += 1


def start_due_reassessments(new_session: Callable[[], Session],
                            settings: SweepSettings) -> SweepReport:
    today, report = clock.now().date(), SweepReport()
    with new_session() as session:
        for vendor_id in _due_firms(session, today, settings):
            try:
                _start_one(session, vendor_id, today, settings, report)
            except IntegrityError:
                session.rollback()  # another sweep started this cycle a moment ago
                report.already += 1
            except DomainError as error:
                session.rollback()
                report.problems[vendor_id] = error.message
                log.warning("reassessment of firm %s not sent: %s", vendor_id, error.message)
    return report
