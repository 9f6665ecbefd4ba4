"""The scoring engine: hand-computed examples, then properties over random questionnaires."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from vendorrisk.questionnaires.answers import StoredAnswer
from vendorrisk.questionnaires.schema import (
    Option,
    Question,
    Questionnaire,
    Section,
    loads,
    yes_no_options,
)
from vendorrisk.questionnaires.scoring import (
    RESIDUAL_RISK,
    AutoFinding,
    ConfidenceLevel,
    CoverageStatus,
    FindingReason,
    ScoreBand,
    Scorecard,
    Severity,
    score,
)
from vendorrisk.vendors.domain import RiskTier

# Section "controls" weighs 3, section "proof" 1. Scores below are worked out by hand from this.
QUESTIONNAIRE = loads("""\
id: scoring
version: "1"
languages: [en]
title: Scoring
sections:
  - id: controls
    title: Controls
    weight: 3
    questions:
      - id: nda
        type: yes_no
        text: NDA
        weight: 2
        critical: true
        requires_evidence: true
        frameworks: {iso27001: [A.6.6], gdpr: ["Art. 28(3)(b)"]}
      - id: period
        type: single_choice
        text: Period
        critical: true
        allow_na: true
        options:
          - {id: none, text: None, score: 0}
          - {id: fixed, text: Fixed, score: 30}
          - {id: forever, text: Forever, score: 100}
        frameworks: {iso27001: [A.6.6]}
      - id: channels
        type: multi_choice
        text: Channels
        required: false
        options:
          - {id: email, text: Email, score: 60}
          - {id: portal, text: Portal, score: 60}
          - {id: fax, text: Fax, score: 10}
        frameworks: {iso27001: [A.5.14, A.5.9]}
  - id: proof
    title: Proof
    questions:
      - id: policy
        type: evidence
        text: Policy
      - id: extra-proof
        type: evidence
        text: Extra proof
        required: false
      - id: notes
        type: text
        text: Notes
      - id: holds-paper
        type: yes_no
        text: Paper
        weight: 0
      - id: shredder
        type: yes_no
        text: Shredder
        show_if: holds-paper == 'yes'
        frameworks: {nist_csf: [PR.DS-01]}
