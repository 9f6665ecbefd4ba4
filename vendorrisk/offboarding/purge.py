"""Purging an offboarded firm: what it told us and everything that names its people is destroyed,
and a certificate of destruction says what, when and on whose order.

Destroyed: answers with their history, verdicts and comments; submissions (with the attesting
person); evidence files; findings; agreements with their documents and reminders; contacts and the
emails sent to them; invitations; the partner users' names, addresses and sessions (the user rows
stay, renamed, because the audit log refers to them); the firm's data key (crypto-shredding: any
copy of its documents, in a backup or a block the overwrite missed, becomes noise).

Kept, because they are the company's own records: the firm's row (name, tier, history of
statuses), its assessments' outline (dates, status, score) and the managers' decisions, the
data-sharing register's engagements and disclosures (no longer linked to the destroyed NDA),
security incidents with the notifications made (GDPR Art. 33(5) asks for them to be documented), the
firm's certificates of return or destruction, and the audit log, which holds ids only and still
verifies.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.accounts.models import LoginFailure, User, UserSession
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements.models import Agreement, AgreementDocument, AgreementReminder
from vendorrisk.assessments.models import (
    Answer,
    AnswerChange,
    AnswerReview,
    Assessment,
    EvidenceFile,
    Finding,
    Invitation,
    ReviewComment,
    Submission,
)
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, Forbidden, NotFound
from vendorrisk.keys import service as keys
from vendorrisk.mail.models import OutboxEmail
from vendorrisk.offboarding.models import DestructionRequest
from vendorrisk.sharing.models import Disclosure
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus
from vendorrisk.vendors.models import Contact, Vendor

PURGERS = frozenset({Role.MANAGER, Role.ADMIN})  # and the worker, when retention ends
NO_PASSWORD = "!"  # matches no argon2 hash: the account can never sign in again  # noqa: S105


class FileStore(Protocol):
    def write(self, name: str, data: bytes) -> None: ...

    def delete(self, name: str) -> None: ...


@dataclass(frozen=True)
class DestroyedDocument:
    kind: str  # "evidence" | "agreement"
    sha256: str  # of the document as uploaded
    size: int


@dataclass
class DestructionReport:
    """What the certificate states. No personal data: counts, digests, ids and our own names."""

    vendor_id: int
    vendor_name: str
    ordered_by: str  # a manager's name, or "retention period ended"
    reason: str
    offboarded_at: datetime | None
    destroyed_at: datetime
    counts: dict[str, int] = field(default_factory=dict)
    documents: list[DestroyedDocument] = field(default_factory=list)
    data_key_destroyed: str | None = None
    partner_certificates: list[DestructionRequest] = field(default_factory=list)


@dataclass(frozen=True)
class Stores:
    evidence: FileStore
    agreements: FileStore
    certificates: FileStore


def due_for_purge(session: Session, today: date) -> list[int]:
    return list(session.scalars(select(Vendor.id).where(
        Vendor.status == VendorStatus.OFFBOARDED, Vendor.purged_at.is_(None),
        Vendor.purge_due_on <= today).order_by(Vendor.id)))


def purge(session: Session, actor: Actor, vendor_id: int, stores: Stores,
          render: Callable[[DestructionReport], bytes]) -> Vendor:
    """Destroy what the firm's retention covered, now; ``render`` makes the certificate's PDF.
    Files are deleted after the rows are gone from this transaction and before it commits: a
    failure later leaves rows pointing at deleted files, but never personal data behind."""
    if actor.user_id is not None and actor.role not in PURGERS:
        raise Forbidden("Only a manager orders a firm's data destroyed.")
    vendor = vendors.get_vendor(session, vendor_id, for_update=True)
    if vendor.status != VendorStatus.OFFBOARDED:
        raise DomainError("Only an offboarded firm's data can be purged; offboard it first.")
    if vendor.purged_at is not None:
        raise DomainError("This firm's data was purged already.")
    now = clock.now()
    orderer = session.get(User, actor.user_id) if actor.user_id else None
    ordered_by = orderer.name if orderer else "the worker"
    report = DestructionReport(
        vendor.id, vendor.name, ordered_by,
        "retention period ended" if actor.user_id is None else "ordered before the retention "
        "period ended", vendor.offboarded_at, now)
    files = _destroy_rows(session, vendor.id, report)
    for kind, name in files:
        (stores.evidence if kind == "evidence" else stores.agreements).delete(name)
    report.data_key_destroyed = keys.destroy_vendor_key(session, Actor.system("purge"),
                                                        vendor.id)
    report.partner_certificates = list(session.scalars(
        select(DestructionRequest).where(DestructionRequest.vendor_id == vendor.id)))
    pdf = render(report)
    storage = secrets.token_hex(32)
    stores.certificates.write(storage, pdf)
    vendor.purged_at, vendor.purge_certificate = now, storage
    vendor.purge_certificate_sha256 = hashlib.sha256(pdf).hexdigest()
    session.flush()
    audit.record(session, actor, "vendor.purged", object_type="vendor", object_id=vendor.id,
                 details={"counts": report.counts, "documents": len(report.documents),
                          "data_key": report.data_key_destroyed,
                          "certificate_sha256": vendor.purge_certificate_sha256})
    return vendor


def _count(report: DestructionReport, kind: str, result: Any) -> None:
    report.counts[kind] = report.counts.get(kind, 0) + (result.rowcount or 0)


def _destroy_rows(session: Session, vendor_id: int,
                  report: DestructionReport) -> list[tuple[str, str]]:
    """Delete the rows, children first; the stored files to delete afterwards."""
    assessments = select(Assessment.id).where(Assessment.vendor_id == vendor_id)
    answers = select(Answer.id).where(Answer.assessment_id.in_(assessments))
    findings = select(Finding.id).where(Finding.vendor_id == vendor_id)
    agreements = select(Agreement.id).where(Agreement.vendor_id == vendor_id)
    contacts = select(Contact.id).where(Contact.vendor_id == vendor_id)
    files: list[tuple[str, str]] = []
    for row in session.execute(select(EvidenceFile.storage_name, EvidenceFile.sha256,
                                      EvidenceFile.size)
                               .where(EvidenceFile.assessment_id.in_(assessments))):
        files.append(("evidence", row.storage_name))
        report.documents.append(DestroyedDocument("evidence", row.sha256, row.size))
    for row in session.execute(select(AgreementDocument.storage_name, AgreementDocument.sha256,
                                      AgreementDocument.size)
                               .where(AgreementDocument.agreement_id.in_(agreements))):
        files.append(("agreement", row.storage_name))
        report.documents.append(DestroyedDocument("agreement", row.sha256, row.size))
    addresses = list(session.scalars(select(Contact.email).where(Contact.vendor_id == vendor_id)))
    partner_ids = list(session.scalars(select(User.id).where(User.vendor_id == vendor_id)))
    addresses += list(session.scalars(select(User.email).where(User.id.in_(partner_ids))))
    # Read first: invitations point at their emails, and go before them.
    invitation_emails = list(session.scalars(select(Invitation.email_id).where(
        Invitation.assessment_id.in_(assessments), Invitation.email_id.is_not(None))))
    steps = (
        ("answer history", delete(AnswerChange).where(AnswerChange.answer_id.in_(answers))),
        ("answers", delete(Answer).where(Answer.assessment_id.in_(assessments))),
        ("verdicts", delete(AnswerReview).where(or_(
            AnswerReview.assessment_id.in_(assessments),
            AnswerReview.carried_over_from_id.in_(assessments)))),
        ("comments", delete(ReviewComment).where(or_(
            ReviewComment.assessment_id.in_(assessments), ReviewComment.finding_id.in_(findings)))),
        ("evidence files", delete(EvidenceFile).where(
            EvidenceFile.assessment_id.in_(assessments))),
        ("submissions", delete(Submission).where(Submission.assessment_id.in_(assessments))),
        ("findings", delete(Finding).where(Finding.vendor_id == vendor_id)),
        ("invitations", delete(Invitation).where(Invitation.assessment_id.in_(assessments))),
        ("emails", delete(OutboxEmail).where(or_(OutboxEmail.id.in_(invitation_emails),
                                                 OutboxEmail.to_address.in_(addresses)))),
        # The register's record of what the firm was given stays; the NDA it relied on goes.
        ("disclosures unlinked from the destroyed NDA", update(Disclosure).where(
            Disclosure.vendor_id == vendor_id, Disclosure.nda_agreement_id.is_not(None))
            .values(nda_agreement_id=None)),
        ("agreement reminders", delete(AgreementReminder).where(
            AgreementReminder.agreement_id.in_(agreements))),
        ("agreement documents", delete(AgreementDocument).where(
            AgreementDocument.agreement_id.in_(agreements))),
        ("agreements", delete(Agreement).where(Agreement.vendor_id == vendor_id)),
        ("partner sessions", delete(UserSession).where(UserSession.user_id.in_(partner_ids))),
        ("sign-in failures", delete(LoginFailure).where(LoginFailure.key.in_(addresses))),
    )
    for kind, statement in steps:
        _count(report, kind, session.execute(statement.execution_options(
            synchronize_session=False)))
    for user_id in partner_ids:  # the audit log refers to them: renamed, not deleted
        session.execute(update(User).where(User.id == user_id).values(
            name=f"Removed partner user #{user_id}", email=f"removed-{user_id}@invalid",
            is_enabled=False, contact_id=None,
            password_hash=NO_PASSWORD))
    report.counts["partner users anonymised"] = len(partner_ids)
    _count(report, "contacts", session.execute(delete(Contact).where(
        Contact.id.in_(contacts)).execution_options(synchronize_session=False)))
    session.expire_all()
    return files


class CertificateReader(Protocol):
    def read(self, name: str) -> bytes: ...


def read_certificate(session: Session, actor: Actor, store: CertificateReader,
                     vendor_id: int) -> tuple[Vendor, bytes]:
    vendor = vendors.get_vendor(session, vendor_id)
    if vendor.purge_certificate is None:
        raise NotFound("This firm's data has not been purged, so there is no certificate.")
    data = store.read(vendor.purge_certificate)
    audit.record(session, actor, "vendor.purge_certificate_download", object_type="vendor",
                 object_id=vendor.id)
    return vendor, data
