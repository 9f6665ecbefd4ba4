"""The pure incident rules: notification deadlines, the risk an incident leaves, reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.incidents.domain import (
    DEFAULT_NOTIFICATION_HOURS,
    Recipient,
    deadlines,
    raised_risk,
    reminder_due,
)
from vendorrisk.vendors.domain import RiskTier

LEARNT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
tiers = st.sampled_from(list(RiskTier))


def test_no_client_data_means_no_notification_is_owed():
    assert deadlines(LEARNT, False, DEFAULT_NOTIFICATION_HOURS) == {}


def test_deadlines_count_from_when_we_learnt_of_it():
    due = deadlines(LEARNT, True, {"regulator": 72, "clients": 24})
    assert due == {Recipient.REGULATOR: LEARNT + timedelta(hours=72),
                   Recipient.CLIENTS: LEARNT + timedelta(hours=24)}


@given(st.none() | tiers, tiers, tiers, st.booleans())
def test_an_incident_never_lowers_a_risk(current, inherent, severity, client_data):
    after = raised_risk(current, inherent, severity, client_data)
    order = list(RiskTier)
    assert order.index(after) >= order.index(severity)
    assert order.index(after) >= order.index(current or inherent)


def test_client_data_adds_a_step_up_to_critical():
    assert raised_risk(RiskTier.LOW, RiskTier.HIGH, RiskTier.LOW, False) == RiskTier.LOW
    assert raised_risk(RiskTier.LOW, RiskTier.HIGH, RiskTier.LOW, True) == RiskTier.MEDIUM
    assert raised_risk(None, RiskTier.HIGH, RiskTier.LOW, True) == RiskTier.CRITICAL
    assert raised_risk(RiskTier.CRITICAL, RiskTier.LOW, RiskTier.MEDIUM, True) == \
        RiskTier.CRITICAL


def test_reminders_a_day_before_and_once_overdue():
    due = LEARNT + timedelta(hours=72)
    assert reminder_due(due, due - timedelta(hours=25)) is None
    assert reminder_due(due, due - timedelta(hours=24)) == "soon"
    assert reminder_due(due, due - timedelta(seconds=1)) == "soon"
    assert reminder_due(due, due) == "overdue"