""")

# nda yes without its proof (100 halved to 50), period forever (100), channels email (60),
# policy attached (100). controls = (2*50 + 100 + 60) / 4 = 65; proof = 100;
# overall = (3*65 + 1*100) / 4 = 73.75.
TYPICAL = {"nda": StoredAnswer("yes"), "period": StoredAnswer("forever"),
           "channels": StoredAnswer(("email",)), "holds-paper": StoredAnswer("no")}
POLICY = frozenset({"policy"})


def answered(**changes: StoredAnswer | None) -> dict[str, StoredAnswer]:
    """TYPICAL with some answers changed; None removes the answer."""
    answers = {**TYPICAL, **{qid.replace("_", "-"): a for qid, a in changes.items()}}
    return {qid: a for qid, a in answers.items() if a is not None}


def section_scores(card: Scorecard) -> dict[str, float | None]:
    return {s.section_id: s.score for s in card.sections}


NA = StoredAnswer(None, not_applicable=True)


# --- the worked example ------------------------------------------------------------------------

def test_weights_and_section_weights_give_the_hand_computed_score():
    card = score(QUESTIONNAIRE, TYPICAL, POLICY)
    assert section_scores(card) == {"controls": 65.0, "proof": 100.0}
    assert card.overall == card.raw_overall == 73.75
    assert not card.capped and card.findings == ()
    assert card.score_band == ScoreBand.ADEQUATE


def test_each_counted_answer_explains_its_points_and_they_add_up_to_the_score():
    card = score(QUESTIONNAIRE, TYPICAL, POLICY)
    explained = {c.question_id: (c.score, c.points, c.lost) for c in card.contributions}
    # share: nda 3/4 * 2/4, period and channels 3/4 * 1/4, policy 1/4 * 1/1
    assert explained == {"nda": (50.0, 18.75, 18.75), "period": (100.0, 18.75, 0.0),
                         "channels": (60.0, 11.25, 7.5), "policy": (100.0, 25.0, 0.0),
                         "extra-proof": (None, 0.0, 0.0)}
    assert math.fsum(c.points for c in card.contributions) == card.raw_overall
    assert [c.question_id for c in card.biggest_losses(5)] == ["nda", "channels"]


def test_biggest_losses_break_ties_by_questionnaire_order():
    card = score(QUESTIONNAIRE, answered(period=StoredAnswer("fixed"),
                                         channels=StoredAnswer(("fax",))), POLICY)
    # period loses 3/16 * 70, channels 3/16 * 90, nda 3/8 * 50
    assert [c.question_id for c in card.biggest_losses(2)] == ["nda", "channels"]
    tied = score(QUESTIONNAIRE, answered(nda=StoredAnswer("no"), period=StoredAnswer("none"),
                                         channels=StoredAnswer(("email", "portal"))), POLICY)
    assert [c.question_id for c in tied.biggest_losses(3)] == ["nda", "period"]


def test_the_flags_say_why_an_answer_scored_as_it_did():
    card = score(QUESTIONNAIRE, answered(period=NA), POLICY, accepted=frozenset({"channels"}))
    flags = {c.question_id: c for c in card.contributions}
    assert flags["nda"].evidence_missing and not flags["nda"].evidenced
    assert flags["period"].not_applicable and not flags["period"].counted
    assert flags["channels"].accepted
    assert flags["policy"].evidenced
    assert flags["extra-proof"].unanswered and not flags["extra-proof"].counted


def test_multi_choice_adds_the_chosen_scores_up_to_100():
    both = score(QUESTIONNAIRE, answered(channels=StoredAnswer(("email", "portal"))), POLICY)
    assert section_scores(both)["controls"] == (2 * 50 + 100 + 100) / 4  # 120 capped at 100
    fax = score(QUESTIONNAIRE, answered(channels=StoredAnswer(("fax",))), POLICY)
    assert section_scores(fax)["controls"] == (2 * 50 + 100 + 10) / 4


def test_not_applicable_leaves_numerator_and_denominator():
    card = score(QUESTIONNAIRE, answered(period=NA), POLICY)
    assert section_scores(card)["controls"] == pytest.approx((2 * 50 + 60) / 3)


def test_unanswered_required_scores_0_but_unanswered_optional_leaves_the_score():
    required = score(QUESTIONNAIRE, answered(period=None), POLICY)
    assert section_scores(required)["controls"] == (2 * 50 + 0 + 60) / 4
    assert {c.question_id: c.unanswered for c in required.contributions}["period"]
    optional = score(QUESTIONNAIRE, answered(channels=None), POLICY)
    assert section_scores(optional)["controls"] == (2 * 50 + 100) / 3


def test_missing_proof_costs_the_files_penalty_and_attaching_it_restores_the_claim():
    with_proof = score(QUESTIONNAIRE, TYPICAL, POLICY | {"nda"})
    assert section_scores(with_proof)["controls"] == (2 * 100 + 100 + 60) / 4
    harsher = replace(QUESTIONNAIRE, missing_evidence_penalty=80.0)
    assert section_scores(score(harsher, TYPICAL, POLICY))["controls"] == (2 * 20 + 100 + 60) / 4
    no_claim = score(QUESTIONNAIRE, answered(nda=StoredAnswer("no")), POLICY)
    assert not {c.question_id: c for c in no_claim.contributions}["nda"].evidence_missing


def test_evidence_questions_score_100_with_a_file_and_0_without_when_required():
    missing = score(QUESTIONNAIRE, TYPICAL)
    assert section_scores(missing)["proof"] == 0.0  # policy required: 0; extra-proof left out
    both = score(QUESTIONNAIRE, TYPICAL, frozenset({"policy", "extra-proof"}))
    assert section_scores(both)["proof"] == 100.0
    assert {c.question_id: c.score for c in both.contributions}["extra-proof"] == 100.0


def test_hidden_unscored_and_weight_0_questions_never_count():
    answers = answered(shredder=StoredAnswer("no"))  # stored, but hidden by holds-paper == no
    card = score(QUESTIONNAIRE, answers, POLICY)
    counted = {c.question_id for c in card.contributions}
    assert counted.isdisjoint({"shredder", "notes", "holds-paper"})
    assert card.overall == 73.75
    shown = score(QUESTIONNAIRE, answered(holds_paper=StoredAnswer("yes")), POLICY)
    assert section_scores(shown)["proof"] == 50.0  # shredder now visible, required, unanswered


def test_perfect_answers_score_exactly_100_whatever_the_weights():
    # (0.1*100 + 0.7*100) / (0.1 + 0.7) is 100.00000000000001 in floating point.
    perfect = loads("""\
