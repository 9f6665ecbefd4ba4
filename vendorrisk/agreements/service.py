"""Recording agreements, their signed copies, renewals and terminations; who stands covered.

The signed PDF is kept encrypted under the firm's data key (``vendorrisk.keys``); reading it is
audited like any other access to partner data. A partner may upload a countersigned copy of its
own firm's agreement, which procurement then confirms.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from vendorrisk import clock
from vendorrisk.agreements.domain import (
    AgreementKind,
    AgreementStatus,
    InvalidAgreement,
    Standing,
    check,
    standing,
)
from vendorrisk.agreements.models import Agreement, AgreementDocument
from vendorrisk.assessments import evidence
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import Conflict, DomainError, NotFound
from vendorrisk.keys import service as keys
from vendorrisk.storage.files import EncryptedFiles
from vendorrisk.text import clean_text
from vendorrisk.vendors.models import Vendor
from vendorrisk.vendors.service import escape_like, get_vendor, request_reassessment

SIGNED_COPY, COUNTERSIGNED = "signed", "countersigned"


# Where document bytes go: encrypted files with the master keyring, to which each firm's data
# key is added when its documents are sealed or opened.
DocumentStore = EncryptedFiles


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class AgreementDetails:
    """What the agreement form collects."""

    kind: AgreementKind
    status: AgreementStatus
    title: str = ""
    signed_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    indefinite: bool = False
    review_on: date | None = None
    our_signatory: str = ""
    their_signatory: str = ""
    survival_months: int | None = None
    survives_indefinitely: bool = False
    notes: str = ""


def _validate(details: AgreementDetails, has_document: bool) -> None:
    try:
        check(details.status, details.signed_on, details.effective_on, details.expires_on,
              details.indefinite, details.review_on)
    except InvalidAgreement as error:
        raise DomainError(str(error)) from None
    if details.status == AgreementStatus.SIGNED and not has_document:
        raise DomainError("Attach the signed agreement (PDF) to record it as signed.")
    if details.survival_months is not None and not 0 < details.survival_months <= 1200:
        raise DomainError("Give the surviving confidentiality period in months (1 to 1200).")
    if details.survival_months is not None and details.survives_indefinitely:
        raise DomainError("Confidentiality survives either for a number of months or "
                          "indefinitely, not both.")
    clean_text(details.notes, missing=None, too_long="Keep the notes under {limit} characters.")


def checked_pdf(upload: Upload, max_bytes: int) -> str:
    """The clean file name of an acceptable PDF, else a DomainError saying why."""
    name = evidence.clean_name(upload.filename)
    if not name.lower().endswith(".pdf"):
        raise DomainError(f"“{name}” is not a PDF; agreements are kept as PDF files.")
    evidence.check(name, upload.data, max_bytes)
    return name


def _store(session: Session, actor: Actor, store: DocumentStore, agreement: Agreement,
           upload: Upload, role: str, max_bytes: int) -> AgreementDocument:
    name = checked_pdf(upload, max_bytes)
    storage_name = secrets.token_hex(20)
    keys.sealing_files(session, store, agreement.vendor_id).write(storage_name, upload.data)
    document = AgreementDocument(
        agreement_id=agreement.id, role=role, original_name=name, size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(), storage_name=storage_name,
        uploaded_by_id=actor.user_id, uploaded_at=clock.now())
    session.add(document)
    session.flush()
    audit.record(session, actor, "agreement.document_upload", object_type="agreement",
                 object_id=agreement.id, details={"document_id": document.id, "role": role,
                                                  "sha256": document.sha256})
    return document


def _apply(agreement: Agreement, details: AgreementDetails) -> None:
    for item in fields(AgreementDetails):
        value = getattr(details, item.name)
        setattr(agreement, item.name, value.strip()[:200] if item.name in (
            "title", "our_signatory", "their_signatory") else value)


def record(session: Session, actor: Actor, store: DocumentStore, max_bytes: int, vendor_id: int,
           details: AgreementDetails, document: Upload | None) -> Agreement:
    vendor = get_vendor(session, vendor_id)
    _validate(details, document is not None)
    agreement = Agreement(vendor_id=vendor.id, created_by_id=actor.user_id,
                          created_at=clock.now())
    _apply(agreement, details)
    session.add(agreement)
    session.flush()
    if document is not None:
        _store(session, actor, store, agreement, document, SIGNED_COPY, max_bytes)
    audit.record(session, actor, "agreement.record", object_type="agreement",
                 object_id=agreement.id, details={"vendor_id": vendor.id,
                                                  "kind": details.kind.value,
                                                  "status": details.status.value})
    return agreement


def update(session: Session, actor: Actor, store: DocumentStore, max_bytes: int,
           agreement_id: int, expected_version: int, details: AgreementDetails,
           document: Upload | None) -> Agreement:
    agreement = get_agreement(session, agreement_id)
    if agreement.version != expected_version:
        raise Conflict("Someone else changed this agreement meanwhile; reload and try again.")
    if agreement.superseded_at is not None:
        raise DomainError("This agreement was renewed; change the renewal instead.")
    if details.kind != agreement.kind:
        raise DomainError("An agreement keeps its kind; record a new agreement instead.")
    has_document = document is not None or bool(documents_of(session, agreement.id,
                                                              SIGNED_COPY))
    _validate(details, has_document)
    _apply(agreement, details)
    session.flush()
    if document is not None:
        _store(session, actor, store, agreement, document, SIGNED_COPY, max_bytes)
    audit.record(session, actor, "agreement.update", object_type="agreement",
                 object_id=agreement.id, details={"status": details.status.value})
    return agreement


def renew(session: Session, actor: Actor, store: DocumentStore, max_bytes: int,
          agreement_id: int, details: AgreementDetails, document: Upload | None) -> Agreement:
    """A new version of the agreement that supersedes the old one, which stays in the history."""
    old = get_agreement(session, agreement_id)
    if old.superseded_at is not None:
        raise DomainError("This agreement was already renewed; renew the newest version.")
    if details.kind != old.kind:
        raise DomainError("A renewal keeps the agreement's kind.")
    new = record(session, actor, store, max_bytes, old.vendor_id, details, document)
    new.supersedes_id, old.superseded_at = old.id, clock.now()
    session.flush()
    audit.record(session, actor, "agreement.renew", object_type="agreement", object_id=old.id,
                 details={"renewed_by": new.id})
    if old.kind == AgreementKind.NDA:
        request_reassessment(session, actor, old.vendor_id, f"NDA renewed (#{new.id})")
    return new


def terminate(session: Session, actor: Actor, agreement_id: int, expected_version: int,
              on: date) -> Agreement:
    agreement = get_agreement(session, agreement_id)
    if agreement.version != expected_version:
        raise Conflict("Someone else changed this agreement meanwhile; reload and try again.")
    if agreement.status == AgreementStatus.TERMINATED:
        raise DomainError("This agreement is already terminated.")
    if agreement.signed_on and on < agreement.signed_on:
        raise DomainError("An agreement cannot end before it was signed.")
    agreement.status, agreement.terminated_on = AgreementStatus.TERMINATED, on
    session.flush()
    audit.record(session, actor, "agreement.terminate", object_type="agreement",
                 object_id=agreement.id, details={"on": on.isoformat()})
    return agreement


# --- documents ----------------------------------------------------------------------------------

def documents_of(session: Session, agreement_id: int,
                 role: str | None = None) -> list[AgreementDocument]:
    query = select(AgreementDocument).where(AgreementDocument.agreement_id == agreement_id,
                                            AgreementDocument.removed_at.is_(None))
    if role is not None:
        query = query.where(AgreementDocument.role == role)
    return list(session.scalars(query.order_by(AgreementDocument.id)))


def upload_countersigned(session: Session, actor: Actor, store: DocumentStore, max_bytes: int,
                         vendor_id: int, agreement_id: int, upload: Upload) -> AgreementDocument:
    """A partner's countersigned copy of its own firm's agreement, for procurement to confirm."""
    agreement = get_agreement(session, agreement_id, vendor_id=vendor_id)
    if agreement.status == AgreementStatus.TERMINATED or agreement.superseded_at is not None:
        raise DomainError("This agreement is no longer current.")
    return _store(session, actor, store, agreement, upload, COUNTERSIGNED, max_bytes)


def confirm(session: Session, actor: Actor, document_id: int) -> AgreementDocument:
    document = session.get(AgreementDocument, document_id)
    if document is None or document.removed_at is not None:
        raise NotFound("No such document.")
    if document.confirmed_at is not None:
        raise DomainError("This copy was already confirmed.")
    document.confirmed_at, document.confirmed_by_id = clock.now(), actor.user_id
    audit.record(session, actor, "agreement.document_confirm", object_type="agreement",
                 object_id=document.agreement_id, details={"document_id": document.id})
    return document


def find_document(session: Session, document_id: int,
                  vendor_id: int | None = None) -> AgreementDocument:
    """A document; for a partner (vendor_id given) only one of its own firm's."""
    query = select(AgreementDocument).join(Agreement).where(
        AgreementDocument.id == document_id, AgreementDocument.removed_at.is_(None))
    if vendor_id is not None:
        query = query.where(Agreement.vendor_id == vendor_id)
    document = session.scalar(query)
    if document is None:
        raise NotFound("No such document.")
    return document


