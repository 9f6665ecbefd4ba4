"""Engagements and the disclosures of client data made under them.

Recording a disclosure gathers the facts about the firm (its NDAs, latest decision and open
conditions, reassessment due date, intake) and runs the pure policy in domain.py. A refusal is
a ``Refused`` error carrying the verdict, unless a manager (or admin) gives a written reason to
override it; the override is stored with the reasons it overrode. Every change and every read
of these lists is audited with ids, field names and rule keys only: titles, client references,
purposes and override reasons may name clients.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from vendorrisk import clock
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import INTERNAL_ROLES
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, Standing, standing
from vendorrisk.agreements.queries import nda_in_force
from vendorrisk.assessments.decisions import DECIDERS
from vendorrisk.assessments.models import Assessment, Decision, Finding, FindingStatus
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.dashboard.portfolio import Page
from vendorrisk.errors import Conflict, DomainError, Forbidden, NotFound
from vendorrisk.offboarding import service as offboarding
from vendorrisk.scheduling.cadence import Cadence, next_due
from vendorrisk.scheduling.queries import reassessment_due_by
from vendorrisk.sharing import domain
from vendorrisk.sharing.domain import (
    Channel,
    CountUnit,
    EngagementStatus,
    Holding,
    InvalidRequest,
    Rule,
    Verdict,
)
from vendorrisk.sharing.models import Disclosure, DisclosureCategory, Engagement
from vendorrisk.text import clean_text
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import DataCategory, VendorStatus
from vendorrisk.vendors.models import Vendor

# Managers decide on assessments, so they (and admins) are who may override a refusal.
OVERRIDERS = DECIDERS


class Refused(DomainError):
    """The policy refused the disclosure; ``verdict`` has every reason."""

    status_code = 422

    def __init__(self, verdict: Verdict, message: str | None = None) -> None:
        super().__init__(message or "This disclosure is refused: " + " ".join(
            reason.text for reason in verdict.reasons))
        self.verdict = verdict


# --- engagements ------------------------------------------------------------------------------

@dataclass(frozen=True)
class EngagementDetails:
    title: str
    client_reference: str
    purpose: str
    starts_on: date | None
    planned_end_on: date | None
    owner_id: int | None


def _internal_user(session: Session, user_id: int | None, missing: str) -> User:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or user.role not in INTERNAL_ROLES or not user.is_enabled:
        raise DomainError(missing)
    return user


def _checked(session: Session, details: EngagementDetails) -> EngagementDetails:
    title = clean_text(details.title, missing="Give the engagement a short title.",
                       too_long="Keep the title under {limit} characters.", limit=200)
    client = clean_text(details.client_reference, missing="Say which client it is for.",
                        too_long="Keep the client reference under {limit} characters.",
                        limit=200)
    purpose = clean_text(details.purpose, missing="State the purpose: why the firm needs "
                         "client data.", too_long="Keep the purpose under {limit} characters.")
    if details.starts_on is None or details.planned_end_on is None:
        raise DomainError("Give the start date and the planned end.")
    try:
        domain.check_engagement_dates(details.starts_on, details.planned_end_on)
    except InvalidRequest as error:
        raise DomainError(str(error)) from None
    owner = _internal_user(session, details.owner_id, "Choose the engagement's owner among the "
                           "company's users.")
    return EngagementDetails(title, client, purpose, details.starts_on, details.planned_end_on,
                             owner.id)


def open_engagement(session: Session, actor: Actor, vendor_id: int,
                    details: EngagementDetails) -> Engagement:
    vendor = vendors.get_vendor(session, vendor_id)
    if vendor.status == VendorStatus.OFFBOARDED:
        raise DomainError("This firm is offboarded: no engagement can be opened with it.")
    details = _checked(session, details)
    engagement = Engagement(vendor_id=vendor.id, status=EngagementStatus.OPEN,
                            created_by_id=actor.user_id,
                            **{f.name: getattr(details, f.name) for f in fields(details)})
    session.add(engagement)
    session.flush()
    audit.record(session, actor, "engagement.opened", object_type="engagement",
                 object_id=engagement.id, details={"vendor": vendor.id})
    return engagement


def get_engagement(session: Session, engagement_id: int) -> Engagement:
    engagement = session.scalar(
        select(Engagement).where(Engagement.id == engagement_id)
        .options(joinedload(Engagement.vendor), joinedload(Engagement.owner)))
    if engagement is None:
        raise NotFound("No such engagement.")
    return engagement


def _current(session: Session, engagement_id: int, expected_version: int) -> Engagement:
    engagement = get_engagement(session, engagement_id)
    if engagement.version != expected_version:
        raise Conflict("Someone changed this engagement meanwhile; reload it and try again.")
    if engagement.status == EngagementStatus.CLOSED:
        raise DomainError("This engagement is closed.")
    return engagement


def update_engagement(session: Session, actor: Actor, engagement_id: int,
                      details: EngagementDetails, expected_version: int) -> Engagement:
    engagement = _current(session, engagement_id, expected_version)
    details = _checked(session, details)
    changed = [f.name for f in fields(details)
               if getattr(engagement, f.name) != getattr(details, f.name)]
    for name in changed:
        setattr(engagement, name, getattr(details, name))
    session.flush()
    audit.record(session, actor, "engagement.updated", object_type="engagement",
                 object_id=engagement.id, details={"changed": changed})
    return engagement


def close_engagement(session: Session, actor: Actor, engagement_id: int,
                     expected_version: int,
                     settings: offboarding.OffboardingSettings) -> Engagement:
    """The purpose is fulfilled: the firm is asked to return or destroy exactly what it was
    given under the engagement and to certify it. What was disclosed stays held until
    procurement confirms the certificate."""
    engagement = _current(session, engagement_id, expected_version)
    engagement.status, engagement.closed_on = EngagementStatus.CLOSED, clock.now().date()
    engagement.closed_by_id = actor.user_id
    session.flush()
    held = session.scalar(select(func.count(Disclosure.id)).where(
        Disclosure.engagement_id == engagement.id, Disclosure.holding == Holding.HELD)) or 0
    audit.record(session, actor, "engagement.closed", object_type="engagement",
                 object_id=engagement.id, details={"held_disclosures": held})
    offboarding.request_return(session, actor, engagement.id,
                               f"engagement “{engagement.title}” closed", settings)
    return engagement


def view_engagement(session: Session, actor: Actor, engagement_id: int) -> Engagement:
    """The engagement with its disclosures, newest first."""
    engagement = session.scalar(
        select(Engagement).where(Engagement.id == engagement_id)
        .options(joinedload(Engagement.vendor), joinedload(Engagement.owner),
                 selectinload(Engagement.disclosures).options(*_disclosure_details())))
    if engagement is None:
        raise NotFound("No such engagement.")
    audit.record(session, actor, "engagement.view", object_type="engagement",
                 object_id=engagement.id)
    return engagement


def _held_count() -> Any:
    return (select(func.count(Disclosure.id))
            .where(Disclosure.engagement_id == Engagement.id, Disclosure.holding == Holding.HELD)
            .scalar_subquery())


def engagements(session: Session, actor: Actor, open_only: bool,
                vendor_id: int | None = None) -> list[tuple[Engagement, int]]:
    """Engagements (open ones, or all) with how many disclosures each still has held out,
    the latest started first."""
    query = (select(Engagement, _held_count())
             .options(joinedload(Engagement.vendor).lazyload(Vendor.categories),
                      joinedload(Engagement.owner))
             .order_by(Engagement.starts_on.desc(), Engagement.id.desc()))
    if open_only:
        query = query.where(Engagement.status == EngagementStatus.OPEN)
    if vendor_id is not None:
        query = query.where(Engagement.vendor_id == vendor_id)
    rows = [(engagement, held) for engagement, held in session.execute(query)]
    audit.record(session, actor, "engagement.list", object_type="engagement", details={
        "open_only": open_only, "vendor": vendor_id, "shown": len(rows)})
    return rows


# --- the policy's facts -----------------------------------------------------------------------

@dataclass(frozen=True)
class DisclosureDetails:
    """What the disclosure form collects. Categories are the submitted values, checked here."""

    categories: Collection[str]
    approx_count: int | None
    count_unit: CountUnit
    channel: Channel
    disclosed_on: date | None
    return_by: date | None
    approved_by_id: int | None


def categories_of(values: Iterable[str]) -> frozenset[DataCategory]:
    known = DataCategory._value2member_map_
    unknown = sorted(value for value in values if value not in known)
    if unknown:
        raise DomainError("Unknown kind of client data: " + ", ".join(unknown)[:100] +
                          ". Choose among the kinds the intake lists.")
    return frozenset(DataCategory(value) for value in values)


def _latest_decision(session: Session, vendor_id: int) -> Decision | None:
    return session.scalar(
        select(Decision).join(Assessment, Assessment.id == Decision.assessment_id)
        .where(Assessment.vendor_id == vendor_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(1))


def _decision_facts(session: Session, decision: Decision | None) -> domain.DecisionFacts | None:
    if decision is None:
        return None
    condition_ids = json.loads(decision.conditions_json or "[]")
    still_open = list(session.scalars(
        select(Finding.title).where(Finding.id.in_(condition_ids),
                                    Finding.status != FindingStatus.CLOSED)
        .order_by(Finding.id))) if condition_ids else []
    approved_for = None if decision.data_categories is None else frozenset(
        DataCategory(value) for value in decision.data_categories.split())
    return domain.DecisionFacts(decision.id, decision.outcome.value, decision.decided_at.date(),
                                tuple(still_open), approved_for)


def _reassessment_due(vendor: Vendor, cadence: Cadence) -> date | None:
    if vendor.last_decided_at is None:
        return None
    return next_due(vendor.last_decided_at.date(), vendor.tier, cadence)


def facts_of(session: Session, vendor: Vendor, on: date, cadence: Cadence) -> domain.Facts:
    """Everything the policy needs about the firm, for a disclosure made on ``on``."""
    ndas = [domain.NdaFacts(a.id, a.dates) for a in agreements.of_vendor(session, vendor.id)
            if a.kind == AgreementKind.NDA and a.superseded_at is None]
    asked = vendor.reassessment_requested_at
    return domain.Facts(
        status=vendor.status, declared=vendor.data_categories,
        nda=domain.pick_nda(ndas, on),
        decision=_decision_facts(session, _latest_decision(session, vendor.id)),
        reassessment_due_on=_reassessment_due(vendor, cadence),
        early_reassessment_asked_on=asked.date() if asked else None)


def _request(engagement: Engagement, details: DisclosureDetails,
             today: date) -> domain.Request:
    if details.disclosed_on is None or details.return_by is None:
        raise DomainError("Give the disclosure date and the date by which the data must be "
                          "returned or destroyed.")
    request = domain.Request(categories_of(details.categories), details.disclosed_on,
                             details.return_by)
    try:
        domain.check_request(request, details.approx_count or 0, today)
    except InvalidRequest as error:
        raise DomainError(str(error)) from None
    if request.disclosed_on < engagement.starts_on:
        raise DomainError(f"The engagement starts on {engagement.starts_on}: a disclosure "
                          "under it cannot come before.")
    return request


def preview(session: Session, engagement: Engagement, today: date,
            cadence: Cadence) -> Verdict:
    """The verdict on sending every declared kind today, kept until the planned end: what the
    engagement page shows before anything is typed."""
    vendor = engagement.vendor
    request = domain.Request(vendor.data_categories or frozenset(DataCategory), today,
                             max(today, engagement.planned_end_on))
    return domain.judge(facts_of(session, vendor, today, cadence), request)


def check(session: Session, engagement_id: int, details: DisclosureDetails,
          cadence: Cadence) -> Verdict:
    """The verdict on this disclosure, without recording it."""
    engagement = get_engagement(session, engagement_id)
    request = _request(engagement, details, clock.now().date())
    return domain.judge(facts_of(session, engagement.vendor, request.disclosed_on, cadence),
                        request)


def record_disclosure(session: Session, actor: Actor, engagement_id: int,
                      details: DisclosureDetails, cadence: Cadence,
                      override_reason: str | None = None) -> tuple[Disclosure, Verdict]:
    """Record a disclosure the policy allows; a refused one only with a manager's written
    reason to override it. Returns the verdict, whose warnings the view shows."""
    engagement = get_engagement(session, engagement_id)
    vendor = vendors.get_vendor(session, engagement.vendor_id, for_update=True)
    if engagement.status == EngagementStatus.CLOSED:
        raise DomainError("This engagement is closed: open a new one to share more data.")
    request = _request(engagement, details, clock.now().date())
    approver = _internal_user(session, details.approved_by_id,
                              "Choose who approved sending it, among the company's users.")
    facts = facts_of(session, vendor, request.disclosed_on, cadence)
    verdict = domain.judge(facts, request)
    reason = clean_text(override_reason, missing=None,
                        too_long="Keep the override reason under {limit} characters.")
    if not verdict.allowed:
        if not reason:
            raise Refused(verdict)
        if actor.role not in OVERRIDERS:
            raise Forbidden("Only a manager can override a refusal.")
        if not verdict.overridable:
            raise Refused(verdict, "This refusal cannot be overridden: " + " ".join(
                r.text for r in verdict.reasons if not r.overridable))
    overridden = not verdict.allowed
    disclosure = Disclosure(
        engagement_id=engagement.id, vendor_id=vendor.id, approx_count=details.approx_count,
        count_unit=details.count_unit, channel=details.channel,
        disclosed_on=request.disclosed_on, return_by=request.return_by,
        approved_by_id=approver.id, nda_agreement_id=facts.nda.agreement_id if facts.nda
        else None, decision_id=facts.decision.decision_id if facts.decision else None,
        override_reason=reason if overridden else None,
        overridden_by_id=actor.user_id if overridden else None,
        refused_because="\n".join(r.text for r in verdict.reasons) if overridden else "",
        holding=Holding.HELD, created_by_id=actor.user_id,
        categories=[DisclosureCategory(category=c) for c in sorted(request.categories)])
    session.add(disclosure)
    session.flush()
    audit.record(session, actor, "disclosure.recorded", object_type="disclosure",
                 object_id=disclosure.id, details={
                     "engagement": engagement.id, "vendor": vendor.id,
                     "categories": sorted(c.value for c in request.categories),
                     "channel": details.channel.value, "nda": disclosure.nda_agreement_id,
                     "decision": disclosure.decision_id,
                     "warnings": [w.rule.value for w in verdict.warnings]})
    if overridden:
        audit.record(session, actor, "disclosure.override", object_type="disclosure",
                     object_id=disclosure.id, outcome="override",
                     details={"vendor": vendor.id, "overrode": verdict.rules})
    return disclosure, verdict


# --- what is held, and the register -----------------------------------------------------------

def _disclosure_details() -> list[Any]:
    """What a list of disclosures shows beside each, loaded with it (no query per row)."""
    return [joinedload(Disclosure.approved_by), joinedload(Disclosure.overridden_by),
            joinedload(Disclosure.nda), selectinload(Disclosure.categories)]


@dataclass(frozen=True)
class Holdings:
    """What a firm holds of our clients' data right now."""

    held: list[tuple[Disclosure, Standing | None]]  # with its NDA's standing today
    engagements: list[tuple[Engagement, int]]  # open ones, with their held disclosures
    categories: frozenset[DataCategory]
    since: date | None  # the oldest disclosure still held
    nda: Standing | None  # the firm's current NDA today
    reassessment_due_on: date | None
    concerns: tuple[Rule, ...]  # why holding data there is a worry today (domain.concerns)

    overdue_returns: int  # held past their return-by date


