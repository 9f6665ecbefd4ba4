"""Reassessment: start from the last completed answers, review only what changed.

A new cycle of a questionnaire starts with the firm's previous answers filled in for the partner
to confirm or change (files are not copied: a file is attached again, and an identical file
counts as unchanged). At submission, an answer identical to one a reviewer accepted last time,
with the same files, keeps that acceptance, marked as carried over.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.assessments import evidence
from vendorrisk.assessments.answering import (
    answers_of,
    given,
    is_current,
    questionnaire_of,
    record_answer,
    reviews_of,
)
from vendorrisk.assessments.models import (
    AnswerReview,
    Assessment,
    AssessmentStatus,
    ReviewState,
)
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.questionnaires import answers as rules

CARRIED_FORWARD = Actor.system("carry-forward")


def previous_completed(session: Session, assessment: Assessment) -> Assessment | None:
    """The firm's latest completed cycle of the same questionnaire before this one."""
    return session.scalar(
        select(Assessment).where(
            Assessment.vendor_id == assessment.vendor_id,
            Assessment.questionnaire_key == assessment.questionnaire_key,
            Assessment.cycle < assessment.cycle,
            Assessment.status == AssessmentStatus.COMPLETED)
        .order_by(Assessment.cycle.desc()).limit(1))


def carry_forward(session: Session, actor: Actor, assessment: Assessment) -> list[str]:
    """Fill a new cycle with the previous answers that still fit the questionnaire sent."""
    previous = previous_completed(session, assessment)
    if previous is None:
        return []
    questionnaire = questionnaire_of(assessment)
    copied = []
    for qid, old in given(answers_of(session, previous.id)).items():
        question = questionnaire.question(qid)
        if question is None or question.type == "evidence":
            continue
        try:  # the question may have changed (an option removed): then it is asked afresh
            new = rules.parse(question, rules.form_values(old))
        except rules.InvalidAnswer:
            continue
        if new is not None:
            record_answer(session, CARRIED_FORWARD, assessment, None, qid, new)
            copied.append(qid)
    if copied:
        audit.record(session, actor, "assessment.carry_forward", object_type="assessment",
                     object_id=assessment.id, details={"from_assessment": previous.id,
                                                       "answers": len(copied)})
    return copied


@dataclass(frozen=True)
class Before:
    """A question's answer in the previous completed cycle, and whether it changed since."""

    answer: rules.StoredAnswer | None
    changed: bool


def _digests(session: Session, assessment_id: int) -> dict[str, frozenset[str]]:
    return {qid: frozenset(f.sha256 for f in files)
            for qid, files in evidence.files_of(session, assessment_id).items()}


def compare(session: Session, assessment: Assessment,
            previous: Assessment) -> dict[str, Before]:
    """Per question of this assessment: the previous answer, and whether answer or files changed."""
    now, then = given(answers_of(session, assessment.id)), given(answers_of(session, previous.id))
    files_now, files_then = _digests(session, assessment.id), _digests(session, previous.id)
    return {q.id: Before(then.get(q.id), then.get(q.id) != now.get(q.id)
                         or files_then.get(q.id, frozenset()) != files_now.get(q.id, frozenset()))
            for q in questionnaire_of(assessment).questions}


def carry_over_acceptances(session: Session, assessment: Assessment) -> list[str]:
    """Keep last cycle's acceptance for every answer that did not change; returns their ids."""
    previous = previous_completed(session, assessment)
    if previous is None:
        return []
    before = compare(session, assessment, previous)
    old_rows, old_reviews = answers_of(session, previous.id), reviews_of(session, previous.id)
    rows, reviews = answers_of(session, assessment.id), reviews_of(session, assessment.id)
    kept = []
    for qid, was in before.items():
        old_review = old_reviews.get(qid)
        if was.changed or old_review is None or \
                old_review.state != ReviewState.ACCEPTED or \
                not is_current(old_review, old_rows.get(qid)) or qid in reviews:
            continue
        answer = rows.get(qid)
        session.add(AnswerReview(
            assessment_id=assessment.id, question_id=qid, state=ReviewState.ACCEPTED,
            answer_version=answer.version if answer else None, carried_over_from_id=previous.id,
            reviewed_by_id=old_review.reviewed_by_id, reviewed_at=clock.now()))
        kept.append(qid)
    session.flush()
    return kept
