"""The portal's own error pages: no traceback, SQL or framework text ever reaches a user."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from vendorrisk import db
from vendorrisk.audit import service as audit
from vendorrisk.errors import DomainError
from vendorrisk.i18n import lazy_gettext as _l
from vendorrisk.security.web import current_actor

PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Changed meanwhile"), _l("Someone else changed this first. Reload and try again.")),
    410: (_l("No longer available"), _l("What was here cannot be given back any more.")),
    413: (_l("Too large"), _l("The upload is larger than the portal accepts.")),
    429: (_l("Too many requests"), _l("Slow down and try again in a few minutes.")),
    503: (_l("Not available right now"), _l("This could not be done now. Try again later.")),
    500: (_l("Something went wrong"),
          _l("The portal could not finish this request. Nothing was half-saved; try again.")),
}


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title, description = PAGES.get(code, PAGES[500] if code >= 500 else PAGES[400])
    return render_template("error.html", code=code, title=title,
                           description=message or description), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        db.rollback_if_open()
        return render_error(400, str(_l("The form had expired or was not sent by this portal. "
                                        "Reload the page and submit it again.")))

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> tuple[str, int]:
        db.rollback_if_open()
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        db.rollback_if_open()
        code = error.code or 500
        if code == 403:
            # Refusals are part of the access log: what was tried, by whom, from where.
            audit.record(db.session(), current_actor(), "access.denied", outcome="denied",
                         details={"endpoint": request.endpoint or "", "method": request.method})
        return render_error(code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.rollback_if_open()
        return render_error(500)
