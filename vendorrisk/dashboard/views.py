"""The internal home page: the register at a glance."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import db
from vendorrisk.accounts.roles import INTERNAL_ROLES
from vendorrisk.security.policy import public, roles
from vendorrisk.security.web import current_actor, home_url
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus

bp = Blueprint("dashboard", __name__)


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
        status=VendorStatus.ONBOARDING, sort="tier", descending=True, per_page=10))
    mine = vendors.list_vendors(session, current_actor(), vendors.VendorQuery(
        owner_id=current_user.id, sort="tier", descending=True, per_page=10))
    return render_template("dashboard/home.html", tiers=tiers, statuses=statuses,
                           highest=highest, total=sum(tiers.values()), onboarding=onboarding,
                           mine=mine)


@bp.route("/healthz")
@public
def health() -> tuple[str, int]:
    return "ok", 200
