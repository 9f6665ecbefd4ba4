"""Offboarding a partner firm, and the return or destruction of the client data it holds.

``offboard`` ends the relationship in one unit of work: the firm becomes offboarded; its
unused invitations are revoked, its partner logins disabled and their sessions ended, and its
open assessments cancelled; the retention period starts (``purge_due_on``); and the firm is asked,
by email with a single-use upload link, to return or destroy the company's client data and to
upload a signed certificate by a deadline. Procurement confirms the certificate. Every step is
audited with ids only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.models import User
from vendorrisk.agreements import service as agreements
from vendorrisk.agreements.domain import (
    AgreementKind,
    AgreementStatus,
    Survival,
    confidentiality_survives,
    standing,
)
from vendorrisk.agreements.service import Upload, checked_pdf
from vendorrisk.assessments.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentStatus,
    Invitation,
)
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import Conflict, DomainError, NotFound
from vendorrisk.mail import service as mail
from vendorrisk.offboarding.models import DestructionRequest
from vendorrisk.scheduling.models import ReminderSent
from vendorrisk.security.tokens import new_token, token_hash
from vendorrisk.sharing.domain import EngagementStatus, Holding
from vendorrisk.sharing.models import Disclosure, Engagement
from vendorrisk.text import clean_text
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus
from vendorrisk.vendors.models import Contact, Vendor

# Everything not yet decided ends with the relationship.
ENDED_WITH_THE_RELATIONSHIP = OPEN_STATUSES | {
    AssessmentStatus.SUBMITTED, AssessmentStatus.UNDER_REVIEW, AssessmentStatus.REVIEWED}


class NoCertificateLink(DomainError):
    status_code = 410


class CertificateStore(Protocol):
    def write(self, name: str, data: bytes) -> None: ...

    def read(self, name: str) -> bytes: ...


@dataclass(frozen=True)
class OffboardingSettings:
    retention_days: int  # how long what we hold about the firm is kept before it is purged
    certificate_days: int  # how long the firm has to return or destroy and certify
    public_url: str
    organization: str


def offboard(session: Session, actor: Actor, vendor_id: int, expected_version: int,
             reason: str, settings: OffboardingSettings) -> DestructionRequest:
    vendor = vendors.get_vendor(session, vendor_id, for_update=True)
    if vendor.version != expected_version:
        raise Conflict("Someone else changed this firm meanwhile; reload and try again.")
    if vendor.status == VendorStatus.OFFBOARDED:
        raise DomainError("This firm is offboarded already.")
    reason = clean_text(reason, missing="Say why the relationship ends (the firm reads it).",
                        too_long="Keep the reason under {limit} characters.", limit=200)
    now, before = clock.now(), vendor.status
    vendor.status, vendor.offboarded_at = VendorStatus.OFFBOARDED, now
    vendor.purge_due_on = now.date() + timedelta(days=settings.retention_days)
    revoked = _revoke_invitations(session, vendor.id)
    closed = _close_engagements(session, actor, vendor.id)
    cancelled = _cancel_open_assessments(session, vendor.id)
    disabled = _disable_partner_logins(session, vendor.id)
    request = _request_destruction(session, actor, vendor, reason, settings)
    session.flush()
    audit.record(session, actor, "vendor.offboard", object_type="vendor", object_id=vendor.id,
                 details={"from": before.value, "invitations_revoked": revoked,
                          "assessments_cancelled": cancelled, "logins_disabled": disabled,
                          "engagements_closed": closed,
                          "purge_due_on": vendor.purge_due_on.isoformat(),
                          "destruction_request": request.id})
    return request


def _revoke_invitations(session: Session, vendor_id: int) -> int:
    of_vendor = select(Assessment.id).where(Assessment.vendor_id == vendor_id)
    result = session.execute(
        update(Invitation).where(Invitation.assessment_id.in_(of_vendor),
                                 Invitation.revoked_at.is_(None), Invitation.used_at.is_(None))
        .values(revoked_at=clock.now()))
    return result.rowcount or 0  # type: ignore[attr-defined] - an UPDATE's CursorResult


def _close_engagements(session: Session, actor: Actor, vendor_id: int) -> int:
    """Every open engagement ends with the relationship; the request sent now covers all the
    firm holds."""
    result = session.execute(
        update(Engagement).where(Engagement.vendor_id == vendor_id,
                                 Engagement.status == EngagementStatus.OPEN)
        .values(status=EngagementStatus.CLOSED, closed_on=clock.now().date(),
                closed_by_id=actor.user_id, version=Engagement.version + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0  # type: ignore[attr-defined] - an UPDATE's CursorResult


def _cancel_open_assessments(session: Session, vendor_id: int) -> int:
    found = list(session.scalars(select(Assessment).where(
        Assessment.vendor_id == vendor_id,
        Assessment.status.in_(ENDED_WITH_THE_RELATIONSHIP))))
    for assessment in found:
        assessment.status = AssessmentStatus.CANCELLED
    return len(found)


def _disable_partner_logins(session: Session, vendor_id: int) -> int:
    partners = list(session.scalars(select(User).where(User.vendor_id == vendor_id,
                                                       User.is_enabled.is_(True))))
    for user in partners:
        user.is_enabled = False
        accounts.revoke_all_sessions(session, user.id)
    return len(partners)


def _upload_link(settings: OffboardingSettings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/certificate/{token}"


def _request_destruction(session: Session, actor: Actor, vendor: Vendor, reason: str,
                         settings: OffboardingSettings,
                         engagement_id: int | None = None) -> DestructionRequest:
    token = new_token()
    survival = _surviving_confidentiality(session, vendor.id, clock.now().date())
    request = DestructionRequest(
        vendor_id=vendor.id, engagement_id=engagement_id, reason=reason,
        requested_by_id=actor.user_id,
        due_on=clock.now().date() + timedelta(days=settings.certificate_days),
        token_hash=token_hash(token), confidentiality_until=survival.until,
        confidentiality_indefinite=survival.indefinite)
    session.add(request)
    session.flush()
    _email_request(session, vendor, request, _upload_link(settings, token), settings, False)
    return request


def covered(session: Session, request: DestructionRequest,
            holding: Holding = Holding.HELD) -> list[Disclosure]:
    """The disclosures a request asks back: its engagement's, or all the firm's."""
    query = (select(Disclosure).where(Disclosure.vendor_id == request.vendor_id,
                                      Disclosure.holding == holding)
             .order_by(Disclosure.disclosed_on, Disclosure.id))
    if request.engagement_id is not None:
        query = query.where(Disclosure.engagement_id == request.engagement_id)
    return list(session.scalars(query))


def _open_request_for(session: Session, vendor_id: int,
                      engagement_id: int) -> DestructionRequest | None:
    """An unconfirmed request already covering the engagement (its own, or the firm's)."""
    return session.scalar(select(DestructionRequest).where(
        DestructionRequest.vendor_id == vendor_id, DestructionRequest.confirmed_at.is_(None),
        or_(DestructionRequest.engagement_id == engagement_id,
            DestructionRequest.engagement_id.is_(None))).limit(1))


def request_return(session: Session, actor: Actor, engagement_id: int, reason: str,
                   settings: OffboardingSettings) -> DestructionRequest | None:
    """Ask the firm to return or destroy exactly what it was given under the engagement, and
    to certify it; None when it holds nothing of it, or is asked already."""
    engagement = session.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFound("No such engagement.")
    held = session.scalar(select(func.count(Disclosure.id)).where(
        Disclosure.engagement_id == engagement.id, Disclosure.holding == Holding.HELD)) or 0
    if not held or _open_request_for(session, engagement.vendor_id, engagement.id):
        return None
    vendor = vendors.get_vendor(session, engagement.vendor_id)
    request = _request_destruction(session, actor, vendor, reason, settings, engagement.id)
    audit.record(session, actor, "destruction.requested", object_type="destruction_request",
                 object_id=request.id, details={"vendor": vendor.id,
                                                "engagement": engagement.id, "held": held})
    return request


def request_overdue_returns(session: Session, settings: OffboardingSettings,
                            today: date) -> int:
    """For each engagement whose disclosures are held past their return-by date and that no
    request covers yet: the request, as if it had closed. Commits per engagement."""
    due = list(session.scalars(select(Disclosure.engagement_id).where(
        Disclosure.holding == Holding.HELD, Disclosure.return_by < today).distinct()))
    sent = 0
    for engagement_id in due:
        if request_return(session, Actor.system("returns"), engagement_id,
                          "the date to return or destroy it has passed", settings):
            session.commit()
            sent += 1
    return sent


def _surviving_confidentiality(session: Session, vendor_id: int, ended: date) -> Survival:
    """From the firm's current signed NDA (the one in force, else the latest signed)."""
    signed = [a for a in agreements.of_vendor(session, vendor_id)
              if a.kind == AgreementKind.NDA and a.superseded_at is None
              and a.status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)]
    if not signed:
        return Survival(None)
    nda = next((a for a in signed if standing(a.dates, ended).in_force), signed[0])
    return confidentiality_survives(ended, nda.terminated_on, nda.expires_on,
                                    nda.survival_months, nda.survives_indefinitely)