def holdings(session: Session, actor: Actor, vendor: Vendor, today: date, cadence: Cadence,
             warn_days: int, nda: Standing | None) -> Holdings:
    """What the firm holds; ``nda`` is its NDA's standing today (agreements.nda_standing)."""
    held = list(session.scalars(
        select(Disclosure).where(Disclosure.vendor_id == vendor.id,
                                 Disclosure.holding == Holding.HELD)
        .options(joinedload(Disclosure.engagement), *_disclosure_details())
        .order_by(Disclosure.disclosed_on, Disclosure.id)))
    due = _reassessment_due(vendor, cadence)
    open_engagements = engagements(session, actor, open_only=True, vendor_id=vendor.id)
    audit.record(session, actor, "disclosure.holdings", object_type="vendor", object_id=vendor.id,
                 details={"held": [d.id for d in held]})
    return Holdings(
        held=[(d, standing(d.nda.dates, today, warn_days) if d.nda else None) for d in held],
        engagements=open_engagements,
        categories=frozenset(c for d in held for c in d.data_categories),
        since=held[0].disclosed_on if held else None, nda=nda, reassessment_due_on=due,
        concerns=domain.concerns(vendor.status, nda, due, today) if held else (),
        overdue_returns=sum(1 for d in held if d.return_by < today))


