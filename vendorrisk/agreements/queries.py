"""Agreement conditions as SQL, for other features' lists and counts (models only, so any
service may import it without a cycle)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, Exists, exists

from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.agreements.models import Agreement
from vendorrisk.vendors.models import Vendor


def _current_signed_nda() -> tuple[ColumnElement[bool], ...]:
    return (Agreement.vendor_id == Vendor.id, Agreement.kind == AgreementKind.NDA,
            Agreement.status == AgreementStatus.SIGNED, Agreement.superseded_at.is_(None))


def nda_in_force(today: date) -> Exists:
    """The firm of the row has a signed, current NDA in force today: the SQL form of
    domain.standing(...).in_force for an NDA."""
    return exists().where(*_current_signed_nda(), Agreement.effective_on <= today,
                          Agreement.indefinite.is_(True) | (Agreement.expires_on >= today))


def nda_ending_within(today: date, days: int) -> Exists:
    """The firm's NDA in force today ends within ``days``."""
    return exists().where(*_current_signed_nda(), Agreement.effective_on <= today,
                          Agreement.indefinite.is_(False), Agreement.expires_on >= today,
                          Agreement.expires_on <= today + timedelta(days=days))
