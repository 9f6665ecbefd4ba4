"""The partner-firm register: list, intake, detail, edit, lifecycle and contacts."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from vendorrisk import clock, db
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import standing
from vendorrisk.assessments import service as assessments
from vendorrisk.csv_export import csv_response
from vendorrisk.dashboard import charts, portfolio
from vendorrisk.errors import DomainError
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.incidents import service as incidents
from vendorrisk.labels import label
from vendorrisk.offboarding import purge
from vendorrisk.offboarding import service as offboarding
from vendorrisk.offboarding.forms import ConfirmForm, OffboardForm, PurgeForm
from vendorrisk.questionnaires.scoring import ScoreBand
from vendorrisk.scheduling.cadence import Cadence, next_due
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor
from vendorrisk.sharing import service as sharing
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier, VendorKind, VendorStatus
from vendorrisk.vendors.forms import ContactForm, StatusForm, VendorForm
from vendorrisk.vendors.score_ranges import Bucket, bucket_at, buckets

bp = Blueprint("vendors", __name__, url_prefix="/vendors")
# Filter values beside the enums' own: the dashboard links to lists with them.
CURRENT, UNDECIDED = "current", "undecided"


def _enum_arg(enum_type: type, name: str) -> object | None:
    try:
        return enum_type(request.args.get(name, ""))
    except ValueError:
        return None  # an unknown filter value is ignored rather than an error page


def _int_arg(name: str, default: int | None) -> int | None:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return default


def _bucket_arg() -> Bucket | None:
    start = _int_arg("bucket", None)
    return None if start is None else bucket_at(start)


def _query_from_request() -> vendors.VendorQuery:
    sort = request.args.get("sort", "name")
    return vendors.VendorQuery(
        text=request.args.get("q", "").strip()[:100],
        kind=_enum_arg(VendorKind, "kind"),  # type: ignore[arg-type]
        tier=_enum_arg(RiskTier, "tier"),  # type: ignore[arg-type]
        status=_enum_arg(VendorStatus, "status"),  # type: ignore[arg-type]
        # "current": every firm but the offboarded, the dashboard's portfolio.
        current=request.args.get("status") == CURRENT,
        owner_id=_int_arg("owner", None),
        residual=_enum_arg(RiskTier, "residual"),  # type: ignore[arg-type]
        undecided=request.args.get("residual") == UNDECIDED,
        without_nda_on=clock.now().date() if request.args.get("nda") == "missing" else None,
        band=_enum_arg(ScoreBand, "band"),  # type: ignore[arg-type]
        bucket=_bucket_arg(),
        sort=sort if sort in vendors.SORTS else "name",
        descending=request.args.get("dir") == "desc",
        page=_int_arg("page", 1) or 1,
        per_page=current_app.config["VENDORS_PER_PAGE"],
    )


def _owner_choices() -> list[SelectChoice]:
    owners = accounts.users_with_roles(db.session(), VENDOR_EDITORS)
    return [SelectChoice("", _("Nobody yet"))] + [SelectChoice(str(u.id), u.name) for u in owners]


def _details_from(form: VendorForm) -> vendors.VendorDetails:
    return vendors.VendorDetails(
        name=form.name.data or "",
        kind=VendorKind(form.kind.data),
        services=form.services.data or "",
        website=form.website.data or "",
        city=form.city.data or "",
        data_categories=frozenset(DataCategory(value) for value in form.data_categories.data or []),
        record_count=form.record_count.data or 0,
        stores_data=form.stores_data.data,
        uses_subcontractors=form.uses_subcontractors.data,
        criticality=Criticality(form.criticality.data),
        owner_id=int(form.owner_id.data) if form.owner_id.data else None,
    )


@bp.route("/")
@roles(INTERNAL_ROLES)
def index() -> str:
    query = _query_from_request()
    page = vendors.list_vendors(db.session(), current_actor(), query, clock.now().date())
    return render_template("vendors/list.html", page=page, query=query,
                           owners=accounts.users_with_roles(db.session(), VENDOR_EDITORS),
                           kinds=VendorKind, tiers=RiskTier, statuses=VendorStatus,
                           bands=ScoreBand, buckets=buckets())


EXPORT_COLUMNS = ("id", "name", "kind", "city", "status", "inherent_tier", "tier_points",
                  "data_categories", "record_count", "owner", "nda_in_force", "residual_risk",
                  "control_score", "last_decided_on", "reassessment_due", "created_on")


@bp.route("/export.csv")
@roles(INTERNAL_ROLES)
def export() -> Response:
    """The register as CSV: every firm the list's filters match, in its order, not one page."""
    today = clock.now().date()
    rows = vendors.export_vendors(db.session(), current_actor(), _query_from_request(), today)
    db.commit_if_open()  # the export is audited before the file streams
    cadence = Cadence.from_months(current_app.config["REASSESSMENT_MONTHS"])
    return csv_response(f"vendors-{today:%Y%m%d}.csv", EXPORT_COLUMNS, (
        [v.id, v.name, v.kind.value, v.city, v.status.value, v.tier.value, v.tier_points,
         " ".join(category.value for category in v.categories), v.record_count, v.owner or "",
         "yes" if v.nda_in_force else "no", v.residual_risk.value if v.residual_risk else "",
         "" if v.control_score is None else round(v.control_score, 1),
         v.last_decided_at.date() if v.last_decided_at else "",
         next_due(v.last_decided_at.date(), v.tier, cadence) if v.last_decided_at else "",
         v.created_at.date()] for v in rows))


