"""Scheduling conditions as SQL: which firms are due, for the dashboard and the sweeps alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, case, literal

from vendorrisk.db import UTCDateTime
from vendorrisk.scheduling.cadence import Cadence, latest_decision_due_by
from vendorrisk.vendors.domain import RiskTier
from vendorrisk.vendors.models import Vendor


def reassessment_due_by(day: date, cadence: Cadence) -> ColumnElement[bool]:
    """The firm's reassessment falls due on or before ``day``.

    Per tier, a firm is due when its decision was taken on or before a date (cadence.py); the
    CASE picks the tier's limit, as the first instant (UTC, like the stored time) after that
    date."""
    limits = {tier: literal(datetime.combine(latest_decision_due_by(day, tier, cadence)
                                             + timedelta(days=1), time(), UTC), UTCDateTime())
              for tier in RiskTier}
    return Vendor.last_decided_at < case(limits, value=Vendor.tier)
