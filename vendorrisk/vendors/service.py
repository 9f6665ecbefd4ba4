"""Use cases of the partner-firm register: intake, changes, lifecycle, contacts, listing.

Every read of a firm's data and every change is written to the audit log here, so no view can
forget it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import VENDOR_EDITORS
from vendorrisk.accounts.service import normalize_email
from vendorrisk.agreements.queries import nda_in_force
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.clock import now
from vendorrisk.errors import Conflict, DomainError, NotFound
from vendorrisk.questionnaires.scoring import ScoreBand
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier, VendorKind, VendorStatus
from vendorrisk.vendors.models import Contact, Vendor, VendorDataCategory
from vendorrisk.vendors.score_ranges import Bucket, ScoreRange, band_ranges, buckets
from vendorrisk.vendors.tiering import Intake, TierAssessment, assess_tier

# Which lifecycle moves make sense; anything else is refused with a message.
ALLOWED_TRANSITIONS: dict[VendorStatus, frozenset[VendorStatus]] = {
    VendorStatus.ONBOARDING: frozenset(
        {VendorStatus.ACTIVE, VendorStatus.SUSPENDED, VendorStatus.OFFBOARDED}),
    VendorStatus.ACTIVE: frozenset({VendorStatus.SUSPENDED, VendorStatus.OFFBOARDED}),
    VendorStatus.SUSPENDED: frozenset({VendorStatus.ACTIVE, VendorStatus.OFFBOARDED}),
    VendorStatus.OFFBOARDED: frozenset({VendorStatus.ONBOARDING}),
}
MAX_RECORD_COUNT = 1_000_000_000


@dataclass(frozen=True)
class VendorDetails:
    """What the intake form collects."""

    name: str
    kind: VendorKind
    services: str
    website: str
    city: str
    data_categories: frozenset[DataCategory]
    record_count: int
    stores_data: bool
    uses_subcontractors: bool
    criticality: Criticality
    owner_id: int | None

    def intake(self) -> Intake:
        return Intake(
            data_categories=self.data_categories,
            record_count=self.record_count,
            stores_data=self.stores_data,
            uses_subcontractors=self.uses_subcontractors,
            criticality=self.criticality,
        )


def intake_of(vendor: Vendor) -> Intake:
    return Intake(
        data_categories=vendor.data_categories,
        record_count=vendor.record_count,
        stores_data=vendor.stores_data,
        uses_subcontractors=vendor.uses_subcontractors,
        criticality=vendor.criticality,
    )


def explain_tier(vendor: Vendor) -> TierAssessment:
    """The same method that set the stored tier, re-run to show the user why."""
    return assess_tier(intake_of(vendor))


def details_of(vendor: Vendor) -> VendorDetails:
    return VendorDetails(
        name=vendor.name, kind=vendor.kind, services=vendor.services, website=vendor.website,
        city=vendor.city, data_categories=vendor.data_categories,
        record_count=vendor.record_count, stores_data=vendor.stores_data,
        uses_subcontractors=vendor.uses_subcontractors, criticality=vendor.criticality,
        owner_id=vendor.owner_id,
    )


def _validate(session: Session, details: VendorDetails, vendor_id: int | None) -> VendorDetails:
    name = " ".join(details.name.split())
    if not name:
        raise DomainError("Give the firm's name.")
    if not 0 <= details.record_count <= MAX_RECORD_COUNT:
        raise DomainError("The number of client records must be between 0 and 1,000,000,000.")
    clash = select(Vendor.id).where(func.lower(Vendor.name) == name.lower())
    if vendor_id is not None:
        clash = clash.where(Vendor.id != vendor_id)
    if session.scalar(clash) is not None:
        raise Conflict(f"A partner firm named “{name}” is already registered.")
    if details.owner_id is not None:
        owner = session.get(User, details.owner_id)
        if owner is None or owner.role not in VENDOR_EDITORS or not owner.is_enabled:
            raise DomainError("The owner must be an active procurement user or administrator.")
    return VendorDetails(**{**{f.name: getattr(details, f.name) for f in fields(details)},
                            "name": name, "services": details.services.strip(),
                            "website": details.website.strip(), "city": details.city.strip()})


def _apply(vendor: Vendor, details: VendorDetails) -> TierAssessment:
    assessment = assess_tier(details.intake())
    vendor.name, vendor.kind, vendor.services = details.name, details.kind, details.services
    vendor.website, vendor.city, vendor.owner_id = details.website, details.city, details.owner_id
    vendor.record_count, vendor.stores_data = details.record_count, details.stores_data
    vendor.uses_subcontractors = details.uses_subcontractors
    vendor.criticality = details.criticality
    vendor.tier, vendor.tier_points = assessment.tier, assessment.points
    vendor.tier_rank = assessment.tier.rank
    wanted = details.data_categories
    vendor.categories = [link for link in vendor.categories if link.category in wanted] + [
        VendorDataCategory(category=category)
        for category in sorted(wanted - vendor.data_categories)
    ]
    return assessment


def register_vendor(session: Session, actor: Actor, details: VendorDetails) -> Vendor:
    details = _validate(session, details, None)
    vendor = Vendor(status=VendorStatus.ONBOARDING, categories=[])
    assessment = _apply(vendor, details)
    session.add(vendor)
    session.flush()
    audit.record(session, actor, "vendor.create", object_type="vendor", object_id=vendor.id,
                 details={"tier": assessment.tier.value, "points": assessment.points})
    return vendor


def update_vendor(session: Session, actor: Actor, vendor_id: int, details: VendorDetails,
                  expected_version: int) -> Vendor:
    vendor = get_vendor(session, vendor_id)
    if vendor.version != expected_version:
        raise Conflict("Someone else changed this firm while you were editing. "
                       "Your changes were not saved; reload to see theirs.")
    details = _validate(session, details, vendor.id)
    before = details_of(vendor)
    old_tier = vendor.tier
    assessment = _apply(vendor, details)
    changed = [f.name for f in fields(details)
               if getattr(before, f.name) != getattr(details, f.name)]
    session.flush()
    audit.record(session, actor, "vendor.update", object_type="vendor", object_id=vendor.id,
                 details={"changed": changed, "tier": assessment.tier.value,
                          "tier_before": old_tier.value})
    return vendor


def set_status(session: Session, actor: Actor, vendor_id: int, status: VendorStatus,
               expected_version: int) -> Vendor:
    vendor = get_vendor(session, vendor_id)
    if vendor.version != expected_version:
        raise Conflict("Someone else changed this firm meanwhile; reload and try again.")
    if status == vendor.status:
        return vendor
    if status == VendorStatus.OFFBOARDED:
        raise DomainError("Use “End the relationship” to offboard a firm: it ends the firm's "
                          "access and asks for our clients' data back.")
    if status not in ALLOWED_TRANSITIONS[vendor.status]:
        raise DomainError(f"A firm that is {vendor.status.value} cannot become {status.value}.")
    before = vendor.status
    vendor.status = status
    session.flush()
    audit.record(session, actor, "vendor.status", object_type="vendor", object_id=vendor.id,
                 details={"from": before.value, "to": status.value})
    return vendor


def record_decision(session: Session, actor: Actor, vendor_id: int, status: VendorStatus, *,
                    residual_risk: RiskTier | None, control_score: float | None,
                    decided_at: datetime) -> Vendor:
    """A manager's decision on the firm's assessment: its status and current residual risk."""
    vendor = get_vendor(session, vendor_id)
    if vendor.status == VendorStatus.OFFBOARDED:
        raise DomainError("This firm is offboarded; onboard it again before deciding.")
    before = vendor.status
    if status != before and status not in ALLOWED_TRANSITIONS[before]:
        raise DomainError(f"A firm that is {before.value} cannot become {status.value}.")
    vendor.status, vendor.residual_risk = status, residual_risk
    vendor.control_score, vendor.last_decided_at = control_score, decided_at
    session.flush()
    if status != before:
        audit.record(session, actor, "vendor.status", object_type="vendor", object_id=vendor.id,
                     details={"from": before.value, "to": status.value, "by": "decision"})
    return vendor


def request_reassessment(session: Session, actor: Actor, vendor_id: int, reason: str) -> None:
    """Ask for an early reassessment; the reassessment sweep sends it at its next run."""
    vendor = get_vendor(session, vendor_id)
    if vendor.reassessment_requested_at is None:
        vendor.reassessment_requested_at, vendor.reassessment_reason = now(), reason[:200]
    audit.record(session, actor, "vendor.reassessment_requested", object_type="vendor",
                 object_id=vendor.id, details={"reason": reason[:200]})


def get_vendor(session: Session, vendor_id: int, for_update: bool = False) -> Vendor:
    """The firm; ``for_update`` locks its row until the transaction ends (re-reading it)."""
    vendor = session.get(Vendor, vendor_id, with_for_update=for_update or None,
                         populate_existing=for_update)
    if vendor is None:
        raise NotFound("No such partner firm.")
    return vendor


def view_vendor(session: Session, actor: Actor, vendor_id: int) -> Vendor:
    """Load a firm with its owner and contacts for display, and log the access."""
    vendor = session.scalar(
        select(Vendor).where(Vendor.id == vendor_id)
        .options(joinedload(Vendor.owner), selectinload(Vendor.contacts))
    )
    if vendor is None:
        raise NotFound("No such partner firm.")
    audit.record(session, actor, "vendor.view", object_type="vendor", object_id=vendor.id)
    return vendor


# --- contacts ---------------------------------------------------------------------------------

def add_contact(session: Session, actor: Actor, vendor_id: int, *, name: str, email: str,
                role: str, phone: str, is_primary: bool) -> Contact:
    vendor = get_vendor(session, vendor_id)
    name, email = " ".join(name.split()), normalize_email(email)
    if not name:
        raise DomainError("Give the contact's name.")
    taken = select(Contact.id).where(Contact.vendor_id == vendor.id, Contact.email == email)
    if session.scalar(taken) is not None:
        raise Conflict("This firm already has a contact with that email.")
    existing = list(session.scalars(select(Contact).where(Contact.vendor_id == vendor.id)))
    contact = Contact(vendor_id=vendor.id, name=name, email=email, role=role.strip(),
                      phone=phone.strip(), is_primary=is_primary or not existing)
    if contact.is_primary:
        for other in existing:
            other.is_primary = False
    session.add(contact)
    session.flush()
    audit.record(session, actor, "contact.create", object_type="vendor", object_id=vendor.id,
                 details={"contact_id": contact.id})
    return contact


def remove_contact(session: Session, actor: Actor, vendor_id: int, contact_id: int) -> None:
    contact = session.scalar(select(Contact).where(Contact.id == contact_id,
                                                   Contact.vendor_id == vendor_id))
    if contact is None:
        raise NotFound("No such contact at this firm.")
    session.delete(contact)
    session.flush()
    audit.record(session, actor, "contact.delete", object_type="vendor", object_id=vendor_id,
                 details={"contact_id": contact_id})


# --- the list -----------------------------------------------------------------------------------

SORTS = ("name", "tier", "status", "kind", "created")


@dataclass(frozen=True)
class VendorQuery:
    text: str = ""
    kind: VendorKind | None = None
    tier: RiskTier | None = None
    status: VendorStatus | None = None
    owner_id: int | None = None
    current: bool = False  # every firm but the offboarded: the portfolio
    residual: RiskTier | None = None
    undecided: bool = False  # no decision yet, so no residual risk
    without_nda_on: date | None = None  # only firms with no signed NDA in force on that day
    band: ScoreBand | None = None  # of the latest decided control score
    bucket: Bucket | None = None  # of the latest decided control score
    sort: str = "name"
    descending: bool = False
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class VendorPage:
    vendors: list[ListedVendor]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(query: Select[Any], q: VendorQuery) -> Select[Any]:
    if q.text:
        pattern = f"%{escape_like(q.text.lower())}%"
        query = query.where(or_(func.lower(Vendor.name).like(pattern, escape="\\"),
                                func.lower(Vendor.city).like(pattern, escape="\\")))
    for column, value in ((Vendor.kind, q.kind), (Vendor.tier, q.tier),
                          (Vendor.status, q.status), (Vendor.owner_id, q.owner_id),
                          (Vendor.residual_risk, q.residual)):
        if value is not None:
            query = query.where(column == value)
    if q.current:
        query = query.where(Vendor.status != VendorStatus.OFFBOARDED)
    if q.undecided:
        query = query.where(Vendor.residual_risk.is_(None))
    if q.without_nda_on is not None:
        query = query.where(~nda_in_force(q.without_nda_on))
    if q.band is not None:
        query = query.where(score_within(band_ranges()[q.band]))
    if q.bucket is not None:
        query = query.where(score_within(q.bucket.scores))
    return query


def score_within(scores: ScoreRange) -> ColumnElement[bool]:
    low = Vendor.control_score >= scores.low
    return low if scores.high is None else and_(low, Vendor.control_score < scores.high)


def score_band_of() -> ColumnElement[str]:
    """The band of a firm's control score, in SQL (NULL when it has none)."""
    return case(*((score_within(scores), band.value) for band, scores in band_ranges().items()))


