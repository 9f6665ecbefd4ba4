"""Procurement records NDAs and other agreements; partners see theirs and upload countersigned
copies; signed documents are only ever downloaded as attachments through these views."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import clock, db
from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS, Role
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus, Standing, standing
from vendorrisk.agreements.files_web import store
from vendorrisk.agreements.forms import AgreementForm, CountersignedForm, TerminateForm
from vendorrisk.agreements.models import Agreement
from vendorrisk.csv_export import csv_response
from vendorrisk.downloads import attachment
from vendorrisk.errors import DomainError
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor
from vendorrisk.vendors import service as vendors

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
partner_bp = Blueprint("partner_agreements", __name__, url_prefix="/partner/agreements")


def _max_bytes() -> int:
    return int(current_app.config["EVIDENCE_MAX_BYTES"])


def _warn_days() -> int:
    return int(current_app.config["AGREEMENT_WARNING_DAYS"])


def _details(form: AgreementForm) -> agreements.AgreementDetails:
    return agreements.AgreementDetails(
        kind=AgreementKind(form.kind.data), status=AgreementStatus(form.status.data),
        title=form.title.data or "", signed_on=form.signed_on.data,
        effective_on=form.effective_on.data, expires_on=form.expires_on.data,
        indefinite=bool(form.indefinite.data), review_on=form.review_on.data,
        our_signatory=form.our_signatory.data or "",
        their_signatory=form.their_signatory.data or "",
        survival_months=form.survival_months.data,
        survives_indefinitely=bool(form.survives_indefinitely.data),
        notes=form.notes.data or "")


def _upload(form: AgreementForm | CountersignedForm) -> agreements.Upload | None:
    sent = form.document.data
    if not sent or not getattr(sent, "filename", ""):
        return None
    return agreements.Upload(sent.filename, sent.stream.read(_max_bytes() + 1))


def _fill(form: AgreementForm, agreement: Agreement) -> None:
    for name in ("title", "signed_on", "effective_on", "expires_on", "indefinite", "review_on",
                 "our_signatory", "their_signatory", "survival_months",
                 "survives_indefinitely", "notes"):
        getattr(form, name).data = getattr(agreement, name)
    form.kind.data, form.status.data = agreement.kind.value, agreement.status.value
    form.version.data = str(agreement.version)


def _save(form: AgreementForm, action: str, **ids: int) -> Agreement | None:
    """Run the form's action; a refusal becomes a form error and nothing is kept."""
    if not form.validate_on_submit():
        return None
    session, actor = db.session(), current_actor()
    try:
        if action == "record":
            return agreements.record(session, actor, store(), _max_bytes(), ids["vendor_id"],
                                     _details(form), _upload(form))
        if action == "renew":
            return agreements.renew(session, actor, store(), _max_bytes(), ids["agreement_id"],
                                    _details(form), _upload(form))
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        return agreements.update(session, actor, store(), _max_bytes(), ids["agreement_id"],
                                 version, _details(form), _upload(form))
    except DomainError as error:
        db.rollback_if_open()
        form.form_errors.append(error.message)
        return None


def _query() -> agreements.AgreementQuery:
    """The list's filters from the address; an unknown value is ignored, never an error."""
    args = request.args
    kind = args.get("kind", "")
    state = args.get("standing", "")
    within = args.get("within", "")
    return agreements.AgreementQuery(
        kind=AgreementKind(kind) if kind in AgreementKind._value2member_map_ else None,
        standing=Standing(state) if state in Standing._value2member_map_ else None,
        within_days=int(within) if within in WINDOWS else None, text=args.get("q", "")[:100])


WINDOWS = ("30", "60", "90")
CSV_COLUMNS = ("firm", "kind", "title", "status", "standing", "signed_on", "effective_on",
               "expires_on", "indefinite", "review_on", "our_signatory", "their_signatory",
               "survival_months", "survives_indefinitely")


@bp.route("/")
@roles(INTERNAL_ROLES)
def index() -> str:
    rows = agreements.register(db.session(), current_actor(), _query(), clock.now().date(),
                               _warn_days())
    return render_template("agreements/index.html", rows=rows, query=_query(),
                           kinds=list(AgreementKind), standings=list(Standing), windows=WINDOWS)


@bp.route("/export.csv")
@roles(INTERNAL_ROLES)
def export() -> Response:
    rows = agreements.register(db.session(), current_actor(), _query(), clock.now().date(),
                               _warn_days())
    db.commit_if_open()  # the listing is audited before the file streams
    return csv_response(
        f"agreements-{clock.now():%Y%m%d}.csv", CSV_COLUMNS,
        ([a.vendor.name, a.kind.value, a.title, a.status.value, s.value, a.signed_on or "",
          a.effective_on or "", a.expires_on or "", a.indefinite, a.review_on or "",
          a.our_signatory, a.their_signatory, a.survival_months or "",
          a.survives_indefinitely] for a, s in rows))


@bp.route("/new/<int:vendor_id>", methods=["GET", "POST"])
@roles(VENDOR_EDITORS)
def new(vendor_id: int) -> str | Response:
    vendor = vendors.get_vendor(db.session(), vendor_id)
    form = AgreementForm()
    saved = _save(form, "record", vendor_id=vendor.id)
    if saved is not None:
        flash(_("Agreement recorded."), "info")
        return redirect(url_for("agreements.detail", agreement_id=saved.id))
    return render_template("agreements/form.html", form=form, vendor=vendor, agreement=None,
                           heading=_("Record an agreement"))


