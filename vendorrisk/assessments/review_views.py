"""Reviewers go through a submitted assessment answer by answer; managers read along."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import clock, db
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import INTERNAL_ROLES, VENDOR_EDITORS
from vendorrisk.assessments import answering, decisions, findings, review
from vendorrisk.assessments.models import AssessmentStatus, DecisionOutcome, FindingSeverity
from vendorrisk.assessments.views import portal
from vendorrisk.errors import DomainError
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.labels import label
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires.schema import Questionnaire
from vendorrisk.security.policy import roles
from vendorrisk.security.web import current_actor

bp = Blueprint("review", __name__, url_prefix="/assessments")


def reader_language(questionnaire: Questionnaire) -> str:
    """The reviewer's language when the questionnaire has it, else the questionnaire's first."""
    language = str(get_locale() or "")[:2]
    return language if language in questionnaire.languages else questionnaire.languages[0]


@bp.route("/<int:assessment_id>/review")
@roles(INTERNAL_ROLES)
def sheet(assessment_id: int) -> str:
    found = review.review_sheet(db.session(), current_actor(), assessment_id)
    language = reader_language(found.questionnaire)
    return render_template(
        "assessments/review.html", sheet=found, assessment=found.assessment,
        questionnaire=found.questionnaire, card=found.card, language=language,
        describe=lambda question, answer: rules.display(question, answer, language,
                                                        _("no answer"), _("Not applicable")),
        stored=answering.stored,
        reviewing=found.assessment.status in review.REVIEWABLE, form=PostForm(),
        Status=AssessmentStatus, findings=findings.of_assessment(db.session(), assessment_id),
        severities=list(FindingSeverity), outcomes=list(DecisionOutcome),
        decision=decisions.decision_of(db.session(), assessment_id), today=clock.now().date(),
        is_overdue=findings.is_overdue, can_decide=current_user.role in decisions.DECIDERS,
        owners=accounts.users_with_roles(db.session(), VENDOR_EDITORS))


def _back(assessment_id: int, question_id: str) -> Response:
    target = url_for("review.sheet", assessment_id=assessment_id)
    return redirect(f"{target}#question-{question_id}" if question_id else target)


@bp.route("/<int:assessment_id>/review/"
          "<any(accept, 'accept-pending', clarify, comment, return, complete):action>",
          methods=["POST"])
@roles(VENDOR_EDITORS)
def act(assessment_id: int, action: str) -> Response:
    """One review action from a plain form; what the service refuses comes back as a flash."""
    question_id = request.form.get("question", "")
    if not PostForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return _back(assessment_id, question_id)
    session, actor = db.session(), current_actor()
    body = request.form.get("body", "")
    try:
        if action == "accept":
            review.accept(session, actor, assessment_id, request.form.getlist("question"))
        elif action == "accept-pending":
            accepted = review.accept_pending(session, actor, assessment_id)
            flash(_("%(n)s answer(s) accepted.", n=len(accepted)), "info")
        elif action == "clarify":
            review.request_clarification(session, actor, assessment_id, question_id, body)
        elif action == "comment":
            review.comment(session, actor, assessment_id, question_id or None, body,
                           internal=bool(request.form.get("internal")))
        elif action == "return":
            reopened = review.return_to_partner(session, actor, portal(), assessment_id)
            flash(_("Returned to the partner with %(n)s question(s) reopened.", n=len(reopened)),
                  "info")
        else:
            review.complete_review(session, actor, assessment_id)
            flash(_("Review complete: the assessment now waits for a manager's decision."),
                  "info")
    except DomainError as error:
        db.rollback_if_open()
        flash(error.message, "error")
    return _back(assessment_id, question_id)


@bp.route("/<int:assessment_id>/decide", methods=["POST"])
@roles(decisions.DECIDERS)
def decide(assessment_id: int) -> Response:
    back = redirect(url_for("review.sheet", assessment_id=assessment_id) + "#decision")
    if not PostForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return back
    try:
        outcome = DecisionOutcome(request.form.get("outcome", ""))
    except ValueError:
        flash(_("Choose a decision."), "error")
        return back
    try:
        decisions.decide(db.session(), current_actor(), assessment_id, outcome,
                         request.form.get("reason", ""))
    except DomainError as error:
        db.rollback_if_open()
        flash(error.message, "error")
    else:
        flash(_("Decision recorded: %(outcome)s.", outcome=label(outcome)), "info")
    return back
