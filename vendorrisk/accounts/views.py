"""Sign in and out, change one's password; admins manage internal users."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from vendorrisk import db
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    LogoutForm,
    SetPasswordForm,
    UserCreateForm,
    UserEditForm,
)
from vendorrisk.accounts.roles import Role
from vendorrisk.errors import DomainError
from vendorrisk.i18n import gettext as _
from vendorrisk.security.policy import login_required_any, public, roles
from vendorrisk.security.web import client_ip, current_actor, home_url, safe_next

bp = Blueprint("auth", __name__)
users_bp = Blueprint("users", __name__, url_prefix="/admin/users")


def _throttle_policy() -> accounts.ThrottlePolicy:
    config = current_app.config
    return accounts.ThrottlePolicy(
        max_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        max_per_ip=config["LOGIN_MAX_FAILURES_PER_IP"],
        window=config["LOGIN_THROTTLE_WINDOW"],
    )


def begin_session(user: object) -> None:
    """A fresh cookie session on every sign-in: nothing from before it (or planted) survives."""
    session.clear()
    accounts.start_session(db.session(), user, client_ip(), request.user_agent.string)  # type: ignore[arg-type]
    login_user(user)  # type: ignore[arg-type]
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(db.session(), form.email.data or "",
                                         form.password.data or "", client_ip(), _throttle_policy())
        except DomainError as error:
            # The failure and its audit entry stay in the unit of work, which commits as usual.
            form.form_errors.append(error.message)
            status = error.status_code if error.status_code == 429 else 200
        else:
            begin_session(user)
            return redirect(safe_next(request.args.get("next")) or home_url())
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required_any
def logout() -> Response:
    if LogoutForm().validate_on_submit() and current_user.session_token:
        accounts.end_session(db.session(), current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required_any
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        try:
            accounts.change_own_password(
                db.session(), current_actor(), user, form.current_password.data or "",
                form.new_password.data or "", current_app.config["PASSWORD_MIN_LENGTH"])
        except DomainError as error:
            form.new_password.errors = [*form.new_password.errors, error.message]
        else:
            begin_session(user)  # every old session ended; this browser gets a fresh one
            flash(_("Your password was changed and your other sessions were signed out."), "info")
            return redirect(home_url())
    return render_template("accounts/password.html", form=form)


@users_bp.route("/")
@roles(Role.ADMIN)
def index() -> str:
    return render_template("accounts/users.html", users=accounts.list_users(db.session()))


@users_bp.route("/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def create() -> str | Response:
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session(), current_actor(), email=form.email.data or "",
                name=form.name.data or "", role=Role(form.role.data),
                password=form.password.data or "",
                min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("User %(email)s created.", email=user.email), "info")
            return redirect(url_for("users.index"))
    return render_template("accounts/user_form.html", form=form, user=None)


@users_bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit(user_id: int) -> str | Response:
    user = accounts.get_user(db.session(), user_id)
    if user.role == Role.PARTNER:
        raise DomainError(_("Partner accounts are managed from their firm's page."))
    form = UserEditForm(data={"name": user.name, "role": user.role.value,
                              "enabled": user.is_enabled})
    password_form = SetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            accounts.update_user(db.session(), current_actor(), user.id, name=form.name.data or "",
                                 role=Role(form.role.data), enabled=form.enabled.data)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Saved."), "info")
            return redirect(url_for("users.index"))
    return render_template("accounts/user_form.html", form=form, user=user,
                           password_form=password_form)


@users_bp.route("/<int:user_id>/password", methods=["POST"])
@roles(Role.ADMIN)
def set_password(user_id: int) -> str | Response:
    user = accounts.get_user(db.session(), user_id)
    form = SetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            accounts.set_password(db.session(), current_actor(), user, form.password.data or "",
                                  current_app.config["PASSWORD_MIN_LENGTH"])
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Password set; the user's sessions were signed out."), "info")
    return redirect(url_for("users.edit", user_id=user.id))
