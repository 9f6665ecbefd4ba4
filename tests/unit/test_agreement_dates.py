"""What an agreement's dates mean on a given day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.agreements.domain import (
    AgreementStatus,
    Dates,
    InvalidAgreement,
    Standing,
    check,
    confidentiality_survives,
    reminder_due,
    standing,
)

SIGNED = AgreementStatus.SIGNED
TODAY = date(2026, 11, 23)


def nda(expires: date | None = date(2027, 6, 30), **changes) -> Dates:
    values = {"status": SIGNED, "effective_on": date(2025, 7, 1), "expires_on": expires,
              "indefinite": expires is None, "review_on": None}
    values.update(changes)
    return Dates(**values)


@pytest.mark.parametrize(("dates", "expected"), [
    (nda(), Standing.VALID),
    (nda(TODAY + timedelta(days=60)), Standing.EXPIRING),
    (nda(TODAY + timedelta(days=61)), Standing.VALID),
    (nda(TODAY), Standing.EXPIRING),  # the last day still counts
    (nda(TODAY - timedelta(days=1)), Standing.EXPIRED),
    (nda(None), Standing.VALID),
    (nda(None, review_on=TODAY - timedelta(days=1)), Standing.REVIEW_DUE),
    (nda(effective_on=TODAY + timedelta(days=1)), Standing.NOT_YET_EFFECTIVE),
    (nda(status=AgreementStatus.SENT, effective_on=None), Standing.PENDING),
    (nda(status=AgreementStatus.TERMINATED), Standing.TERMINATED),
    (nda(superseded=True), Standing.SUPERSEDED),
])
def test_standing_on_a_given_day(dates, expected):
    assert standing(dates, TODAY) == expected


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
       st.integers(min_value=1, max_value=3000))
def test_a_signed_agreement_is_in_force_exactly_until_its_expiry(today, length):
    dates = nda(date(2024, 1, 1) + timedelta(days=length), effective_on=date(2024, 1, 1))
    in_force = standing(dates, today).in_force
    assert in_force == (date(2024, 1, 1) <= today <= dates.expires_on)


@pytest.mark.parametrize(("args", "message"), [
    ((SIGNED, None, date(2026, 1, 1), date(2027, 1, 1), False, None), "signature and effective"),
    ((SIGNED, date(2026, 1, 1), date(2026, 1, 1), None, False, None), "expiry date, or mark"),
    ((SIGNED, date(2026, 1, 1), date(2026, 1, 1), date(2025, 1, 1), False, None),
     "after the signature"),
    ((SIGNED, date(2026, 1, 1), date(2026, 6, 1), date(2026, 3, 1), False, None),
     "after the effective"),
    ((SIGNED, date(2026, 1, 1), date(2026, 1, 1), date(2027, 1, 1), True, None), "indefinite"),
])
def test_contradictory_dates_are_refused_with_the_reason(args, message):
    with pytest.raises(InvalidAgreement, match=message):
        check(*args)


def test_a_requested_agreement_needs_no_dates_yet():
    check(AgreementStatus.REQUESTED, None, None, None, False, None)


def test_reminders_fall_due_at_their_lead_time_and_stay_due():
    expires = date(2027, 1, 31)
    assert not reminder_due(expires, 30, expires - timedelta(days=31))
    assert reminder_due(expires, 30, expires - timedelta(days=30))
    assert reminder_due(expires, 0, expires)
    assert not reminder_due(expires, 0, expires - timedelta(days=1))
    assert reminder_due(expires, 7, expires + timedelta(days=3))  # a late sweep still sends it


def test_confidentiality_survives_from_the_earliest_end():
    ended = date(2026, 11, 23)
    assert confidentiality_survives(ended, None, date(2027, 6, 30), 24, False).until == \
        date(2028, 11, 23)  # the relationship ended first
    assert confidentiality_survives(ended, date(2026, 1, 31), None, 1, False).until == \
        date(2026, 2, 28)  # terminated earlier; a month later is February's last day
    assert confidentiality_survives(ended, None, None, None, True).indefinite
    unstated = confidentiality_survives(ended, None, None, None, False)
    assert not unstated.stated and unstated.until is None
