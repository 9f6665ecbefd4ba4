"""The reassessment cadence: months per inherent tier, calendar arithmetic, and its inverse."""

from __future__ import annotations

import ast
import sys
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.config import DefaultConfig
from vendorrisk.scheduling import cadence
from vendorrisk.scheduling.cadence import (
    Cadence,
    add_months,
    latest_decision_due_by,
    next_due,
)
from vendorrisk.vendors.domain import RiskTier

DEFAULT = Cadence()
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
tiers = st.sampled_from(list(RiskTier))


@st.composite
def cadences(draw: st.DrawFn) -> Cadence:
    """Any valid cadence: months that never grow with the risk."""
    months = sorted(draw(st.lists(st.integers(1, 120), min_size=4, max_size=4)), reverse=True)
    return Cadence(**dict(zip(("low", "medium", "high", "critical"), months, strict=True)))


def test_the_default_cadence_is_6_12_24_36_months_from_riskiest_to_calmest():
    assert [DEFAULT.months(tier) for tier in reversed(RiskTier)] == [6, 12, 24, 36]
    assert next_due(date(2026, 3, 15), RiskTier.CRITICAL, DEFAULT) == date(2026, 9, 15)
    assert next_due(date(2026, 3, 15), RiskTier.LOW, DEFAULT) == date(2029, 3, 15)


def test_the_setting_holds_the_defaults_and_overrides_them_tier_by_tier():
    assert Cadence.from_months(DefaultConfig.REASSESSMENT_MONTHS) == DEFAULT
    assert Cadence.from_months({"critical": 3}) == Cadence(critical=3)


@pytest.mark.parametrize(("months", "message"), [
    ({"critical": 24}, "riskier tier cannot wait longer"),
    ({"high": 0}, "at least 1"),
    ({"medium": 1.5}, "whole numbers"),
    ({"severe": 3}, "Unknown risk tier"),
])
def test_a_bad_setting_is_refused_with_a_reason(months, message):
    with pytest.raises(ValueError, match=message):
        Cadence.from_months(months)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2027, 1, 31), 1, date(2027, 2, 28)),  # February is shorter: its last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the year end
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards too
    (date(2026, 5, 15), 0, date(2026, 5, 15)),
])
def test_months_are_added_on_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("horizon", "tier", "expected"), [
    # 29, 30 and 31 January + 1 month all fall due on 28 February.
    (date(2027, 2, 28), RiskTier.CRITICAL, date(2026, 8, 31)),
    (date(2027, 2, 27), RiskTier.CRITICAL, date(2026, 8, 27)),
    (date(2026, 11, 23), RiskTier.HIGH, date(2025, 11, 23)),
    (date(2026, 4, 30), RiskTier.CRITICAL, date(2025, 10, 31)),
])
def test_the_latest_decision_due_by_a_day(horizon, tier, expected):
    assert latest_decision_due_by(horizon, tier, DEFAULT) == expected


@given(days, tiers, cadences())
def test_the_reassessment_is_due_strictly_after_the_decision(decided, tier, plan):
    assert next_due(decided, tier, plan) > decided


@given(days, cadences())
def test_a_riskier_tier_never_waits_longer(decided, plan):
    dues = [next_due(decided, tier, plan) for tier in RiskTier]  # low to critical
    assert all(riskier <= calmer for calmer, riskier in pairwise(dues))


@given(days, days, tiers, cadences())
def test_a_later_decision_is_never_due_earlier(first, second, tier, plan):
    earlier, later = sorted((first, second))
    assert next_due(earlier, tier, plan) <= next_due(later, tier, plan)


@given(days, days, tiers, cadences())
def test_due_by_a_day_is_decided_on_or_before_the_latest_decision_date(decided, horizon, tier,
                                                                        plan):
    """What lets the portfolio count due firms with a plain comparison in SQL."""
    limit = latest_decision_due_by(horizon, tier, plan)
    assert (next_due(decided, tier, plan) <= horizon) == (decided <= limit)
    assert next_due(limit, tier, plan) <= horizon < next_due(limit + timedelta(days=1), tier, plan)


def test_cadence_is_pure_domain_code():
    tree = ast.parse(Path(cadence.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported <= {*sys.stdlib_module_names, "__future__", "vendorrisk"}
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {m for m in modules if m and m.startswith("vendorrisk")} == {"vendorrisk.vendors.domain"}
