"""Incidents: procurement records and follows them up; a partner reports its own firm's."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import to_utc
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import clock, db
from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS, Role
from vendorrisk.errors import DomainError
from vendorrisk.i18n import gettext as _
from vendorrisk.incidents import service as incidents
from vendorrisk.incidents.domain import IncidentStatus, NotificationOutcome, Recipient
from vendorrisk.incidents.forms import (
    IncidentForm,
    InternalIncidentForm,
    NotificationForm,
    StatusForm,
)
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import DataCategory, RiskTier

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
partner_bp = Blueprint("partner_incidents", __name__, url_prefix="/partner/incidents")


def _report(form: IncidentForm) -> incidents.IncidentReport:
    learnt = getattr(form, "learnt_at", None)
    return incidents.IncidentReport(
        title=form.title.data or "", description=form.description.data or "",
        severity=RiskTier(form.severity.data), client_data=bool(form.client_data.data),
        data_categories=frozenset(DataCategory(v) for v in form.data_categories.data or []),
        records_affected=form.records_affected.data, occurred_on=form.occurred_on.data,
        detected_on=form.detected_on.data,
        # The form's time is the reader's local time; stored times are UTC.
        learnt_at=to_utc(learnt.data).replace(tzinfo=UTC) if learnt and learnt.data else None,
        containment=form.containment.data or "")


def _record(form: IncidentForm, vendor_id: int, by_partner: bool) -> int | None:
    """The new incident's id, or None with the reason on the form (nothing is kept)."""
    if not form.validate_on_submit():
        return None
    try:
        incident = incidents.record(db.session(), current_actor(), vendor_id, _report(form),
                                    current_app.config["INCIDENT_NOTIFICATION_HOURS"],
                                    by_partner=by_partner)
    except DomainError as error:
        db.rollback_if_open()
        form.form_errors.append(error.message)
        return None
    return incident.id


@bp.route("/")
@roles(INTERNAL_ROLES)
def index() -> str:
    everything = request.args.get("show") == "all"
    return render_template(
        "incidents/index.html", everything=everything, now=clock.now(),
        incidents=incidents.register(db.session(), current_actor(), open_only=not everything))


@bp.route("/new/<int:vendor_id>", methods=["GET", "POST"])
@roles(VENDOR_EDITORS)
def new(vendor_id: int) -> str | Response:
    vendor = vendors.get_vendor(db.session(), vendor_id)
    form = InternalIncidentForm()
    if request.method == "GET":
        form.detected_on.data = clock.now().date()
    incident_id = _record(form, vendor.id, by_partner=False)
    if incident_id is not None:
        flash(_("Incident recorded. The firm's risk was raised and a reassessment requested."),
              "info")
        return redirect(url_for("incidents.detail", incident_id=incident_id))
    return render_template("incidents/form.html", form=form, vendor=vendor)


@bp.route("/<int:incident_id>")
@roles(INTERNAL_ROLES)
def detail(incident_id: int) -> str:
    incident = incidents.view(db.session(), current_actor(), incident_id)
    status_form = StatusForm(status=incident.status.value, version=incident.version)
    # One form per owed notification, prefixed so their fields' ids differ on the page.
    notification_forms = {n.recipient: NotificationForm(prefix=n.recipient.value)
                          for n in incident.notifications}
    return render_template("incidents/detail.html", incident=incident, now=clock.now(),
                           status_form=status_form, notification_forms=notification_forms,
                           DataCategory=DataCategory)


@bp.route("/<int:incident_id>/status", methods=["POST"])
@roles(VENDOR_EDITORS)
def change_status(incident_id: int) -> Response:
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
    else:
        try:
            incidents.set_status(db.session(), current_actor(), incident_id,
                                 IncidentStatus(form.status.data), form.containment.data or "",
                                 int(form.version.data or 0))
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
    return redirect(url_for("incidents.detail", incident_id=incident_id))


@bp.route("/<int:incident_id>/notifications/<any(regulator, clients):recipient>",
          methods=["POST"])
@roles(INTERNAL_ROLES)
def notification(incident_id: int, recipient: str) -> Response:
    form = NotificationForm(prefix=recipient)
    if not form.validate_on_submit():
        flash(_("Say how and to whom it was sent, or why it is not owed."), "error")
    else:
        try:
            incidents.record_notification(db.session(), current_actor(), incident_id,
                                          Recipient(recipient),
                                          NotificationOutcome(form.outcome.data),
                                          form.note.data or "")
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
    return redirect(url_for("incidents.detail", incident_id=incident_id))


@partner_bp.route("/")
@roles(Role.PARTNER)
def mine() -> str:
    return render_template("incidents/partner.html",
                           incidents=incidents.of_vendor(db.session(), current_user.vendor_id,
                                                         reported_by_partner=True))


@partner_bp.route("/new", methods=["GET", "POST"])
@roles(Role.PARTNER)
def report() -> str | Response:
    form = IncidentForm()
    if request.method == "GET":
        form.detected_on.data = clock.now().date()
    if _record(form, current_user.vendor_id, by_partner=True) is not None:
        flash(_("Thank you. The incident was reported to us; we will be in touch."), "info")
        return redirect(url_for("partner_incidents.mine"))
    return render_template("incidents/partner_form.html", form=form)
