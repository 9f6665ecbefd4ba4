"""The internal home page (the register and the portfolio at a glance) and the lists behind it."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import clock, db
from vendorrisk.accounts.roles import INTERNAL_ROLES
from vendorrisk.dashboard import charts, portfolio
from vendorrisk.incidents import service as incidents
from vendorrisk.offboarding import service as offboarding
from vendorrisk.scheduling.cadence import Cadence
from vendorrisk.security.policy import public, roles
from vendorrisk.security.web import current_actor, home_url
from vendorrisk.sharing import service as sharing
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus

bp = Blueprint("dashboard", __name__)
HOLDERS_SHOWN = 10  # firms holding client data listed on the dashboard, the worrying ones first


def _today() -> date:
    # Due dates are compared with the UTC date, as the services that set them do.
    return clock.now().date()


def _cadence() -> Cadence:
    return Cadence.from_months(current_app.config["REASSESSMENT_MONTHS"])


def _page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", "")))
    except ValueError:
        return 1


@bp.route("/")
@public
def root() -> Response:
    if current_user.is_authenticated:
        return redirect(home_url())
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@roles(INTERNAL_ROLES)
def home() -> str:
    session = db.session()
    tiers = vendors.tier_counts(session)
    statuses = vendors.status_counts(session)
    highest = max(tiers.values()) or 1
    onboarding = vendors.list_vendors(session, current_actor(), vendors.VendorQuery(
        status=VendorStatus.ONBOARDING, sort="tier", descending=True, per_page=10), _today())
    mine = vendors.list_vendors(session, current_actor(), vendors.VendorQuery(
        owner_id=current_user.id, sort="tier", descending=True, per_page=10), _today())
    summary = portfolio.portfolio(session, _today(), _cadence())
    incident_counts = incidents.counts(session, clock.now())
    certificates_overdue = offboarding.overdue_count(session, _today())
    return render_template(
        "dashboard/home.html", tiers=tiers, statuses=statuses, highest=highest,
        total=sum(tiers.values()), onboarding=onboarding, mine=mine, portfolio=summary,
        incident_counts=incident_counts, certificates_overdue=certificates_overdue,
        holders=sharing.holders(session, _today(), _cadence(), HOLDERS_SHOWN),
        residual_chart=charts.residual_bars(summary.by_residual, summary.undecided),
        heat_map=charts.heat_map(summary.heat),
        distribution_chart=charts.score_distribution(summary.distribution))


@bp.route("/dashboard/overdue-assessments")
@roles(INTERNAL_ROLES)
def overdue_assessments() -> str:
    page = portfolio.overdue_assessments(db.session(), current_actor(), _today(), _page_arg(),
                                         current_app.config["WORKLIST_PER_PAGE"])
    return render_template("dashboard/overdue_assessments.html", page=page, today=_today())


@bp.route("/dashboard/overdue-findings")
@roles(INTERNAL_ROLES)
def overdue_findings() -> str:
    page = portfolio.overdue_findings(db.session(), current_actor(), _today(), _page_arg(),
                                      current_app.config["WORKLIST_PER_PAGE"])
    return render_template("dashboard/overdue_findings.html", page=page, today=_today())


@bp.route("/dashboard/reassessments-due")
@roles(INTERNAL_ROLES)
def reassessments_due() -> str:
    due = portfolio.reassessments_due(db.session(), current_actor(), _today(), _cadence())
    return render_template("dashboard/reassessments_due.html", due=due, today=_today())


@bp.route("/healthz")
@public
def health() -> tuple[str, int]:
    return "ok", 200