def score_bucket_of() -> ColumnElement[int]:
    """The lowest score of the firm's 10-point control-score bucket, in SQL (NULL: no score)."""
    return case(*((score_within(bucket.scores), bucket.start) for bucket in buckets()))


def _order(q: VendorQuery) -> list[Any]:
    key = {"name": Vendor.name, "tier": Vendor.tier_rank, "status": Vendor.status,
           "kind": Vendor.kind, "created": Vendor.created_at}.get(q.sort, Vendor.name)
    primary = key.desc() if q.descending else key.asc()
    return [primary, Vendor.id.desc() if q.descending else Vendor.id.asc()]


@dataclass(frozen=True)
class ListedVendor:
    """A firm as the lists show it: plain values read in one query with its owner's name and
    NDA flag (no objects to load, nothing left to load lazily while the page renders)."""

    id: int
    name: str
    kind: VendorKind
    city: str
    status: VendorStatus
    tier: RiskTier
    residual_risk: RiskTier | None
    control_score: float | None
    owner: str | None  # the owner's name
    created_at: datetime
    nda_in_force: bool


def _listed(today: date) -> Select[Any]:
    return (select(Vendor.id, Vendor.name, Vendor.kind, Vendor.city, Vendor.status, Vendor.tier,
                   Vendor.residual_risk, Vendor.control_score, User.name, Vendor.created_at,
                   nda_in_force(today))
            .outerjoin(User, User.id == Vendor.owner_id))