@bp.route("/new", methods=["GET", "POST"])
@roles(VENDOR_EDITORS)
def create() -> str | Response:
    form = VendorForm()
    form.owner_id.choices = _owner_choices()
    if request.method == "GET":
        form.owner_id.data = str(current_actor().user_id)
        form.record_count.data = 0
    if form.validate_on_submit():
        try:
            vendor = vendors.register_vendor(db.session(), current_actor(), _details_from(form))
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("%(name)s registered with inherent risk tier %(tier)s.",
                    name=vendor.name, tier=label(vendor.tier)), "info")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return render_template("vendors/form.html", form=form, vendor=None)


@bp.route("/<int:vendor_id>")
@roles(INTERNAL_ROLES)
def detail(vendor_id: int) -> tuple[str, int]:
    return _render_detail(vendor_id, ContactForm())


def _render_detail(vendor_id: int, contact_form: ContactForm, status: int = 200
                   ) -> tuple[str, int]:
    vendor = vendors.view_vendor(db.session(), current_actor(), vendor_id)
    status_form = StatusForm(data={"status": vendor.status.value, "version": vendor.version})
    trend = portfolio.score_trend(db.session(), vendor.id)
    today, warn_days = clock.now().date(), int(current_app.config["AGREEMENT_WARNING_DAYS"])
    cadence = Cadence.from_months(current_app.config["REASSESSMENT_MONTHS"])
    firm_agreements = agreements.of_vendor(db.session(), vendor.id)
    nda = agreements.nda_standing_among(firm_agreements, today, warn_days)
    return render_template("vendors/detail.html", vendor=vendor, today=today,
                           holdings=sharing.holdings(db.session(), current_actor(), vendor,
                                                     today, cadence, warn_days, nda),
                           agreements=[(a, standing(a.dates, today, warn_days))
                                       for a in firm_agreements],
                           nda=nda,
                           explanation=vendors.explain_tier(vendor), status_form=status_form,
                           contact_form=contact_form, delete_form=PostForm(),
                           assessments=assessments.assessments_of(db.session(), vendor.id),
                           incidents=incidents.of_vendor(db.session(), vendor.id), now=clock.now(),
                           destruction_requests=offboarding.of_vendor(db.session(), vendor.id),
                           offboard_form=OffboardForm(), confirm_form=ConfirmForm(),
                           purge_form=PurgeForm(), PURGERS=purge.PURGERS,
                           trend_chart=charts.score_line([(point, point.score)
                                                          for point in trend])), status


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@roles(VENDOR_EDITORS)
def edit(vendor_id: int) -> str | Response:
    vendor = vendors.get_vendor(db.session(), vendor_id)
    form = VendorForm()
    form.owner_id.choices = _owner_choices()
    if request.method == "GET":
        details = vendors.details_of(vendor)
        form.process(data={**details.__dict__,
                           "kind": details.kind.value, "criticality": details.criticality.value,
                           "data_categories": [c.value for c in details.data_categories],
                           "owner_id": str(details.owner_id or ""), "version": vendor.version})
    if form.validate_on_submit():
        try:
            vendors.update_vendor(db.session(), current_actor(), vendor.id, _details_from(form),
                                  expected_version=_int_arg_from(form.version.data))
        except DomainError as error:
            db.rollback_if_open()
            form.form_errors.append(error.message)
        else:
            flash(_("Saved."), "info")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return render_template("vendors/form.html", form=form, vendor=vendor)


def _int_arg_from(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1  # a tampered or missing version can never match: treated as a stale form


@bp.route("/<int:vendor_id>/status", methods=["POST"])
@roles(VENDOR_EDITORS)
def change_status(vendor_id: int) -> Response:
    form = StatusForm()
    if form.validate_on_submit():
        try:
            vendors.set_status(db.session(), current_actor(), vendor_id,
                               VendorStatus(form.status.data),
                               expected_version=_int_arg_from(form.version.data))
        except DomainError as error:
            db.rollback_if_open()
            flash(error.message, "error")
        else:
            flash(_("Status changed."), "info")
    else:
        flash(_("Choose a valid status."), "error")
    return redirect(url_for("vendors.detail", vendor_id=vendor_id))


@bp.route("/<int:vendor_id>/contacts", methods=["POST"])
@roles(VENDOR_EDITORS)
def add_contact(vendor_id: int) -> str | Response | tuple[str, int]:
    form = ContactForm()
    if form.validate_on_submit():
        try:
            vendors.add_contact(db.session(), current_actor(), vendor_id,
                                name=form.name.data or "", email=form.email.data or "",
                                role=form.role.data or "", phone=form.phone.data or "",
                                is_primary=form.is_primary.data)
        except DomainError as error:
            db.rollback_if_open()
            form.form_errors.append(error.message)
        else:
            flash(_("Contact added."), "info")
            return redirect(url_for("vendors.detail", vendor_id=vendor_id))
    # Show the firm again with the contact form's errors and what was typed.
    return _render_detail(vendor_id, form, status=422)


@bp.route("/<int:vendor_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@roles(VENDOR_EDITORS)
def remove_contact(vendor_id: int, contact_id: int) -> Response:
    if PostForm().validate_on_submit():
        vendors.remove_contact(db.session(), current_actor(), vendor_id, contact_id)
        flash(_("Contact removed."), "info")
    return redirect(url_for("vendors.detail", vendor_id=vendor_id))
