"""The demo's past: each firm's questionnaires sent, answered, reviewed and decided, through the
same services the portal's pages call, at the moments the plan says (history_plan.py).

Each firm's history is a story: a generator that yields the moment of its next step, then takes
it. ``play`` runs the steps of all the stories in time order with the clock set to each step's
moment, so every row, score and audit entry is dated as if it had happened then, and the audit
log reads in order like a real one.
"""

from __future__ import annotations

import heapq
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import AgreementKind, AgreementStatus
from vendorrisk.assessments import (
    answering,
    decisions,
    evidence,
    findings,
    review,
    submitting,
)
from vendorrisk.assessments import service as assessments
from vendorrisk.assessments.models import Assessment, Finding
from vendorrisk.audit.chain import Actor
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.offboarding import service as offboarding
from vendorrisk.questionnaires import answers as rules
from vendorrisk.questionnaires.schema import Question, Questionnaire, Section
from vendorrisk.scheduling.cadence import add_months
from vendorrisk.seed import pdf
from vendorrisk.seed.demo_data import DemoVendor
from vendorrisk.seed.history_plan import FULL, Cycle, Plan, Stage, english_name
from vendorrisk.seed.partner_answers import Profile, form_values
from vendorrisk.seed.texts import (
    CLARIFICATION_REQUEST,
    CLARIFICATION_REQUESTS,
    CLOSING_NOTE,
    DECISION_REASONS,
    EVIDENCE_DOCUMENTS,
    NDA_TERMS,
    NDA_TITLE,
    PARTNER_NOTE,
    REMEDIATION_PLAN,
    REVIEWER_FINDINGS,
)
from vendorrisk.vendors.models import Contact, Vendor

# The pace of a cycle: a partner opens the link a day later and saves a section every 16 hours;
# the reviewer looks four days after a submission; the manager decides three days later.
LINK_OPENED = timedelta(days=1, hours=2)
SECTION_EVERY = timedelta(hours=16)
SUBMIT_AFTER = timedelta(days=1)
REVIEW_AFTER = timedelta(days=4)
FIX_AFTER = timedelta(days=3)
DECIDE_AFTER = timedelta(days=3)
RESPOND_AFTER = timedelta(days=21)
CLOSE_AFTER = timedelta(days=14)
NDA_BEFORE_DAYS = 14  # the NDA is signed two weeks before the first full questionnaire
NDA_SURVIVAL_MONTHS = 60
OFFICE_IP = "192.0.2.10"  # documentation addresses (RFC 5737): nobody's real network


@dataclass(frozen=True)
class Setting:
    """What the stories need from the portal's configuration."""

    portal: assessments.Portal
    questionnaires: Path
    storage: evidence.Storage
    agreements: agreements.DocumentStore
    signatory: str  # who signs agreements for the company
    password: str  # every demo account's
    min_length: int


@dataclass
class Firm:
    """One firm's story: who takes part, and the partner once the invitation is accepted."""

    session: Session
    setting: Setting
    reviewer: Actor
    manager: Actor
    demo: DemoVendor
    plan: Plan
    today: datetime  # "0 days ago" for this firm: a time of its working day
    ip: str
    vendor: Vendor | None = None
    partner: Actor | None = None

    def days_ago(self, days: int) -> datetime:
        return self.today - timedelta(days=days)


# --- playing the stories in time order ---------------------------------------------------------

class _Ticking:
    """The clock stopped at a step's moment, a millisecond further at each reading, so rows
    written in one step keep their order."""

    def __init__(self, moment: datetime) -> None:
        self.moment, self.ticks = moment, 0

    def __call__(self) -> datetime:
        self.ticks += 1
        return self.moment + timedelta(milliseconds=self.ticks)


def play(stories: Iterable[Iterator[datetime]], until: datetime) -> None:
    """Take every story's steps in time order, each at its moment, none after ``until``."""
    queue: list[tuple[datetime, int, Iterator[datetime]]] = []
    for order, story in enumerate(stories):
        _next_step(queue, order, story, None, until)
    try:
        while queue:
            moment, order, story = heapq.heappop(queue)
            clock.use(_Ticking(moment))
            _next_step(queue, order, story, moment, until)
    finally:
        clock.use(None)