def read_document(session: Session, actor: Actor, store: DocumentStore,
                  document: AgreementDocument) -> bytes:
    """The document's bytes; a DomainError saying why if they cannot be given back (damaged,
    missing, or shredded with its firm's key)."""
    agreement = get_agreement(session, document.agreement_id)
    data = keys.read_document(session, store, agreement.vendor_id, document.storage_name,
                              document.sha256)
    audit.record(session, actor, "agreement.document_download", object_type="agreement",
                 object_id=document.agreement_id, details={"document_id": document.id})
    return data


def stored_documents(session: Session) -> list[keys.StoredDocument]:
    """Every agreement document with a record: what key rotation looks after."""
    rows = session.execute(select(AgreementDocument.storage_name, Agreement.vendor_id,
                                  AgreementDocument.sha256).join(Agreement))
    return [keys.StoredDocument(*row) for row in rows]


# --- reading ------------------------------------------------------------------------------------

def get_agreement(session: Session, agreement_id: int,
                  vendor_id: int | None = None) -> Agreement:
    """An agreement; for a partner (vendor_id given) only one of its own firm's."""
    query = select(Agreement).where(Agreement.id == agreement_id) \
        .options(joinedload(Agreement.vendor))
    if vendor_id is not None:
        query = query.where(Agreement.vendor_id == vendor_id)
    agreement = session.scalar(query)
    if agreement is None:
        raise NotFound("No such agreement.")
    return agreement