id: perfect
version: "1"
languages: [en]
title: Perfect
sections:
  - id: s
    title: S
    weight: 0.1
    questions:
      - {id: a, type: yes_no, text: A, weight: 0.1}
      - {id: b, type: yes_no, text: B, weight: 0.7}
  - id: t
    title: T
    weight: 0.7
    questions:
      - {id: c, type: yes_no, text: C}
""")
    card = score(perfect, {qid: StoredAnswer("yes") for qid in "abc"})
    assert card.sections[0].score == card.overall == 100.0


def test_nothing_to_score_gives_no_score_rather_than_0():
    only_optional = loads("""\
id: empty
version: "1"
languages: [en]
title: Empty
sections:
  - id: s
    title: S
    questions:
      - {id: maybe, type: yes_no, text: Maybe, required: false}
""")
    card = score(only_optional, {}, tier=RiskTier.HIGH)
    assert card.overall is card.raw_overall is None
    assert card.sections[0].score is None
    assert (card.confidence_percent, card.confidence_level) == (None, None)
    assert (card.score_band, card.residual_risk) == (None, None)


# --- critical questions ------------------------------------------------------------------------

@pytest.mark.parametrize("changes,files,finding", [
    ({"period": StoredAnswer("fixed")}, POLICY,
     AutoFinding("period", Severity.HIGH, FindingReason.CRITICAL_FAILED)),
    ({"period": StoredAnswer("none")}, POLICY,
     AutoFinding("period", Severity.CRITICAL, FindingReason.CRITICAL_FAILED)),
    ({"nda": None}, POLICY,
     AutoFinding("nda", Severity.CRITICAL, FindingReason.CRITICAL_UNANSWERED)),
    ({"nda": StoredAnswer("no")}, POLICY | {"nda"},
     AutoFinding("nda", Severity.CRITICAL, FindingReason.CRITICAL_FAILED)),
])
def test_a_failed_critical_question_raises_a_finding_and_caps_the_score(changes, files, finding):
    card = score(QUESTIONNAIRE, answered(**changes), files)
    assert card.findings == (finding,)
    assert card.raw_overall > 40 and card.overall == 40.0 and card.capped


def test_a_claim_that_fails_only_for_lack_of_proof_says_so():
    harsher = replace(QUESTIONNAIRE, missing_evidence_penalty=60.0)  # nda: 100 -> 40, under 50
    card = score(harsher, TYPICAL, POLICY)
    assert card.findings == (
        AutoFinding("nda", Severity.HIGH, FindingReason.CRITICAL_EVIDENCE_MISSING),)
    assert score(harsher, TYPICAL, POLICY | {"nda"}).findings == ()


def test_a_claim_that_would_fail_even_with_its_proof_is_a_plain_failure():
    backups = loads("""\
id: backups
version: "1"
languages: [en]
title: Backups
sections:
  - id: s
    title: S
    questions:
      - id: backups
        type: single_choice
        text: Backups
        critical: true
        requires_evidence: true
        options:
          - {id: none, text: None, score: 0}
          - {id: some, text: Some, score: 30}
          - {id: all, text: All, score: 100}