def _next_step(queue: list[tuple[datetime, int, Iterator[datetime]]], order: int,
               story: Iterator[datetime], now: datetime | None, until: datetime) -> None:
    """Take the story's current step (everything up to its next yield) and queue the next."""
    moment = next(story, None)
    if moment is None:
        return
    if moment > until or (now is not None and moment < now):
        raise ValueError(f"The demo plan puts a step at {moment:%Y-%m-%d %H:%M}, out of order.")
    heapq.heappush(queue, (moment, order, story))


# --- one firm's story ------------------------------------------------------------------------

def story(firm: Firm, vendor: Vendor) -> Iterator[datetime]:
    """The firm signs the NDA if it is to see the full questionnaire, then goes through its
    cycles in turn; in each, it fixes what the cycles before it found."""
    firm.vendor = vendor
    full = [cycle.sent for cycle in firm.plan.cycles if cycle.questionnaire == FULL]
    if full:
        yield firm.days_ago(full[0] + NDA_BEFORE_DAYS)
        _sign_nda(firm)
    found: set[str] = set()
    for cycle in firm.plan.cycles:
        profile = Profile(firm.plan.quality, frozenset(cycle.weak), frozenset(cycle.gaps),
                          frozenset(found - {*cycle.weak, *cycle.gaps}))
        yield from _cycle(firm, cycle, profile)
        found |= {*cycle.weak, *cycle.gaps}
    if firm.plan.offboarded is not None:
        yield firm.days_ago(firm.plan.offboarded)
        portal = firm.setting.portal
        offboarding.offboard(firm.session, firm.reviewer, vendor.id, vendor.version,
                             "engagement completed", offboarding.OffboardingSettings(
                                 retention_days=180, certificate_days=30,
                                 public_url=portal.public_url,
                                 organization=portal.organization))


class _Pace:
    """Where a cycle has got to in time; each step comes a while after the one before."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def after(self, delay: timedelta) -> datetime:
        self.moment += delay
        return self.moment


def _cycle(firm: Firm, cycle: Cycle, profile: Profile) -> Iterator[datetime]:
    """One questionnaire, as far as the plan's stage: each phase includes the ones before."""
    pace = _Pace(firm.days_ago(cycle.sent))
    yield pace.moment
    assessment = _send(firm, cycle)
    if cycle.stage >= Stage.IN_PROGRESS:
        yield from _fill_in(firm, cycle, profile, assessment, pace)
    if cycle.stage >= Stage.SUBMITTED:
        yield pace.after(SUBMIT_AFTER)
        _submit(firm, assessment)
    if cycle.clarify and cycle.stage >= Stage.RETURNED:
        yield from _clarification(firm, cycle, profile, assessment, pace)
    if cycle.stage >= Stage.REVIEWED:
        yield pace.after(REVIEW_AFTER)
        _review(firm, assessment, cycle)
    if cycle.stage == Stage.DECIDED:
        yield pace.after(DECIDE_AFTER)
        conditions = _decide(firm, assessment, cycle)
        yield from _follow_up(firm, cycle, conditions, pace)


def _fill_in(firm: Firm, cycle: Cycle, profile: Profile, assessment: Assessment,
             pace: _Pace) -> Iterator[datetime]:
    """The contact opens the invitation, then saves the questionnaire page by page."""
    yield pace.after(LINK_OPENED)
    firm.partner = firm.partner or _accept_invitation(firm, assessment)
    questionnaire = answering.questionnaire_of(assessment)
    wanted = form_values(questionnaire, firm.demo, profile, pace.moment.date())
    pages = cycle.sections if cycle.stage == Stage.IN_PROGRESS else None
    for section in questionnaire.sections[:pages]:
        yield pace.after(SECTION_EVERY)
        _fill(firm, assessment, questionnaire, section, wanted)


def _clarification(firm: Firm, cycle: Cycle, profile: Profile, assessment: Assessment,
                   pace: _Pace) -> Iterator[datetime]:
    """The reviewer sends it back with questions; unless the plan stops there, the partner
    answers them better and submits again."""
    yield pace.after(REVIEW_AFTER)
    _ask(firm, assessment, cycle.clarify)
    if cycle.stage == Stage.RETURNED:
        return
    yield pace.after(FIX_AFTER)
    _clarify(firm, assessment, replace(profile, best=profile.best | frozenset(cycle.clarify)),
             cycle.clarify)


