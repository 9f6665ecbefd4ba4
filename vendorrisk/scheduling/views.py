"""Admins see every scheduled job (last run, outcome, next run, last error) and can run one now."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from vendorrisk import db
from vendorrisk.accounts.roles import Role
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.scheduling import service
from vendorrisk.scheduling.jobs import JOBS
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")


@bp.route("/")
@roles(Role.ADMIN)
def index() -> str:
    states, status = service.overview(db.session())
    poll = timedelta(seconds=float(current_app.config["WORKER_POLL_SECONDS"]))
    return render_template("jobs/index.html", jobs=JOBS, states=states, status=status,
                           alive=service.worker_alive(status, poll), form=PostForm())


@bp.route("/<name>/run", methods=["POST"])
@roles(Role.ADMIN)
def run_now(name: str) -> Response:
    if PostForm().validate_on_submit():
        service.request_run(db.session(), current_actor(), name)
        flash(_("The worker will run this job within a few seconds."), "info")
    return redirect(url_for("jobs.index"))