def _email_request(session: Session, vendor: Vendor, request: DestructionRequest, link: str,
                   settings: OffboardingSettings, reminder: bool) -> int:
    """The request (or a reminder of it) to each of the firm's contacts; how many were sent."""
    contacts = list(session.scalars(select(Contact).where(Contact.vendor_id == vendor.id)))
    due, org = request.due_on.isoformat(), settings.organization
    what = _what_was_given(covered(session, request))
    late = "Reminder: " if reminder else ""
    # An engagement's request asks back what was given for it; the relationship's, everything.
    scope, scope_zh = (("the client information we gave you for this engagement (listed below)",
                        "我方为该项目提供的客户资料（见下方清单）") if request.engagement_id else
                       ("all of our clients' information that your firm holds",
                        "贵所持有的我方客户全部资料"))
    for contact in contacts:
        mail.enqueue(
            session, kind="destruction_request", to=contact.email,
            subject=(f"{late}{org}: return or destroy our client data by {due} / "
                     "请归还或销毁客户资料"),
            body=(f"Dear {contact.name},\n\n"
                  f"{org} asks {vendor.name} to return or destroy client data: "
                  f"{request.reason}.\n"
                  "As your confidentiality agreement requires, please return or securely "
                  f"destroy {scope}, on paper and in every system, and upload a signed "
                  f"certificate of return or destruction (PDF) by {due}:\n{link}\n\n{what}"
                  "The link works until a certificate is uploaded. "
                  f"{_survival_sentence(request.confidentiality)}\n\n----\n\n"
                  f"{contact.name}，您好：\n\n"
                  f"{org} 请 {vendor.name} 归还或销毁客户资料（{request.reason}）。"
                  f"根据保密协议，请归还或安全销毁{scope_zh}（纸质及各系统中的电子资料），"
                  f"并于 {due} 前上传经签署的归还或销毁证明（PDF）：\n{link}\n\n"
                  f"该链接在上传证明前一直有效。{_survival_sentence_zh(request.confidentiality)}\n"))
    return len(contacts)


