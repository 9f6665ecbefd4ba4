"""The score of a filled-in questionnaire, with the reason behind every point.

Pure domain code: a loaded questionnaire and its answers in, an immutable `Scorecard` out. The
method is documented in questionnaires/README.md ("Scoring"); every parameter is in the block
below or, per questionnaire, in the file's `scoring:` block. Every sum goes through `math.fsum`,
which rounds once, so the order of questions and sections cannot change a single bit of the
result. Findings carry machine codes only; the view layer turns them into translated sentences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from vendorrisk.questionnaires.answers import StoredAnswer, evidence_needed, visible_questions
from vendorrisk.questionnaires.schema import Question, Questionnaire
from vendorrisk.vendors.domain import RiskTier


class ScoreBand(StrEnum):
    """How good the controls are, from the (capped) overall score."""

    STRONG = "strong"
    ADEQUATE = "adequate"
    WEAK = "weak"
    POOR = "poor"


class ConfidenceLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class CoverageStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    GAP = "gap"
    NOT_ASSESSED = "not_assessed"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"


class FindingReason(StrEnum):
    CRITICAL_FAILED = "critical_failed"
    CRITICAL_UNANSWERED = "critical_unanswered"
    CRITICAL_EVIDENCE_MISSING = "critical_evidence_missing"  # would pass with its proof attached


# ================================ Tunables: the whole method's parameters ========================
# Per questionnaire, the file's `scoring:` block sets critical_fail_below, critical_cap and
# missing_evidence_penalty; their defaults are schema.SCORING_DEFAULTS, applied when the file
# is loaded (schema.py cannot import this module: this module imports it).

# Each table lists (minimum, label) from the highest minimum down; a value takes the label of
# the first minimum it reaches. The last minimum is 0, so every score from 0 to 100 has a label.
SCORE_BANDS: tuple[tuple[float, ScoreBand], ...] = (
    (80.0, ScoreBand.STRONG),
    (60.0, ScoreBand.ADEQUATE),
    (40.0, ScoreBand.WEAK),
    (0.0, ScoreBand.POOR),
)
# Residual risk = inherent tier x control-score band. Residual risk uses the inherent tier's
# scale, so the two compare directly (RiskTier.rank) and share their labels.
# Columns, in ScoreBand order: strong, adequate, weak, poor.
_LOW, _MEDIUM, _HIGH, _CRITICAL = RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH, RiskTier.CRITICAL
RESIDUAL_RISK: Mapping[RiskTier, Mapping[ScoreBand, RiskTier]] = MappingProxyType({
    tier: MappingProxyType(dict(zip(ScoreBand, row, strict=True))) for tier, row in {
        RiskTier.LOW: (_LOW, _LOW, _MEDIUM, _MEDIUM),
        RiskTier.MEDIUM: (_LOW, _MEDIUM, _MEDIUM, _HIGH),
        RiskTier.HIGH: (_MEDIUM, _MEDIUM, _HIGH, _CRITICAL),
        RiskTier.CRITICAL: (_MEDIUM, _HIGH, _CRITICAL, _CRITICAL),
    }.items()
})
# Percent of the counted weight that is evidenced or accepted by a reviewer.
CONFIDENCE_LEVELS: tuple[tuple[float, ConfidenceLevel], ...] = (
    (70.0, ConfidenceLevel.HIGH),
    (40.0, ConfidenceLevel.MEDIUM),
    (0.0, ConfidenceLevel.LOW),
)
# The score of a framework control (the weighted mean of the questions mapped to it).
COVERAGE_STATUSES: tuple[tuple[float, CoverageStatus], ...] = (
    (80.0, CoverageStatus.MET),
    (40.0, CoverageStatus.PARTIAL),
    (0.0, CoverageStatus.GAP),
)
# =================================================================================================


@dataclass(frozen=True)
class Contribution:
    """One visible, scored question and what it did to the overall score.

    A question that does not count (N/A, or optional and unanswered) is listed too, with
    `score` None and no points, so the explanation shows why it was left out."""

    question_id: str
    section_id: str
    score: float | None  # effective score 0-100, after the evidence penalty
    share: float  # its fraction of the overall: section share x its weight in the section
    points: float  # share x score: what it adds to the raw overall
    lost: float  # share x (100 - score): what it gave up against a perfect answer
    not_applicable: bool = False
    unanswered: bool = False  # no answer, or no file for an evidence question
    evidence_missing: bool = False  # the answer claims the control without its required proof
    evidenced: bool = False  # a file is attached
    accepted: bool = False  # a reviewer accepted the answer

    @property
    def counted(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    weight: float
    score: float | None  # None when no question of the section counts


@dataclass(frozen=True)
class ControlCoverage:
    framework: str
    control: str
    score: float | None
    question_ids: tuple[str, ...]  # every question mapped to the control, counted or not
    status: CoverageStatus


@dataclass(frozen=True)
class AutoFinding:
    question_id: str
    severity: Severity
    reason: FindingReason


@dataclass(frozen=True)
class Scorecard:
    overall: float | None  # full precision; round only for display
    raw_overall: float | None  # before the critical cap
    capped: bool  # a failed critical question lowered the overall
    sections: tuple[SectionScore, ...]
    contributions: tuple[Contribution, ...]  # in questionnaire order
    coverage: tuple[ControlCoverage, ...]
    findings: tuple[AutoFinding, ...]
    confidence_percent: float | None
    confidence_level: ConfidenceLevel | None
    residual_risk: RiskTier | None
    score_band: ScoreBand | None

    def biggest_losses(self, n: int) -> tuple[Contribution, ...]:
        """The answers that cost the most points, most first; ties keep questionnaire order."""
        losing = [c for c in self.contributions if c.lost > 0]
        return tuple(sorted(losing, key=lambda c: -c.lost)[:n])


# --- judging one question ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Judgement:
    score: float | None  # None: the question leaves numerator and denominator
    claimed: float | None = None  # the score before the evidence penalty
    not_applicable: bool = False
    unanswered: bool = False
    evidence_missing: bool = False


def _option_score(question: Question, answer: StoredAnswer) -> float:
    """The chosen options' scores added up and capped at 100 (a single choice has one)."""
    chosen = answer.value if isinstance(answer.value, tuple) else (answer.value,)
    return min(100.0, math.fsum(o.score for o in question.options if o.id in chosen))