# --- the steps -------------------------------------------------------------------------------

def _sign_nda(firm: Firm) -> None:
    """The firm signs our NDA: the portal sends the full questionnaire only under one."""
    assert firm.vendor is not None
    today, their_signatory = clock.now().date(), firm.demo.contacts[0].name
    details = agreements.AgreementDetails(
        AgreementKind.NDA, AgreementStatus.SIGNED, title=NDA_TITLE, signed_on=today,
        effective_on=today, expires_on=add_months(today, 12 * firm.plan.nda_years),
        our_signatory=firm.setting.signatory, their_signatory=their_signatory,
        survival_months=NDA_SURVIVAL_MONTHS)
    signed = pdf.document(NDA_TITLE, [english_name(firm.setting.portal.organization),
                                      english_name(firm.demo.name), "", *NDA_TERMS, "",
                                      f"Signed {today.isoformat()}: {firm.setting.signatory}; "
                                      f"{english_name(their_signatory)}"])
    # The same size limit as the agreement pages apply to uploads.
    agreements.record(firm.session, firm.reviewer, firm.setting.agreements,
                      firm.setting.storage.max_bytes, firm.vendor.id, details,
                      agreements.Upload("nda-signed.pdf", signed))


def _send(firm: Firm, cycle: Cycle) -> Assessment:
    assert firm.vendor is not None
    contact = firm.session.scalar(select(Contact).where(Contact.vendor_id == firm.vendor.id,
                                                        Contact.is_primary.is_(True)))
    assert contact is not None
    request = assessments.SendRequest(firm.vendor.id, cycle.questionnaire,
                                      frozenset({contact.id}),
                                      clock.now().date() + timedelta(days=cycle.due_in))
    sent = assessments.send(firm.session, firm.reviewer, firm.setting.portal,
                            firm.setting.questionnaires, request)
    return assessments.get_assessment(firm.session, sent.id)


def _accept_invitation(firm: Firm, assessment: Assessment) -> Actor:
    """Follow the link in the invitation email, as the contact would, and set a password."""
    invitation = assessment.invitations[0]
    email = firm.session.get(OutboxEmail, invitation.email_id)
    link = re.search(r"/invite/(\S+)", email.body_text) if email else None
    assert link is not None, "the invitation email carries its link"
    user = assessments.accept(firm.session, link.group(1), name=invitation.contact.name,
                              password=firm.setting.password, ip=firm.ip,
                              min_length=firm.setting.min_length)
    return Actor(user.id, user.role.value, firm.ip)


def _fill(firm: Firm, assessment: Assessment, questionnaire: Questionnaire, section: Section,
          wanted: dict[str, list[str]]) -> None:
    """Save one page of the questionnaire from the answers the firm wants to give (the service
    skips those unchanged), then attach the documents the answers call for."""
    assert firm.partner is not None
    rows = answering.answers_of(firm.session, assessment.id)
    submitted = {q.id: answering.Submitted(wanted[q.id], rows[q.id].version if q.id in rows
                                           else None)
                 for q in section.questions if q.id in wanted}
    result = answering.save_section(firm.session, firm.partner, assessment, questionnaire,
                                    section, submitted)
    if result.errors or result.conflicts:
        raise ValueError(f"Demo answers refused for {firm.demo.name}: {result.errors}")
    _attach_evidence(firm, assessment, questionnaire, section)


def _attach_evidence(firm: Firm, assessment: Assessment, questionnaire: Questionnaire,
                     section: Section) -> None:
    assert firm.partner is not None
    given = answering.given(answering.answers_of(firm.session, assessment.id))
    visible = rules.visible_questions(questionnaire, given)
    files = evidence.files_of(firm.session, assessment.id)
    for question in section.questions:
        answer = given.get(question.id)
        if question.id in visible and question.id not in files and (
                question.type == "evidence" or rules.evidence_needed(question, answer)):
            name, data = _evidence_document(firm, question, answer)
            evidence.store(firm.session, firm.partner, firm.setting.storage, assessment,
                           question.id, name, io.BytesIO(data))


