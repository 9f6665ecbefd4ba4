"""Reviewing a submitted assessment: score it, accept answers or ask for clarification, finish.

The flow: submitted → under review (the first verdict) → returned to the partner with exactly the
questions in doubt reopened → submitted again → … → reviewed (every visible answer accepted) →
a manager decides (decisions.py). Every step is audited; the score kept on the assessment is
recomputed whenever what it rests on changes (answers, files, acceptances).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.assessments import evidence, reassessment
from vendorrisk.assessments.answering import (
    answers_of,
    editable_questions,
    flagged_for_clarification,
    given,
    is_current,
    questionnaire_of,
    reviews_of,
)
from vendorrisk.assessments.models import (
    Answer,
    AnswerChange,
    AnswerReview,
    Assessment,
    AssessmentStatus,
    EvidenceFile,
    ReviewComment,
    ReviewState,
)
from vendorrisk.assessments.scores import accepted_ids, rescore
from vendorrisk.assessments.service import Portal, get_assessment
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, NotFound
from vendorrisk.mail import service as mail
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires import scoring
from vendorrisk.questionnaires.schema import Question, Questionnaire
from vendorrisk.text import clean_text

REVIEWABLE = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.UNDER_REVIEW})


# --- what the reviewer sees -------------------------------------------------------------------

@dataclass
class ReviewItem:
    """One visible question with everything a reviewer weighs."""

    question: Question
    answer: rules.StoredAnswer | None
    files: list[EvidenceFile]
    contribution: scoring.Contribution | None
    review: AnswerReview | None
    current: bool  # the verdict applies to the answer as it stands
    history: list[AnswerChange] = field(default_factory=list)
    comments: list[ReviewComment] = field(default_factory=list)
    before: reassessment.Before | None = None  # None: there is no earlier completed cycle

    @property
    def pending(self) -> bool:
        return not self.current or self.review is None

    @property
    def accepted(self) -> bool:
        return self.current and self.review is not None and \
            self.review.state == ReviewState.ACCEPTED

    @property
    def in_clarification(self) -> bool:
        return self.current and self.review is not None and \
            self.review.state == ReviewState.CLARIFICATION_REQUESTED


@dataclass
class ReviewSheet:
    assessment: Assessment
    questionnaire: Questionnaire
    card: scoring.Scorecard
    items: list[ReviewItem]
    general_comments: list[ReviewComment]
    previous: Assessment | None  # the earlier completed cycle this one is compared with

    @property
    def changed_since_previous(self) -> int:
        return sum(1 for item in self.items if item.before and item.before.changed)

    def section_items(self, section_id: str) -> list[ReviewItem]:
        return [item for item in self.items if item.question.section_id == section_id]

    @property
    def counts(self) -> dict[str, int]:
        return {"accepted": sum(item.accepted for item in self.items),
                "clarification": sum(item.in_clarification for item in self.items),
                "pending": sum(item.pending for item in self.items)}


def review_sheet(session: Session, actor: Actor, assessment_id: int) -> ReviewSheet:
    sheet = build_sheet(session, get_assessment(session, assessment_id))
    audit.record(session, actor, "assessment.review_view", object_type="assessment",
                 object_id=assessment_id)
    return sheet


def build_sheet(session: Session, assessment: Assessment) -> ReviewSheet:
    """Everything the review page and the assessment report show; the caller audits the read."""
    questionnaire = questionnaire_of(assessment)
    rows = answers_of(session, assessment.id)
    answers = given(rows)
    reviews = reviews_of(session, assessment.id)
    files = evidence.files_of(session, assessment.id)
    card = scoring.score(questionnaire, answers, frozenset(files), accepted_ids(reviews, rows),
                         assessment.vendor.tier)
    contributions = {c.question_id: c for c in card.contributions}
    history = _history(session, rows.values())
    comments = _comments(session, assessment.id)
    visible = rules.visible_questions(questionnaire, answers)
    previous = reassessment.previous_completed(session, assessment)
    before = reassessment.compare(session, assessment, previous) if previous else {}
    items = [ReviewItem(q, answers.get(q.id), files.get(q.id, []), contributions.get(q.id),
                        reviews.get(q.id), is_current(reviews.get(q.id), rows.get(q.id)),
                        history.get(q.id, []), comments.get(q.id, []), before.get(q.id))
             for q in questionnaire.questions if q.id in visible]
    return ReviewSheet(assessment, questionnaire, card, items, comments.get(None, []), previous)


def _history(session: Session, answers: Iterable[Answer]) -> dict[str, list[AnswerChange]]:
    by_answer = {answer.id: answer.question_id for answer in answers}
    result: dict[str, list[AnswerChange]] = {}
    if not by_answer:
        return result
    for change in session.scalars(select(AnswerChange)
                                  .where(AnswerChange.answer_id.in_(by_answer))
                                  .order_by(AnswerChange.id)):
        result.setdefault(by_answer[change.answer_id], []).append(change)
    return result


def _comments(session: Session, assessment_id: int,
              partner_view: bool = False) -> dict[str | None, list[ReviewComment]]:
    query = select(ReviewComment).where(ReviewComment.assessment_id == assessment_id,
                                        ReviewComment.finding_id.is_(None))
    if partner_view:
        query = query.where(ReviewComment.internal.is_(False))
    result: dict[str | None, list[ReviewComment]] = {}
    for comment in session.scalars(query.options(joinedload(ReviewComment.author))
                                   .order_by(ReviewComment.id)):
        result.setdefault(comment.question_id, []).append(comment)
    return result


def partner_comments(session: Session,
                     assessment_id: int) -> dict[str | None, list[ReviewComment]]:
    """The comments a partner may read: never the internal ones."""
    return _comments(session, assessment_id, partner_view=True)


# --- verdicts ---------------------------------------------------------------------------------

def _reviewable(session: Session, assessment_id: int) -> Assessment:
    assessment = get_assessment(session, assessment_id)
    if assessment.status not in REVIEWABLE:
        raise DomainError("Only a submitted assessment can be reviewed.")
    return assessment


def _verdicts_given(session: Session, actor: Actor, assessment: Assessment, action: str,
                    details: dict[str, object]) -> None:
    """After any verdict: the review is under way, the score's confidence moved, and it's logged."""
    if assessment.status == AssessmentStatus.SUBMITTED:
        assessment.status = AssessmentStatus.UNDER_REVIEW
    assessment.reviewer_id = actor.user_id
    session.flush()
    rescore(session, assessment)
    audit.record(session, actor, action, object_type="assessment", object_id=assessment.id,
                 details=details)


def _visible_ids(session: Session, assessment: Assessment,
                 questionnaire: Questionnaire) -> frozenset[str]:
    return rules.visible_questions(questionnaire, given(answers_of(session, assessment.id)))


def _set_verdict(session: Session, actor: Actor, assessment: Assessment, question_id: str,
                 state: ReviewState, answer: Answer | None,
                 review: AnswerReview | None) -> AnswerReview:
    review = review or AnswerReview(assessment_id=assessment.id, question_id=question_id)
    review.state, review.answer_version = state, answer.version if answer else None
    review.carried_over_from_id = None
    review.reviewed_by_id, review.reviewed_at = actor.user_id, clock.now()
    session.add(review)
    return review


def accept(session: Session, actor: Actor, assessment_id: int,
           question_ids: Iterable[str]) -> list[str]:
    """Accept the given answers as they stand; returns the ids newly accepted."""
    assessment = _reviewable(session, assessment_id)
    questionnaire = questionnaire_of(assessment)
    visible = _visible_ids(session, assessment, questionnaire)
    wanted = list(dict.fromkeys(question_ids))
    unknown = [qid for qid in wanted if qid not in visible]
    if unknown:
        raise NotFound("No such question in this assessment.")
    rows, reviews = answers_of(session, assessment.id), reviews_of(session, assessment.id)
    done = []
    for qid in wanted:
        review = reviews.get(qid)
        if review and review.state == ReviewState.ACCEPTED and is_current(review, rows.get(qid)):
            continue
        _set_verdict(session, actor, assessment, qid, ReviewState.ACCEPTED, rows.get(qid), review)
        done.append(qid)
    if done:
        _verdicts_given(session, actor, assessment, "answer.accept", {"questions": done})
    return done


def accept_pending(session: Session, actor: Actor, assessment_id: int) -> list[str]:
    """Accept every answer that has no current verdict (clarification requests stay)."""
    assessment = _reviewable(session, assessment_id)
    rows, reviews = answers_of(session, assessment.id), reviews_of(session, assessment.id)
    visible = _visible_ids(session, assessment, questionnaire_of(assessment))
    pending = [qid for qid in visible if not is_current(reviews.get(qid), rows.get(qid))]
    return accept(session, actor, assessment_id, sorted(pending)) if pending else []


def _clean_comment(body: str) -> str:
    return clean_text(body, missing="Write the comment first.",
                      too_long="Keep the comment under {limit} characters.")


def request_clarification(session: Session, actor: Actor, assessment_id: int, question_id: str,
                          comment: str) -> AnswerReview:
    """Flag one answer for the partner to clarify; the comment is addressed to the partner."""
    body = _clean_comment(comment)
    assessment = _reviewable(session, assessment_id)
    if question_id not in _visible_ids(session, assessment, questionnaire_of(assessment)):
        raise NotFound("No such question in this assessment.")
    answer = answers_of(session, assessment.id).get(question_id)
    review = _set_verdict(session, actor, assessment, question_id,
                          ReviewState.CLARIFICATION_REQUESTED, answer,
                          reviews_of(session, assessment.id).get(question_id))
    session.add(ReviewComment(assessment_id=assessment.id, question_id=question_id,
                              internal=False, body=body, author_id=actor.user_id,
                              created_at=clock.now()))
    _verdicts_given(session, actor, assessment, "answer.clarification_requested",
                    {"question": question_id})
    return review


def add_comment(session: Session, actor: Actor, assessment: Assessment, question_id: str | None,
                body: str, internal: bool) -> ReviewComment:
    """A comment by a reviewer (internal or for the partner) or by the partner (never internal)."""
    comment = ReviewComment(assessment_id=assessment.id, question_id=question_id,
                            internal=internal, body=_clean_comment(body),
                            author_id=actor.user_id, created_at=clock.now())
    session.add(comment)
    session.flush()
    audit.record(session, actor, "assessment.comment", object_type="assessment",
                 object_id=assessment.id, details={"comment_id": comment.id,
                                                   "question": question_id,
                                                   "internal": internal})
    return comment


def add_partner_note(session: Session, actor: Actor, assessment: Assessment,
                     questionnaire: Questionnaire, question_id: str, body: str) -> ReviewComment:
    """A partner's note on a question reopened for clarification."""
    if assessment.status != AssessmentStatus.RETURNED or \
            question_id not in editable_questions(session, assessment, questionnaire):
        raise DomainError("Notes can only be added to questions reopened for clarification.")
    return add_comment(session, actor, assessment, question_id, body, internal=False)