def _judge(question: Question, answer: StoredAnswer | None, has_file: bool,
           penalty: float) -> _Judgement:
    if answer is not None and answer.not_applicable:
        return _Judgement(None, not_applicable=True)
    if question.type == "evidence":
        if has_file:
            return _Judgement(100.0, 100.0)
        return _Judgement(0.0 if question.required else None, unanswered=True)
    if answer is None:
        # Required and unanswered is the worst answer, not a smaller questionnaire.
        return _Judgement(0.0 if question.required else None, unanswered=True)
    claimed = _option_score(question, answer)
    if evidence_needed(question, answer) and not has_file:
        # One factor, at most 1 and exactly 1 for no penalty: so attaching the proof can never
        # lower a score, not even by a rounding error.
        return _Judgement(claimed * ((100 - penalty) / 100), claimed, evidence_missing=True)
    return _Judgement(claimed, claimed)


def _finding(question: Question, judged: _Judgement, fail_below: float) -> AutoFinding | None:
    if not question.critical or judged.score is None or judged.score >= fail_below:
        return None
    severity = Severity.CRITICAL if judged.score == 0 else Severity.HIGH
    if judged.unanswered:
        reason = FindingReason.CRITICAL_UNANSWERED
    elif judged.evidence_missing and judged.claimed is not None and judged.claimed >= fail_below:
        reason = FindingReason.CRITICAL_EVIDENCE_MISSING
    else:
        reason = FindingReason.CRITICAL_FAILED
    return AutoFinding(question.id, severity, reason)


# --- putting it together -------------------------------------------------------------------------

