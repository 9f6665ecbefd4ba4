"""The inherent risk tier of a partner firm: worked examples, properties and refusals."""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.vendors import tiering
from vendorrisk.vendors.domain import Criticality, DataCategory, RiskTier
from vendorrisk.vendors.tiering import (
    DEFAULT_RULES,
    Intake,
    Reason,
    TierAssessment,
    TieringRules,
    assess_tier,
)

CONTACT = DataCategory.CONTACT
IDENTITY = DataCategory.IDENTITY
FINANCIAL = DataCategory.FINANCIAL
SECRETS = DataCategory.BUSINESS_SECRETS


def intake(
    *categories: DataCategory,
    records: int = 0,
    stores: bool = False,
    subcontractors: bool = False,
    criticality: Criticality = Criticality.LOW,
) -> Intake:
    return Intake(
        data_categories=frozenset(categories),
        record_count=records,
        stores_data=stores,
        uses_subcontractors=subcontractors,
        criticality=criticality,
    )


def factors(assessment: TierAssessment) -> list[tuple[str, int]]:
    return [(reason.factor, reason.points) for reason in assessment.reasons]


def reason_for(assessment: TierAssessment, factor: str) -> Reason:
    (reason,) = [reason for reason in assessment.reasons if reason.factor == factor]
    return reason


def table_tier(points: int, rules: TieringRules) -> RiskTier:
    return [tier for minimum, tier in rules.tier_thresholds if minimum <= points][-1]


# --- worked examples -------------------------------------------------------------------------


def test_small_it_vendor_with_a_few_contact_details_is_low_risk():
    result = assess_tier(intake(CONTACT, records=50))

    assert result.tier is RiskTier.LOW
    assert result.points == 1
    assert factors(result) == [("data:contact", 1), ("volume", 0), ("criticality", 0)]
    assert reason_for(result, "data:contact").text == "Handles client contact details (+1)"
    assert reason_for(result, "volume").text == "Will hold about 50 client records (+0)"


def test_law_firm_holding_everything_sensitive_through_subcontractors_is_critical():
    result = assess_tier(
        intake(
            IDENTITY,
            FINANCIAL,
            SECRETS,
            records=5_000,
            stores=True,
            subcontractors=True,
            criticality=Criticality.HIGH,
        )
    )

    assert result.tier is RiskTier.CRITICAL
    assert result.points == 11  # 3 worst data + 1 breadth + 2 volume + 2 stores + 1 sub + 2 crit
    assert factors(result) == [
        ("data:financial", 3),
        ("breadth", 1),
        ("volume", 2),
        ("stores_data", 2),
        ("subcontractors", 1),
        ("criticality", 2),
        ("floor:business_secrets_with_subcontractors", 0),
    ]
    assert reason_for(result, "data:financial").text == "Handles bank and transaction records (+3)"


def test_accounting_firm_storing_many_bank_records_is_at_least_high_and_says_why():
    result = assess_tier(intake(FINANCIAL, records=20_000, stores=True))

    assert result.tier is RiskTier.HIGH
    assert result.points == 8  # with the default weights the points alone already reach HIGH
    floor = reason_for(result, "floor:sensitive_data_stored_at_volume")
    assert floor.points == 0
    assert "at least high" in floor.text


def test_storing_bank_records_at_volume_raises_the_tier_when_points_fall_short():
    # Volume weighs nothing here, so points give MEDIUM and only the floor makes it HIGH.
    rules = TieringRules(volume_bands=((0, 0),))

    result = assess_tier(intake(FINANCIAL, records=20_000, stores=True), rules)

    assert result.points == 5
    assert table_tier(result.points, rules) is RiskTier.MEDIUM
    assert result.tier is RiskTier.HIGH
    assert "floor:sensitive_data_stored_at_volume" in dict(factors(result))


def test_bulk_identity_records_not_kept_by_the_firm_do_not_trigger_the_floor():
    rules = TieringRules(volume_bands=((0, 0),))

    result = assess_tier(intake(IDENTITY, records=50_000, stores=False), rules)

    assert result.tier is RiskTier.LOW
    assert not [r for r in result.reasons if r.factor.startswith("floor:")]


