"""The data-sharing register: engagements, the disclosures made under them (checked by the
policy before anything is saved), the register with its CSV, and the partner's own view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from vendorrisk import clock, db
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import INTERNAL_ROLES, Role
from vendorrisk.csv_export import csv_response
from vendorrisk.errors import DomainError
from vendorrisk.i18n import gettext as _
from vendorrisk.offboarding import wiring
from vendorrisk.scheduling.cadence import Cadence
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor
from vendorrisk.sharing import service as sharing
from vendorrisk.sharing.domain import Channel, CountUnit, Verdict
from vendorrisk.sharing.forms import CloseForm, DisclosureForm, EngagementForm
from vendorrisk.sharing.models import Engagement
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import DataCategory
from vendorrisk.vendors.models import Vendor

bp = Blueprint("sharing", __name__, url_prefix="/sharing")
partner_bp = Blueprint("partner_sharing", __name__, url_prefix="/partner/sharing")


def _today() -> date:
    return clock.now().date()


def _cadence() -> Cadence:
    return Cadence.from_months(current_app.config["REASSESSMENT_MONTHS"])


def _version(value: str | None) -> int:
    return int(value) if (value or "").isdigit() else -1  # tampered: a stale form


def _internal_choices() -> list[SelectChoice]:
    return [SelectChoice(str(u.id), u.name)
            for u in accounts.users_with_roles(db.session(), INTERNAL_ROLES)]


def _user_id(value: str | None) -> int | None:
    return int(value) if (value or "").isdigit() else None


# --- the register -----------------------------------------------------------------------------

def _query() -> sharing.RegisterQuery:
    """The register's filters from the address; an unknown value is ignored, never an error."""
    args = request.args
    category, channel = args.get("category", ""), args.get("channel", "")
    return sharing.RegisterQuery(
        text=args.get("q", "")[:100],
        category=DataCategory(category) if category in DataCategory._value2member_map_
        else None,
        channel=Channel(channel) if channel in Channel._value2member_map_ else None,
        held_only=args.get("holding") == "held", overridden_only=args.get("overridden") == "1",
        return_overdue=args.get("overdue") == "1")


@bp.route("/")
@roles(INTERNAL_ROLES)
def index() -> str:
    try:
        page = max(1, int(request.args.get("page", "")))
    except ValueError:
        page = 1
    query = _query()
    found = sharing.register(db.session(), current_actor(), query, _today(), page,
                             current_app.config["WORKLIST_PER_PAGE"])
    return render_template("sharing/index.html", page=found, query=query, today=_today(),
                           categories=list(DataCategory), channels=list(Channel))


@bp.route("/export.csv")
@roles(INTERNAL_ROLES)
def export() -> Response:
    """Every disclosure the register's filters match, not one page."""
    rows = sharing.export_rows(db.session(), current_actor(), _query(), _today())
    db.commit_if_open()  # the export is audited before the file streams
    return csv_response(f"disclosures-{_today():%Y%m%d}.csv", sharing.EXPORT_COLUMNS, rows)


# --- engagements ------------------------------------------------------------------------------

@bp.route("/engagements/")
@roles(INTERNAL_ROLES)
def engagements() -> str:
    everything = request.args.get("show") == "all"
    return render_template("sharing/engagements.html", everything=everything,
                           rows=sharing.engagements(db.session(), current_actor(),
                                                    open_only=not everything))


def _details(form: EngagementForm) -> sharing.EngagementDetails:
    return sharing.EngagementDetails(
        title=form.title.data or "", client_reference=form.client_reference.data or "",
        purpose=form.purpose.data or "", starts_on=form.starts_on.data,
        planned_end_on=form.planned_end_on.data, owner_id=_user_id(form.owner_id.data))


def _engagement_page(form: EngagementForm, engagement: Engagement | None, vendor: Vendor,
                     save: Callable[[sharing.EngagementDetails], Engagement]
                     ) -> str | Response | tuple[str, int]:
    """Save a posted engagement form with ``save``; or show the form, with why not and what was
    typed."""
    if request.method == "POST" and form.validate_on_submit():
        try:
            saved = save(_details(form))
        except DomainError as error:
            db.rollback_if_open()
            form.form_errors.append(error.message)
            if engagement is not None:  # as it is now
                engagement = sharing.get_engagement(db.session(), engagement.id)
                vendor = engagement.vendor
        else:
            flash(_("Saved.") if engagement else _("Engagement opened."), "info")
            return redirect(url_for("sharing.engagement", engagement_id=saved.id))
    return render_template("sharing/engagement_form.html", form=form, vendor=vendor,
                           engagement=engagement), 200 if request.method == "GET" else 422


