"""Ending a relationship (procurement), and the firm's certificate of return or destruction
(uploaded through the single-use link it was emailed, since its logins have ended)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from vendorrisk import db
from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS
from vendorrisk.agreements.service import Upload
from vendorrisk.downloads import attachment
from vendorrisk.errors import DomainError
from vendorrisk.i18n import gettext as _
from vendorrisk.offboarding import purge, wiring
from vendorrisk.offboarding import service as offboarding
from vendorrisk.offboarding.forms import CertificateForm, ConfirmForm, OffboardForm, PurgeForm
from vendorrisk.security.policy import public, roles
from vendorrisk.security.web import current_actor
from vendorrisk.sharing.domain import Holding
from vendorrisk.vendors import service as vendors

bp = Blueprint("offboarding", __name__)
PENDING_CERTIFICATE = "pending_certificate_token"


@bp.route("/vendors/<int:vendor_id>/offboard", methods=["POST"])
@roles(VENDOR_EDITORS)
def offboard(vendor_id: int) -> Response:
    form = OffboardForm()
    if not form.validate_on_submit():
        flash(_("Say why the relationship ends (the firm reads it)."), "error")
    else:
        try:
            offboarding.offboard(db.session(), current_actor(), vendor_id,
                                 int(form.version.data or 0), form.reason.data or "",
                                 wiring.settings())
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
        else:
            flash(_("The firm is offboarded: its access has ended and it has been asked to "
                    "return or destroy our clients' data."), "info")
    return redirect(url_for("vendors.detail", vendor_id=vendor_id, _anchor="offboarding"))


@bp.route("/offboarding/requests/<int:request_id>/confirm", methods=["POST"])
@roles(VENDOR_EDITORS)
def confirm(request_id: int) -> Response:
    form = ConfirmForm()
    request = offboarding.get_request(db.session(), request_id)
    if not form.validate_on_submit():
        flash(_("The form had expired; try again."), "error")
    else:
        try:
            offboarding.confirm(db.session(), current_actor(), request_id, form.note.data or "",
                                Holding(form.outcome.data))
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
    return redirect(url_for("vendors.detail", vendor_id=request.vendor_id,
                            _anchor="offboarding"))


@bp.route("/offboarding/requests/<int:request_id>/certificate")
@roles(INTERNAL_ROLES)
def download(request_id: int) -> Response:
    request, data = offboarding.read_certificate(db.session(), current_actor(),
                                                 wiring.certificates(), request_id)
    return attachment(request.certificate_name, data)


@bp.route("/certificate/<token>")
@public
def open_link(token: str) -> Response:
    """Check the link, then continue on a URL without the token (history, referrers, logs)."""
    offboarding.by_token(db.session(), token)
    session.clear()
    session[PENDING_CERTIFICATE] = token
    return redirect(url_for("offboarding.upload"))


@bp.route("/certificate/upload", methods=["GET", "POST"])
@public
def upload() -> str | Response:
    token = session.get(PENDING_CERTIFICATE)
    if not token:
        raise offboarding.NoCertificateLink(
            "Open the link from our email to upload the certificate.")
    vendor_name = offboarding.by_token(db.session(), token).vendor.name
    form = CertificateForm()
    if form.validate_on_submit():
        sent = form.certificate.data
        try:
            if not sent or not sent.filename:
                raise DomainError(_("Choose the signed certificate (PDF) to upload."))
            offboarding.upload_certificate(
                db.session(), current_actor(), wiring.certificates(),
                int(current_app.config["EVIDENCE_MAX_BYTES"]), token,
                Upload(sent.filename, sent.read()))
        except DomainError as error:
            db.rollback_if_open()
            form.certificate.errors = [*form.certificate.errors, error.message]
        else:
            session.pop(PENDING_CERTIFICATE, None)
            return render_template("offboarding/thanks.html", vendor_name=vendor_name)
    # Read again: a refused upload rolled the transaction back, expiring what was loaded.
    request = offboarding.by_token(db.session(), token)
    return render_template("offboarding/upload.html", form=form, request_=request,
                           covered=offboarding.covered(db.session(), request))


@bp.route("/vendors/<int:vendor_id>/purge", methods=["POST"])
@roles(purge.PURGERS)
def purge_vendor(vendor_id: int) -> Response:
    form = PurgeForm()
    vendor = vendors.get_vendor(db.session(), vendor_id)
    if not form.validate_on_submit() or form.confirm_name.data != vendor.name:
        flash(_("Type the firm's name exactly to confirm that its data is to be destroyed."),
              "error")
    else:
        try:
            wiring.purge_now(db.session(), current_actor(), vendor_id)
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
        else:
            flash(_("The firm's data was destroyed; the certificate of destruction is on its "
                    "page."), "info")
    return redirect(url_for("vendors.detail", vendor_id=vendor_id, _anchor="offboarding"))


@bp.route("/vendors/<int:vendor_id>/destruction-certificate.pdf")
@roles(INTERNAL_ROLES)
def purge_certificate(vendor_id: int) -> Response:
    vendor, data = purge.read_certificate(db.session(), current_actor(), wiring.certificates(),
                                          vendor_id)
    return attachment(f"destruction-certificate-{vendor.id}.pdf", data, "application/pdf")