def test_business_secrets_passed_through_subcontractors_raise_a_medium_firm_to_high():
    result = assess_tier(intake(SECRETS, records=10, subcontractors=True))

    assert result.points == 4  # 3 secrets + 1 subcontractors: MEDIUM on points
    assert table_tier(result.points, DEFAULT_RULES) is RiskTier.MEDIUM
    assert result.tier is RiskTier.HIGH
    floor = reason_for(result, "floor:business_secrets_with_subcontractors")
    assert floor.points == 0
    assert "business secrets" in floor.text
    assert "at least high" in floor.text


def test_firm_touching_no_client_data_is_capped_at_medium_however_critical():
    result = assess_tier(
        intake(records=20_000, stores=True, subcontractors=True, criticality=Criticality.HIGH)
    )

    assert result.tier is RiskTier.MEDIUM
    # Storing and subcontracting do not count without client data.
    assert factors(result) == [("volume", 3), ("criticality", 2), ("cap:no_client_data", 0)]
    assert "at most medium" in reason_for(result, "cap:no_client_data").text


def test_the_cap_lowers_the_tier_when_dependency_alone_would_score_higher():
    rules = TieringRules(
        criticality_points={Criticality.LOW: 0, Criticality.MEDIUM: 5, Criticality.HIGH: 20}
    )

    result = assess_tier(intake(criticality=Criticality.HIGH), rules)

    assert table_tier(result.points, rules) is RiskTier.CRITICAL
    assert result.tier is RiskTier.MEDIUM


def test_only_the_most_sensitive_category_counts_not_the_sum():
    result = assess_tier(intake(CONTACT, IDENTITY))

    assert result.points == 2
    assert factors(result)[0] == ("data:identity", 2)


def test_equally_sensitive_categories_are_named_by_the_first_listed():
    result = assess_tier(intake(SECRETS, FINANCIAL))

    assert factors(result)[0] == ("data:financial", 3)


@pytest.mark.parametrize(
    ("records", "points"),
    [(0, 0), (99, 0), (100, 1), (999, 1), (1_000, 2), (9_999, 2), (10_000, 3), (10**9, 3)],
)
def test_volume_scores_the_highest_band_reached(records: int, points: int):
    result = assess_tier(intake(CONTACT, records=records))

    assert reason_for(result, "volume").points == points


@pytest.mark.parametrize(
    ("points", "tier"),
    [
        (0, "low"),
        (2, "low"),
        (3, "medium"),
        (5, "medium"),
        (6, "high"),
        (8, "high"),
        (9, "critical"),
    ],
)
def test_points_map_to_the_documented_tiers(points: int, tier: str):
    assert table_tier(points, DEFAULT_RULES) is RiskTier(tier)
    assert tiering._tier_for_points(points, DEFAULT_RULES) is RiskTier(tier)


# --- properties ------------------------------------------------------------------------------

record_counts = st.one_of(
    st.sampled_from([0, 99, 100, 999, 1_000, 9_999, 10_000]),
    st.integers(min_value=0, max_value=50_000),
    st.integers(min_value=0, max_value=10**9),
)

intakes = st.builds(
    Intake,
    data_categories=st.frozensets(st.sampled_from(DataCategory)),
    record_count=record_counts,
    stores_data=st.booleans(),
    uses_subcontractors=st.booleans(),
    criticality=st.sampled_from(Criticality),
)


def _ascending_minimums(draw: st.DrawFn, extra: int, top: int = 50_000) -> list[int]:
    return [0, *sorted(draw(st.sets(st.integers(1, top), min_size=extra, max_size=extra)))]


def _tier_minimums(draw: st.DrawFn, tiers: list[RiskTier]) -> list[int]:
    # Points stay small, so thresholds must too, or every firm would land in the first tier.
    return _ascending_minimums(draw, len(tiers) - 1, top=30)


@st.composite
def valid_rules(draw: st.DrawFn) -> TieringRules:
    """Any weights TieringRules accepts; the method's promises must hold for all of them."""
    small = st.integers(0, 6)
    crit = sorted(draw(st.lists(small, min_size=3, max_size=3)))
    band_count = draw(st.integers(0, 4))
    band_points = sorted(draw(st.lists(small, min_size=band_count + 1, max_size=band_count + 1)))
    tiers = sorted(draw(st.sets(st.sampled_from(RiskTier), min_size=1)), key=lambda t: t.rank)
    return TieringRules(
        category_points=draw(st.fixed_dictionaries(dict.fromkeys(DataCategory, small))),
        breadth_threshold=draw(st.integers(1, 5)),
        breadth_points=draw(small),
        volume_bands=tuple(zip(_ascending_minimums(draw, band_count), band_points, strict=True)),
        stores_data_points=draw(small),
        subcontractor_points=draw(small),
        criticality_points=dict(zip(Criticality, crit, strict=True)),
        tier_thresholds=tuple(zip(_tier_minimums(draw, tiers), tiers, strict=True)),
        floor_record_count=draw(st.integers(0, 50_000)),
        floor_tier=draw(st.sampled_from(RiskTier)),
        no_client_data_cap=draw(st.sampled_from(RiskTier)),
    )


