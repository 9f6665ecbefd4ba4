"""Template globals and filters shared by every feature."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_babel import format_datetime, format_decimal

from vendorrisk import i18n
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
    # Templates translate through vendorrisk.i18n, which looks the reader's language up once.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.language().translations.gettext(message),
        ngettext=lambda singular, plural, n: i18n.language().translations.ngettext(
            singular, plural, n),
        pgettext=lambda context, message: i18n.language().translations.pgettext(
            context, message),
        npgettext=lambda context, singular, plural, n: i18n.language().translations.npgettext(
            context, singular, plural, n),
        newstyle=True,
    )
    app.before_request(i18n.forget_language)
    app.jinja_env.globals.update(
        label=label,
        url_with=url_with,
        Role=Role,
        INTERNAL_ROLES=INTERNAL_ROLES,
        VENDOR_EDITORS=VENDOR_EDITORS,
    )
    app.jinja_env.filters.update(
        datetime=lambda value: format_datetime(value, "medium") if value else "",
        date=i18n.format_date,
        number=lambda value: format_decimal(value) if value is not None else "",
    )