def comment(session: Session, actor: Actor, assessment_id: int, question_id: str | None,
            body: str, internal: bool) -> ReviewComment:
    """A reviewer's comment on a question or the whole assessment, internal or for the partner."""
    assessment = get_assessment(session, assessment_id)
    if assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.CANCELLED):
        raise DomainError("This assessment takes no comments.")
    if question_id is not None and questionnaire_of(assessment).question(question_id) is None:
        raise NotFound("No such question in this assessment.")
    return add_comment(session, actor, assessment, question_id, body, internal)


def _returned_email(portal: Portal, assessment: Assessment, count: int) -> tuple[str, str]:
    title = assessment.questionnaire_version.title
    subject = (f"{portal.organization}: questions about your answers to \"{title}\" / "
               "关于问卷回答的问题")
    link = f"{portal.public_url.rstrip('/')}/partner/"
    body = (f"{portal.organization} has reviewed the answers {assessment.vendor.name} submitted "
            f"to \"{title}\" and asks you to clarify {count} of them.\n\n"
            f"Sign in to the portal to read the reviewer's questions, change those answers if "
            f"needed, and submit again:\n{link}\n\n----\n\n"
            f"{portal.organization} 已审阅 {assessment.vendor.name} 提交的问卷“{title}”，"
            f"请就其中 {count} 个回答作出说明。\n\n"
            f"请登录门户查看审阅人的问题，按需修改这些回答后重新提交：\n{link}\n")
    return subject, body