any_rules = st.one_of(st.just(DEFAULT_RULES), valid_rules())


def rank(assessment: TierAssessment) -> int:
    return assessment.tier.rank


@given(intakes, st.sampled_from(DataCategory), any_rules)
def test_touching_one_more_kind_of_data_never_lowers_the_tier(base, category, rules):
    more = replace(base, data_categories=base.data_categories | {category})

    assert rank(assess_tier(more, rules)) >= rank(assess_tier(base, rules))


@given(intakes, st.integers(min_value=0, max_value=10**6), any_rules)
def test_holding_more_records_never_lowers_the_tier(base, extra, rules):
    more = replace(base, record_count=base.record_count + extra)

    assert rank(assess_tier(more, rules)) >= rank(assess_tier(base, rules))


@given(intakes, any_rules)
def test_keeping_data_on_own_systems_never_lowers_the_tier(base, rules):
    without = assess_tier(replace(base, stores_data=False), rules)
    with_storage = assess_tier(replace(base, stores_data=True), rules)

    assert rank(with_storage) >= rank(without)


@given(intakes, any_rules)
def test_using_subcontractors_never_lowers_the_tier(base, rules):
    without = assess_tier(replace(base, uses_subcontractors=False), rules)
    with_subs = assess_tier(replace(base, uses_subcontractors=True), rules)

    assert rank(with_subs) >= rank(without)


@given(intakes, st.sampled_from(Criticality), st.sampled_from(Criticality), any_rules)
def test_depending_more_on_the_firm_never_lowers_the_tier(base, one, other, rules):
    lower, higher = sorted([one, other], key=list(Criticality).index)

    low = assess_tier(replace(base, criticality=lower), rules)
    high = assess_tier(replace(base, criticality=higher), rules)

    assert rank(high) >= rank(low)


@given(intakes, any_rules)
def test_the_reasons_add_up_to_the_points(firm, rules):
    result = assess_tier(firm, rules)

    assert sum(reason.points for reason in result.reasons) == result.points


@given(intakes, any_rules)
def test_points_and_every_contribution_are_never_negative(firm, rules):
    result = assess_tier(firm, rules)

    assert result.points >= 0
    assert all(reason.points >= 0 for reason in result.reasons)


@given(intakes, any_rules)
def test_without_a_floor_or_cap_the_tier_is_the_one_the_points_table_gives(firm, rules):
    result = assess_tier(firm, rules)

    if not [r for r in result.reasons if r.factor.startswith(("floor:", "cap:"))]:
        assert result.tier is table_tier(result.points, rules)


@given(intakes, any_rules)
def test_a_firm_with_client_data_never_lands_below_its_points(firm, rules):
    result = assess_tier(firm, rules)

    if firm.data_categories:
        assert rank(result) >= table_tier(result.points, rules).rank
    else:
        assert rank(result) <= rules.no_client_data_cap.rank


@given(intakes)
def test_volume_and_criticality_are_always_explained(firm):
    present = {reason.factor for reason in assess_tier(firm).reasons}

    assert {"volume", "criticality"} <= present


@given(intakes)
def test_floors_and_caps_explain_but_add_no_points(firm):
    for reason in assess_tier(firm).reasons:
        if reason.factor.startswith(("floor:", "cap:")):
            assert reason.points == 0
            assert reason.text


@given(
    st.lists(st.sampled_from(DataCategory), unique=True).flatmap(
        lambda cats: st.tuples(st.just(cats), st.permutations(cats))
    ),
    record_counts,
    st.booleans(),
    st.booleans(),
    st.sampled_from(Criticality),
    any_rules,
)
def test_the_result_is_deterministic_and_ignores_category_order(
    orders, records, stores, subcontractors, criticality, rules
):
    given_order, shuffled = orders
    results = [
        assess_tier(
            Intake(frozenset(categories), records, stores, subcontractors, criticality), rules
        )
        for categories in (given_order, shuffled, list(reversed(given_order)), given_order)
    ]

    assert all(result == results[0] for result in results)


