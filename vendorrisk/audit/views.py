"""Admins browse, filter and export the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, Response, current_app, render_template, request

from vendorrisk import db
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import Role
from vendorrisk.audit import service as audit
from vendorrisk.csv_export import csv_response
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

CSV_COLUMNS = ("id", "occurred_at_utc", "actor_id", "actor_role", "action", "object_type",
               "object_id", "ip", "outcome", "details", "prev_hash", "hash")


def _date_arg(name: str) -> datetime | None:
    try:
        day = datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filter_from_request() -> audit.AuditFilter:
    until = _date_arg("until")
    actor = request.args.get("actor", "")
    outcome = request.args.get("outcome", "")
    return audit.AuditFilter(
        actor_id=int(actor) if actor.isdigit() else None,
        action=request.args.get("action", "")[:60],
        object_type=request.args.get("object_type", "")[:40],
        object_id=request.args.get("object_id", "")[:64],
        outcome=outcome if outcome in audit.OUTCOMES else "",
        since=_date_arg("since"),
        until=until + timedelta(days=1) if until else None,  # the "until" day is included
    )


@bp.route("/")
@roles(Role.ADMIN)
def index() -> str:
    session = db.session()
    page_arg = request.args.get("page", "1")
    page_number = int(page_arg) if page_arg.isdigit() and int(page_arg) > 0 else 1
    per_page = current_app.config["AUDIT_EVENTS_PER_PAGE"]
    events, total = audit.page(session, _filter_from_request(), page_number, per_page)
    users = {user.id: user for user in accounts.list_users(session)}
    return render_template("audit/index.html", events=events, total=total, page=page_number,
                           pages=max(1, -(-total // per_page)), users=users,
                           actions=audit.known_actions(session), outcomes=audit.OUTCOMES)


@bp.route("/export.csv")
@roles(Role.ADMIN)
def export() -> Response:
    session = db.session()
    f = _filter_from_request()
    # Exporting the log is itself an access worth logging; it is committed before streaming.
    audit.record(session, current_actor(), "audit.export")

    rows = ([event.id, event.occurred_at.isoformat(), event.actor_id or "", event.actor_role,
             event.action, event.object_type, event.object_id, event.ip, event.outcome,
             event.details, event.prev_hash, event.hash] for event in audit.stream(session, f))
    return csv_response(f"audit-log-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv", CSV_COLUMNS, rows)
