"""What an agreement's dates mean today: pure code, no Flask, no database.

"Expiring" and "expired" are derived from the dates whenever they are read, never stored by a
job, so a missed job can never leave a firm looking covered by an NDA that has run out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vendorrisk.scheduling.cadence import add_months


class AgreementKind(StrEnum):
    NDA = "nda"
    DPA = "dpa"  # data processing agreement (GDPR Art. 28, PIPL Art. 21)
    MSA = "msa"  # master services agreement


class AgreementStatus(StrEnum):
    REQUESTED = "requested"
    SENT = "sent"  # sent for signature
    SIGNED = "signed"
    TERMINATED = "terminated"


class Standing(StrEnum):
    """Where an agreement stands today."""

    PENDING = "pending"  # not signed yet
    NOT_YET_EFFECTIVE = "not_yet_effective"
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but ends within the warning window
    REVIEW_DUE = "review_due"  # indefinite, and its review date has passed
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"  # a renewal replaced it

    @property
    def in_force(self) -> bool:
        return self in (Standing.VALID, Standing.EXPIRING, Standing.REVIEW_DUE)


@dataclass(frozen=True)
class Dates:
    status: AgreementStatus
    effective_on: date | None
    expires_on: date | None  # None with indefinite=True
    indefinite: bool
    review_on: date | None
    superseded: bool = False


class InvalidAgreement(ValueError):
    """The dates or status do not make sense together; the message says why."""


def standing(dates: Dates, today: date, warn_days: int = 60) -> Standing:
    if dates.superseded:
        return Standing.SUPERSEDED
    if dates.status == AgreementStatus.TERMINATED:
        return Standing.TERMINATED
    if dates.status != AgreementStatus.SIGNED or dates.effective_on is None:
        return Standing.PENDING
    if today < dates.effective_on:
        return Standing.NOT_YET_EFFECTIVE
    if dates.indefinite:
        return Standing.REVIEW_DUE if dates.review_on and dates.review_on < today \
            else Standing.VALID
    assert dates.expires_on is not None
    if dates.expires_on < today:
        return Standing.EXPIRED
    return Standing.EXPIRING if (dates.expires_on - today).days <= warn_days else Standing.VALID


def check(status: AgreementStatus, signed_on: date | None, effective_on: date | None,
          expires_on: date | None, indefinite: bool, review_on: date | None) -> None:
    """Refuse dates that contradict each other, with a message a person can act on."""
    if status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED):
        if signed_on is None or effective_on is None:
            raise InvalidAgreement("A signed agreement needs its signature and effective dates.")
        if not indefinite and expires_on is None:
            raise InvalidAgreement("Give the expiry date, or mark the agreement indefinite.")
    if indefinite and expires_on is not None:
        raise InvalidAgreement("An indefinite agreement has no expiry date; give a review date "
                               "instead.")
    if signed_on and expires_on and expires_on <= signed_on:
        raise InvalidAgreement("The expiry date must come after the signature date.")
    if effective_on and expires_on and expires_on <= effective_on:
        raise InvalidAgreement("The expiry date must come after the effective date.")
    if signed_on and review_on and review_on <= signed_on:
        raise InvalidAgreement("The review date must come after the signature date.")


def reminder_due(expires_on: date, lead_days: int, today: date) -> bool:
    """A reminder ``lead_days`` before expiry (0: on the day) is due from that day on."""
    return (expires_on - today).days <= lead_days


@dataclass(frozen=True)
class Survival:
    """How long the firm's duty of confidentiality lasts once the relationship has ended."""

    until: date | None  # None: indefinitely, or not stated (see ``indefinite``)
    indefinite: bool = False

    @property
    def stated(self) -> bool:
        return self.indefinite or self.until is not None


def confidentiality_survives(relationship_ended: date, terminated_on: date | None,
                             expires_on: date | None, survival_months: int | None,
                             survives_indefinitely: bool) -> Survival:
    """The NDA's surviving confidentiality counted from the earliest of its termination, its
    expiry and the end of the relationship."""
    if survives_indefinitely:
        return Survival(None, indefinite=True)
    if survival_months is None:
        return Survival(None)
    ended = min(day for day in (relationship_ended, terminated_on, expires_on) if day)
    return Survival(add_months(ended, survival_months))
