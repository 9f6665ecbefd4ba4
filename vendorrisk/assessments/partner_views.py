"""The partner's side: exchanging an invitation link for an account, and the firm's home page.

Every query here is scoped by the signed-in partner's own firm, never by an id from the URL.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk import clock, csrf, db
from vendorrisk.accounts.roles import Role
from vendorrisk.accounts.views import begin_session
from vendorrisk.assessments import answering, evidence, findings, review, submitting
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.files_web import storage
from vendorrisk.assessments.forms import AcceptInvitationForm, SubmitForm
from vendorrisk.assessments.models import Assessment, AssessmentStatus
from vendorrisk.downloads import attachment
from vendorrisk.errors import DomainError
from vendorrisk.forms import PostForm
from vendorrisk.i18n import gettext as _
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires import conditions
from vendorrisk.questionnaires.schema import Questionnaire, Section
from vendorrisk.security.policy import public, roles
from vendorrisk.security.web import client_ip, current_actor

bp = Blueprint("partner", __name__)
PENDING_INVITATION = "pending_invitation"


@bp.route("/invite/<token>")
@public
def open_invitation(token: str) -> Response:
    """Check the link, then continue on a URL without the token (history, referrers, logs)."""
    assessments.invitation_by_token(db.session(), token)
    session.clear()
    session[PENDING_INVITATION] = token
    return redirect(url_for("partner.accept_invitation"))


@bp.route("/invite/accept", methods=["GET", "POST"])
@public
def accept_invitation() -> str | Response | tuple[str, int]:
    token = session.get(PENDING_INVITATION)
    if not token:
        raise assessments.InvitationUnusable(
            "Open the link from your invitation email to continue.")
    invitation = assessments.invitation_by_token(db.session(), token)
    assessment = assessments.get_assessment(db.session(), invitation.assessment_id)
    form = AcceptInvitationForm()
    invited = next(i.contact for i in assessment.invitations if i.id == invitation.id)
    if not form.is_submitted():
        form.name.data = invited.name
    if form.validate_on_submit():
        try:
            user = assessments.accept(db.session(), token, name=form.name.data or "",
                                      password=form.password.data or "", ip=client_ip(),
                                      min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except DomainError as error:
            db.rollback_if_open()
            form.password.errors = [*form.password.errors, error.message]
        else:
            begin_session(user)
            return redirect(url_for("partner.home"))
    return render_template("partner/accept.html", form=form, contact=invited,
                           vendor=assessment.vendor)


@bp.route("/partner/")
@roles(Role.PARTNER)
def home() -> str:
    found = assessments.partner_assessments(db.session(), current_user.vendor_id)
    progress = {a.id: answering.overall_progress(db.session(), a) for a in found}
    return render_template("partner/home.html", assessments=found, progress=progress,
                           findings=findings.of_vendor(db.session(), current_user.vendor_id),
                           today=clock.now().date(), is_overdue=findings.is_overdue)


def _language(questionnaire: Questionnaire) -> str:
    """The questionnaire's language for this partner: chosen on the page, else the browser's."""
    chosen = request.args.get("lang")
    if chosen in questionnaire.languages:
        session["questionnaire_language"] = chosen
    remembered = session.get("questionnaire_language")
    if remembered in questionnaire.languages:
        return remembered
    return request.accept_languages.best_match(questionnaire.languages) or \
        questionnaire.languages[0]


@bp.route("/partner/assessments/<int:assessment_id>")
@roles(Role.PARTNER)
def assessment(assessment_id: int) -> Response:
    found = answering.partner_assessment(db.session(), current_user.vendor_id, assessment_id)
    first = answering.questionnaire_of(found).sections[0]
    return redirect(url_for("partner.section", assessment_id=found.id, section_id=first.id))


def _submitted(section_question_ids: set[str]) -> dict[str, answering.Submitted]:
    submitted = {}
    for key, version in request.form.items():
        qid = key.removeprefix("v-")
        if key.startswith("v-") and qid in section_question_ids:
            base = int(version) if version.isdigit() else None
            submitted[qid] = answering.Submitted(request.form.getlist(f"q-{qid}"), base)
    return submitted


@bp.route("/partner/assessments/<int:assessment_id>/<section_id>", methods=["GET", "POST"])
@roles(Role.PARTNER)
@csrf.exempt  # checked below instead, so a stale token re-shows the typed answers, not an error
def section(assessment_id: int, section_id: str) -> str | Response | tuple[str, int]:
    found = answering.partner_assessment(db.session(), current_user.vendor_id, assessment_id)
    questionnaire = answering.questionnaire_of(found)
    current_section = next((s for s in questionnaire.sections if s.id == section_id), None)
    if current_section is None:
        abort(404)
    result = answering.SaveResult()
    typed: dict[str, list[str]] = {}
    stale_form = False
    if request.method == "POST":
        submitted = _submitted({q.id for q in current_section.questions})
        typed = {qid: sent.raw for qid, sent in submitted.items()}
        stale_form = not PostForm().validate_on_submit()
    if request.method == "POST" and not stale_form:
        result = answering.save_section(db.session(), current_actor(), found, questionnaire,
                                        current_section, submitted)
        _store_uploads(found, questionnaire, current_section, result)
        if _wants_json():
            return _save_report(found, questionnaire, result)
        _store_notes(found, questionnaire, current_section, result)
        if not result.errors and not result.conflicts:
            flash(_("Saved."), "info")
            target = request.form.get("then") or current_section.id
            if target not in {s.id for s in questionnaire.sections}:
                target = current_section.id
            return redirect(url_for("partner.section", assessment_id=found.id,
                                    section_id=target))
    stored = answering.answers_of(db.session(), found.id)
    given = answering.given(stored)
    files = evidence.files_of(db.session(), found.id)
    visible = rules.visible_questions(questionnaire, given)
    values = {qid: rules.form_values(answer) for qid, answer in given.items()}
    values.update({qid: raw for qid, raw in typed.items() if stale_form or qid in result.errors
                   or qid in result.conflicts})
    if stale_form:
        if _wants_json():
            return jsonify({"errors": {}, "conflicts": {}, "versions": {}, "stale": True}), 400
        flash(_("Your answers were not saved because the page had expired. They are shown "
                "again below: check them and press Save."), "error")
    index = [s.id for s in questionnaire.sections].index(current_section.id)
    earlier = {q.id for s in questionnaire.sections[:index] for q in s.questions}
    status = 400 if stale_form else 422 if result.errors or result.conflicts else 200
    language = _language(questionnaire)
    conflicts = {qid: rules.display(questionnaire.question(qid), theirs, language,  # type: ignore[arg-type]
                                    _("no answer"), _("Not applicable"))
                 for qid, theirs in result.conflicts.items()}
    return render_template(
        "partner/section.html", assessment=found, questionnaire=questionnaire,
        section=current_section, language=language, visible=visible, conflicts=conflicts,
        values=values, versions={qid: a.version for qid, a in stored.items()},
        result=result, form=PostForm(), files=files,
        overall=rules.progress(questionnaire.questions, visible, given, frozenset(files)),
        section_progress={s.id: rules.progress(s.questions, visible, given, frozenset(files))
                          for s in questionnaire.sections},
        next_section=questionnaire.sections[index + 1] if index + 1 < len(
            questionnaire.sections) else None,
        not_applicable=rules.NOT_APPLICABLE,
        editable=answering.editable_questions(db.session(), found, questionnaire),
        comments=review.partner_comments(db.session(), found.id),
        returned=found.status == AssessmentStatus.RETURNED,
        flagged=answering.reopened_questions(db.session(), found.id),
        conditions={q.id: conditions.to_json(q.condition) for q in current_section.questions
                    if q.condition is not None},
        known=[[qid, questionnaire.question(qid).type, rules.form_values(a)]  # type: ignore[union-attr]
               for qid, a in given.items() if qid in earlier and qid in visible],
        max_mb=int(current_app.config["EVIDENCE_MAX_BYTES"]) // 1_048_576,
    ), status


def _store_uploads(assessment: Assessment, questionnaire: Questionnaire, section: Section,
                   result: answering.SaveResult) -> None:
    """Files sent with the section, each checked on its own; a refused one is reported on its
    question and the rest of the save stands."""
    editable = answering.editable_questions(db.session(), assessment, questionnaire)
    visible = rules.visible_questions(
        questionnaire, answering.given(answering.answers_of(db.session(), assessment.id)))
    for question in section.questions:
        if question.id not in visible or question.id not in editable or not (
                question.type == "evidence" or question.requires_evidence):
            continue
        for upload in request.files.getlist(f"f-{question.id}"):
            if not upload or not upload.filename:
                continue
            try:
                evidence.store(db.session(), current_actor(), storage(), assessment,
                               question.id, upload.filename, upload.stream)
            except DomainError as error:
                result.errors[question.id] = error.message


def _store_notes(assessment: Assessment, questionnaire: Questionnaire, section: Section,
                 result: answering.SaveResult) -> None:
    """Notes to the reviewer on reopened questions; a refused one is reported on its question."""
    for question in section.questions:
        note = request.form.get(f"n-{question.id}", "")
        if not note.strip():
            continue
        try:
            review.add_partner_note(db.session(), current_actor(), assessment, questionnaire,
                                    question.id, note)
        except DomainError as error:
            result.errors[question.id] = error.message


@bp.route("/partner/evidence/<int:evidence_id>")
@roles(Role.PARTNER)
def download(evidence_id: int) -> Response:
    item = evidence.find(db.session(), evidence_id, vendor_id=current_user.vendor_id)
    data = evidence.read(db.session(), current_actor(), storage(), item)
    return attachment(item.original_name, data)


@bp.route("/partner/evidence/<int:evidence_id>/remove", methods=["POST"])
@roles(Role.PARTNER)
def remove(evidence_id: int) -> Response:
    item = evidence.find(db.session(), evidence_id, vendor_id=current_user.vendor_id)
    found = answering.partner_assessment(db.session(), current_user.vendor_id,
                                         item.assessment_id)
    if not PostForm().validate_on_submit():
        abort(400)
    questionnaire = answering.questionnaire_of(found)
    if item.question_id not in answering.editable_questions(db.session(), found, questionnaire):
        raise DomainError(_("This answer is locked and its files can no longer be changed."))
    evidence.remove(db.session(), current_actor(), storage(), item)
    flash(_("File removed."), "info")
    section_id = questionnaire.question(item.question_id).section_id  # type: ignore[union-attr]
    return redirect(url_for("partner.section", assessment_id=found.id, section_id=section_id))


@bp.route("/partner/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@roles(Role.PARTNER)
def submit(assessment_id: int) -> str | Response:
    found = answering.partner_assessment(db.session(), current_user.vendor_id, assessment_id)
    if found.status not in answering.EDITABLE:
        return redirect(url_for("partner.receipt", assessment_id=found.id))
    questionnaire = answering.questionnaire_of(found)
    missing = submitting.missing_items(db.session(), found, questionnaire)
    form = SubmitForm()
    if not form.is_submitted():
        form.name.data = current_user.name
    if not missing and form.validate_on_submit():
        try:
            submitting.submit(db.session(), current_actor(), found, questionnaire,
                             name=form.name.data or "", position=form.position.data or "")
        except DomainError as error:
            db.rollback_if_open()
            form.form_errors.append(error.message)
        else:
            return redirect(url_for("partner.receipt", assessment_id=found.id))
    return render_template("partner/submit.html", assessment=found, questionnaire=questionnaire,
                           missing=missing, form=form, language=_language(questionnaire),
                           statement=submitting.ATTESTATION.format(firm=found.vendor.name))


@bp.route("/partner/assessments/<int:assessment_id>/receipt")
@roles(Role.PARTNER)
def receipt(assessment_id: int) -> str | Response:
    found = answering.partner_assessment(db.session(), current_user.vendor_id, assessment_id)
    submission = submitting.latest_submission(db.session(), found.id)
    if submission is None:
        return redirect(url_for("partner.assessment", assessment_id=found.id))
    questionnaire = answering.questionnaire_of(found)
    language = _language(questionnaire)
    content = json.loads(submission.content_json)
    answered = {qid: rules.from_json(a["value"], a["not_applicable"])
                for qid, a in content["answers"].items()}
    files = evidence.files_of(db.session(), found.id)
    rows = [(q, rules.display(q, answered.get(q.id), language, "", _("Not applicable")))
            for q in questionnaire.questions if q.id in answered or q.id in content["evidence"]]
    return render_template("partner/receipt.html", assessment=found,
                           questionnaire=questionnaire, submission=submission, rows=rows,
                           files=files, language=language)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _save_report(assessment: Assessment, questionnaire: Questionnaire,
                 result: answering.SaveResult) -> tuple[Response, int]:
    """What the autosave script needs: new versions, and messages for what was not saved."""
    versions = {qid: a.version for qid, a in answering.answers_of(db.session(),
                                                                    assessment.id).items()}
    language = _language(questionnaire)
    conflicts = {qid: rules.display(questionnaire.question(qid), theirs, language,  # type: ignore[arg-type]
                                    _("no answer"), _("Not applicable"))
                 for qid, theirs in result.conflicts.items()}
    body = {"saved": result.saved, "errors": result.errors, "versions": versions,
            "conflicts": {qid: _("Someone else at your firm saved this answer while you were "
                                 "editing: “%(theirs)s”. Reload the page to see it.",
                                 theirs=text) for qid, text in conflicts.items()}}
    return jsonify(body), 422 if result.errors or result.conflicts else 200
