"""The pure data-sharing policy: each rule, its sentence, their combinations, and properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.agreements.domain import AgreementStatus, Dates, Standing
from vendorrisk.assessments.models import DecisionOutcome
from vendorrisk.sharing import domain
from vendorrisk.sharing.domain import (
    DecisionFacts,
    Facts,
    InvalidRequest,
    NdaFacts,
    Request,
    Rule,
    check_request,
    concerns,
    judge,
    pick_nda,
)
from vendorrisk.vendors.domain import DataCategory, VendorStatus

TODAY = date(2026, 11, 23)
IDENTITY, CONTACT = DataCategory.IDENTITY, DataCategory.CONTACT
FINANCIAL, SECRETS = DataCategory.FINANCIAL, DataCategory.BUSINESS_SECRETS


def nda(expires: date | None = date(2027, 12, 31), *, agreement_id: int = 7,
        status: AgreementStatus = AgreementStatus.SIGNED, effective: date = date(2026, 1, 1),
        review: date | None = None) -> NdaFacts:
    return NdaFacts(agreement_id, Dates(status, effective, expires, expires is None, review))


APPROVED = DecisionFacts(3, "approved", date(2026, 6, 1), approved_for=frozenset({IDENTITY,
                                                                                   CONTACT}))
GOOD = Facts(status=VendorStatus.ACTIVE, declared=frozenset({IDENTITY, CONTACT}), nda=nda(),
             decision=APPROVED, reassessment_due_on=date(2027, 6, 1))
ASK = Request(frozenset({IDENTITY}), TODAY, date(2027, 3, 31))


def texts(facts: Facts, request: Request = ASK) -> list[str]:
    return [reason.text for reason in judge(facts, request).reasons]


def test_a_firm_with_everything_in_order_may_receive_what_its_approval_covers():
    verdict = judge(GOOD, ASK)
    assert verdict.allowed and not verdict.overridable
    assert verdict.reasons == () and verdict.warnings == ()


def test_the_decision_outcomes_are_the_assessment_models_values():
    assert {o.value for o in DecisionOutcome} == {domain.APPROVED, domain.REJECTED,
                                                  domain.APPROVED_WITH_CONDITIONS}


@pytest.mark.parametrize(("status", "text"), [
    (VendorStatus.SUSPENDED, "The firm is suspended: no client data may go to it until it is "
                             "approved again."),
    (VendorStatus.OFFBOARDED, "The firm is offboarded: nothing may be shared with it any more."),
])
def test_a_suspended_or_offboarded_firm_gets_nothing_and_no_override_helps(status, text):
    verdict = judge(replace(GOOD, status=status), ASK)
    assert [r.text for r in verdict.reasons] == [text]
    assert not verdict.allowed and not verdict.overridable


def test_an_onboarding_firm_is_judged_on_its_facts_like_any_other():
    assert judge(replace(GOOD, status=VendorStatus.ONBOARDING), ASK).allowed


@pytest.mark.parametrize(("facts_nda", "text"), [
    (None, "The firm has no signed NDA."),
    (nda(status=AgreementStatus.SENT), "The firm's NDA is not signed yet."),
    (nda(status=AgreementStatus.TERMINATED), "The firm's NDA was terminated."),
    (nda(date(2026, 11, 1)), "The firm's NDA expired on 2026-11-01."),
    (nda(effective=date(2026, 12, 1)),
     "The firm's NDA only takes effect on 2026-12-01, after the disclosure date."),
    (nda(date(2027, 1, 31)), "The firm's NDA ends on 2027-01-31, before the data is due back on "
                             "2027-03-31: renew it, or set an earlier return-by date."),
])
def test_the_nda_must_be_in_force_from_the_disclosure_through_the_return(facts_nda, text):
    verdict = judge(replace(GOOD, nda=facts_nda), ASK)
    assert texts(replace(GOOD, nda=facts_nda)) == [text]
    assert verdict.overridable


def test_an_nda_ending_on_the_return_by_date_covers_it_and_an_indefinite_one_always_does():
    assert judge(replace(GOOD, nda=nda(ASK.return_by)), ASK).allowed
    assert judge(replace(GOOD, nda=nda(None)), replace(ASK, return_by=date(2040, 1, 1))).allowed


def test_an_indefinite_nda_past_its_review_date_still_counts_with_a_warning():
    verdict = judge(replace(GOOD, nda=nda(None, review=date(2026, 10, 1))), ASK)
    assert verdict.allowed
    assert [w.text for w in verdict.warnings] == ["The NDA's review date (2026-10-01) has passed."]


def test_the_nda_relied_on_is_the_one_in_force_that_runs_longest():
    short, long_, old = nda(date(2027, 1, 1), agreement_id=1), nda(date(2028, 1, 1),
                                                                   agreement_id=2), \
        nda(date(2025, 1, 1), agreement_id=3, effective=date(2024, 1, 1))
    assert pick_nda([short, long_, old], TODAY) == long_
    assert pick_nda([short, nda(None, agreement_id=4)], TODAY).agreement_id == 4
    assert pick_nda([old, nda(date(2025, 6, 1), agreement_id=5, effective=date(2024, 6, 1))],
                    TODAY).agreement_id == 5  # none in force: the newest explains why
    assert pick_nda([], TODAY) is None


@pytest.mark.parametrize(("decision", "text"), [
    (None, "No assessment of the firm has been decided yet."),
    (replace(APPROVED, outcome="rejected"),
     "The firm's latest assessment was rejected (decided on 2026-06-01)."),
])
def test_the_latest_decision_must_approve_the_firm(decision, text):
    assert texts(replace(GOOD, decision=decision)) == [text]


def test_approval_with_conditions_allows_it_and_lists_the_open_conditions_as_a_warning():
    conditional = replace(APPROVED, outcome="approved_with_conditions",
                          open_conditions=("Laptops are not encrypted", "No shredder log"))
    verdict = judge(replace(GOOD, decision=conditional), ASK)
    assert verdict.allowed
    [warning] = verdict.warnings
    assert warning.rule == Rule.OPEN_CONDITIONS
    assert warning.text == "The firm was approved with conditions; 2 still open:"
    assert warning.items == ("Laptops are not encrypted", "No shredder log")
    met = replace(conditional, open_conditions=())
    assert judge(replace(GOOD, decision=met), ASK).warnings == ()  # conditions met since


def test_an_overdue_reassessment_refuses_and_one_due_before_the_return_warns():
    overdue = replace(GOOD, reassessment_due_on=date(2026, 11, 22))
    assert texts(overdue) == ["The firm's reassessment was due on 2026-11-22 and has not been "
                              "decided."]
    due_on_the_day = replace(GOOD, reassessment_due_on=TODAY)
    verdict = judge(due_on_the_day, ASK)
    assert verdict.allowed
    assert [w.text for w in verdict.warnings] == [
        "The firm's reassessment falls due on 2026-11-23, before the data is back."]


def test_an_early_reassessment_asked_for_is_a_warning():
    verdict = judge(replace(GOOD, early_reassessment_asked_on=date(2026, 11, 20)), ASK)
    assert verdict.allowed
    assert [w.rule for w in verdict.warnings] == [Rule.EARLY_REASSESSMENT_REQUESTED]


def test_categories_must_be_declared_in_the_intake():
    asked = replace(ASK, categories=frozenset({IDENTITY, FINANCIAL, SECRETS}))
    assert texts(GOOD, asked) == [
        "The firm's intake does not declare financial and transaction records and business "
        "secrets: update the intake (the firm is re-tiered) before sharing it."]


def test_categories_added_to_the_intake_after_the_approval_are_not_covered_by_it():
    widened = replace(GOOD, declared=frozenset({IDENTITY, CONTACT, FINANCIAL}))
    asked = replace(ASK, categories=frozenset({IDENTITY, FINANCIAL}))
    assert texts(widened, asked) == [
        "The firm's approval of 2026-06-01 does not cover financial and transaction records, "
        "added to its intake since: a new decision must cover them first."]


def test_a_decision_taken_before_categories_were_recorded_covers_the_current_intake():
    legacy = replace(GOOD, declared=frozenset({IDENTITY, FINANCIAL}),
                     decision=replace(APPROVED, approved_for=None))
    assert judge(legacy, replace(ASK, categories=frozenset({IDENTITY, FINANCIAL}))).allowed


def test_every_reason_is_listed_at_once_in_the_rules_order():
    worst = Facts(status=VendorStatus.SUSPENDED, declared=frozenset(), nda=None,
                  decision=replace(APPROVED, outcome="rejected"),
                  reassessment_due_on=date(2026, 1, 1))
    verdict = judge(worst, ASK)
    assert verdict.rules == ["firm_suspended", "nda_missing", "not_approved",
                             "reassessment_overdue", "undeclared_categories"]
    assert not verdict.overridable  # one reason (the suspension) cannot be overridden


def test_nonsense_input_is_an_error_not_a_refusal():
    cases = [
        (replace(ASK, categories=frozenset()), 10, "Say which kinds of client data were sent."),
        (ASK, 0, "Give the approximate number of records or documents: at least 1, at most "
                 "1,000,000,000."),
        (ASK, -3, "at least 1"),
        (ASK, 10**10, "at most 1,000,000,000"),
        (replace(ASK, disclosed_on=TODAY + timedelta(days=2)), 10,
         "cannot be recorded more than a day before it is made"),
        (replace(ASK, return_by=TODAY - timedelta(days=1)), 10,
         "The return-by date cannot be before the disclosure date."),
    ]
    for request, count, message in cases:
        with pytest.raises(InvalidRequest, match=message):
            check_request(request, count, TODAY)
    check_request(replace(ASK, disclosed_on=TODAY + timedelta(days=1),
                          return_by=TODAY + timedelta(days=1)), 1, TODAY)  # tomorrow is fine
    with pytest.raises(InvalidRequest, match=r"The planned end cannot be before the start\."):
        domain.check_engagement_dates(TODAY, TODAY - timedelta(days=1))


def test_concerns_of_a_firm_holding_data():
    assert concerns(VendorStatus.ACTIVE, Standing.VALID, TODAY, TODAY) == ()
    assert concerns(VendorStatus.SUSPENDED, Standing.EXPIRED, TODAY - timedelta(days=1),
                    TODAY) == (Rule.FIRM_SUSPENDED, Rule.NDA_NOT_IN_FORCE,
                               Rule.REASSESSMENT_OVERDUE)
    assert concerns(VendorStatus.OFFBOARDED, None, None, TODAY) == (Rule.FIRM_OFFBOARDED,
                                                                   Rule.NDA_NOT_IN_FORCE)


# --- properties -------------------------------------------------------------------------------

categories = st.frozensets(st.sampled_from(list(DataCategory)))
days = st.integers(min_value=-400, max_value=400).map(lambda n: TODAY + timedelta(days=n))
ndas = st.none() | st.builds(
    lambda status, effective, expires, indefinite, review: NdaFacts(
        1, Dates(status, effective, None if indefinite else expires, indefinite, review)),
    st.sampled_from(list(AgreementStatus)), days, days, st.booleans(), st.none() | days)
decisions = st.none() | st.builds(
    DecisionFacts, st.just(1), st.sampled_from([domain.APPROVED, domain.REJECTED,
                                                domain.APPROVED_WITH_CONDITIONS]), days,
    st.lists(st.text(min_size=1, max_size=5), max_size=2).map(tuple), st.none() | categories)
facts = st.builds(Facts, st.sampled_from(list(VendorStatus)), categories, ndas, decisions,
                  st.none() | days, st.none() | days)
requests = st.builds(lambda cats, start, length: Request(cats, start,
                                                         start + timedelta(days=length)),
                     categories.filter(bool), days, st.integers(0, 400))

# Each makes the facts worse in one way, and names the family of reason that must then appear.
WORSENINGS = [
    (lambda f: replace(f, status=VendorStatus.OFFBOARDED
                       if f.status == VendorStatus.OFFBOARDED else VendorStatus.SUSPENDED),
     "firm"),
    (lambda f: replace(f, nda=None), "nda"),
    (lambda f: replace(f, decision=None), "approval"),
    (lambda f: replace(f, decision=replace(f.decision or APPROVED, outcome=domain.REJECTED)),
     "approval"),
    (lambda f: replace(f, reassessment_due_on=date(2000, 1, 1)), "reassessment"),
    (lambda f: replace(f, declared=frozenset()), "categories"),
]
FAMILY = {"firm_suspended": "firm", "firm_offboarded": "firm", "nda_missing": "nda",
          "nda_not_in_force": "nda", "nda_ends_before_return": "nda", "not_approved": "approval",
          "reassessment_overdue": "reassessment", "undeclared_categories": "categories",
          "not_covered_categories": "categories"}


@given(facts, requests, st.sampled_from(WORSENINGS))
def test_adding_a_violation_never_turns_a_refusal_into_an_allowance(f, request, worsening):
    worsen, family = worsening
    before, after = judge(f, request), judge(worsen(f), request)
    assert family in {FAMILY[rule] for rule in after.rules}
    assert not after.allowed
    if not before.overridable and not before.allowed:
        assert not after.overridable


@given(facts, requests)
def test_a_verdict_is_allowed_exactly_when_it_gives_no_reason(f, request):
    verdict = judge(f, request)
    assert verdict.allowed == (verdict.reasons == ())
    assert verdict.overridable == (bool(verdict.reasons) and not (
        {"firm_suspended", "firm_offboarded"} & set(verdict.rules)))
    assert all(reason.text.endswith(".") for reason in verdict.reasons)


@given(facts, requests, categories)
def test_asking_for_more_kinds_of_data_never_helps(f, request, more):
    wider = replace(request, categories=request.categories | more)
    if not judge(f, request).allowed:
        assert not judge(f, wider).allowed


@given(facts, requests, st.integers(1, 400))
def test_keeping_the_data_longer_never_helps(f, request, extra):
    later = replace(request, return_by=request.return_by + timedelta(days=extra))
    if not judge(f, request).allowed:
        assert not judge(f, later).allowed
