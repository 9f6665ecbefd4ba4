"""PDF reports for internal readers: one per assessment, and the portfolio."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from werkzeug.wrappers import Response

from vendorrisk import clock, db
from vendorrisk.accounts.roles import INTERNAL_ROLES
from vendorrisk.assessments import findings
from vendorrisk.assessments.models import AssessmentStatus, FindingStatus
from vendorrisk.assessments.review_views import reader_language
from vendorrisk.csv_export import csv_response
from vendorrisk.dashboard import charts
from vendorrisk.downloads import attachment
from vendorrisk.i18n import gettext as _
from vendorrisk.questionnaires import answers as rules
from vendorrisk.reports import exports, pdf, service
from vendorrisk.reports.cache import ReportCache
from vendorrisk.scheduling.cadence import Cadence
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor
from vendorrisk.storage import keyring_for

bp = Blueprint("reports", __name__)


def _today() -> date:
    return clock.now().date()


def _cache() -> ReportCache:
    return ReportCache(current_app.config["REPORT_CACHE_DIR"], keyring_for(current_app),
                       pdf.assets_digest())


def _render(html: str) -> bytes:
    return pdf.render(html, current_app.config["REPORT_RENDER_TIMEOUT"])


def _pdf_download(name: str, data: bytes) -> Response:
    return attachment(f"{name}-{_today().isoformat()}.pdf", data, "application/pdf")


@bp.route("/assessments/<int:assessment_id>/report.pdf")
@roles(INTERNAL_ROLES)
def assessment(assessment_id: int) -> Response:
    session = db.session()
    report = service.assessment_report(session, assessment_id, _today(),
                                       current_app.config["AGREEMENT_WARNING_DAYS"])
    questionnaire = report.sheet.questionnaire
    language = reader_language(questionnaire)
    names = {s.id: s.title.get(language) or next(iter(s.title.values()))
             for s in questionnaire.sections}
    html = render_template(
        "reports/assessment.html", report=report, language=language, locale=get_locale(),
        today=report.today, section_names=names, is_overdue=findings.is_overdue,
        section_chart=charts.section_scores([(s.section_id, s.score)
                                             for s in report.sheet.card.sections
                                             if s.score is not None]),
        describe=lambda question, answer: rules.display(question, answer, language,
                                                        _("no answer"), _("Not applicable")))
    rendered = service.produce(session, current_actor(), _cache(), _render,
                               f"assessment-{assessment_id}", html, "assessment", assessment_id)
    return _pdf_download(f"assessment-{assessment_id}-{report.assessment.vendor.name}",
                         rendered.pdf)


@bp.route("/reports/portfolio.pdf")
@roles(INTERNAL_ROLES)
def portfolio() -> Response:
    session, today = db.session(), _today()
    report = service.portfolio_report(
        session, current_actor(), today,
        Cadence.from_months(current_app.config["REASSESSMENT_MONTHS"]),
        current_app.config["AGREEMENT_WARNING_DAYS"])
    summary = report.summary
    html = render_template(
        "reports/portfolio.html", report=report, summary=summary, locale=get_locale(),
        today=today, is_overdue=findings.is_overdue,
        residual_chart=charts.residual_bars(summary.by_residual, summary.undecided),
        heat_map=charts.heat_map(summary.heat),
        distribution_chart=charts.score_distribution(summary.distribution))
    rendered = service.produce(session, current_actor(), _cache(), _render, "portfolio", html)
    return _pdf_download("portfolio", rendered.pdf)


def _status_arg(enum: type[AssessmentStatus] | type[FindingStatus]) -> Any:
    value = request.args.get("status", "")
    return enum(value) if value in enum._value2member_map_ else None


def _csv_value(value: object) -> object:
    """Enums as their stable value, times as the UTC date, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    return getattr(value, "value", value)


@bp.route("/reports/assessments.csv")
@roles(INTERNAL_ROLES)
def assessments_csv() -> Response:
    rows = exports.assessment_rows(db.session(), current_actor(), _status_arg(AssessmentStatus))
    db.commit_if_open()  # the export is audited before the file streams
    return csv_response(f"assessments-{_today():%Y%m%d}.csv", exports.ASSESSMENT_COLUMNS,
                        ([_csv_value(value) for value in row] for row in rows))


@bp.route("/reports/findings.csv")
@roles(INTERNAL_ROLES)
def findings_csv() -> Response:
    rows = exports.finding_rows(db.session(), current_actor(), _today(),
                                _status_arg(FindingStatus))
    db.commit_if_open()
    return csv_response(f"findings-{_today():%Y%m%d}.csv", exports.FINDING_COLUMNS,
                        ([_csv_value(value) for value in row] for row in rows))
