"""Findings: reviewers raise, comment, close and reopen them; partners respond to their own."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import clock, db
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS, Role
from vendorrisk.assessments import findings
from vendorrisk.assessments.files_web import storage
from vendorrisk.assessments.models import FindingSeverity
from vendorrisk.errors import DomainError
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor

bp = Blueprint("findings", __name__, url_prefix="/findings")
partner_bp = Blueprint("partner_findings", __name__, url_prefix="/partner/findings")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text.strip() else None
    except ValueError:
        raise DomainError(_("Give the due date as YYYY-MM-DD.")) from None


def _owner(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@bp.route("/new/<int:assessment_id>", methods=["POST"])
@roles(VENDOR_EDITORS)
def raise_(assessment_id: int) -> Response:
    back = redirect(url_for("review.sheet", assessment_id=assessment_id) + "#findings")
    if not PostForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return back
    form = request.form
    try:
        severity = FindingSeverity(form.get("severity", ""))
    except ValueError:
        flash(_("Choose a severity."), "error")
        return back
    try:
        finding = findings.raise_finding(db.session(), current_actor(), assessment_id,
                                         findings.NewFinding(
                                             severity=severity, title=form.get("title", ""),
                                             description=form.get("description", ""),
                                             remediation=form.get("remediation", ""),
                                             due_date=_date(form.get("due_date", "")),
                                             owner_id=_owner(form.get("owner", "")),
                                             question_id=form.get("question") or None))
    except DomainError as error:
        db.rollback_if_open()
        flash(error.message, "error")
        return back
    flash(_("Finding raised; the partner sees it in the portal."), "info")
    return redirect(url_for("findings.detail", finding_id=finding.id))


@bp.route("/<int:finding_id>")
@roles(INTERNAL_ROLES)
def detail(finding_id: int) -> str:
    found = findings.view(db.session(), findings.get_finding(db.session(), finding_id),
                          partner_view=False)
    owner = db.session().get(User, found.finding.owner_id) if found.finding.owner_id else None
    return render_template("findings/detail.html", view=found, form=PostForm(),
                           owner_name=owner.name if owner else "",
                           overdue=findings.is_overdue(found.finding, clock.now().date()))


@bp.route("/<int:finding_id>/<any(close, reopen, comment):action>", methods=["POST"])
@roles(VENDOR_EDITORS)
def act(finding_id: int, action: str) -> Response:
    back = redirect(url_for("findings.detail", finding_id=finding_id))
    if not PostForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return back
    body, session, actor = request.form.get("body", ""), db.session(), current_actor()
    try:
        if action == "close":
            findings.close(session, actor, finding_id, body)
        elif action == "reopen":
            findings.reopen(session, actor, finding_id, body)
        else:
            findings.comment(session, actor, finding_id, body,
                             internal=bool(request.form.get("internal")))
    except DomainError as error:
        db.rollback_if_open()
        flash(error.message, "error")
    return back


@partner_bp.route("/<int:finding_id>", methods=["GET", "POST"])
@roles(Role.PARTNER)
def respond(finding_id: int) -> str | Response | tuple[str, int]:
    session = db.session()
    finding = findings.get_finding(session, finding_id, vendor_id=current_user.vendor_id)
    plan = request.form.get("plan", "")
    if request.method == "POST":
        if not PostForm().validate_on_submit():
            flash(_("The page had expired; your text is shown again below. Send it again."),
                  "error")
        else:
            uploads = [findings.Upload(f.filename, f.stream)
                       for f in request.files.getlist("files") if f and f.filename]
            try:
                findings.respond(session, current_actor(), storage(), current_user.vendor_id,
                                 finding.id, plan, uploads)
            except DomainError as error:
                db.rollback_if_open()
                flash(error.message, "error")
            else:
                flash(_("Your response was sent to the reviewer."), "info")
                return redirect(url_for("partner_findings.respond", finding_id=finding.id))
    found = findings.view(session, finding, partner_view=True)
    status = 422 if request.method == "POST" else 200
    return render_template("partner/finding.html", view=found, form=PostForm(), plan=plan,
                           overdue=findings.is_overdue(finding, clock.now().date())), status