def _evidence_document(firm: Firm, question: Question,
                       answer: rules.StoredAnswer | None) -> tuple[str, bytes]:
    """A PDF that stands for the firm's document; the same answer gives the same bytes, so
    attaching it again in the next cycle counts as unchanged."""
    name, title = EVIDENCE_DOCUMENTS.get(question.id, (f"{question.id}.pdf", "Supporting document"))
    lines = [english_name(firm.demo.name),
             f"For: {english_name(firm.setting.portal.organization)}", "",
             f"Question: {question.text.get('en', '')}"]
    if answer is not None:
        lines.append(f"Our practice: {rules.display(question, answer, 'en', '', '')}")
    lines += ["", f"Owner: {english_name(firm.demo.contacts[0].name)}"]
    return name, pdf.document(title, lines)


def _submit(firm: Firm, assessment: Assessment) -> None:
    assert firm.partner is not None
    contact = firm.demo.contacts[0]
    submitting.submit(firm.session, firm.partner, assessment,
                      answering.questionnaire_of(assessment), name=contact.name,
                      position=contact.role)


def _ask(firm: Firm, assessment: Assessment, questions: tuple[str, ...]) -> None:
    """The reviewer asks about some answers, accepts the rest, and sends it back."""
    for qid in questions:
        review.request_clarification(firm.session, firm.reviewer, assessment.id, qid,
                                     CLARIFICATION_REQUESTS.get(qid, CLARIFICATION_REQUEST))
    review.accept_pending(firm.session, firm.reviewer, assessment.id)
    review.return_to_partner(firm.session, firm.reviewer, firm.setting.portal, assessment.id)


def _clarify(firm: Firm, assessment: Assessment, profile: Profile,
             questions: tuple[str, ...]) -> None:
    """The partner improves the answers asked about (only those are open), explains, resubmits."""
    assert firm.partner is not None
    questionnaire = answering.questionnaire_of(assessment)
    wanted = form_values(questionnaire, firm.demo, profile, clock.now().date())
    for section in questionnaire.sections:
        if any(q.id in questions for q in section.questions):
            _fill(firm, assessment, questionnaire, section, wanted)
    for qid in questions:
        review.add_partner_note(firm.session, firm.partner, assessment, questionnaire, qid,
                                PARTNER_NOTE)
    _submit(firm, assessment)


def _review(firm: Firm, assessment: Assessment, cycle: Cycle) -> None:
    """Accept every answer (the clarified ones explicitly: the note may be the whole reply),
    raise a finding on each gap, and hand the assessment to the manager."""
    review.accept(firm.session, firm.reviewer, assessment.id, cycle.clarify)
    review.accept_pending(firm.session, firm.reviewer, assessment.id)
    for qid in cycle.gaps:
        severity, title, description, remediation = REVIEWER_FINDINGS[qid]
        findings.raise_finding(firm.session, firm.reviewer, assessment.id, findings.NewFinding(
            severity, title, description, remediation, due_date=None, owner_id=None,
            question_id=qid))
    review.complete_review(firm.session, firm.reviewer, assessment.id)


def _decide(firm: Firm, assessment: Assessment, cycle: Cycle) -> list[Finding]:
    """The manager decides; returns the findings open at the time, the decision's conditions."""
    assert cycle.outcome is not None
    conditions = findings.open_of_assessment(firm.session, assessment.id)
    decisions.decide(firm.session, firm.manager, assessment.id, cycle.outcome,
                     DECISION_REASONS[cycle.outcome].format(findings=len(conditions)))
    return conditions


def _follow_up(firm: Firm, cycle: Cycle, conditions: list[Finding],
               pace: _Pace) -> Iterator[datetime]:
    """After the decision the partner answers the oldest findings; the reviewer closes some."""
    assert firm.partner is not None and firm.vendor is not None
    for number, finding in enumerate(conditions[:cycle.closed + cycle.responded]):
        yield pace.after(RESPOND_AFTER)
        proof = findings.Upload("remediation-evidence.pdf", io.BytesIO(pdf.document(
            f"Remediation: {finding.title}", [english_name(firm.demo.name), "", REMEDIATION_PLAN])))
        findings.respond(firm.session, firm.partner, firm.setting.storage, firm.vendor.id,
                         finding.id, REMEDIATION_PLAN, [proof])
        if number < cycle.closed:
            yield pace.after(CLOSE_AFTER)
            findings.close(firm.session, firm.reviewer, finding.id, CLOSING_NOTE)
