"""The demo's data-sharing register and one incident, made through the services after the firms'
histories: engagements with the firms the company trusts today, the client data they were
given, one engagement closed with its data asked back, and an incident reported by a firm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError
from vendorrisk.incidents import service as incidents
from vendorrisk.incidents.domain import DEFAULT_NOTIFICATION_HOURS
from vendorrisk.offboarding.service import OffboardingSettings
from vendorrisk.scheduling.cadence import Cadence
from vendorrisk.sharing import service as sharing
from vendorrisk.sharing.domain import Channel, CountUnit
from vendorrisk.sharing.models import Engagement
from vendorrisk.vendors.domain import DataCategory, RiskTier, VendorStatus
from vendorrisk.vendors.models import Vendor


@dataclass(frozen=True)
class Work:
    title: str
    client: str
    purpose: str
    channel: Channel
    count: int
    unit: CountUnit


WORK = (
    Work("Deregistration of 上海示例贸易有限公司", "上海示例贸易有限公司",
         "File the deregistration (注销) with the market regulator and the tax bureau.",
         Channel.ENCRYPTED_UPLOAD, 42, CountUnit.DOCUMENTS),
    Work("2026 annual audit support", "北京示例科技有限公司",
         "Prepare the audit file for the client's statutory audit.",
         Channel.ENCRYPTED_EMAIL, 1_800, CountUnit.RECORDS),
    Work("Trademark renewal", "杭州示例食品有限公司",
         "Renew the client's trademarks before they lapse.",
         Channel.PAPER_COURIER, 12, CountUnit.DOCUMENTS),
    Work("Archive digitisation", "Example Logistics (HK) Ltd",
         "Scan and index the client's paper contracts.",
         Channel.IN_PERSON, 3_400, CountUnit.DOCUMENTS),
)


def load(session: Session, actor: Actor, owner_id: int, settings: OffboardingSettings,
         cadence: Cadence) -> int:
    """Engagements for the trusted firms that have none yet; idempotent. Returns how many were
    opened."""
    if session.scalar(select(Engagement.id).limit(1)) is not None:
        return 0
    today = clock.now().date()
    firms = list(session.scalars(
        select(Vendor).where(Vendor.status == VendorStatus.ACTIVE,
                             Vendor.residual_risk.is_not(None)).order_by(Vendor.id)))
    opened = 0
    for vendor in firms:  # the policy refuses some of them today: those get none
        if opened == len(WORK):
            break
        if _engage(session, actor, owner_id, vendor, WORK[opened], today, cadence):
            opened += 1
    if opened:
        first = session.scalar(select(Engagement).order_by(Engagement.id))
        assert first is not None
        sharing.close_engagement(session, actor, first.id, first.version, settings)
        _incident(session, first.vendor_id, today)
    return opened


def _engage(session: Session, actor: Actor, owner_id: int, vendor: Vendor, work: Work,
            today: date, cadence: Cadence) -> bool:
    """Open the engagement and share what the policy allows; nothing if it allows nothing."""
    categories = sorted(c.category.value for c in vendor.categories) or [DataCategory.CONTACT]
    try:
        with session.begin_nested():  # rolled back whole if the policy refuses the firm
            engagement = sharing.open_engagement(
                session, actor, vendor.id, sharing.EngagementDetails(
                    work.title, work.client, work.purpose, today - timedelta(days=20),
                    today + timedelta(days=120), owner_id))
            sharing.record_disclosure(session, actor, engagement.id, sharing.DisclosureDetails(
                categories[:2], work.count, work.unit, work.channel,
                today - timedelta(days=18), today + timedelta(days=100), owner_id), cadence)
    except DomainError:
        return False
    return True


def _incident(session: Session, vendor_id: int, today: date) -> None:
    incidents.record(session, Actor.system("demo"), vendor_id, incidents.IncidentReport(
        "Email with client ID scans sent to the wrong recipient",
        "An associate sent three scanned identity documents to a client of another firm. "
        "The recipient confirmed deletion the same day.", RiskTier.MEDIUM, True,
        frozenset({DataCategory.IDENTITY}), records_affected=3,
        occurred_on=today - timedelta(days=2), detected_on=today - timedelta(days=1),
        containment="Recipient confirmed deletion in writing; mail rule added."),
        DEFAULT_NOTIFICATION_HOURS, by_partner=True)