def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of (weight, score) pairs; None for no pairs. Weights here are always > 0."""
    pairs = list(pairs)
    if not pairs:
        return None
    mean = math.fsum(w * s for w, s in pairs) / math.fsum(w for w, _ in pairs)
    # Rounding can leave the quotient a hair outside the scores it averages (all 100 giving
    # 100.00000000000001); a mean never is, so keep it within them.
    scores = [s for _, s in pairs]
    return min(max(mean, min(scores)), max(scores))


_T = TypeVar("_T")


def _label(value: float, table: tuple[tuple[float, _T], ...]) -> _T:
    return next(label for minimum, label in table if value >= minimum)


def _natural(control: str) -> tuple[str | int, ...]:
    """Sort key so that A.5.9 comes before A.5.10."""
    return tuple(int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", control)))


def _coverage(questionnaire: Questionnaire,
              judged: Mapping[str, _Judgement]) -> tuple[ControlCoverage, ...]:
    mapped: dict[tuple[str, str], list[Question]] = {}
    for question in questionnaire.questions:
        for framework, controls in question.frameworks.items():
            for control in dict.fromkeys(controls):
                mapped.setdefault((framework, control), []).append(question)
    result = []
    for (framework, control), questions in sorted(
            mapped.items(), key=lambda item: (item[0][0], _natural(item[0][1]))):
        # Question weights, not shares of the overall: a control is as well met as the
        # questions that test it, whatever the size of the sections they sit in.
        score = _weighted_mean((q.weight, s) for q in questions
                               if q.id in judged and (s := judged[q.id].score) is not None)
        status = CoverageStatus.NOT_ASSESSED if score is None else _label(score, COVERAGE_STATUSES)
        result.append(ControlCoverage(framework, control, score,
                                      tuple(q.id for q in questions), status))
    return tuple(result)


def _weigh(questionnaire: Questionnaire, judged: Mapping[str, _Judgement],
           ) -> tuple[tuple[SectionScore, ...], float | None, dict[str, float]]:
    """Section scores, the raw overall, and each counted question's share of the overall."""
    sections: list[SectionScore] = []
    counted: dict[str, list[tuple[Question, float]]] = {}
    for section in questionnaire.sections:
        counted[section.id] = [(q, s) for q in section.questions
                               if q.id in judged and (s := judged[q.id].score) is not None]
        sections.append(SectionScore(section.id, section.weight, _weighted_mean(
            (q.weight, s) for q, s in counted[section.id])))
    scored = [(section, s) for section in sections if (s := section.score) is not None]
    raw = _weighted_mean((section.weight, s) for section, s in scored)
    total = math.fsum(section.weight for section, _ in scored)
    shares: dict[str, float] = {}
    for section, _ in scored:
        in_section = math.fsum(q.weight for q, _ in counted[section.section_id])
        for question, _ in counted[section.section_id]:
            shares[question.id] = section.weight / total * (question.weight / in_section)
    return tuple(sections), raw, shares


def _confidence(contributions: Iterable[Contribution]) -> float | None:
    counted = [c for c in contributions if c.counted]
    if not counted:
        return None
    backed = math.fsum(c.share for c in counted if c.evidenced or c.accepted)
    return 100 * backed / math.fsum(c.share for c in counted)


def _contribution(question: Question, judged: _Judgement, share: float, evidenced: bool,
                  accepted: bool) -> Contribution:
    value = judged.score
    return Contribution(
        question_id=question.id, section_id=question.section_id, score=value, share=share,
        points=0.0 if value is None else share * value,
        lost=0.0 if value is None else share * (100 - value),
        not_applicable=judged.not_applicable, unanswered=judged.unanswered,
        evidence_missing=judged.evidence_missing, evidenced=evidenced, accepted=accepted,
    )


def score(questionnaire: Questionnaire, answers: Mapping[str, StoredAnswer],
          with_files: frozenset[str] = frozenset(), accepted: frozenset[str] = frozenset(),
          tier: RiskTier | None = None) -> Scorecard:
    """Score the answers. `with_files`: questions with at least one file attached;
    `accepted`: questions whose answer a reviewer accepted; `tier`: the vendor's inherent tier."""
    visible = visible_questions(questionnaire, answers)
    questions = [q for q in questionnaire.questions if q.id in visible and q.scored]
    judged = {q.id: _judge(q, answers.get(q.id), q.id in with_files,
                           questionnaire.missing_evidence_penalty) for q in questions}
    sections, raw, shares = _weigh(questionnaire, judged)
    contributions = tuple(_contribution(q, judged[q.id], shares.get(q.id, 0.0),
                                        q.id in with_files, q.id in accepted) for q in questions)
    findings = tuple(f for q in questions
                     if (f := _finding(q, judged[q.id], questionnaire.critical_fail_below)))
    overall = min(raw, questionnaire.critical_cap) if raw is not None and findings else raw
    confidence = _confidence(contributions)
    band = None if overall is None else _label(overall, SCORE_BANDS)
    return Scorecard(
        overall=overall, raw_overall=raw, capped=overall != raw, sections=sections,
        contributions=contributions, coverage=_coverage(questionnaire, judged),
        findings=findings, confidence_percent=confidence,
        confidence_level=None if confidence is None else _label(confidence, CONFIDENCE_LEVELS),
        residual_risk=None if tier is None or band is None else RESIDUAL_RISK[tier][band],
        score_band=band,
    )