def return_to_partner(session: Session, actor: Actor, portal: Portal,
                      assessment_id: int) -> list[str]:
    """Send the assessment back with the flagged questions reopened, and tell the firm's
    invited contacts by email; returns the reopened question ids."""
    assessment = _reviewable(session, assessment_id)
    flagged = sorted(flagged_for_clarification(session, assessment.id))
    if not flagged:
        raise DomainError("Ask for clarification on at least one answer before returning the "
                          "questionnaire.")
    reviews = reviews_of(session, assessment.id)
    for qid in flagged:
        reviews[qid].reopened = True
    assessment.status = AssessmentStatus.RETURNED
    subject, body = _returned_email(portal, assessment, len(flagged))
    for address in sorted({invitation.contact.email for invitation in assessment.invitations}):
        mail.enqueue(session, kind="clarification", to=address, subject=subject, body=body)
    session.flush()
    audit.record(session, actor, "assessment.return", object_type="assessment",
                 object_id=assessment.id, details={"questions": flagged})
    return flagged


def complete_review(session: Session, actor: Actor, assessment_id: int) -> scoring.Scorecard:
    """Every visible answer accepted: the assessment goes to a manager for a decision."""
    assessment = _reviewable(session, assessment_id)
    questionnaire = questionnaire_of(assessment)
    rows, reviews = answers_of(session, assessment.id), reviews_of(session, assessment.id)
    visible = rules.visible_questions(questionnaire, given(rows))
    accepted = accepted_ids(reviews, rows)
    open_items = [qid for qid in visible if qid not in accepted]
    if open_items:
        raise DomainError(f"{len(open_items)} answer(s) are not accepted yet; accept them or "
                          "return the questionnaire for clarification.")
    assessment.status, assessment.reviewed_at = AssessmentStatus.REVIEWED, clock.now()
    assessment.reviewer_id = actor.user_id
    card = rescore(session, assessment)
    audit.record(session, actor, "assessment.review_complete", object_type="assessment",
                 object_id=assessment.id, details={"score": card.overall})
    return card
