"""Translated text and localised dates, with the reader's language looked up once per request.

Flask-Babel finds the translations, locale and timezone through several context lookups on every
call (about 25 microseconds each); a page of the register asks for some two hundred strings. Here
the request's language is resolved once, kept on ``flask.g``, and every message after that is a
dictionary lookup. Every module takes ``_`` and ``_l`` from here, never from Flask-Babel, so there
is one way to translate. Outside an application context (imports, pure code) text stays in the
source language, as Flask-Babel does.
"""

from __future__ import annotations

import gettext as gnu
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from flask import g
from flask_babel import get_locale, get_timezone, get_translations
from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class Language:
    """What the current reader's pages are written in."""

    translations: gnu.NullTranslations
    locale: str
    timezone: tzinfo


_SOURCE = Language(gnu.NullTranslations(), "en", UTC)


def language() -> Language:
    """The current request's (or job's) language, resolved on first use."""
    try:
        found: Language | None = g.get("_language")
    except RuntimeError:  # no application context
        return _SOURCE
    if found is None:
        locale: Locale | None = get_locale()
        found = g._language = Language(get_translations(), str(locale or "en"), get_timezone())
    return found


def forget_language() -> None:
    """Drop the cached language (a new request in the same application context may differ)."""
    g.pop("_language", None)


def gettext(message: str, **variables: Any) -> str:
    text = language().translations.gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return language().translations.ngettext(singular, plural, num) % variables


def lazy_gettext(message: str, **variables: Any) -> LazyString:
    """Translated when shown, so a form or label defined at import speaks each reader's language."""
    return LazyString(gettext, message, **variables)


def N_(message: str) -> str:  # the marker pybabel extracts by default
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def format_date(value: date | datetime | None) -> str:
    """A date in the reader's medium format; a datetime is first moved into the portal's
    timezone, so a late-evening UTC time shows the local calendar day."""
    if value is None:
        return ""
    current = language()
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        value = aware.astimezone(current.timezone).date()
    return _medium_date(value, current.locale)


@lru_cache(maxsize=8192)
def _medium_date(day: date, locale: str) -> str:
    # A page shows the same few dates again and again, and Babel formats one in ~30 microseconds.
    return babel_format_date(day, "medium", locale=locale)
