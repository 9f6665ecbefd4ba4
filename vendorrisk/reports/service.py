"""What the PDF reports show, gathered through the features' own services, and the audited
production of a PDF from it.

A report is built in two steps so this module stays free of Flask: the service gathers the
facts (``assessment_report``, ``portfolio_report``), the caller turns them into HTML (a template
in the reader's language), and ``produce`` turns the HTML into a PDF through the cache,
auditing who took which report and whether it was rendered or served from the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from vendorrisk.accounts.models import User
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, Standing
from vendorrisk.agreements.models import Agreement
from vendorrisk.assessments import decisions, findings, review
from vendorrisk.assessments.models import (
    Assessment,
    AssessmentStatus,
    Decision,
    Finding,
    FindingStatus,
    Submission,
)
from vendorrisk.assessments.service import get_assessment
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.dashboard import portfolio as portfolios
from vendorrisk.errors import Conflict
from vendorrisk.reports.cache import Rendered, ReportCache
from vendorrisk.scheduling.cadence import Cadence
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import RiskTier, VendorStatus
from vendorrisk.vendors.models import Vendor
from vendorrisk.vendors.tiering import TierAssessment

# A report describes what a partner submitted: before the first submission there is nothing to
# report, and a draft's answers are the partner's work in progress.
REPORTABLE = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.UNDER_REVIEW,
                        AssessmentStatus.RETURNED, AssessmentStatus.REVIEWED,
                        AssessmentStatus.COMPLETED})
RISKIEST_SHOWN = 20
WORKLIST_SHOWN = 50  # overdue assessments and findings listed in the portfolio report
NDA_WINDOW_DAYS = 90


@dataclass(frozen=True)
class AssessmentReport:
    sheet: review.ReviewSheet
    findings: list[Finding]
    decision: Decision | None
    tier: TierAssessment
    nda: Standing | None  # None: the firm never had an NDA
    submitted_at: datetime | None  # the latest submission
    people: dict[int, str]  # user id -> name, for the reviewer, the decider and finding owners
    today: date

    @property
    def assessment(self) -> Assessment:
        return self.sheet.assessment

    @property
    def open_findings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.status != FindingStatus.CLOSED]

    def name_of(self, user_id: int | None) -> str | None:
        return self.people.get(user_id) if user_id is not None else None


def assessment_report(session: Session, assessment_id: int, today: date,
                      warn_days: int) -> AssessmentReport:
    assessment = get_assessment(session, assessment_id)
    if assessment.status not in REPORTABLE:
        raise Conflict("A report is available once the partner has submitted the "
                       "questionnaire.")
    sheet = review.build_sheet(session, assessment)
    found = findings.of_assessment(session, assessment.id)
    decision = decisions.decision_of(session, assessment.id)
    user_ids = {assessment.reviewer_id, decision.decided_by_id if decision else None,
                *(finding.owner_id for finding in found)} - {None}
    return AssessmentReport(
        sheet=sheet, findings=found, decision=decision,
        tier=vendors.explain_tier(assessment.vendor),
        nda=agreements.nda_standing(session, assessment.vendor_id, today, warn_days),
        submitted_at=session.scalar(
            select(Submission.submitted_at).where(Submission.assessment_id == assessment.id)
            .order_by(Submission.id.desc()).limit(1)),
        people=dict(session.execute(
            select(User.id, User.name).where(User.id.in_(user_ids))).all()),
        today=today)


@dataclass(frozen=True)
class PortfolioReport:
    summary: portfolios.Portfolio
    riskiest: list[Vendor]
    without_nda: list[vendors.ListedVendor]
    ndas_ending: list[tuple[Agreement, Standing]]
    overdue_assessments: portfolios.Page
    overdue_findings: portfolios.Page
    reassessments: portfolios.DueReassessments
    today: date


def _riskiest(session: Session) -> list[Vendor]:
    """Decided firms, highest residual risk first, then the weakest controls."""
    rank = case({tier: index for index, tier in enumerate(RiskTier)}, value=Vendor.residual_risk)
    return list(session.scalars(
        select(Vendor).where(Vendor.status != VendorStatus.OFFBOARDED,
                             Vendor.residual_risk.is_not(None))
        .order_by(rank.desc(), Vendor.control_score, Vendor.name).limit(RISKIEST_SHOWN)))


def portfolio_report(session: Session, actor: Actor, today: date, cadence: Cadence,
                     warn_days: int) -> PortfolioReport:
    """The dashboard's figures and the lists behind them; the lists audit their own reads."""
    without_nda = vendors.list_vendors(session, actor, vendors.VendorQuery(
        current=True, without_nda_on=today, sort="tier", descending=True,
        per_page=WORKLIST_SHOWN), today)
    return PortfolioReport(
        summary=portfolios.portfolio(session, today, cadence),
        riskiest=_riskiest(session),
        without_nda=without_nda.vendors,
        ndas_ending=agreements.register(session, actor, agreements.AgreementQuery(
            kind=AgreementKind.NDA, within_days=NDA_WINDOW_DAYS), today, warn_days),
        overdue_assessments=portfolios.overdue_assessments(session, actor, today, 1,
                                                           WORKLIST_SHOWN),
        overdue_findings=portfolios.overdue_findings(session, actor, today, 1, WORKLIST_SHOWN),
        reassessments=portfolios.reassessments_due(session, actor, today, cadence),
        today=today)


def produce(session: Session, actor: Actor, cache: ReportCache, render: Callable[[str], bytes],
            subject: str, html: str, object_type: str = "report",
            object_id: int | str = "") -> Rendered:
    """The PDF of ``html`` from the cache or rendered now, audited as a read of the report."""
    rendered = cache.get(subject, html, render)
    audit.record(session, actor, "report.download", object_type=object_type, object_id=object_id,
                 details={"report": subject, "cache": "hit" if rendered.cached else "miss"})
    return rendered