def _what_was_given(disclosures: list[Disclosure]) -> str:
    """The transfers a request covers, one line each (no client names: categories, counts,
    dates and channels only)."""
    if not disclosures:
        return ""
    lines = [f"- {d.disclosed_on.isoformat()}: "
             f"{', '.join(sorted(c.value for c in d.data_categories))}; "
             f"about {d.approx_count} {d.count_unit.value} ({d.channel.value.replace('_', ' ')})"
             for d in disclosures]
    return "What we gave you / 我方提供的资料:\n" + "\n".join(lines) + "\n\n"


def _survival_sentence(survival: Survival) -> str:
    if survival.indefinite:
        return "Your duty of confidentiality continues indefinitely, as your agreement says."
    if survival.until:
        return (f"Your duty of confidentiality continues until {survival.until.isoformat()}, "
                "as your agreement says.")
    return "Your duty of confidentiality continues for the period your agreement sets."


def _survival_sentence_zh(survival: Survival) -> str:
    if survival.indefinite:
        return "根据协议，贵所的保密义务无限期持续。"
    if survival.until:
        return f"根据协议，贵所的保密义务持续至 {survival.until.isoformat()}。"
    return "合作结束后，贵所的保密义务仍按协议约定的期限继续有效。"


def by_token(session: Session, token: str) -> DestructionRequest:
    request = session.scalar(select(DestructionRequest)
                             .where(DestructionRequest.token_hash == token_hash(token))
                             .options(joinedload(DestructionRequest.vendor))
                             .execution_options(populate_existing=True))
    if request is None:
        raise NoCertificateLink("This link is not valid: a certificate was uploaded with it "
                                "already, or a later email replaced it with a new link.")
    return request