""")
    some = score(backups, {"backups": StoredAnswer("some")})  # 30 halved to 15
    assert some.findings == (AutoFinding("backups", Severity.HIGH, FindingReason.CRITICAL_FAILED),)
    assert score(backups, {"backups": StoredAnswer("all")}).findings == ()  # 100 halved to 50


def test_a_score_exactly_at_the_threshold_passes():
    assert score(QUESTIONNAIRE, TYPICAL, POLICY).findings == ()  # nda 50, threshold 50


def test_not_applicable_on_a_critical_question_is_out_of_scope_not_a_failure():
    assert score(QUESTIONNAIRE, answered(period=NA), POLICY).findings == ()


def test_the_cap_never_raises_a_score_already_below_it():
    answers = answered(nda=StoredAnswer("no"), channels=StoredAnswer(("fax",)))
    card = score(QUESTIONNAIRE, answers)  # controls (0 + 100 + 10) / 4, proof 0
    assert card.raw_overall == pytest.approx(3 * 27.5 / 4)
    assert card.overall == card.raw_overall and not card.capped and card.findings


def test_the_cap_comes_from_the_file():
    card = score(replace(QUESTIONNAIRE, critical_cap=25.0),
                 answered(period=StoredAnswer("fixed")), POLICY)
    assert card.overall == 25.0 and card.score_band == ScoreBand.POOR


# --- confidence and framework coverage -----------------------------------------------------------

@pytest.mark.parametrize("files,accepted,percent,level", [
    (POLICY, frozenset(), 25.0, ConfidenceLevel.LOW),  # policy's share 1/4
    (POLICY, frozenset({"period", "channels"}), 62.5, ConfidenceLevel.MEDIUM),  # + 3/16 + 3/16
    (POLICY | {"nda"}, frozenset({"period"}), 81.25, ConfidenceLevel.HIGH),  # + 3/8 + 3/16
    (frozenset({"nda"}), frozenset({"period", "channels"}), 75.0, ConfidenceLevel.HIGH),
])
def test_confidence_is_the_evidenced_or_accepted_share_of_the_weight(files, accepted, percent,
                                                                      level):
    card = score(QUESTIONNAIRE, TYPICAL, files, accepted)
    assert (card.confidence_percent, card.confidence_level) == (percent, level)


def test_confidence_thresholds_are_inclusive():
    three = loads("""\
id: three
version: "1"
languages: [en]
title: Three
sections:
  - id: s
    title: S
    questions:
      - {id: a, type: yes_no, text: A, weight: 4}
      - {id: b, type: yes_no, text: B, weight: 3}
      - {id: c, type: yes_no, text: C, weight: 3}
""")
    answers = {qid: StoredAnswer("yes") for qid in "abc"}
    levels = {accepted: score(three, answers, accepted=frozenset(accepted)).confidence_level
              for accepted in ("a", "ab", "b")}  # 40 %, 70 %, 30 % of the weight
    assert levels == {"a": ConfidenceLevel.MEDIUM, "ab": ConfidenceLevel.HIGH,
                      "b": ConfidenceLevel.LOW}


def test_framework_coverage_per_control_sorted_naturally():
    card = score(QUESTIONNAIRE, TYPICAL, POLICY)
    coverage = [(c.framework, c.control, c.score, c.question_ids, c.status)
                for c in card.coverage]
    assert coverage == [
        ("gdpr", "Art. 28(3)(b)", 50.0, ("nda",), CoverageStatus.PARTIAL),
        ("iso27001", "A.5.9", 60.0, ("channels",), CoverageStatus.PARTIAL),
        ("iso27001", "A.5.14", 60.0, ("channels",), CoverageStatus.PARTIAL),
        ("iso27001", "A.6.6", pytest.approx((2 * 50 + 100) / 3), ("nda", "period"),
         CoverageStatus.PARTIAL),
        ("nist_csf", "PR.DS-01", None, ("shredder",), CoverageStatus.NOT_ASSESSED),  # hidden
    ]


@pytest.mark.parametrize("changes,files,status", [
    ({}, POLICY | {"nda"}, CoverageStatus.MET),  # (2*100 + 100) / 3 = 100
    ({"period": StoredAnswer("fixed")}, POLICY | {"nda"}, CoverageStatus.PARTIAL),  # 230/3
    ({"nda": StoredAnswer("no")}, POLICY, CoverageStatus.GAP),  # (0 + 100) / 3
    ({"period": NA, "nda": StoredAnswer("no")}, POLICY, CoverageStatus.GAP),  # nda alone: 0
])
def test_coverage_status_follows_the_control_score(changes, files, status):
    card = score(QUESTIONNAIRE, answered(**changes), files)
    assert next(c for c in card.coverage if c.control == "A.6.6").status == status


# --- score bands and residual risk -------------------------------------------------------------

BANDED = loads("""\
id: banded
version: "1"
languages: [en]
title: Banded
sections:
  - id: s
    title: S
    questions:
      - id: q
        type: single_choice
        text: Q
        options:
          - {id: s100, text: A, score: 100}
          - {id: s80, text: B, score: 80}
          - {id: s79, text: C, score: 79.9}
          - {id: s60, text: D, score: 60}
          - {id: s59, text: E, score: 59.9}
          - {id: s40, text: F, score: 40}
          - {id: s39, text: G, score: 39.9}
          - {id: s0, text: H, score: 0}
