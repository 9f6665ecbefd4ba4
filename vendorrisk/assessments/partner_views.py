"""The partner's side: exchanging an invitation link for an account, and the firm's home page.

Every query here is scoped by the signed-in partner's own firm, never by an id from the URL.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import db
from vendorrisk.accounts.roles import Role
from vendorrisk.accounts.views import begin_session
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.forms import AcceptInvitationForm
from vendorrisk.errors import DomainError
from vendorrisk.security.policy import public, roles
from vendorrisk.security.web import client_ip

bp = Blueprint("partner", __name__)
PENDING_INVITATION = "pending_invitation"


@bp.route("/invite/<token>")
@public
def open_invitation(token: str) -> Response:
    """Check the link, then continue on a URL without the token (history, referrers, logs)."""
    assessments.invitation_by_token(db.session(), token)
    session.clear()
    session[PENDING_INVITATION] = token
    return redirect(url_for("partner.accept_invitation"))


@bp.route("/invite/accept", methods=["GET", "POST"])
@public
def accept_invitation() -> str | Response | tuple[str, int]:
    token = session.get(PENDING_INVITATION)
    if not token:
        raise assessments.InvitationUnusable(
            "Open the link from your invitation email to continue.")
    invitation = assessments.invitation_by_token(db.session(), token)
    assessment = assessments.get_assessment(db.session(), invitation.assessment_id)
    form = AcceptInvitationForm()
    invited = next(i.contact for i in assessment.invitations if i.id == invitation.id)
    if not form.is_submitted():
        form.name.data = invited.name
    if form.validate_on_submit():
        try:
            user = assessments.accept(db.session(), token, name=form.name.data or "",
                                      password=form.password.data or "", ip=client_ip(),
                                      min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except DomainError as error:
            db.rollback_if_open()
            form.password.errors = [*form.password.errors, error.message]
        else:
            begin_session(user)
            return redirect(url_for("partner.home"))
    return render_template("partner/accept.html", form=form, contact=invited,
                           vendor=assessment.vendor)


@bp.route("/partner/")
@roles(Role.PARTNER)
def home() -> str:
    vendor_id = current_user.vendor_id
    return render_template("partner/home.html",
                           assessments=assessments.partner_assessments(db.session(), vendor_id))
