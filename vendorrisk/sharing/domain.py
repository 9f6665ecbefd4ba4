"""May this client data go to this partner firm? Pure code: no Flask, no database.

The policy (``judge``) takes the facts the service gathered and the disclosure asked for, and
returns a verdict: the reasons it is refused, each a sentence a person can act on, and the
warnings that do not stop it. Every rule is checked, so the form lists every reason at once.

1. The firm's status. A suspended firm (its assessment was rejected) and an offboarded one get
   nothing; these two reasons cannot be overridden, even by a manager.
2. The NDA. A signed NDA of the firm's must be in force on the disclosure date and stay in force
   through the return-by date (an indefinite NDA does). Of the firm's current NDAs, the one in
   force on the disclosure date that runs the longest is the one relied on (``pick_nda``).
   An indefinite NDA past its review date still counts, with a warning.
3. The approval. The firm's latest decided assessment must be approved, or approved with
   conditions; the conditions still open are listed as a warning.
4. The reassessment. Its due date (the cadence counted from the latest decision) must not have
   passed on the disclosure date. One falling due before the return-by date, or an early
   reassessment asked for and not yet done, is a warning.
5. The categories. Each kind of client data sent must be declared in the firm's intake, and
   covered by its approval. **What an approval covers**: the kinds of client data the intake
   declared when the manager decided, since that intake is what the tier, the questionnaire and
   the decision were about. A kind added to the intake later is not covered until the next
   decision. Decisions taken before the portal recorded this (``approved_for`` None) cover the
   current intake.

Reasons other than the firm's status can be overridden by a manager with a written reason;
the override is recorded with the reasons it overrode. Input that makes no sense (no category,
a return before the disclosure, a date far ahead, no records) is not a refusal but an error
(``check_request``), never overridable.

Reason texts are plain English format strings kept at module level; dates are ISO dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from vendorrisk.agreements.domain import Dates, Standing, standing
from vendorrisk.vendors.domain import DataCategory, VendorStatus


class EngagementStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # the purpose is fulfilled; what was shared may still be held


class Channel(StrEnum):
    """How the data went to the firm."""

    ENCRYPTED_UPLOAD = "encrypted_upload"
    ENCRYPTED_EMAIL = "encrypted_email"
    PAPER_COURIER = "paper_courier"
    IN_PERSON = "in_person"


class CountUnit(StrEnum):
    RECORDS = "records"
    DOCUMENTS = "documents"


class Holding(StrEnum):
    """Where the disclosed data is now. Returning and destroying are confirmed by a certificate
    (a later slice); until then a disclosure is held."""

    HELD = "held"
    RETURNED = "returned"
    DESTROYED = "destroyed"


# Values of assessments.models.DecisionOutcome (a model module, which this one may not import).
APPROVED = "approved"
APPROVED_WITH_CONDITIONS = "approved_with_conditions"
REJECTED = "rejected"
APPROVING = frozenset({APPROVED, APPROVED_WITH_CONDITIONS})

MAX_COUNT = 1_000_000_000
FUTURE_DAYS = 1  # a disclosure may be recorded at most this many days before it happens

CATEGORY_NAMES = {
    DataCategory.IDENTITY: "identity documents",
    DataCategory.CONTACT: "contact details",
    DataCategory.FINANCIAL: "financial and transaction records",
    DataCategory.BUSINESS_SECRETS: "business secrets",
}

# Reason texts, one place so they can be wrapped for translation later.
SUSPENDED_TEXT = "The firm is suspended: no client data may go to it until it is approved again."
OFFBOARDED_TEXT = "The firm is offboarded: nothing may be shared with it any more."
NO_NDA_TEXT = "The firm has no signed NDA."
NDA_NOT_SIGNED_TEXT = "The firm's NDA is not signed yet."
NDA_TERMINATED_TEXT = "The firm's NDA was terminated."
NDA_NOT_YET_TEXT = "The firm's NDA only takes effect on {effective}, after the disclosure date."
NDA_EXPIRED_TEXT = "The firm's NDA expired on {expires}."
NDA_ENDS_TEXT = ("The firm's NDA ends on {expires}, before the data is due back on {return_by}: "
                 "renew it, or set an earlier return-by date.")
NO_DECISION_TEXT = "No assessment of the firm has been decided yet."
REJECTED_TEXT = "The firm's latest assessment was rejected (decided on {decided})."
OVERDUE_TEXT = "The firm's reassessment was due on {due} and has not been decided."
UNDECLARED_TEXT = ("The firm's intake does not declare {names}: update the intake (the firm "
                   "is re-tiered) before sharing it.")
NOT_COVERED_TEXT = ("The firm's approval of {decided} does not cover {names}, added to its "
                    "intake since: a new decision must cover them first.")
CONDITIONS_TEXT = "The firm was approved with conditions; {count} still open:"
REVIEW_DUE_TEXT = "The NDA's review date ({review}) has passed."
DUE_BEFORE_RETURN_TEXT = "The firm's reassessment falls due on {due}, before the data is back."
EARLY_REQUESTED_TEXT = "An early reassessment of the firm was asked for on {asked}."


class Rule(StrEnum):
    """Stable keys of the reasons and warnings (audited; the texts may change)."""

    FIRM_SUSPENDED = "firm_suspended"
    FIRM_OFFBOARDED = "firm_offboarded"
    NDA_MISSING = "nda_missing"
    NDA_NOT_IN_FORCE = "nda_not_in_force"
    NDA_ENDS_BEFORE_RETURN = "nda_ends_before_return"
    NOT_APPROVED = "not_approved"
    REASSESSMENT_OVERDUE = "reassessment_overdue"
    UNDECLARED_CATEGORIES = "undeclared_categories"
    NOT_COVERED_CATEGORIES = "not_covered_categories"
    # warnings
    OPEN_CONDITIONS = "open_conditions"
    NDA_REVIEW_DUE = "nda_review_due"
    REASSESSMENT_DUE_BEFORE_RETURN = "reassessment_due_before_return"
    EARLY_REASSESSMENT_REQUESTED = "early_reassessment_requested"


BLOCKING = frozenset({Rule.FIRM_SUSPENDED, Rule.FIRM_OFFBOARDED})  # never overridden
CLOSED_FIRM = frozenset({VendorStatus.SUSPENDED, VendorStatus.OFFBOARDED})


@dataclass(frozen=True)
class NdaFacts:
    agreement_id: int
    dates: Dates


@dataclass(frozen=True)
class DecisionFacts:
    decision_id: int
    outcome: str  # a DecisionOutcome value
    decided_on: date
    open_conditions: tuple[str, ...] = ()  # titles of the condition findings not closed
    # The intake's categories when decided; None: decided before the portal recorded them.
    approved_for: frozenset[DataCategory] | None = None


@dataclass(frozen=True)
class Facts:
    """What the portal knows of the firm, gathered by the service."""

    status: VendorStatus
    declared: frozenset[DataCategory]  # the intake's categories now
    nda: NdaFacts | None  # the NDA relied on (pick_nda), if any
    decision: DecisionFacts | None  # the latest decision
    reassessment_due_on: date | None = None  # None: never decided
    early_reassessment_asked_on: date | None = None


@dataclass(frozen=True)
class Request:
    categories: frozenset[DataCategory]
    disclosed_on: date
    return_by: date


@dataclass(frozen=True)
class Reason:
    rule: Rule
    text: str
    items: tuple[str, ...] = ()  # e.g. the open conditions a warning lists

    @property
    def overridable(self) -> bool:
        return self.rule not in BLOCKING


@dataclass(frozen=True)
class Verdict:
    reasons: tuple[Reason, ...] = ()  # why it is refused; none: allowed
    warnings: tuple[Reason, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def overridable(self) -> bool:
        """Refused, and a manager may override every reason."""
        return bool(self.reasons) and all(reason.overridable for reason in self.reasons)

    @property
    def rules(self) -> list[str]:
        return [reason.rule.value for reason in self.reasons]


class InvalidRequest(ValueError):
    """The disclosure as typed makes no sense; the message says why."""


def check_request(request: Request, count: int, today: date) -> None:
    if not request.categories:
        raise InvalidRequest("Say which kinds of client data were sent.")
    if not 0 < count <= MAX_COUNT:
        raise InvalidRequest("Give the approximate number of records or documents: at least 1, "
                             f"at most {MAX_COUNT:,}.")
    if request.disclosed_on > today + timedelta(days=FUTURE_DAYS):
        raise InvalidRequest("A disclosure cannot be recorded more than a day before it is made.")
    if request.return_by < request.disclosed_on:
        raise InvalidRequest("The return-by date cannot be before the disclosure date.")


def check_engagement_dates(starts_on: date, planned_end_on: date) -> None:
    if planned_end_on < starts_on:
        raise InvalidRequest("The planned end cannot be before the start.")


def names(categories: Iterable[DataCategory]) -> str:
    """The categories in DataCategory's order, as words: "identity documents and contact
    details"."""
    words = [CATEGORY_NAMES[c] for c in DataCategory if c in set(categories)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def pick_nda(ndas: Sequence[NdaFacts], on: date) -> NdaFacts | None:
    """The NDA to rely on: of those in force on ``on``, the one that runs the longest
    (indefinite first); when none is, the newest, whose standing explains the refusal."""
    in_force = [n for n in ndas if standing(n.dates, on).in_force]
    if in_force:
        return max(in_force, key=lambda n: (n.dates.indefinite, n.dates.expires_on or on,
                                            n.agreement_id))
    return max(ndas, key=lambda n: n.agreement_id, default=None)


def _status(facts: Facts) -> list[Reason]:
    if facts.status == VendorStatus.OFFBOARDED:
        return [Reason(Rule.FIRM_OFFBOARDED, OFFBOARDED_TEXT)]
    if facts.status == VendorStatus.SUSPENDED:
        return [Reason(Rule.FIRM_SUSPENDED, SUSPENDED_TEXT)]
    return []


def _nda(facts: Facts, request: Request) -> tuple[list[Reason], list[Reason]]:
    nda = facts.nda
    if nda is None:
        return [Reason(Rule.NDA_MISSING, NO_NDA_TEXT)], []
    dates = nda.dates
    on_disclosure = standing(dates, request.disclosed_on)
    if not on_disclosure.in_force:
        text = {"pending": NDA_NOT_SIGNED_TEXT, "terminated": NDA_TERMINATED_TEXT,
                "superseded": NO_NDA_TEXT, "not_yet_effective": NDA_NOT_YET_TEXT,
                "expired": NDA_EXPIRED_TEXT}[on_disclosure.value]
        return [Reason(Rule.NDA_NOT_IN_FORCE, text.format(effective=dates.effective_on,
                                                          expires=dates.expires_on))], []
    if not standing(dates, request.return_by).in_force:
        return [Reason(Rule.NDA_ENDS_BEFORE_RETURN,
                       NDA_ENDS_TEXT.format(expires=dates.expires_on,
                                            return_by=request.return_by))], []
    if dates.indefinite and dates.review_on and dates.review_on < request.disclosed_on:
        return [], [Reason(Rule.NDA_REVIEW_DUE, REVIEW_DUE_TEXT.format(review=dates.review_on))]
    return [], []


def _approval(facts: Facts) -> tuple[list[Reason], list[Reason]]:
    decision = facts.decision
    if decision is None:
        return [Reason(Rule.NOT_APPROVED, NO_DECISION_TEXT)], []
    if decision.outcome not in APPROVING:
        return [Reason(Rule.NOT_APPROVED, REJECTED_TEXT.format(decided=decision.decided_on))], []
    if decision.outcome == APPROVED_WITH_CONDITIONS and decision.open_conditions:
        return [], [Reason(Rule.OPEN_CONDITIONS,
                           CONDITIONS_TEXT.format(count=len(decision.open_conditions)),
                           decision.open_conditions)]
    return [], []


def _reassessment(facts: Facts, request: Request) -> tuple[list[Reason], list[Reason]]:
    due = facts.reassessment_due_on
    reasons, warnings = [], []
    if due is not None and due < request.disclosed_on:
        reasons.append(Reason(Rule.REASSESSMENT_OVERDUE, OVERDUE_TEXT.format(due=due)))
    elif due is not None and due < request.return_by:
        warnings.append(Reason(Rule.REASSESSMENT_DUE_BEFORE_RETURN,
                               DUE_BEFORE_RETURN_TEXT.format(due=due)))
    if facts.early_reassessment_asked_on is not None:
        warnings.append(Reason(Rule.EARLY_REASSESSMENT_REQUESTED,
                               EARLY_REQUESTED_TEXT.format(asked=facts.early_reassessment_asked_on)))
    return reasons, warnings


def _categories(facts: Facts, request: Request) -> list[Reason]:
    reasons = []
    undeclared = request.categories - facts.declared
    if undeclared:
        reasons.append(Reason(Rule.UNDECLARED_CATEGORIES,
                              UNDECLARED_TEXT.format(names=names(undeclared))))
    decision = facts.decision
    if decision is not None and decision.outcome in APPROVING \
            and decision.approved_for is not None:
        uncovered = (request.categories & facts.declared) - decision.approved_for
        if uncovered:
            reasons.append(Reason(Rule.NOT_COVERED_CATEGORIES, NOT_COVERED_TEXT.format(
                decided=decision.decided_on, names=names(uncovered))))
    return reasons


def judge(facts: Facts, request: Request) -> Verdict:
    """Every reason the disclosure is refused, and every warning, in the rules' order."""
    nda_reasons, nda_warnings = _nda(facts, request)
    approval_reasons, approval_warnings = _approval(facts)
    due_reasons, due_warnings = _reassessment(facts, request)
    return Verdict(
        reasons=(*_status(facts), *nda_reasons, *approval_reasons, *due_reasons,
                 *_categories(facts, request)),
        warnings=(*approval_warnings, *nda_warnings, *due_warnings))


def concerns(status: VendorStatus, nda: Standing | None, reassessment_due_on: date | None,
             today: date) -> tuple[Rule, ...]:
    """Why a firm holding our clients' data is a worry today: suspended or offboarded, no NDA in
    force, or its reassessment overdue."""
    found = []
    if status == VendorStatus.OFFBOARDED:
        found.append(Rule.FIRM_OFFBOARDED)
    elif status == VendorStatus.SUSPENDED:
        found.append(Rule.FIRM_SUSPENDED)
    if nda is None or not nda.in_force:
        found.append(Rule.NDA_NOT_IN_FORCE)
    if reassessment_due_on is not None and reassessment_due_on < today:
        found.append(Rule.REASSESSMENT_OVERDUE)
    return tuple(found)
