"""Template globals and filters shared by every feature."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal

from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS, Role
from vendorrisk.labels import label


def url_with(**changes: Any) -> str:
    """The current page's URL with some query arguments changed (for sorting and paging links)."""
    args = request.args.to_dict()
    args.update({key: value for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        args.pop(key, None)
    return url_for(request.endpoint or "dashboard.home", **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        label=label,
        url_with=url_with,
        Role=Role,
        INTERNAL_ROLES=INTERNAL_ROLES,
        VENDOR_EDITORS=VENDOR_EDITORS,
    )
    app.jinja_env.filters.update(
        datetime=lambda value: format_datetime(value, "medium") if value else "",
        date=lambda value: format_date(value, "medium") if value else "",
        number=lambda value: format_decimal(value) if value is not None else "",
    )