""")


@pytest.mark.parametrize("option,band", [
    ("s100", ScoreBand.STRONG), ("s80", ScoreBand.STRONG), ("s79", ScoreBand.ADEQUATE),
    ("s60", ScoreBand.ADEQUATE), ("s59", ScoreBand.WEAK), ("s40", ScoreBand.WEAK),
    ("s39", ScoreBand.POOR), ("s0", ScoreBand.POOR),
])
def test_score_bands_include_their_minimum(option, band):
    assert score(BANDED, {"q": StoredAnswer(option)}).score_band == band


# The README's table, written out again here so that a change to either one is caught.
LOW, MEDIUM, HIGH, CRITICAL = RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH, RiskTier.CRITICAL
MATRIX = {  # columns: strong, adequate, weak, poor
    LOW: (LOW, LOW, MEDIUM, MEDIUM),
    MEDIUM: (LOW, MEDIUM, MEDIUM, HIGH),
    HIGH: (MEDIUM, MEDIUM, HIGH, CRITICAL),
    CRITICAL: (MEDIUM, HIGH, CRITICAL, CRITICAL),
}
BAND_OPTIONS = ("s80", "s60", "s40", "s0")  # the lowest score of each band


@pytest.mark.parametrize("tier,option,residual", [
    (tier, option, residual) for tier, row in MATRIX.items()
    for option, residual in zip(BAND_OPTIONS, row, strict=True)
])
def test_residual_risk_is_the_tier_and_band_cell(tier, option, residual):
    assert score(BANDED, {"q": StoredAnswer(option)}, tier=tier).residual_risk == residual


def test_the_residual_matrix_never_improves_with_a_higher_tier_or_a_weaker_band():
    assert set(RESIDUAL_RISK) == set(RiskTier)
    for tier in RiskTier:
        ranks = [RESIDUAL_RISK[tier][band].rank for band in ScoreBand]  # strong .. poor
        assert ranks == sorted(ranks)
    for band in ScoreBand:
        ranks = [RESIDUAL_RISK[tier][band].rank for tier in RiskTier]  # low .. critical
        assert ranks == sorted(ranks)


def test_residual_risk_follows_the_capped_score_not_the_raw_one():
    card = score(QUESTIONNAIRE, answered(period=StoredAnswer("fixed")), POLICY,
                 tier=RiskTier.HIGH)
    assert card.raw_overall == (3 * 47.5 + 100) / 4  # adequate on its own...
    assert card.score_band == ScoreBand.WEAK and card.residual_risk == RiskTier.HIGH  # ...cap 40


# --- properties over random questionnaires -------------------------------------------------------

TYPES = ("yes_no", "single_choice", "multi_choice", "evidence", "text")
OPTION_TYPES = ("yes_no", "single_choice", "multi_choice")
PERCENT = st.floats(0, 100)
CONTROLS = st.sampled_from(["A.5.1", "A.5.2", "A.8.24"])


@st.composite
def questions(draw: st.DrawFn, qid: str, section_id: str) -> Question:
    qtype = draw(st.sampled_from(TYPES))
    scored = qtype != "text"
    weight = draw(st.sampled_from([0.0, 0.5, 1.0, 3.0]) | st.floats(0.01, 10)) if scored else 0.0
    if qtype in ("single_choice", "multi_choice"):
        scores = draw(st.lists(PERCENT, min_size=2, max_size=4))
        options = tuple(Option(f"o{i}", {"en": f"o{i}"}, s) for i, s in enumerate(scores))
    else:
        options = yes_no_options() if qtype == "yes_no" else ()
    return Question(
        id=qid, section_id=section_id, type=qtype, text={"en": qid}, weight=weight,
        required=draw(st.booleans()), critical=scored and weight > 0 and draw(st.booleans()),
        requires_evidence=draw(st.booleans()), allow_na=True,
        frameworks={"iso27001": tuple(draw(st.lists(CONTROLS, max_size=2)))},
        options=options,
    )


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    sections = []
    for s in range(draw(st.integers(1, 4))):
        count = draw(st.integers(1, 4))
        sections.append(Section(
            f"s{s}", {"en": "S"}, draw(st.sampled_from([0.5, 1.0, 2.0]) | st.floats(0.01, 10)),
            tuple(draw(questions(f"q{s}-{i}", f"s{s}")) for i in range(count))))
    return Questionnaire(
        id="random", version="1", languages=("en",), title={"en": "Random"},
        sections=tuple(sections), content_hash="0" * 64, critical_fail_below=draw(PERCENT),
        critical_cap=draw(PERCENT), missing_evidence_penalty=draw(PERCENT),
    )


def answer_to(question: Question) -> st.SearchStrategy[StoredAnswer | None]:
    none_or_na = st.sampled_from([None, StoredAnswer(None, not_applicable=True)])
    ids = [o.id for o in question.options]
    if question.type == "multi_choice":
        return none_or_na | st.lists(st.sampled_from(ids), min_size=1, unique=True).map(
            lambda chosen: StoredAnswer(tuple(sorted(chosen))))
    if question.type in OPTION_TYPES:
        return none_or_na | st.sampled_from(ids).map(StoredAnswer)
    return none_or_na


@st.composite
def situations(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, StoredAnswer], frozenset[str],
                                         frozenset[str], RiskTier]:
    questionnaire = draw(questionnaires())
    ids = [q.id for q in questionnaire.questions]
    answers = {q.id: a for q in questionnaire.questions if (a := draw(answer_to(q))) is not None}
    files = frozenset(draw(st.sets(st.sampled_from(ids))))
    accepted = frozenset(draw(st.sets(st.sampled_from(ids))))
    return questionnaire, answers, files, accepted, draw(st.sampled_from(RiskTier))


def rank(card: Scorecard) -> int:
    assert card.residual_risk is not None
    return card.residual_risk.rank


@given(situations())
def test_every_score_stays_within_0_and_100(situation):
    card = score(*situation)
    assert card.overall is None or 0 <= card.overall <= card.raw_overall <= 100
    assert all(0 <= s.score <= 100 for s in card.sections if s.score is not None)
    assert all(0 <= c.score <= 100 for c in card.contributions if c.score is not None)
    assert all(0 <= c.score <= 100 for c in card.coverage if c.score is not None)
    assert card.confidence_percent is None or 0 <= card.confidence_percent <= 100
    if card.raw_overall is not None:
        assert math.fsum(c.points for c in card.contributions) == pytest.approx(card.raw_overall)


def improvements(question: Question, answer: StoredAnswer | None,
                 ) -> list[tuple[StoredAnswer | None, bool]]:
    """Every single change that makes the answer to `question` better: (answer, attach file)."""
    attach = [(answer, True)]
    if question.type not in OPTION_TYPES or (answer is not None and answer.not_applicable):
        return attach
    multi = question.type == "multi_choice"
    if answer is None:
        # Answering helps only where silence already counted as 0.
        choices = [(o.id,) if multi else o.id for o in question.options if question.required]
    elif multi:
        choices = [tuple(sorted({*answer.value, o.id})) for o in question.options
                   if o.id not in answer.value]
    else:
        current = question.option(answer.value)
        assert current is not None
        choices = [o.id for o in question.options if o.score >= current.score]
    return attach + [(StoredAnswer(choice), False) for choice in choices]


@given(situations(), st.data())
def test_improving_one_answer_never_lowers_the_score_nor_raises_the_residual_risk(situation,
                                                                                  data):
    questionnaire, answers, files, accepted, tier = situation
    before = score(questionnaire, answers, files, accepted, tier)
    question = data.draw(st.sampled_from(questionnaire.questions))
    better, attach = data.draw(st.sampled_from(improvements(question, answers.get(question.id))))
    changed = {k: v for k, v in answers.items() if k != question.id}
    if better is not None:
        changed[question.id] = better
    after = score(questionnaire, changed, files | {question.id} if attach else files, accepted,
                  tier)
    if before.overall is not None:
        assert after.overall is not None and after.overall >= before.overall
        assert rank(after) <= rank(before)


@given(PERCENT, PERCENT)
@example(1.2702086385298139e-33, 0.0)  # x * 100 / 100 rounds above x here
def test_attaching_the_proof_never_lowers_a_score_even_by_rounding(option_score, penalty):
    question = Question(id="q", section_id="s", type="single_choice", text={"en": "Q"},
                        weight=1.0, requires_evidence=True,
                        options=(Option("a", {"en": "A"}, option_score),
                                 Option("b", {"en": "B"}, 100.0)))
    questionnaire = Questionnaire(
        id="one", version="1", languages=("en",), title={"en": "One"},
        sections=(Section("s", {"en": "S"}, 1.0, (question,)),), content_hash="0" * 64,
        missing_evidence_penalty=penalty)
    answers = {"q": StoredAnswer("a")}
    unproven = score(questionnaire, answers).overall
    assert unproven is not None
    assert unproven <= score(questionnaire, answers, frozenset({"q"})).overall


def without(questionnaire: Questionnaire, qid: str) -> Questionnaire:
    sections = tuple(replace(s, questions=tuple(q for q in s.questions if q.id != qid))
                     for s in questionnaire.sections)
    return replace(questionnaire, sections=tuple(s for s in sections if s.questions))


@given(situations(), st.data())
def test_not_applicable_is_exactly_like_removing_the_question(situation, data):
    questionnaire, answers, files, accepted, tier = situation
    qid = data.draw(st.sampled_from([q.id for q in questionnaire.questions]))
    na = score(questionnaire, {**answers, qid: StoredAnswer(None, not_applicable=True)},
               files, accepted, tier)
    rest = {k: v for k, v in answers.items() if k != qid}
    removed = score(without(questionnaire, qid), rest, files - {qid}, accepted - {qid}, tier)
    assert (na.overall, na.raw_overall, na.findings, na.residual_risk, na.confidence_percent) \
        == (removed.overall, removed.raw_overall, removed.findings, removed.residual_risk,
            removed.confidence_percent)


def test_reordering_is_bit_identical_even_where_a_plain_sum_is_not():
    # Summed left to right, these weights give 31.66666666666666 in this order and
    # 31.666666666666668 reversed; math.fsum rounds once, so the order cannot matter.
    ordered = loads("""\
