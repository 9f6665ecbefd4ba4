"""The partner fills in an assessment: read its own firm's answers, save a section.

Every lookup is scoped by the partner's firm; an assessment of another firm does not exist here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.assessments import evidence
from vendorrisk.assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    AssessmentStatus,
    Submission,
)
from vendorrisk.assessments.service import load_version
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, NotFound
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires.schema import Questionnaire, Section

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


def stored(answer: Answer) -> rules.StoredAnswer:
    value = json.loads(answer.value_json)
    return rules.StoredAnswer(tuple(value) if isinstance(value, list) else value,
                              answer.not_applicable)


def answers_of(session: Session, assessment_id: int) -> dict[str, Answer]:
    rows = session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
    return {answer.question_id: answer for answer in rows}


def given(answers: dict[str, Answer]) -> dict[str, rules.StoredAnswer]:
    """The answers that say something (a cleared answer keeps its row for its history)."""
    result = {qid: stored(answer) for qid, answer in answers.items()}
    return {qid: a for qid, a in result.items() if a.value is not None or a.not_applicable}


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


def _record(session: Session, actor: Actor, assessment: Assessment, existing: Answer | None,
            question_id: str, new: rules.StoredAnswer) -> Answer:
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
    if assessment.status not in EDITABLE:
        raise DomainError("This questionnaire was submitted and can no longer be changed.")
    current = answers_of(session, assessment.id)
    answered = given(current)  # kept in step with what this save records, below
    result = SaveResult()
    for question in section.questions:
        if question.id not in submitted or question.type == "evidence":
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
        current[question.id] = _record(session, actor, assessment, existing, question.id, new)
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


ATTESTATION = ("I confirm that these answers and the attached evidence are true and complete to "
               "the best of my knowledge, and that I am authorised to give them on behalf of "
               "{firm}. / 本人确认上述回答及所附证明材料真实、完整，"
               "并确认本人有权代表{firm}作出答复。")


def missing_items(session: Session, assessment: Assessment,
                  questionnaire: Questionnaire) -> list[rules.Missing]:
    files = evidence.files_of(session, assessment.id)
    return rules.missing(questionnaire, given(answers_of(session, assessment.id)),
                         frozenset(files))


def submitted_content(session: Session, assessment: Assessment,
                      questionnaire: Questionnaire) -> dict[str, object]:
    """Exactly what is submitted: the visible answers and the files' digests, canonical."""
    answers = given(answers_of(session, assessment.id))
    visible = rules.visible_questions(questionnaire, answers)
    files = evidence.files_of(session, assessment.id)
    return {
        "assessment": assessment.id,
        "questionnaire": assessment.questionnaire_version.content_hash,
        "answers": {qid: {"value": list(a.value) if isinstance(a.value, tuple) else a.value,
                          "not_applicable": a.not_applicable}
                    for qid, a in sorted(answers.items()) if qid in visible},
        "evidence": {qid: sorted(f.sha256 for f in items)
                     for qid, items in sorted(files.items()) if qid in visible},
    }


def submit(session: Session, actor: Actor, assessment: Assessment, questionnaire: Questionnaire,
           *, name: str, position: str) -> Submission:
    if assessment.status not in EDITABLE:
        raise DomainError("This questionnaire was already submitted.")
    if not name.strip() or not position.strip():
        raise DomainError("Give your name and position for the attestation.")
    if missing_items(session, assessment, questionnaire):
        raise DomainError("Some required answers or files are still missing.")
    content = submitted_content(session, assessment, questionnaire)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    submission = Submission(
        assessment_id=assessment.id, submitted_at=clock.now(), submitted_by_id=actor.user_id,
        attested_name=name.strip()[:200], attested_position=position.strip()[:200],
        statement=ATTESTATION.format(firm=assessment.vendor.name),
        digest=hashlib.sha256(canonical.encode("utf-8")).hexdigest(), content_json=canonical)
    session.add(submission)
    assessment.status = AssessmentStatus.SUBMITTED
    session.flush()
    audit.record(session, actor, "assessment.submit", object_type="assessment",
                 object_id=assessment.id, details={"submission_id": submission.id,
                                                   "digest": submission.digest})
    return submission


def latest_submission(session: Session, assessment_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.assessment_id == assessment_id)
                          .order_by(Submission.id.desc()).limit(1))


def overall_progress(session: Session, assessment: Assessment) -> rules.Progress:
    questionnaire = questionnaire_of(assessment)
    answers = given(answers_of(session, assessment.id))
    visible = rules.visible_questions(questionnaire, answers)
    files = frozenset(evidence.files_of(session, assessment.id))
    return rules.progress(questionnaire.questions, visible, answers, files)