@dataclass(frozen=True)
class RegisterQuery:
    text: str = ""  # part of the firm's name
    category: DataCategory | None = None
    channel: Channel | None = None
    held_only: bool = False
    overridden_only: bool = False
    return_overdue: bool = False  # still held past its return-by date

    def filters(self) -> dict[str, object]:
        """For the audit log: which filters were set (the firm's text is not kept)."""
        return {"text": bool(self.text), "category": self.category, "channel": self.channel,
                "held_only": self.held_only, "overridden_only": self.overridden_only,
                "return_overdue": self.return_overdue}


def _filtered(query: Select[Any], q: RegisterQuery, today: date) -> Select[Any]:
    if q.text.strip():
        pattern = f"%{vendors.escape_like(q.text.strip().lower())}%"
        query = query.where(Disclosure.vendor_id.in_(
            select(Vendor.id).where(func.lower(Vendor.name).like(pattern, escape="\\"))))
    if q.category is not None:
        query = query.where(exists().where(DisclosureCategory.disclosure_id == Disclosure.id,
                                           DisclosureCategory.category == q.category))
    if q.channel is not None:
        query = query.where(Disclosure.channel == q.channel)
    if q.held_only or q.return_overdue:
        query = query.where(Disclosure.holding == Holding.HELD)
    if q.return_overdue:
        query = query.where(Disclosure.return_by < today)
    if q.overridden_only:
        query = query.where(Disclosure.overridden_by_id.is_not(None))
    return query