@bp.route("/<int:agreement_id>")
@roles(INTERNAL_ROLES)
def detail(agreement_id: int) -> str:
    session = db.session()
    agreement = agreements.get_agreement(session, agreement_id)
    history = agreements.of_vendor(session, agreement.vendor_id)
    today = clock.now().date()
    return render_template(
        "agreements/detail.html", agreement=agreement,
        standing=standing(agreement.dates, today, _warn_days()),
        documents=agreements.documents_of(session, agreement.id),
        history=[(a, standing(a.dates, today, _warn_days())) for a in history
                 if a.kind == agreement.kind],
        terminate_form=TerminateForm(formdata=None, on=today, version=agreement.version),
        form=PostForm())


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@roles(VENDOR_EDITORS)
def edit(agreement_id: int) -> str | Response:
    agreement = agreements.get_agreement(db.session(), agreement_id)
    vendor = agreement.vendor  # kept: a refused save rolls back and expires the relationship
    form = AgreementForm()
    if not form.is_submitted():
        _fill(form, agreement)
    if _save(form, "update", agreement_id=agreement.id) is not None:
        flash(_("Agreement updated."), "info")
        return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return render_template("agreements/form.html", form=form, vendor=vendor,
                           agreement=agreement, heading=_("Change the agreement"))


@bp.route("/<int:agreement_id>/renew", methods=["GET", "POST"])
@roles(VENDOR_EDITORS)
def renew(agreement_id: int) -> str | Response:
    agreement = agreements.get_agreement(db.session(), agreement_id)
    vendor = agreement.vendor  # kept: a refused save rolls back and expires the relationship
    form = AgreementForm()
    if not form.is_submitted():
        _fill(form, agreement)
        form.status.data, form.signed_on.data = AgreementStatus.REQUESTED.value, None
        form.effective_on.data = form.expires_on.data = form.review_on.data = None
    saved = _save(form, "renew", agreement_id=agreement.id)
    if saved is not None:
        flash(_("Renewal recorded; the earlier agreement stays in the history."), "info")
        return redirect(url_for("agreements.detail", agreement_id=saved.id))
    return render_template("agreements/form.html", form=form, vendor=vendor,
                           agreement=agreement, heading=_("Renew the agreement"))


@bp.route("/<int:agreement_id>/terminate", methods=["POST"])
@roles(VENDOR_EDITORS)
def terminate(agreement_id: int) -> Response:
    form = TerminateForm()
    if form.validate_on_submit() and form.on.data is not None:
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        try:
            agreements.terminate(db.session(), current_actor(), agreement_id, version,
                                 form.on.data)
            flash(_("Agreement terminated."), "info")
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
    else:
        flash(_("Give the termination date as YYYY-MM-DD."), "error")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))


@bp.route("/documents/<int:document_id>")
@roles(INTERNAL_ROLES)
def download(document_id: int) -> Response:
    document = agreements.find_document(db.session(), document_id)
    data = agreements.read_document(db.session(), current_actor(), store(), document)
    return attachment(document.original_name, data)


@bp.route("/documents/<int:document_id>/confirm", methods=["POST"])
@roles(VENDOR_EDITORS)
def confirm(document_id: int) -> Response:
    document = agreements.find_document(db.session(), document_id)
    if PostForm().validate_on_submit():
        try:
            agreements.confirm(db.session(), current_actor(), document_id)
            flash(_("Countersigned copy confirmed."), "info")
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
    return redirect(url_for("agreements.detail", agreement_id=document.agreement_id))


# --- the partner's side -------------------------------------------------------------------------

@partner_bp.route("/", methods=["GET"])
@roles(Role.PARTNER)
def mine() -> str:
    session, today = db.session(), clock.now().date()
    found = agreements.of_vendor(session, current_user.vendor_id)
    return render_template(
        "agreements/partner.html",
        agreements=[(a, standing(a.dates, today, _warn_days()),
                     agreements.documents_of(session, a.id)) for a in found],
        form=CountersignedForm())


@partner_bp.route("/<int:agreement_id>/countersigned", methods=["POST"])
@roles(Role.PARTNER)
def countersigned(agreement_id: int) -> Response:
    form = CountersignedForm()
    upload = _upload(form) if form.validate_on_submit() else None
    if upload is None:
        flash(_("Choose the countersigned PDF to upload."), "error")
        return redirect(url_for("partner_agreements.mine"))
    try:
        agreements.upload_countersigned(db.session(), current_actor(), store(), _max_bytes(),
                                        current_user.vendor_id, agreement_id, upload)
        flash(_("Uploaded; procurement will confirm it."), "info")
    except DomainError as error:
        db.rollback_if_open()
        flash(error.message, "error")
    return redirect(url_for("partner_agreements.mine"))


@partner_bp.route("/documents/<int:document_id>")
@roles(Role.PARTNER)
def partner_download(document_id: int) -> Response:
    document = agreements.find_document(db.session(), document_id,
                                        vendor_id=current_user.vendor_id)
    data = agreements.read_document(db.session(), current_actor(), store(), document)
    return attachment(document.original_name, data)