def of_vendor(session: Session, vendor_id: int) -> list[Agreement]:
    """Every agreement of the firm, current ones first, renewals after what they replaced."""
    return list(session.scalars(select(Agreement).where(Agreement.vendor_id == vendor_id)
                                .order_by(Agreement.superseded_at.is_not(None), Agreement.kind,
                                          Agreement.id.desc())))


def nda_standing(session: Session, vendor_id: int, today: date,
                 warn_days: int = 60) -> Standing | None:
    """Where the firm's current NDA stands today; None when it never had one."""
    return nda_standing_among(of_vendor(session, vendor_id), today, warn_days)


def nda_standing_among(firm_agreements: list[Agreement], today: date,
                       warn_days: int = 60) -> Standing | None:
    """``nda_standing`` from the firm's agreements already loaded (``of_vendor``)."""
    current = [a for a in firm_agreements
               if a.kind == AgreementKind.NDA and a.superseded_at is None]
    if not current:
        return None
    standings = [standing(a.dates, today, warn_days) for a in current]
    in_force = [s for s in standings if s.in_force]
    return in_force[0] if in_force else standings[0]


# --- the register of every agreement ------------------------------------------------------------

@dataclass(frozen=True)
class AgreementQuery:
    kind: AgreementKind | None = None
    standing: Standing | None = None
    within_days: int | None = None  # ending within this many days from today
    text: str = ""  # part of the firm's name
    include_superseded: bool = False


def register(session: Session, actor: Actor, q: AgreementQuery, today: date,
             warn_days: int = 60) -> list[tuple[Agreement, Standing]]:
    """Agreements with where each stands today, soonest end first. The standing is derived in
    Python from the one rule in domain.py; SQL narrows by kind, firm and end date first."""
    query = select(Agreement).join(Vendor).options(joinedload(Agreement.vendor))
    if q.kind is not None:
        query = query.where(Agreement.kind == q.kind)
    if not q.include_superseded and q.standing != Standing.SUPERSEDED:
        query = query.where(Agreement.superseded_at.is_(None))
    if q.within_days is not None:
        query = query.where(Agreement.expires_on >= today,
                            Agreement.expires_on <= today + timedelta(days=q.within_days))
    if q.text.strip():
        pattern = f"%{escape_like(q.text.strip().lower())}%"
        query = query.where(func.lower(Vendor.name).like(pattern, escape="\\"))
    rows = [(a, standing(a.dates, today, warn_days)) for a in session.scalars(
        query.order_by(Agreement.expires_on.is_(None), Agreement.expires_on, Vendor.name))]
    if q.standing is not None:
        rows = [(a, s) for a, s in rows if s == q.standing]
    audit.record(session, actor, "agreement.list", object_type="agreement",
                 details={"shown": len(rows)})
    return rows
