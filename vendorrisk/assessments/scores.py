"""An assessment's score from what is stored: answers, files and the reviewers' acceptances."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.assessments import evidence
from vendorrisk.assessments.answering import (
    answers_of,
    given,
    is_current,
    questionnaire_of,
    reviews_of,
)
from vendorrisk.assessments.models import Answer, AnswerReview, Assessment, ReviewState
from vendorrisk.questionnaires import scoring
from vendorrisk.questionnaires.schema import Questionnaire


def accepted_ids(reviews: dict[str, AnswerReview], answers: dict[str, Answer]) -> frozenset[str]:
    return frozenset(qid for qid, review in reviews.items()
                     if review.state == ReviewState.ACCEPTED
                     and is_current(review, answers.get(qid)))


def scorecard(session: Session, assessment: Assessment,
              questionnaire: Questionnaire | None = None) -> scoring.Scorecard:
    """Needs ``assessment.vendor`` loaded (its inherent tier sets the residual risk)."""
    questionnaire = questionnaire or questionnaire_of(assessment)
    rows = answers_of(session, assessment.id)
    return scoring.score(questionnaire, given(rows),
                         frozenset(evidence.files_of(session, assessment.id)),
                         accepted_ids(reviews_of(session, assessment.id), rows),
                         assessment.vendor.tier)


def rescore(session: Session, assessment: Assessment) -> scoring.Scorecard:
    """Recompute the score and keep it on the assessment, where lists and dashboards read it."""
    card = scorecard(session, assessment)
    assessment.score, assessment.confidence_percent = card.overall, card.confidence_percent
    assessment.residual_risk, assessment.scored_at = card.residual_risk, clock.now()
    return card