@bp.route("/engagements/new/<int:vendor_id>", methods=["GET", "POST"])
@roles(INTERNAL_ROLES)
def new_engagement(vendor_id: int) -> str | Response | tuple[str, int]:
    vendor = vendors.get_vendor(db.session(), vendor_id)
    form = EngagementForm()
    form.owner_id.choices = _internal_choices()
    if request.method == "GET":
        form.starts_on.data, form.owner_id.data = _today(), str(current_user.id)
    return _engagement_page(form, None, vendor, lambda details: sharing.open_engagement(
        db.session(), current_actor(), vendor.id, details))


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@roles(INTERNAL_ROLES)
def edit_engagement(engagement_id: int) -> str | Response | tuple[str, int]:
    engagement = sharing.get_engagement(db.session(), engagement_id)
    form = EngagementForm()
    form.owner_id.choices = _internal_choices()
    if request.method == "GET":
        form.process(data={"title": engagement.title,
                           "client_reference": engagement.client_reference,
                           "purpose": engagement.purpose, "starts_on": engagement.starts_on,
                           "planned_end_on": engagement.planned_end_on,
                           "owner_id": str(engagement.owner_id),
                           "version": str(engagement.version)})
    return _engagement_page(form, engagement, engagement.vendor, lambda details: (
        sharing.update_engagement(db.session(), current_actor(), engagement_id, details,
                                  _version(form.version.data))))


@bp.route("/engagements/<int:engagement_id>/close", methods=["POST"])
@roles(INTERNAL_ROLES)
def close_engagement(engagement_id: int) -> Response:
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
    else:
        try:
            sharing.close_engagement(db.session(), current_actor(), engagement_id,
                                     _version(form.version.data), wiring.settings())
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
        else:
            flash(_("Engagement closed. The firm has been asked to return or destroy what it was "
                    "given and to certify it; until procurement confirms, it stays recorded as "
                    "held."), "info")
    return redirect(url_for("sharing.engagement", engagement_id=engagement_id))


def _disclosure_form() -> DisclosureForm:
    form = DisclosureForm()
    form.approved_by_id.choices = _internal_choices()
    return form


def _render_engagement(engagement_id: int, form: DisclosureForm, verdict: Verdict | None = None,
                       status: int = 200) -> tuple[str, int]:
    session = db.session()
    engagement = sharing.view_engagement(session, current_actor(), engagement_id)
    return render_template(
        "sharing/engagement.html", engagement=engagement, form=form, verdict=verdict,
        standing=sharing.preview(session, engagement, _today(), _cadence()), today=_today(),
        close_form=CloseForm(version=engagement.version),
        may_override=current_user.role in sharing.OVERRIDERS), status


@bp.route("/engagements/<int:engagement_id>")
@roles(INTERNAL_ROLES)
def engagement(engagement_id: int) -> tuple[str, int]:
    form = _disclosure_form()
    form.disclosed_on.data, form.approved_by_id.data = _today(), str(current_user.id)
    return _render_engagement(engagement_id, form)


def _disclosure(form: DisclosureForm) -> sharing.DisclosureDetails:
    return sharing.DisclosureDetails(
        categories=list(form.categories.data or []), approx_count=form.approx_count.data,
        count_unit=CountUnit(form.count_unit.data), channel=Channel(form.channel.data),
        disclosed_on=form.disclosed_on.data, return_by=form.return_by.data,
        approved_by_id=_user_id(form.approved_by_id.data))


def _flash_warnings(verdict: Verdict) -> None:
    for warning in verdict.warnings:
        flash(" ".join([warning.text, *warning.items]), "warning")


@bp.route("/engagements/<int:engagement_id>/disclosures", methods=["POST"])
@roles(INTERNAL_ROLES)
def record(engagement_id: int) -> Response | tuple[str, int]:
    """The Check button shows the policy's verdict; Record saves an allowed disclosure, or shows
    why not (with the override field for managers) and keeps what was typed."""
    form = _disclosure_form()
    if not form.validate_on_submit():
        return _render_engagement(engagement_id, form, status=422)
    session, actor = db.session(), current_actor()
    may_override = current_user.role in sharing.OVERRIDERS
    try:
        if request.form.get("action") == "check":
            verdict = sharing.check(session, engagement_id, _disclosure(form), _cadence())
            return _render_engagement(engagement_id, form, verdict)
        disclosure, verdict = sharing.record_disclosure(
            session, actor, engagement_id, _disclosure(form), _cadence(),
            override_reason=form.override_reason.data if may_override else None)
    except sharing.Refused as refusal:
        db.rollback_if_open()  # nothing is kept; the form shows why, with what was typed
        return _render_engagement(engagement_id, form, refusal.verdict, status=422)
    except DomainError as error:
        db.rollback_if_open()
        form.form_errors.append(error.message)
        return _render_engagement(engagement_id, form, status=422)
    if disclosure.overridden:
        flash(_("Disclosure recorded as an override of the policy's refusal."), "warning")
    else:
        flash(_("Disclosure recorded."), "info")
    _flash_warnings(verdict)
    return redirect(url_for("sharing.engagement", engagement_id=engagement_id,
                            _anchor="disclosures"))


# --- the partner's side -----------------------------------------------------------------------

@partner_bp.route("/")
@roles(Role.PARTNER)
def mine() -> str:
    return render_template("sharing/partner.html", today=_today(),
                           held=sharing.entrusted(db.session(), current_actor(),
                                                  current_user.vendor_id))
