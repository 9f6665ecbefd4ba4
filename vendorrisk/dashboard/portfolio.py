"""The managers' portfolio: every number on the dashboard, the lists behind them, a firm's trend.

Each number is an aggregate query (GROUP BY, CASE), so the dashboard issues the same queries for
five firms or fifty thousand. The portfolio is every firm that is not offboarded. Reassessment
dates are calendar arithmetic, which SQL dialects do differently, so Python turns each tier's
cadence into the latest decision date that makes a firm due, and SQL only compares
``last_decided_at`` with it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, not_, select
from sqlalchemy.orm import Session, joinedload

from vendorrisk.agreements.queries import nda_ending_within, nda_in_force
from vendorrisk.assessments.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingSeverity,
    FindingStatus,
    QuestionnaireVersion,
)
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.questionnaires.scoring import ScoreBand
from vendorrisk.scheduling.cadence import Cadence, next_due
from vendorrisk.scheduling.queries import reassessment_due_by
from vendorrisk.vendors.domain import RiskTier, VendorStatus
from vendorrisk.vendors.models import Vendor
from vendorrisk.vendors.score_ranges import Bucket, buckets
from vendorrisk.vendors.service import score_band_of, score_bucket_of

DUE_SOON_DAYS = 90


@dataclass(frozen=True)
class Portfolio:
    due_soon_until: date  # reassessments due from today up to this day are "due soon"
    by_residual: dict[RiskTier, int]  # every tier, zero included
    undecided: int  # no decision yet, so no residual risk
    # Firms with a control score only: inherent tier x band, and per 10-point bucket.
    heat: dict[tuple[RiskTier, ScoreBand], int]
    distribution: dict[Bucket, int]
    overdue_assessments: int
    overdue_findings: int
    reassessments_overdue: int
    reassessments_due_soon: int
    without_nda: int  # firms with no signed NDA in force today
    nda_ending: dict[int, int]  # NDAs in force that end within 30, 60 and 90 days

    @property
    def firms(self) -> int:
        return sum(self.by_residual.values()) + self.undecided


def _in_portfolio() -> ColumnElement[bool]:
    return Vendor.status != VendorStatus.OFFBOARDED


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def portfolio(session: Session, today: date, cadence: Cadence) -> Portfolio:
    """Everything the dashboard's portfolio section shows, in six queries."""
    until = today + timedelta(days=DUE_SOON_DAYS)
    residual = _residual_counts(session)
    heat, distribution = _score_shape(session)
    overdue, due_soon = session.execute(
        select(_count_if(reassessment_due_by(today - timedelta(days=1), cadence)),
               _count_if(_due_soon(today, until, cadence)))
        .where(_in_portfolio(), Vendor.last_decided_at.is_not(None))).one()
    return Portfolio(
        due_soon_until=until,
        by_residual={tier: residual[tier] for tier in RiskTier}, undecided=residual[None],
        heat=heat, distribution=distribution,
        overdue_assessments=session.scalar(
            select(func.count(Assessment.id)).where(*_assessment_overdue(today))) or 0,
        overdue_findings=session.scalar(
            select(func.count(Finding.id)).where(*_finding_overdue(today))) or 0,
        reassessments_overdue=overdue, reassessments_due_soon=due_soon,
        **_nda_counts(session, today))


NDA_WINDOWS = (30, 60, 90)


def _nda_counts(session: Session, today: date) -> dict[str, Any]:
    counts = session.execute(select(
        _count_if(~nda_in_force(today)),
        *(_count_if(nda_ending_within(today, days)) for days in NDA_WINDOWS))
        .where(_in_portfolio())).one()
    return {"without_nda": counts[0], "nda_ending": dict(zip(NDA_WINDOWS, counts[1:],
                                                             strict=True))}


def _residual_counts(session: Session) -> Counter[RiskTier | None]:
    rows = session.execute(select(Vendor.residual_risk, func.count(Vendor.id))
                           .where(_in_portfolio()).group_by(Vendor.residual_risk))
    return Counter(dict(rows.all()))


def _score_shape(session: Session) -> tuple[dict[tuple[RiskTier, ScoreBand], int],
                                            dict[Bucket, int]]:
    """Heat map and distribution: one GROUP BY over tier, band and bucket.

    The band and bucket CASEs are computed in a subquery and grouped on by name, because
    PostgreSQL does not recognise a CASE with bound parameters as the same expression twice."""
    shape = select(Vendor.tier.label("tier"), score_band_of().label("band"),
                   score_bucket_of().label("bucket")).where(_in_portfolio()).subquery()
    rows = session.execute(select(shape.c.tier, shape.c.band, shape.c.bucket, func.count())
                           .group_by(shape.c.tier, shape.c.band, shape.c.bucket))
    heat = {(tier, band): 0 for tier in RiskTier for band in ScoreBand}
    by_start = {bucket.start: bucket for bucket in buckets()}
    distribution = dict.fromkeys(by_start.values(), 0)
    for tier, band, bucket, n in rows:
        if band is not None:  # no control score yet: neither on the map nor in a bucket
            heat[RiskTier(tier), ScoreBand(band)] += n
            distribution[by_start[int(bucket)]] += n
    return heat, distribution