def register(session: Session, actor: Actor, q: RegisterQuery, today: date, page: int,
             per_page: int) -> Page:
    """One page of the disclosures the filters match, the latest first: three queries (the
    count, the rows with their firm, engagement and people, their categories)."""
    total = session.scalar(_filtered(select(func.count(Disclosure.id)), q, today)) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    rows = list(session.scalars(
        _filtered(select(Disclosure), q, today)
        .options(joinedload(Disclosure.vendor).lazyload(Vendor.categories),
                 joinedload(Disclosure.engagement), *_disclosure_details())
        .order_by(Disclosure.disclosed_on.desc(), Disclosure.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    audit.record(session, actor, "disclosure.list", object_type="disclosure", details={
        **q.filters(), "page": page, "shown": [d.id for d in rows]})
    return Page(rows, total, page, per_page)


EXPORT_COLUMNS = ("id", "firm", "engagement_id", "engagement", "client_reference",
                  "categories", "approx_count", "unit", "channel", "disclosed_on", "return_by",
                  "return_overdue", "holding", "approved_by", "nda_agreement_id", "decision_id",
                  "overridden", "override_reason", "overridden_by", "refused_because",
                  "recorded_on")


def export_rows(session: Session, actor: Actor, q: RegisterQuery,
                today: date) -> list[list[object]]:
    """Every disclosure the filters match, as plain rows in EXPORT_COLUMNS' order, read before
    the file streams."""
    found = list(session.scalars(
        _filtered(select(Disclosure), q, today)
        .options(joinedload(Disclosure.vendor).lazyload(Vendor.categories),
                 joinedload(Disclosure.engagement), *_disclosure_details())
        .order_by(Disclosure.disclosed_on.desc(), Disclosure.id.desc())))
    audit.record(session, actor, "disclosure.export", object_type="disclosure",
                 details={**q.filters(), "rows": len(found)})
    return [[d.id, d.vendor.name, d.engagement_id, d.engagement.title,
             d.engagement.client_reference,
             " ".join(c.value for c in DataCategory if c in d.data_categories),
             d.approx_count, d.count_unit.value, d.channel.value, d.disclosed_on, d.return_by,
             "yes" if d.holding == Holding.HELD and d.return_by < today else "no",
             d.holding.value, d.approved_by.name, d.nda_agreement_id or "", d.decision_id or "",
             "yes" if d.overridden else "no", d.override_reason or "",
             d.overridden_by.name if d.overridden_by else "", d.refused_because,
             d.created_at.date()] for d in found]


def entrusted(session: Session, actor: Actor, vendor_id: int) -> list[Disclosure]:
    """For the firm's own partners: what it holds of ours, the oldest first."""
    held = list(session.scalars(
        select(Disclosure).where(Disclosure.vendor_id == vendor_id,
                                 Disclosure.holding == Holding.HELD)
        .options(joinedload(Disclosure.engagement), selectinload(Disclosure.categories))
        .order_by(Disclosure.return_by, Disclosure.id)))
    audit.record(session, actor, "disclosure.partner_list", object_type="vendor",
                 object_id=vendor_id, details={"shown": [d.id for d in held]})
    return held


# --- the dashboard ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Holder:
    vendor_id: int
    name: str
    status: VendorStatus
    held: int  # disclosures still held
    since: date
    nda_in_force: bool
    reassessment_overdue: bool

    @property
    def concern(self) -> bool:
        return (not self.nda_in_force or self.reassessment_overdue
                or self.status in domain.CLOSED_FIRM)


@dataclass(frozen=True)
class Holders:
    firms: list[Holder]  # the worrying ones first, up to the limit
    total: int  # firms holding client data
    of_concern: int  # of them, with an NDA not in force, a reassessment overdue or suspended


def holders(session: Session, today: date, cadence: Cadence, limit: int) -> Holders:
    """Firms holding our clients' data, those with an NDA not in force, a reassessment overdue
    or a suspended or offboarded status first: two queries, whatever the number of firms."""
    held = (select(Disclosure.vendor_id, func.count(Disclosure.id).label("held"),
                   func.min(Disclosure.disclosed_on).label("since"))
            .where(Disclosure.holding == Holding.HELD).group_by(Disclosure.vendor_id).subquery())
    overdue = func.coalesce(reassessment_due_by(today - timedelta(days=1), cadence), False)
    worry: ColumnElement[bool] = or_(not_(nda_in_force(today)), overdue,
                                     Vendor.status.in_(domain.CLOSED_FIRM))
    rows = session.execute(
        select(Vendor.id, Vendor.name, Vendor.status, held.c.held, held.c.since,
               nda_in_force(today), overdue)
        .join(held, held.c.vendor_id == Vendor.id)
        .order_by(case((worry, 0), else_=1), held.c.since, Vendor.name).limit(limit))
    total, of_concern = session.execute(
        select(func.count(), func.coalesce(func.sum(case((worry, 1), else_=0)), 0))
        .select_from(Vendor).join(held, held.c.vendor_id == Vendor.id)).one()
    return Holders([Holder(*row) for row in rows], total, of_concern)
