"""The partner fills in an assessment: read its own firm's answers, save a section.

Every lookup is scoped by the partner's firm; an assessment of another firm does not exist here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.assessments import evidence
from vendorrisk.assessments.models import (
    Answer,
    AnswerChange,
    AnswerReview,
    Assessment,
    AssessmentStatus,
    ReviewState,
)
from vendorrisk.assessments.versions import load_version
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, NotFound
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires.schema import Questionnaire, Section

# The partner's turn: filling in, or answering a clarification request.
EDITABLE = frozenset({AssessmentStatus.SENT, AssessmentStatus.IN_PROGRESS,
                      AssessmentStatus.RETURNED})


def partner_assessment(session: Session, vendor_id: int, assessment_id: int) -> Assessment:
    assessment = session.scalar(
        select(Assessment)
        .where(Assessment.id == assessment_id, Assessment.vendor_id == vendor_id,
               Assessment.status != AssessmentStatus.DRAFT)
        .options(joinedload(Assessment.questionnaire_version), joinedload(Assessment.vendor)))
    if assessment is None:
        raise NotFound("No such questionnaire.")
    return assessment


def stored(answer: Answer | AnswerChange) -> rules.StoredAnswer:
    """An answer row, or one version from its history, as the rules see it."""
    return rules.from_json(json.loads(answer.value_json), answer.not_applicable)


def answers_of(session: Session, assessment_id: int) -> dict[str, Answer]:
    rows = session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
    return {answer.question_id: answer for answer in rows}


def given(answers: dict[str, Answer]) -> dict[str, rules.StoredAnswer]:
    """The answers that say something (a cleared answer keeps its row for its history)."""
    result = {qid: stored(answer) for qid, answer in answers.items()}
    return {qid: a for qid, a in result.items() if a.value is not None or a.not_applicable}


def reviews_of(session: Session, assessment_id: int) -> dict[str, AnswerReview]:
    rows = session.scalars(select(AnswerReview).where(AnswerReview.assessment_id == assessment_id))
    return {review.question_id: review for review in rows}


def is_current(review: AnswerReview | None, answer: Answer | None) -> bool:
    """A reviewer's verdict counts only for the answer version it was given on."""
    return review is not None and review.answer_version == (answer.version if answer else None)


def flagged_for_clarification(session: Session, assessment_id: int) -> frozenset[str]:
    rows, reviews = answers_of(session, assessment_id), reviews_of(session, assessment_id)
    return frozenset(qid for qid, review in reviews.items()
                     if review.state == ReviewState.CLARIFICATION_REQUESTED
                     and is_current(review, rows.get(qid)))


def reopened_questions(session: Session, assessment_id: int) -> frozenset[str]:
    return frozenset(session.scalars(select(AnswerReview.question_id).where(
        AnswerReview.assessment_id == assessment_id, AnswerReview.reopened.is_(True))))


def editable_questions(session: Session, assessment: Assessment,
                       questionnaire: Questionnaire) -> frozenset[str]:
    """What the partner may change now: everything while filling in; once returned for
    clarification, exactly the reopened questions and the follow-ups that hang on them;
    otherwise nothing."""
    if assessment.status == AssessmentStatus.RETURNED:
        return rules.with_dependents(questionnaire, reopened_questions(session, assessment.id))
    if assessment.status in EDITABLE:
        return frozenset(q.id for q in questionnaire.questions)
    return frozenset()


@dataclass(frozen=True)
class Submitted:
    """One question as the form sent it: the raw values and the answer version it was based on."""

    raw: list[str]
    base_version: int | None  # None: the page showed no answer yet


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, rules.StoredAnswer | None] = field(default_factory=dict)


def record_answer(session: Session, actor: Actor, assessment: Assessment,
                  existing: Answer | None, question_id: str, new: rules.StoredAnswer) -> Answer:
    """Write a new version of one answer, and keep it in the answer's history."""
    value_json = json.dumps(list(new.value) if isinstance(new.value, tuple) else new.value,
                            ensure_ascii=False)
    answer = existing or Answer(assessment_id=assessment.id, question_id=question_id)
    answer.value_json, answer.not_applicable = value_json, new.not_applicable
    answer.updated_at, answer.updated_by_id = clock.now(), actor.user_id
    session.add(answer)
    session.flush()  # assigns the new version
    session.add(AnswerChange(answer_id=answer.id, version=answer.version, value_json=value_json,
                             not_applicable=new.not_applicable, changed_at=answer.updated_at,
                             changed_by_id=actor.user_id))
    return answer


def save_section(session: Session, actor: Actor, assessment: Assessment,
                 questionnaire: Questionnaire, section: Section,
                 submitted: dict[str, Submitted]) -> SaveResult:
    """Save what changed in one section. Bad input and stale saves are reported per question
    and saved nothing for that question; every other question is saved."""
    editable = editable_questions(session, assessment, questionnaire)
    if not editable:
        raise DomainError("This questionnaire was submitted and can no longer be changed.")
    current = answers_of(session, assessment.id)
    answered = given(current)  # kept in step with what this save records, below
    result = SaveResult()
    for question in section.questions:
        if question.id not in submitted or question.type == "evidence" or \
                question.id not in editable:
            continue
        # Same rule as the page and submission: what earlier answers hide is not saved.
        if question.id not in rules.visible_questions(questionnaire, answered):
            continue
        sent = submitted[question.id]
        existing = current.get(question.id)
        if (existing.version if existing else None) != sent.base_version:
            result.conflicts[question.id] = stored(existing) if existing else None
            continue
        try:
            new = rules.parse(question, sent.raw)
        except rules.InvalidAnswer as error:
            result.errors[question.id] = str(error)
            continue
        if new is None and question.id not in answered:
            continue  # blank stays blank
        new = new or rules.StoredAnswer(None)  # a blanked answer is cleared, keeping its history
        if existing is not None and stored(existing) == new:
            continue  # an unchanged answer is not a new version
        current[question.id] = record_answer(session, actor, assessment, existing, question.id,
                                             new)
        if new.value is None and not new.not_applicable:
            answered.pop(question.id, None)
        else:
            answered[question.id] = new
        result.saved.append(question.id)
    if result.saved:
        if assessment.status == AssessmentStatus.SENT:
            assessment.status = AssessmentStatus.IN_PROGRESS
        audit.record(session, actor, "answer.save", object_type="assessment",
                     object_id=assessment.id, details={"questions": result.saved})
    return result


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    return load_version(assessment.questionnaire_version)


def overall_progress(session: Session, assessment: Assessment) -> rules.Progress:
    questionnaire = questionnaire_of(assessment)
    answers = given(answers_of(session, assessment.id))
    visible = rules.visible_questions(questionnaire, answers)
    files = frozenset(evidence.files_of(session, assessment.id))
    return rules.progress(questionnaire.questions, visible, answers, files)
