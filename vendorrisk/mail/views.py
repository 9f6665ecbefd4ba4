"""Admins watch the outbox: what was sent, what waits, what failed and why; and retry."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from vendorrisk import db
from vendorrisk.accounts.roles import Role
from vendorrisk.errors import NotFound
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.mail import service as mail
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor

bp = Blueprint("mailbox", __name__, url_prefix="/admin/mailbox")


@bp.route("/")
@roles(Role.ADMIN)
def index() -> str:
    status = request.args.get("status", "")
    page_arg = request.args.get("page", "1")
    page_number = int(page_arg) if page_arg.isdigit() and int(page_arg) > 0 else 1
    per_page = 50
    emails, total = mail.page(db.session(), status, page_number, per_page)
    return render_template("mail/index.html", emails=emails, total=total, page=page_number,
                           pages=max(1, -(-total // per_page)), status=status,
                           counts=mail.status_counts(db.session()),
                           transport=current_app.config["MAIL_TRANSPORT"])


@bp.route("/<int:email_id>")
@roles(Role.ADMIN)
def detail(email_id: int) -> str:
    email = db.session().get(OutboxEmail, email_id)
    if email is None:
        raise NotFound(_("No such message."))
    return render_template("mail/detail.html", email=email, form=PostForm())


@bp.route("/<int:email_id>/retry", methods=["POST"])
@roles(Role.ADMIN)
def retry(email_id: int) -> Response:
    if PostForm().validate_on_submit():
        mail.retry_now(db.session(), current_actor(), email_id)
        flash(_("The message will be sent again on the next delivery run."), "info")
    return redirect(url_for("mailbox.detail", email_id=email_id))
