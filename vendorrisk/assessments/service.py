"""Sending questionnaires: snapshot the file, open the assessment, invite the contacts by email."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from vendorrisk import clock
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.assessments import reassessment
from vendorrisk.assessments.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentStatus,
    Invitation,
    QuestionnaireVersion,
)
from vendorrisk.assessments.versions import load_version, parsed
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import Conflict, DomainError, NotFound
from vendorrisk.mail import service as mail
from vendorrisk.questionnaires import schema
from vendorrisk.security.tokens import new_token, token_hash
from vendorrisk.vendors.domain import VendorStatus
from vendorrisk.vendors.models import Contact, Vendor
from vendorrisk.vendors.service import get_vendor


@dataclass(frozen=True)
class Portal:
    """What emails need to know about the portal that sends them."""

    organization: str
    public_url: str
    invitation_lifetime: timedelta

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Portal:
        return cls(organization=config["ORGANIZATION_NAME"], public_url=config["PUBLIC_URL"],
                   invitation_lifetime=config["INVITATION_LIFETIME"])


@dataclass(frozen=True)
class AvailableQuestionnaire:
    key: str
    title: str
    version: str
    question_count: int


def _questionnaire_files(folder: Path) -> dict[str, tuple[Path, schema.Questionnaire]]:
    found: dict[str, tuple[Path, schema.Questionnaire]] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = path.read_bytes()
            # Parsed once per content (a send reads every file): an edited file is new content.
            questionnaire = parsed(hashlib.sha256(raw).hexdigest(), raw.decode("utf-8"),
                                   str(path))
        except (OSError, UnicodeDecodeError, schema.QuestionnaireError):
            continue  # `questionnaires check` reports it; an invalid file is never offered
        found.setdefault(questionnaire.id, (path, questionnaire))
    return found


def available_questionnaires(folder: Path) -> list[AvailableQuestionnaire]:
    return [AvailableQuestionnaire(q.id, q.title[q.languages[0]], q.version, len(q.questions))
            for _path, q in _questionnaire_files(folder).values()]


def snapshot(session: Session, folder: Path, key: str) -> QuestionnaireVersion:
    """The stored copy of the questionnaire as it is on disk now (reused if unchanged)."""
    entry = _questionnaire_files(folder).get(key)
    if entry is None:
        raise DomainError(f"There is no valid questionnaire '{key}'.")
    path, questionnaire = entry
    source = path.read_text(encoding="utf-8")
    existing = session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.content_hash == questionnaire.content_hash))
    if existing is not None:
        return existing
    version = QuestionnaireVersion(
        questionnaire_key=questionnaire.id, version=questionnaire.version,
        title=questionnaire.title[questionnaire.languages[0]][:300],
        content_hash=questionnaire.content_hash, source=source)
    session.add(version)
    session.flush()
    return version


def _invitation_email(portal: Portal, vendor: Vendor, contact: Contact, assessment: Assessment,
                      titles: Mapping[str, str], link: str, expires: datetime) -> tuple[str, str]:
    title = titles.get("en") or next(iter(titles.values()))
    title_zh = titles.get("zh") or title
    subject = f"{portal.organization}: security questionnaire for {vendor.name} / 安全问卷"
    body = (
        f"Dear {contact.name},\n\n"
        f"{portal.organization} asks {vendor.name} to complete the questionnaire \"{title}\" "
        f"by {assessment.due_date.isoformat()}.\n\n"
        f"Open this link to begin. It is for you alone, works once, and expires on "
        f"{expires:%Y-%m-%d %H:%M} UTC:\n{link}\n\n"
        "You will set your own password; after that, sign in to the portal as usual. "
        "Your answers are saved as you go.\n\n"
        "----\n\n"
        f"{contact.name}，您好：\n\n"
        f"{portal.organization} 邀请 {vendor.name} 在 {assessment.due_date.isoformat()} 之前"
        f"填写问卷“{title_zh}”。\n\n"
        f"请通过以下链接开始填写。该链接仅供您本人使用，只能使用一次，"
        f"将于 {expires:%Y-%m-%d %H:%M}（UTC）失效：\n{link}\n\n"
        "首次进入时请设置您的密码，之后可直接登录门户。您的回答会自动保存。\n"
    )
    return subject, body


def issue_invitation(session: Session, actor: Actor, portal: Portal, assessment: Assessment,
                     vendor: Vendor, contact: Contact) -> Invitation:
    token = new_token()
    expires = clock.now() + portal.invitation_lifetime
    link = f"{portal.public_url.rstrip('/')}/invite/{token}"
    titles = load_version(assessment.questionnaire_version).title
    subject, body = _invitation_email(portal, vendor, contact, assessment, titles, link, expires)
    email = mail.enqueue(session, kind="invitation", to=contact.email, subject=subject, body=body)
    invitation = Invitation(token_hash=token_hash(token), assessment_id=assessment.id,
                            contact_id=contact.id, expires_at=expires, email_id=email.id)
    session.add(invitation)
    session.flush()
    audit.record(session, actor, "invitation.create", object_type="assessment",
                 object_id=assessment.id, details={"invitation_id": invitation.id,
                                                   "contact_id": contact.id})
    return invitation


@dataclass(frozen=True)
class SendRequest:
    vendor_id: int
    questionnaire_key: str
    contact_ids: frozenset[int]
    due_date: date


def _next_cycle(session: Session, vendor_id: int, key: str) -> int:
    open_one = session.scalar(select(Assessment.id).where(
        Assessment.vendor_id == vendor_id, Assessment.questionnaire_key == key,
        Assessment.status.in_(OPEN_STATUSES)))
    if open_one is not None:
        raise Conflict("This firm already has this questionnaire open; finish or cancel that "
                       "assessment first.")
    latest = session.scalar(select(func.max(Assessment.cycle)).where(
        Assessment.vendor_id == vendor_id, Assessment.questionnaire_key == key))
    return 0 if latest is None else latest + 1


def send(session: Session, actor: Actor, portal: Portal, folder: Path,
         request: SendRequest, require_nda: bool = True) -> Assessment:
    """Open the assessment and invite the contacts. ``require_nda`` (the setting
    REQUIRE_NDA_FOR_QUESTIONNAIRES) refuses a questionnaire marked ``requires_nda`` to a firm
    without a signed NDA in force."""
    # The firm's row is locked until commit: two sends at once (a sweep and procurement, or two
    # sweeps) queue here, so the second sees the first's assessment instead of numbering past it.
    vendor = get_vendor(session, request.vendor_id, for_update=True)
    if vendor.status in (VendorStatus.SUSPENDED, VendorStatus.OFFBOARDED):
        raise DomainError(f"{vendor.name} is {vendor.status.value}: questionnaires are not sent "
                          "to suspended or offboarded firms.")
    if request.due_date <= clock.now().date():
        raise DomainError("The due date must be in the future.")
    contacts = list(session.scalars(select(Contact).where(
        Contact.vendor_id == vendor.id, Contact.id.in_(request.contact_ids))))
    if not request.contact_ids or len(contacts) != len(request.contact_ids):
        raise DomainError("Choose at least one of this firm's contacts.")
    version = snapshot(session, folder, request.questionnaire_key)
    if require_nda and load_version(version).requires_nda:
        nda = agreements.nda_standing(session, vendor.id, clock.now().date())
        if nda is None or not nda.in_force:
            raise DomainError(f"{vendor.name} has no signed NDA in force, and this questionnaire "
                              "shows the firm details of our clients' data. Record the signed "
                              "NDA first, or send the pre-engagement screen.")
    assessment = Assessment(
        vendor_id=vendor.id, questionnaire_version_id=version.id,
        questionnaire_key=version.questionnaire_key,
        cycle=_next_cycle(session, vendor.id, version.questionnaire_key),
        status=AssessmentStatus.SENT, due_date=request.due_date, created_by_id=actor.user_id,
        sent_at=clock.now())
    session.add(assessment)
    session.flush()
    audit.record(session, actor, "assessment.send", object_type="assessment",
                 object_id=assessment.id, details={"vendor_id": vendor.id,
                                                   "questionnaire": version.questionnaire_key,
                                                   "version": version.version,
                                                   "content_hash": version.content_hash})
    assessment.questionnaire_version = version
    reassessment.carry_forward(session, actor, assessment)
    for contact in contacts:
        issue_invitation(session, actor, portal, assessment, vendor, contact)
    return assessment


def get_assessment(session: Session, assessment_id: int) -> Assessment:
    assessment = session.scalar(
        select(Assessment).where(Assessment.id == assessment_id)
        .options(joinedload(Assessment.vendor), joinedload(Assessment.questionnaire_version),
                 selectinload(Assessment.invitations).joinedload(Invitation.contact)))
    if assessment is None:
        raise NotFound("No such assessment.")
    return assessment


def assessments_of(session: Session, vendor_id: int) -> list[Assessment]:
    return list(session.scalars(
        select(Assessment).where(Assessment.vendor_id == vendor_id)
        .options(joinedload(Assessment.questionnaire_version))
        .order_by(Assessment.created_at.desc())))


def invitation_state(invitation: Invitation, now: datetime) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    return "pending"


def get_invitation(session: Session, invitation_id: int) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def revoke(session: Session, actor: Actor, invitation_id: int) -> Invitation:
    invitation = get_invitation(session, invitation_id)
    if invitation.revoked_at is None and invitation.used_at is None:
        invitation.revoked_at = clock.now()
        audit.record(session, actor, "invitation.revoke", object_type="assessment",
                     object_id=invitation.assessment_id,
                     details={"invitation_id": invitation.id})
    return invitation


def resend(session: Session, actor: Actor, portal: Portal, invitation_id: int) -> Invitation:
    """Revoke the old link and send the contact a fresh one."""
    old = revoke(session, actor, invitation_id)
    assessment = get_assessment(session, old.assessment_id)
    if assessment.status not in OPEN_STATUSES:
        raise DomainError("This assessment is no longer open for answers.")
    contact = session.get(Contact, old.contact_id)
    assert contact is not None
    return issue_invitation(session, actor, portal, assessment, assessment.vendor, contact)


# --- the partner's side of an invitation ---------------------------------------------------------

class InvitationUnusable(DomainError):
    status_code = 410


def invitation_by_token(session: Session, token: str, *, for_update: bool = False) -> Invitation:
    """The invitation a link stands for, if it may still be used; otherwise say why not.

    ``for_update`` locks the row, so two simultaneous acceptances of one link queue and the
    second finds it used (SQLite's BEGIN IMMEDIATE already serialises them)."""
    query = select(Invitation).where(Invitation.token_hash == token_hash(token))
    invitation = session.scalar(query.with_for_update() if for_update else query)
    if invitation is None:
        raise InvitationUnusable("This invitation link is not valid. Check that you opened the "
                                 "whole link from the email, or ask for a new invitation.")
    state = invitation_state(invitation, clock.now())
    if state == "used":
        raise InvitationUnusable("This invitation link was already used. Sign in with the "
                                 "password you chose, or ask for a new invitation.")
    if state == "expired":
        raise InvitationUnusable("This invitation link has expired. Ask the sender for a new one.")
    if state == "revoked":
        raise InvitationUnusable("This invitation link was withdrawn. Ask the sender for a new "
                                 "one.")
    return invitation


def accept(session: Session, token: str, *, name: str, password: str, ip: str,
           min_length: int) -> User:
    """Use the invitation once: create the contact's partner account (or attach an existing one)."""
    invitation = invitation_by_token(session, token, for_update=True)
    contact = session.get(Contact, invitation.contact_id)
    assert contact is not None
    user = accounts.find_by_email(session, contact.email)
    actor = Actor(None, "anonymous", ip)
    if user is None:
        user = accounts.create_user(session, actor, email=contact.email, name=name,
                                    role=Role.PARTNER, password=password, min_length=min_length,
                                    vendor_id=contact.vendor_id, contact_id=contact.id)
    elif user.vendor_id != contact.vendor_id:
        raise DomainError("This email already belongs to another account. Ask the sender to "
                          "invite a different address.")
    else:
        # The link proves control of the mailbox, as a reset link would: take the new password,
        # which also ends the account's other sessions.
        accounts.set_password(session, actor, user, password, min_length)
    invitation.used_at = clock.now()
    audit.record(session, Actor(user.id, user.role.value, ip), "invitation.accept",
                 object_type="assessment", object_id=invitation.assessment_id,
                 details={"invitation_id": invitation.id})
    return user


def partner_assessments(session: Session, vendor_id: int) -> list[Assessment]:
    """What a partner sees: only its own firm's assessments, never cancelled drafts."""
    return list(session.scalars(
        select(Assessment).where(Assessment.vendor_id == vendor_id,
                                 Assessment.status != AssessmentStatus.DRAFT)
        .options(joinedload(Assessment.questionnaire_version))
        .order_by(Assessment.due_date)))
