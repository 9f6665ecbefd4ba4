"""Evidence files: only allow-listed types whose content matches their name, stored outside the
web root under random names, sealed under the firm's data key (``vendorrisk.keys``), read back
only through views that check who is asking.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.assessments.models import Assessment, EvidenceFile
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, NotFound
from vendorrisk.keys import service as keys
from vendorrisk.storage.files import EncryptedFiles

OOXML = "application/vnd.openxmlformats-officedocument"
# extension -> (content type, check of the first bytes / whole content)
ALLOWED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": f"{OOXML}.wordprocessingml.document",
    "xlsx": f"{OOXML}.spreadsheetml.sheet",
    "pptx": f"{OOXML}.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain",
    "csv": "text/csv",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RejectedUpload(DomainError):
    pass


def _looks_like(extension: str, data: bytes) -> bool:
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension in ("doc", "xls"):
        return data.startswith(_OLE)
    if extension in ("docx", "xlsx", "pptx"):
        return _is_office_zip(data)
    if extension in ("txt", "csv"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in data
    return False


def _is_office_zip(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def clean_name(name: str) -> str:
    """The uploaded name as metadata: no path, no control characters, a sane length."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".")
    return name[-200:] or "file"


@dataclass(frozen=True)
class Storage:
    """Where evidence goes: encrypted files (vendorrisk.storage), and the size limit."""

    files: EncryptedFiles
    max_bytes: int


def check(filename: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """(clean name, content type) of an acceptable upload, else RejectedUpload saying why."""
    name = clean_name(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise RejectedUpload(f"“{name}” is not a file type the portal accepts. Use PDF, PNG, "
                             "JPEG, Word, Excel, PowerPoint, plain text or CSV.")
    if not data:
        raise RejectedUpload(f"“{name}” is empty.")
    if len(data) > max_bytes:
        raise RejectedUpload(f"“{name}” is {len(data) / 1_048_576:.1f} MB; the limit is "
                             f"{max_bytes / 1_048_576:.0f} MB.")
    if not _looks_like(extension, data):
        raise RejectedUpload(f"“{name}” does not contain what its name says (.{extension}). "
                             "Export it again as a real file of that type.")
    return name, ALLOWED[extension]


def store(session: Session, actor: Actor, storage: Storage, assessment: Assessment,
          question_id: str, filename: str, stream: BinaryIO,
          finding_id: int | None = None) -> EvidenceFile:
    data = stream.read(storage.max_bytes + 1)
    name, content_type = check(filename, data, storage.max_bytes)
    storage_name = secrets.token_hex(20)
    keys.sealing_files(session, storage.files, assessment.vendor_id).write(storage_name, data)
    evidence = EvidenceFile(
        assessment_id=assessment.id, question_id=question_id, original_name=name,
        content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        storage_name=storage_name, uploaded_by_id=actor.user_id, uploaded_at=clock.now(),
        finding_id=finding_id)
    session.add(evidence)
    session.flush()
    audit.record(session, actor, "evidence.upload", object_type="assessment",
                 object_id=assessment.id, details={"evidence_id": evidence.id,
                                                   "question": question_id,
                                                   "finding_id": finding_id,
                                                   "sha256": evidence.sha256})
    return evidence


def files_of(session: Session, assessment_id: int) -> dict[str, list[EvidenceFile]]:
    rows = session.scalars(select(EvidenceFile).where(
        EvidenceFile.assessment_id == assessment_id, EvidenceFile.removed_at.is_(None),
        EvidenceFile.finding_id.is_(None))
        .order_by(EvidenceFile.id))
    grouped: dict[str, list[EvidenceFile]] = {}
    for row in rows:
        grouped.setdefault(row.question_id, []).append(row)
    return grouped


def find(session: Session, evidence_id: int, vendor_id: int | None) -> EvidenceFile:
    """A live file; for a partner (vendor_id given) only one of its own firm's."""
    query = select(EvidenceFile).join(Assessment).where(EvidenceFile.id == evidence_id,
                                                        EvidenceFile.removed_at.is_(None))
    if vendor_id is not None:
        query = query.where(Assessment.vendor_id == vendor_id)
    found = session.scalar(query)
    if found is None:
        raise NotFound("No such file.")
    return found


def read(session: Session, actor: Actor, storage: Storage, evidence: EvidenceFile) -> bytes:
    """The file's bytes; a DomainError saying why if they cannot be given back (damaged,
    missing, or shredded with its firm's key)."""
    assessment = session.get(Assessment, evidence.assessment_id)
    assert assessment is not None  # a foreign key
    data = keys.read_document(session, storage.files, assessment.vendor_id,
                              evidence.storage_name, evidence.sha256)
    audit.record(session, actor, "evidence.download", object_type="assessment",
                 object_id=evidence.assessment_id, details={"evidence_id": evidence.id})
    return data


def stored_documents(session: Session) -> list[keys.StoredDocument]:
    """Every evidence file with a record, removed or not: what key rotation looks after."""
    rows = session.execute(select(EvidenceFile.storage_name, Assessment.vendor_id,
                                  EvidenceFile.sha256).join(Assessment))
    return [keys.StoredDocument(*row) for row in rows]


def remove(session: Session, actor: Actor, storage: Storage, evidence: EvidenceFile) -> None:
    evidence.removed_at = clock.now()
    storage.files.delete(evidence.storage_name)  # overwritten, then unlinked
    audit.record(session, actor, "evidence.remove", object_type="assessment",
                 object_id=evidence.assessment_id, details={"evidence_id": evidence.id})
