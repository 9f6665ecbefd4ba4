"""Translated text and dates, resolved once per request (vendorrisk.i18n)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from vendorrisk import i18n
from vendorrisk.labels import choices, label
from vendorrisk.vendors.domain import RiskTier


def test_a_datetime_shows_the_calendar_day_of_the_portals_timezone(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        late_evening_utc = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # 04:30 on 2 March, Shanghai
        assert i18n.format_date(late_evening_utc) == "Mar 2, 2026"
        assert i18n.format_date(date(2026, 3, 1)) == "Mar 1, 2026"
        assert i18n.format_date(None) == ""


def test_messages_labels_and_choices_read_in_the_request_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert i18n.gettext("Page %(page)s of %(pages)s", page=2, pages=9) == "Page 2 of 9"
        assert i18n.ngettext("%(num)d firm", "%(num)d firms", 3) == "3 firms"
        assert label(RiskTier.HIGH) == "High"
        assert [str(choice.label) for choice in choices(RiskTier)][-1] == "Critical"


def test_outside_an_application_the_source_text_stands():
    assert i18n.gettext("Partner firms") == "Partner firms"
    assert str(i18n.lazy_gettext("Partner firms")) == "Partner firms"

