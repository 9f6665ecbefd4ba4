"""Inherent risk tier of a partner firm, worked out from its intake, with the reasons why.

This is the reference for the method. It is about *inherent* risk: how much harm a partner
firm could do to the company's clients before any of the firm's controls are looked at. Every
number below is a default of `TieringRules`; changing the method means changing those rules,
not this code.

1. Data sensitivity. The firm scores the points of the single most sensitive kind of client
   data it touches, not the sum: the worst data it holds drives the harm of a breach.
   Contact details 1, identity documents 2, bank and transaction records 3, business
   secrets 3. Where two kinds score the same, the reason names the one listed first in
   `DataCategory`. A firm touching 3 or more kinds adds 1 point for breadth.
2. Volume. The approximate number of client records the firm will hold scores 0 below 100,
   1 from 100, 2 from 1,000 and 3 from 10,000. It is always listed, even at 0 points, so
   readers see that it was considered.
3. Own systems and subcontractors. Keeping client data on the firm's own systems adds 2;
   passing work to subcontractors adds 1. Both count only when the firm touches at least
   one kind of client data: a firm that touches none cannot leak it by storing or passing it on.
4. Business criticality. How much the company's own work depends on the firm: low 0,
   medium 1, high 2. Always listed.
5. Tier from points: 0-2 low, 3-5 medium, 6-8 high, 9 or more critical.
6. Floors, which can only raise the tier: (a) identity documents or bank records of
   10,000 or more clients kept on the firm's own systems make the tier at least high;
   (b) business secrets together with subcontractors make the tier at least high.
7. Cap, which can only lower the tier: a firm that touches no client data is at most
   medium, since its risk is then limited to the company's dependency on it.

Floors and caps are listed as reasons (worth 0 points) whenever their condition holds, so the
explanation states every rule that applied, whether or not it changed the tier this time.
The points of all reasons add up to the total. More data, more records, storing, subcontracting
or higher criticality never lower the tier; `TieringRules` refuses weights that would break that.

Pure standard library on purpose: the same function serves views, reports, imports and tests.
Reason texts are plain English format strings kept at module level; the view layer translates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier

# Reason texts, one place so they can be wrapped for translation later.
CATEGORY_TEXTS: Mapping[DataCategory, str] = MappingProxyType(
    {
        DataCategory.CONTACT: "Handles client contact details (+{points})",
        DataCategory.IDENTITY: "Handles client identity documents (+{points})",
        DataCategory.FINANCIAL: "Handles bank and transaction records (+{points})",
        DataCategory.BUSINESS_SECRETS: "Handles client business secrets (+{points})",
    }
)
BREADTH_TEXT = "Handles {count} kinds of client data (+{points})"
VOLUME_TEXT = "Will hold about {records:,} client records (+{points})"
STORES_DATA_TEXT = "Keeps client data on its own systems (+{points})"
SUBCONTRACTORS_TEXT = "Passes work to subcontractors (+{points})"
CRITICALITY_TEXTS: Mapping[Criticality, str] = MappingProxyType(
    {
        Criticality.LOW: "The company's work depends on this firm a little (+{points})",
        Criticality.MEDIUM: "The company's work depends on this firm moderately (+{points})",
        Criticality.HIGH: "The company's work depends heavily on this firm (+{points})",
    }
)
FLOOR_STORED_VOLUME_TEXT = (
    "Keeps identity documents or bank records of {records:,} or more clients on its own "
    "systems, so the tier is at least {tier}"
)
FLOOR_SECRETS_SUBCONTRACTORS_TEXT = (
    "Handles client business secrets and uses subcontractors, so the tier is at least {tier}"
)
CAP_NO_CLIENT_DATA_TEXT = (
    "Touches no client data, so the risk is limited to the company's dependency on the "
    "firm and the tier is at most {tier}"
)

# Stable machine keys for the reasons that are not per category.
BREADTH = "breadth"
VOLUME = "volume"
STORES_DATA = "stores_data"
SUBCONTRACTORS = "subcontractors"
CRITICALITY = "criticality"
FLOOR_STORED_VOLUME = "floor:sensitive_data_stored_at_volume"
FLOOR_SECRETS_SUBCONTRACTORS = "floor:business_secrets_with_subcontractors"
CAP_NO_CLIENT_DATA = "cap:no_client_data"

# Kinds of data whose bulk storage at the firm triggers floor (a).
_STORED_VOLUME_CATEGORIES = frozenset({DataCategory.IDENTITY, DataCategory.FINANCIAL})


@dataclass(frozen=True)
class Intake:
    """What a partner firm told us at intake, as far as tiering needs it."""

    data_categories: frozenset[DataCategory]
    record_count: int  # approximate number of client records the partner will hold; >= 0
    stores_data: bool  # keeps client data on its own systems
    uses_subcontractors: bool
    criticality: Criticality

    def __post_init__(self) -> None:
        if self.record_count < 0:
            raise ValueError(f"record_count must be 0 or more, got {self.record_count}")
        # Accept any iterable of categories but keep the intake immutable and order-free.
        object.__setattr__(self, "data_categories", frozenset(self.data_categories))


@dataclass(frozen=True)
class Reason:
    """One line of the explanation: a stable key, its points and a sentence for people."""

    factor: str
    points: int
    text: str


@dataclass(frozen=True)
class TierAssessment:
    tier: RiskTier
    points: int
    reasons: tuple[Reason, ...]


def _frozen(mapping: Mapping) -> Mapping:
    # A private read-only copy: callers mutating their dict later cannot change the rules.
    return MappingProxyType(dict(mapping))


def _default_category_points() -> Mapping[DataCategory, int]:
    return _frozen(
        {
            DataCategory.CONTACT: 1,
            DataCategory.IDENTITY: 2,
            DataCategory.FINANCIAL: 3,
            DataCategory.BUSINESS_SECRETS: 3,
        }
    )


def _default_criticality_points() -> Mapping[Criticality, int]:
    return _frozen({Criticality.LOW: 0, Criticality.MEDIUM: 1, Criticality.HIGH: 2})


@dataclass(frozen=True)
class TieringRules:
    """Every parameter of the method in one place; the defaults are the documented method.

    The mappings are left out of the hash (they are read-only proxies, which cannot be hashed)
    but still take part in equality, so rules stay usable as dict keys and cache keys.
    """

    category_points: Mapping[DataCategory, int] = field(
        default_factory=_default_category_points, hash=False
    )
    breadth_threshold: int = 3  # touching this many categories or more adds breadth_points
    breadth_points: int = 1
    # (minimum record count, points), ascending, the first starting at 0.
    volume_bands: tuple[tuple[int, int], ...] = ((0, 0), (100, 1), (1_000, 2), (10_000, 3))
    stores_data_points: int = 2  # only counts when the firm touches at least one category
    subcontractor_points: int = 1  # only counts when the firm touches at least one category
    criticality_points: Mapping[Criticality, int] = field(
        default_factory=_default_criticality_points, hash=False
    )
    # (minimum points, tier), ascending, the first starting at 0.
    tier_thresholds: tuple[tuple[int, RiskTier], ...] = (
        (0, RiskTier.LOW),
        (3, RiskTier.MEDIUM),
        (6, RiskTier.HIGH),
        (9, RiskTier.CRITICAL),
    )
    floor_record_count: int = 10_000  # floor (a): stored identity/bank records from this many
    floor_tier: RiskTier = RiskTier.HIGH  # the tier floors (a) and (b) guarantee
    no_client_data_cap: RiskTier = RiskTier.MEDIUM  # highest tier without any client data

    def __post_init__(self) -> None:
        object.__setattr__(self, "category_points", _frozen(self.category_points))
        object.__setattr__(self, "criticality_points", _frozen(self.criticality_points))
        object.__setattr__(self, "volume_bands", tuple(map(tuple, self.volume_bands)))
        object.__setattr__(self, "tier_thresholds", tuple(map(tuple, self.tier_thresholds)))
        _check_keys("category_points", self.category_points, DataCategory)
        _check_keys("criticality_points", self.criticality_points, Criticality)
        _check_non_negative(self)
        _check_ascending("volume_bands", self.volume_bands)
        _check_ascending("tier_thresholds", self.tier_thresholds)
        _check_monotone(self)


def _check_keys(name: str, mapping: Mapping, enum: type[StrEnum]) -> None:
    # A missing key would crash at assessment time; an unknown one is most likely a typo.
    missing = [member.value for member in enum if member not in mapping]
    unknown = [repr(key) for key in mapping if key not in set(enum)]
    if missing or unknown:
        raise ValueError(
            f"{name} needs points for exactly {[m.value for m in enum]}: "
            f"missing {missing}, unknown {unknown}"
        )


def _check_non_negative(rules: TieringRules) -> None:
    # Negative points would let "more risk" lower the tier.
    points = {
        "category_points": min(rules.category_points.values()),
        "criticality_points": min(rules.criticality_points.values()),
        "volume_bands": min((p for _, p in rules.volume_bands), default=0),
        "breadth_points": rules.breadth_points,
        "stores_data_points": rules.stores_data_points,
        "subcontractor_points": rules.subcontractor_points,
        "floor_record_count": rules.floor_record_count,
    }
    for name, lowest in points.items():
        if lowest < 0:
            raise ValueError(f"{name} must not be negative, got {lowest}")
    if rules.breadth_threshold < 1:
        raise ValueError(f"breadth_threshold must be 1 or more, got {rules.breadth_threshold}")


def _check_ascending(name: str, bands: tuple[tuple[int, object], ...]) -> None:
    minimums = [minimum for minimum, _ in bands]
    if not minimums or minimums[0] != 0:
        raise ValueError(f"{name} must start at minimum 0, got {minimums}")
    if any(low >= high for low, high in pairwise(minimums)):
        raise ValueError(f"{name} minimums must be strictly ascending, got {minimums}")


def _check_monotone(rules: TieringRules) -> None:
    # The method promises that more risk never lowers the tier; these orders guarantee it.
    checks = {
        "volume_bands points": [p for _, p in rules.volume_bands],
        "criticality_points from low to high": [rules.criticality_points[c] for c in Criticality],
    }
    for name, values in checks.items():
        if any(low > high for low, high in pairwise(values)):
            raise ValueError(f"{name} must not decrease, got {values}")
    ranks = [tier.rank for _, tier in rules.tier_thresholds]
    if any(low >= high for low, high in pairwise(ranks)):
        raise ValueError(f"tier_thresholds tiers must rise from low to critical, got {ranks}")


DEFAULT_RULES = TieringRules()


def assess_tier(intake: Intake, rules: TieringRules = DEFAULT_RULES) -> TierAssessment:
    """Return the inherent risk tier of a partner firm and the reasons for it (see module doc)."""
    # Intake already refuses this; repeat it for instances that bypassed its __init__.
    if intake.record_count < 0:
        raise ValueError(f"record_count must be 0 or more, got {intake.record_count}")
    reasons = [
        *_data_reasons(intake, rules),
        _volume_reason(intake, rules),
        *_handling_reasons(intake, rules),
        _criticality_reason(intake, rules),
    ]
    points = sum(reason.points for reason in reasons)
    tier = _tier_for_points(points, rules)
    tier, adjustments = _apply_floors_and_cap(intake, rules, tier)
    return TierAssessment(tier=tier, points=points, reasons=(*reasons, *adjustments))


def _data_reasons(intake: Intake, rules: TieringRules) -> list[Reason]:
    if not intake.data_categories:
        return []
    # Highest points wins; ties go to the category listed first, so the result is stable.
    order = list(DataCategory)
    worst = max(
        intake.data_categories,
        key=lambda category: (rules.category_points[category], -order.index(category)),
    )
    points = rules.category_points[worst]
    reasons = [Reason(f"data:{worst.value}", points, CATEGORY_TEXTS[worst].format(points=points))]
    count = len(intake.data_categories)
    if count >= rules.breadth_threshold:
        text = BREADTH_TEXT.format(count=count, points=rules.breadth_points)
        reasons.append(Reason(BREADTH, rules.breadth_points, text))
    return reasons


def _volume_reason(intake: Intake, rules: TieringRules) -> Reason:
    points = max(p for minimum, p in rules.volume_bands if minimum <= intake.record_count)
    text = VOLUME_TEXT.format(records=intake.record_count, points=points)
    return Reason(VOLUME, points, text)


def _handling_reasons(intake: Intake, rules: TieringRules) -> list[Reason]:
    # Storing or subcontracting only matters when there is client data to store or pass on.
    if not intake.data_categories:
        return []
    reasons = []
    if intake.stores_data:
        points = rules.stores_data_points
        reasons.append(Reason(STORES_DATA, points, STORES_DATA_TEXT.format(points=points)))
    if intake.uses_subcontractors:
        points = rules.subcontractor_points
        reasons.append(Reason(SUBCONTRACTORS, points, SUBCONTRACTORS_TEXT.format(points=points)))
    return reasons


def _criticality_reason(intake: Intake, rules: TieringRules) -> Reason:
    points = rules.criticality_points[intake.criticality]
    text = CRITICALITY_TEXTS[intake.criticality].format(points=points)
    return Reason(CRITICALITY, points, text)


def _tier_for_points(points: int, rules: TieringRules) -> RiskTier:
    return [tier for minimum, tier in rules.tier_thresholds if minimum <= points][-1]


def _apply_floors_and_cap(
    intake: Intake, rules: TieringRules, tier: RiskTier
) -> tuple[RiskTier, list[Reason]]:
    categories = intake.data_categories
    adjustments = []
    floor = rules.floor_tier
    if (
        categories & _STORED_VOLUME_CATEGORIES
        and intake.stores_data
        and intake.record_count >= rules.floor_record_count
    ):
        text = FLOOR_STORED_VOLUME_TEXT.format(records=rules.floor_record_count, tier=floor)
        adjustments.append(Reason(FLOOR_STORED_VOLUME, 0, text))
        tier = _higher(tier, floor)
    if DataCategory.BUSINESS_SECRETS in categories and intake.uses_subcontractors:
        text = FLOOR_SECRETS_SUBCONTRACTORS_TEXT.format(tier=floor)
        adjustments.append(Reason(FLOOR_SECRETS_SUBCONTRACTORS, 0, text))
        tier = _higher(tier, floor)
    if not categories:
        cap = rules.no_client_data_cap
        adjustments.append(Reason(CAP_NO_CLIENT_DATA, 0, CAP_NO_CLIENT_DATA_TEXT.format(tier=cap)))
        tier = min(tier, cap, key=lambda t: t.rank)
    return tier, adjustments


def _higher(first: RiskTier, second: RiskTier) -> RiskTier:
    return max(first, second, key=lambda tier: tier.rank)