# --- refusals --------------------------------------------------------------------------------


def test_a_negative_record_count_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="record_count must be 0 or more, got -1"):
        intake(CONTACT, records=-1)


def test_a_negative_record_count_is_refused_even_if_the_intake_was_forced():
    firm = intake(CONTACT)
    object.__setattr__(firm, "record_count", -5)

    with pytest.raises(ValueError, match="record_count"):
        assess_tier(firm)


_ALL_CATEGORIES = dict(DEFAULT_RULES.category_points)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"volume_bands": ((0, 0), (1_000, 2), (100, 1))}, "ascending"),
        ({"volume_bands": ((0, 0), (100, 1), (100, 2))}, "ascending"),
        ({"volume_bands": ((10, 0), (100, 1))}, "start at minimum 0"),
        ({"volume_bands": ()}, "start at minimum 0"),
        ({"volume_bands": ((0, 2), (100, 1))}, "must not decrease"),
        (
            {"tier_thresholds": ((0, RiskTier.LOW), (6, RiskTier.HIGH), (3, RiskTier.MEDIUM))},
            "ascending",
        ),
        ({"tier_thresholds": ((1, RiskTier.LOW), (3, RiskTier.MEDIUM))}, "start at minimum 0"),
        ({"tier_thresholds": ((0, RiskTier.HIGH), (3, RiskTier.LOW))}, "rise from low"),
        (
            {"category_points": {c: p for c, p in _ALL_CATEGORIES.items() if c != SECRETS}},
            "missing",
        ),
        ({"category_points": {**_ALL_CATEGORIES, "health": 5}}, "unknown"),
        ({"criticality_points": {Criticality.LOW: 0, Criticality.HIGH: 2}}, "missing"),
        (
            {
                "criticality_points": {
                    Criticality.LOW: 2,
                    Criticality.MEDIUM: 1,
                    Criticality.HIGH: 0,
                }
            },
            "must not decrease",
        ),
        ({"category_points": {**_ALL_CATEGORIES, CONTACT: -1}}, "negative"),
        ({"stores_data_points": -2}, "negative"),
        ({"breadth_threshold": 0}, "breadth_threshold"),
    ],
    ids=lambda value: value if isinstance(value, str) else next(iter(value)),
)
def test_rules_that_break_the_method_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        TieringRules(**overrides)


# --- the rules object itself -----------------------------------------------------------------


def test_default_rules_are_the_documented_method():
    assert DEFAULT_RULES.category_points == {CONTACT: 1, IDENTITY: 2, FINANCIAL: 3, SECRETS: 3}
    assert DEFAULT_RULES.criticality_points == {
        Criticality.LOW: 0,
        Criticality.MEDIUM: 1,
        Criticality.HIGH: 2,
    }
    assert DEFAULT_RULES.volume_bands == ((0, 0), (100, 1), (1_000, 2), (10_000, 3))
    assert [minimum for minimum, _ in DEFAULT_RULES.tier_thresholds] == [0, 3, 6, 9]
    assert (DEFAULT_RULES.breadth_threshold, DEFAULT_RULES.breadth_points) == (3, 1)
    assert (DEFAULT_RULES.stores_data_points, DEFAULT_RULES.subcontractor_points) == (2, 1)


def test_rules_are_immutable_and_hashable_and_do_not_follow_the_callers_dict():
    points = dict(_ALL_CATEGORIES)
    rules = TieringRules(category_points=points)
    points[CONTACT] = 99

    assert rules.category_points[CONTACT] == 1
    assert isinstance(rules.category_points, MappingProxyType)
    with pytest.raises(TypeError):
        rules.category_points[CONTACT] = 5  # type: ignore[index]
    assert rules == DEFAULT_RULES
    assert hash(rules) == hash(DEFAULT_RULES)


def test_tiering_imports_only_the_standard_library_and_the_domain():
    tree = ast.parse(Path(tiering.__file__).read_text(encoding="utf-8"))
    modules = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    modules |= {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }

    outside = {m for m in modules if m.split(".")[0] not in sys.stdlib_module_names}
    assert outside == {"vendorrisk.vendors.domain"}