def upload_certificate(session: Session, actor: Actor, store: CertificateStore, max_bytes: int,
                       token: str, upload: Upload) -> DestructionRequest:
    """The firm's signed certificate, through the link it was sent; the link then ends."""
    request = by_token(session, token)
    name = checked_pdf(upload, max_bytes)
    storage = secrets.token_hex(32)
    store.write(storage, upload.data)
    request.certificate_name, request.certificate_storage = name, storage
    request.certificate_sha256 = hashlib.sha256(upload.data).hexdigest()
    request.certificate_at, request.token_hash = clock.now(), None
    session.flush()
    audit.record(session, actor, "destruction.certificate", object_type="destruction_request",
                 object_id=request.id, details={"vendor": request.vendor_id,
                                                "sha256": request.certificate_sha256})
    return request


def get_request(session: Session, request_id: int) -> DestructionRequest:
    request = session.get(DestructionRequest, request_id)
    if request is None:
        raise NotFound("No such request.")
    return request


def confirm(session: Session, actor: Actor, request_id: int, note: str,
            outcome: Holding = Holding.DESTROYED) -> DestructionRequest:
    """The certificate is genuine: what the request covered is returned or destroyed now."""
    if outcome == Holding.HELD:
        raise DomainError("Say whether the data was returned or destroyed.")
    request = get_request(session, request_id)
    if request.certificate_storage is None:
        raise DomainError("No certificate has been uploaded yet.")
    if request.confirmed_at is not None:
        raise Conflict("This certificate is confirmed already.")
    request.note = clean_text(note, missing=None, too_long="Keep the note under {limit} "
                              "characters.")
    request.confirmed_at, request.confirmed_by_id = clock.now(), actor.user_id
    ended = covered(session, request)
    for disclosure in ended:
        disclosure.holding, disclosure.returned_or_destroyed_on = outcome, clock.now().date()
    session.flush()
    audit.record(session, actor, "destruction.confirm", object_type="destruction_request",
                 object_id=request.id, details={"vendor": request.vendor_id,
                                                "outcome": outcome.value,
                                                "disclosures": [d.id for d in ended]})
    return request


def read_certificate(session: Session, actor: Actor, store: CertificateStore,
                     request_id: int) -> tuple[DestructionRequest, bytes]:
    request = get_request(session, request_id)
    if request.certificate_storage is None:
        raise NotFound("No certificate has been uploaded yet.")
    data = store.read(request.certificate_storage)
    audit.record(session, actor, "destruction.certificate_download",
                 object_type="destruction_request", object_id=request.id)
    return request, data


def of_vendor(session: Session, vendor_id: int) -> list[DestructionRequest]:
    return list(session.scalars(select(DestructionRequest)
                                .where(DestructionRequest.vendor_id == vendor_id)
                                .order_by(DestructionRequest.id.desc())))


def overdue_count(session: Session, today: date) -> int:
    return session.scalar(select(func.count(DestructionRequest.id)).where(
        DestructionRequest.confirmed_at.is_(None), DestructionRequest.due_on < today)) or 0


def remind_overdue(session: Session, settings: OffboardingSettings, today: date) -> int:
    """Once a week past the deadline, a new link to each firm whose certificate is missing
    (the old link is replaced: only a link's hash is kept, so a reminder cannot repeat it)."""
    sent = 0
    for request in session.scalars(select(DestructionRequest).where(
            DestructionRequest.certificate_storage.is_(None), DestructionRequest.due_on < today)
            .options(joinedload(DestructionRequest.vendor))):
        key = f"overdue-week-{(today - request.due_on).days // 7}"
        if session.scalar(select(ReminderSent.id).where(
                ReminderSent.subject_type == "destruction_request",
                ReminderSent.subject_id == request.id, ReminderSent.key == key)):
            continue
        token = new_token()
        request.token_hash = token_hash(token)
        count = _email_request(session, request.vendor, request, _upload_link(settings, token),
                               settings, True)
        session.add(ReminderSent(subject_type="destruction_request", subject_id=request.id,
                                 key=key, sent_at=clock.now(), recipients=count))
        session.commit()  # per firm: one failure never blocks the others
        sent += 1
    return sent
