"""Procurement sends questionnaires and follows the invitations."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from vendorrisk import clock, db
from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS
from vendorrisk.assessments import evidence
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.files_web import storage
from vendorrisk.assessments.forms import SendForm
from vendorrisk.assessments.models import AssessmentStatus
from vendorrisk.downloads import attachment
from vendorrisk.errors import DomainError
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor
from vendorrisk.vendors import service as vendors

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


def portal() -> assessments.Portal:
    return assessments.Portal.from_config(current_app.config)


def _folder() -> Path:
    return Path(current_app.config["QUESTIONNAIRES_DIR"])


@bp.route("/new/<int:vendor_id>", methods=["GET", "POST"])
@roles(VENDOR_EDITORS)
def send(vendor_id: int) -> str | Response:
    vendor = vendors.view_vendor(db.session(), current_actor(), vendor_id)
    form = SendForm()
    form.questionnaire.choices = [
        SelectChoice(q.key, f"{q.title} ({q.version}, {q.question_count})")
        for q in assessments.available_questionnaires(_folder())]
    form.contacts.choices = [SelectChoice(c.id, f"{c.name} <{c.email}>") for c in vendor.contacts]
    if request.method == "GET":
        form.due_date.data = clock.now().date() + timedelta(days=30)
        form.contacts.data = [c.id for c in vendor.contacts if c.is_primary]
    if form.validate_on_submit():
        try:
            assessment = assessments.send(db.session(), current_actor(), portal(), _folder(),
                                          assessments.SendRequest(
                                              vendor_id=vendor.id,
                                              questionnaire_key=form.questionnaire.data or "",
                                              contact_ids=frozenset(form.contacts.data or []),
                                              due_date=form.due_date.data),
                                          require_nda=current_app.config[
                                              "REQUIRE_NDA_FOR_QUESTIONNAIRES"])
        except DomainError as error:
            db.rollback_if_open()
            form.form_errors.append(error.message)
        else:
            flash(_("Questionnaire sent; %(n)s invitation(s) queued.",
                    n=len(form.contacts.data or [])), "info")
            return redirect(url_for("assessments.detail", assessment_id=assessment.id))
    return render_template("assessments/send.html", form=form, vendor=vendor)


@bp.route("/<int:assessment_id>")
@roles(INTERNAL_ROLES)
def detail(assessment_id: int) -> str:
    assessment = assessments.get_assessment(db.session(), assessment_id)
    return render_template("assessments/detail.html", assessment=assessment,
                           state=assessments.invitation_state, now=clock.now(), form=PostForm(),
                           Status=AssessmentStatus)


@bp.route("/invitations/<int:invitation_id>/<any(revoke, resend):action>", methods=["POST"])
@roles(VENDOR_EDITORS)
def invitation(invitation_id: int, action: str) -> Response:
    assessment_id = assessments.get_invitation(db.session(), invitation_id).assessment_id
    back = redirect(url_for("assessments.detail", assessment_id=assessment_id))
    if not PostForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return back
    try:
        if action == "revoke":
            assessments.revoke(db.session(), current_actor(), invitation_id)
            flash(_("The invitation link no longer works."), "info")
        else:
            assessments.resend(db.session(), current_actor(), portal(), invitation_id)
            flash(_("A new invitation was queued; the old link no longer works."), "info")
    except DomainError as error:
        db.rollback_if_open()
        flash(error.message, "error")
    return back


@bp.route("/evidence/<int:evidence_id>")
@roles(INTERNAL_ROLES)
def download(evidence_id: int) -> Response:
    item = evidence.find(db.session(), evidence_id, vendor_id=None)
    data = evidence.read(db.session(), current_actor(), storage(), item)
    return attachment(item.original_name, data)