def _listed_vendor(row: Any) -> ListedVendor:
    # The NDA flag is an EXISTS, which SQLite returns as 0 or 1.
    return ListedVendor(*row[:10], nda_in_force=bool(row[10]))


def list_vendors(session: Session, actor: Actor, q: VendorQuery, today: date) -> VendorPage:
    """One page of the register: two queries (count and page) whatever the register's size."""
    total = session.scalar(_filtered(select(func.count(Vendor.id)), q)) or 0
    page = min(max(1, q.page), max(1, -(-total // q.per_page)))
    rows = session.execute(_filtered(_listed(today), q).order_by(*_order(q))
                           .limit(q.per_page).offset((page - 1) * q.per_page))
    listed = [_listed_vendor(row) for row in rows]
    audit.record(session, actor, "vendor.list", details={
        "filters": _filters_of(q), "searched": bool(q.text), "page": page,
        "shown": [v.id for v in listed]})
    return VendorPage(listed, total, page, q.per_page)


def _filters_of(q: VendorQuery) -> dict[str, str]:
    """The query's filters for the audit log (the search text is personal data: left out)."""
    return {k: str(v) for k, v in (
        ("kind", q.kind), ("tier", q.tier), ("status", q.status), ("owner", q.owner_id),
        ("current", q.current or None), ("residual", q.residual),
        ("undecided", q.undecided or None), ("band", q.band), ("without_nda", q.without_nda_on),
        ("bucket", q.bucket.start if q.bucket else None)) if v is not None}


@dataclass(frozen=True)
class ExportedVendor(ListedVendor):
    """One row of the register's CSV: a listed firm and the rest of its record."""

    tier_points: int
    last_decided_at: datetime | None
    record_count: int
    categories: tuple[DataCategory, ...]


def export_vendors(session: Session, actor: Actor, q: VendorQuery,
                   today: date) -> list[ExportedVendor]:
    """Every firm the query matches (no paging), in the list's order, with its NDA flag: two
    queries whatever the size, audited as an export."""
    rows = session.execute(_filtered(
        _listed(today).add_columns(Vendor.tier_points, Vendor.last_decided_at,
                                   Vendor.record_count), q).order_by(*_order(q))).all()
    categories: dict[int, list[DataCategory]] = {}
    for vendor_id, category in session.execute(
            select(VendorDataCategory.vendor_id, VendorDataCategory.category)
            .where(VendorDataCategory.vendor_id.in_(_filtered(select(Vendor.id), q)))
            .order_by(VendorDataCategory.vendor_id, VendorDataCategory.category)):
        categories.setdefault(vendor_id, []).append(category)
    audit.record(session, actor, "vendor.export", details={
        "filters": _filters_of(q), "searched": bool(q.text), "rows": len(rows)})
    return [ExportedVendor(**vars(_listed_vendor(row)), tier_points=row[11],
                           last_decided_at=row[12], record_count=row[13],
                           categories=tuple(categories.get(row[0], ()))) for row in rows]


def tier_counts(session: Session) -> dict[RiskTier, int]:
    rows = session.execute(select(Vendor.tier, func.count(Vendor.id)).group_by(Vendor.tier))
    counts = dict.fromkeys(RiskTier, 0)
    counts.update({RiskTier(tier): n for tier, n in rows})
    return counts


def status_counts(session: Session) -> dict[VendorStatus, int]:
    rows = session.execute(select(Vendor.status, func.count(Vendor.id)).group_by(Vendor.status))
    counts = dict.fromkeys(VendorStatus, 0)
    counts.update({VendorStatus(status): n for status, n in rows})
    return counts