id: ordered
version: "1"
languages: [en]
title: Ordered
sections:
  - id: s
    title: S
    questions:
      - {id: a, type: yes_no, text: A, weight: 0.1}
      - {id: b, type: yes_no, text: B, weight: 0.2}
      - id: c
        type: single_choice
        text: C
        weight: 0.3
        options:
          - {id: low, text: Low, score: 30}
          - {id: high, text: High, score: 100}
""")
    (section,) = ordered.sections
    reversed_ = replace(ordered, sections=(replace(section, questions=section.questions[::-1]),))
    answers = {"a": StoredAnswer("yes"), "b": StoredAnswer("no"), "c": StoredAnswer("low")}
    assert score(ordered, answers).overall == score(reversed_, answers).overall


def comparable(card: Scorecard) -> tuple[object, ...]:
    """Everything in a scorecard, with the order that follows the questionnaire taken out."""
    return (card.overall, card.raw_overall, card.capped, card.confidence_percent,
            card.confidence_level, card.residual_risk, card.score_band,
            {s.section_id: s for s in card.sections},
            {c.question_id: c for c in card.contributions},
            {f.question_id: f for f in card.findings},
            [(c.framework, c.control, c.score, set(c.question_ids), c.status)
             for c in card.coverage])


@given(situations(), st.data())
def test_the_order_of_questions_and_sections_changes_nothing(situation, data):
    questionnaire, answers, files, accepted, tier = situation
    shuffled = replace(questionnaire, sections=tuple(
        replace(s, questions=tuple(data.draw(st.permutations(s.questions))))
        for s in data.draw(st.permutations(questionnaire.sections))))
    assert comparable(score(shuffled, answers, files, accepted, tier)) \
        == comparable(score(questionnaire, answers, files, accepted, tier))