# --- overdue work ---------------------------------------------------------------------------

def _assessment_overdue(today: date) -> tuple[ColumnElement[bool], ...]:
    """The partner's turn (OPEN_STATUSES) and past its due date."""
    return Assessment.status.in_(OPEN_STATUSES), Assessment.due_date < today


def _finding_overdue(today: date) -> tuple[ColumnElement[bool], ...]:
    return Finding.status != FindingStatus.CLOSED, Finding.due_date < today


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _page_of(session: Session, query: Select[Any], count: Select[Any], page: int,
             per_page: int) -> Page:
    total = session.scalar(count) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total, page, per_page)


def _firm_of(relationship: Any) -> Any:
    """The firm beside each row, without its data categories, which the lists do not show."""
    return joinedload(relationship).lazyload(Vendor.categories)


def overdue_assessments(session: Session, actor: Actor, today: date, page: int,
                        per_page: int) -> Page:
    """Assessments waiting on the partner past their due date, the longest overdue first."""
    result = _page_of(
        session,
        select(Assessment).where(*_assessment_overdue(today))
        .options(_firm_of(Assessment.vendor), joinedload(Assessment.questionnaire_version))
        .order_by(Assessment.due_date, Assessment.id),
        select(func.count(Assessment.id)).where(*_assessment_overdue(today)), page, per_page)
    audit.record(session, actor, "portfolio.list", details={
        "list": "overdue_assessments", "page": result.page,
        "shown": [a.id for a in result.items]})
    return result


def _severity_rank() -> ColumnElement[int]:
    return case({severity: severity.rank for severity in FindingSeverity}, value=Finding.severity)


def overdue_findings(session: Session, actor: Actor, today: date, page: int,
                     per_page: int) -> Page:
    """Findings not closed past their due date, the longest overdue first, then the gravest."""
    result = _page_of(
        session,
        select(Finding).where(*_finding_overdue(today)).options(_firm_of(Finding.vendor))
        .order_by(Finding.due_date, _severity_rank().desc(), Finding.id),
        select(func.count(Finding.id)).where(*_finding_overdue(today)), page, per_page)
    audit.record(session, actor, "portfolio.list", details={
        "list": "overdue_findings", "page": result.page, "shown": [f.id for f in result.items]})
    return result


# --- reassessments --------------------------------------------------------------------------

def _due_soon(today: date, until: date, cadence: Cadence) -> ColumnElement[bool]:
    return and_(reassessment_due_by(until, cadence),
                not_(reassessment_due_by(today - timedelta(days=1), cadence)))


@dataclass(frozen=True)
class DueReassessment:
    vendor_id: int
    name: str
    tier: RiskTier
    residual_risk: RiskTier | None
    decided_on: date
    due: date


@dataclass(frozen=True)
class DueReassessments:
    overdue: list[DueReassessment]  # the longest overdue first
    due_soon: list[DueReassessment]  # the soonest first
    until: date


def reassessments_due(session: Session, actor: Actor, today: date,
                      cadence: Cadence) -> DueReassessments:
    """Firms whose reassessment is overdue or due within DUE_SOON_DAYS, with their due dates.

    Sorted by due date, which only Python computes; the rows are the firms due, not the whole
    portfolio."""
    until = today + timedelta(days=DUE_SOON_DAYS)
    rows = session.execute(
        select(Vendor.id, Vendor.name, Vendor.tier, Vendor.residual_risk, Vendor.last_decided_at)
        .where(_in_portfolio(), Vendor.last_decided_at.is_not(None),
               reassessment_due_by(until, cadence)))
    due = sorted((DueReassessment(vendor_id, name, tier, residual, decided.date(),
                                  next_due(decided.date(), tier, cadence))
                  for vendor_id, name, tier, residual, decided in rows),
                 key=lambda item: (item.due, item.name))
    audit.record(session, actor, "portfolio.list", details={
        "list": "reassessments_due", "shown": [item.vendor_id for item in due]})
    return DueReassessments(overdue=[item for item in due if item.due < today],
                            due_soon=[item for item in due if item.due >= today], until=until)


# --- one firm's trend -----------------------------------------------------------------------

@dataclass(frozen=True)
class ScorePoint:
    assessment_id: int
    title: str
    cycle: int
    score: float
    on: datetime  # when decided, or else when last scored
    decided: bool


def score_trend(session: Session, vendor_id: int) -> list[ScorePoint]:
    """The firm's scored assessments, oldest first (cancelled ones left out)."""
    rows = session.execute(
        select(Assessment.id, QuestionnaireVersion.title, Assessment.cycle, Assessment.score,
               Assessment.decided_at, Assessment.scored_at, Assessment.created_at)
        .join(QuestionnaireVersion, Assessment.questionnaire_version_id == QuestionnaireVersion.id)
        .where(Assessment.vendor_id == vendor_id, Assessment.score.is_not(None),
               Assessment.status != AssessmentStatus.CANCELLED)
        .order_by(Assessment.created_at, Assessment.id))
    return [ScorePoint(assessment_id, title, cycle, score, decided or scored or created,
                       decided is not None)
            for assessment_id, title, cycle, score, decided, scored, created in rows]
