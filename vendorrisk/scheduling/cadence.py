"""How often a partner firm is reassessed: a number of months per inherent risk tier.

Pure domain code (no Flask, no database). The months are the ``REASSESSMENT_MONTHS`` setting;
``Cadence`` refuses a setting where a riskier tier would wait longer than a calmer one.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from itertools import pairwise

from vendorrisk.vendors.domain import RiskTier


@dataclass(frozen=True)
class Cadence:
    """Months between a decision and the next reassessment, per inherent tier."""

    critical: int = 6
    high: int = 12
    medium: int = 24
    low: int = 36

    def __post_init__(self) -> None:
        months = [self.months(tier) for tier in RiskTier]  # low to critical
        if any(not isinstance(m, int) or isinstance(m, bool) or m < 1 for m in months):
            raise ValueError("Reassessment intervals must be whole numbers of months, at least 1.")
        if any(riskier > calmer for calmer, riskier in pairwise(months)):
            raise ValueError("A riskier tier cannot wait longer for its reassessment than a "
                             "less risky one.")

    @classmethod
    def from_months(cls, months: Mapping[str, int]) -> Cadence:
        """The defaults, overridden by a mapping of tier value to months (the setting)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(months) - known)
        if unknown:
            raise ValueError(f"Unknown risk tier(s) in REASSESSMENT_MONTHS: {', '.join(unknown)}")
        return cls(**months)

    def months(self, tier: RiskTier) -> int:
        months: int = getattr(self, tier.value)
        return months


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), or the month's last day if it is shorter:
    31 January + 1 month is 28 (or 29) February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def next_due(last_decided: date, tier: RiskTier, cadence: Cadence) -> date:
    """When the firm's next reassessment is due, counted from its latest decision."""
    return add_months(last_decided, cadence.months(tier))


def latest_decision_due_by(horizon: date, tier: RiskTier, cadence: Cadence) -> date:
    """The latest decision date whose reassessment falls due on or before ``horizon``.

    ``next_due`` never decreases as the decision date moves later, so "due by the horizon" is
    "decided on or before this date": a database compares a column with it instead of doing
    calendar arithmetic. Going back by the interval lands on or just before that date; several
    decision dates can share one due date (29 to 31 January + 1 month), so step forward over them.
    """
    candidate = add_months(horizon, -cadence.months(tier))
    while next_due(candidate + timedelta(days=1), tier, cadence) <= horizon:
        candidate += timedelta(days=1)
    return candidate
