"""The partner submits: what is still missing, the attestation, and a digest of what was sent."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.assessments import evidence, findings, reassessment, scores
from vendorrisk.assessments.answering import EDITABLE, answers_of, given
from vendorrisk.assessments.models import AnswerReview, Assessment, AssessmentStatus, Submission
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires.schema import Questionnaire

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
    session.execute(update(AnswerReview).where(AnswerReview.assessment_id == assessment.id,
                                               AnswerReview.reopened.is_(True))
                    .values(reopened=False))
    session.flush()
    reassessment.carry_over_acceptances(session, assessment)
    card = scores.rescore(session, assessment)
    findings.sync_from_scoring(session, actor, assessment, questionnaire, card)
    audit.record(session, actor, "assessment.submit", object_type="assessment",
                 object_id=assessment.id, details={"submission_id": submission.id,
                                                   "digest": submission.digest})
    return submission


def latest_submission(session: Session, assessment_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.assessment_id == assessment_id)
                          .order_by(Submission.id.desc()).limit(1))
