"""Each partner firm's data key: sealing and opening the firm's documents, and destroying the key.

Every stored document of a firm (evidence files, agreement documents) is sealed under the firm's
data key, which the ``vendor_key`` row keeps wrapped under a master key. The key is made the
first time the firm stores a document. ``destroy_vendor_key`` deletes it, and with it every way
to read those documents, wherever copies of them survive (crypto-shredding); offboarding and
purging call it.

Documents stored before firms had keys stay sealed directly under a master key, and still open,
until ``flask keys rotate`` moves them under their firm's key.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.accounts.roles import Role
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.errors import DomainError, Forbidden
from vendorrisk.keys.models import VendorKey
from vendorrisk.storage.datakeys import WrappedKey, new_data_key, unwrap_key, wrap_key
from vendorrisk.storage.errors import MalformedFileError, StorageError, UnknownKeyError
from vendorrisk.storage.files import EncryptedFiles
from vendorrisk.storage.keyring import DATA_KEY_PREFIX, Keyring
from vendorrisk.vendors.service import get_vendor

# What the sealed files' headers name: the firm, then a random part (never reused by a new key).
VENDOR_KEY_ID = re.compile(rf"{DATA_KEY_PREFIX}\d+-[0-9a-f]{{8}}")


class StoredDocument(NamedTuple):
    """A document as its record knows it: where it is stored, whose it is, its digest."""

    name: str
    vendor_id: int
    sha256: str


class UnreadableDocument(DomainError):
    """A stored document cannot be given back; the message says why, for the person asking."""

    status_code = 410


class ShreddedDocument(UnreadableDocument):
    """The document's firm key was destroyed: it is gone for good, by design."""


def live_key(session: Session, vendor_id: int) -> VendorKey | None:
    return session.scalar(select(VendorKey).where(VendorKey.vendor_id == vendor_id))


def owner(vendor_id: int) -> str:
    """Who a data key belongs to, as its wrap's associated data names it."""
    return f"vendor:{vendor_id}"


def wrapped(row: VendorKey) -> WrappedKey:
    return WrappedKey(row.master_key_id, row.nonce, row.wrapped_key)


def firm_keyring(master: Keyring, row: VendorKey) -> Keyring:
    """The master keyring plus the firm's data key, which seals: documents sealed earlier under
    a master key still open with it, another firm's documents do not."""
    data_key = unwrap_key(master, row.key_id, owner(row.vendor_id), wrapped(row))
    return master.sealing_with(row.key_id, data_key)


def sealing_files(session: Session, files: EncryptedFiles, vendor_id: int) -> EncryptedFiles:
    """``files`` sealing under the firm's data key, which is made now if the firm has none.

    ``files`` carries the master keyring. The new key is flushed, not committed: a document
    written under it but rolled back is an unreferenced file that nothing can open, which is
    what it should be.
    """
    row = firm_key(session, files.keyring, vendor_id)
    return files.with_keyring(firm_keyring(files.keyring, row))


def firm_key(session: Session, master: Keyring, vendor_id: int) -> VendorKey:
    """The firm's live data key, made (wrapped under the active master key) if it has none."""
    row = live_key(session, vendor_id)
    if row is None:
        get_vendor(session, vendor_id, for_update=True)  # one key even if two uploads race
        row = live_key(session, vendor_id) or _new_key(session, master, vendor_id)
    return row


def _new_key(session: Session, master: Keyring, vendor_id: int) -> VendorKey:
    key_id = f"{DATA_KEY_PREFIX}{vendor_id}-{secrets.token_hex(4)}"
    sealed = wrap_key(master, key_id, owner(vendor_id), new_data_key())
    row = VendorKey(vendor_id=vendor_id, key_id=key_id, master_key_id=sealed.master_key_id,
                    nonce=sealed.nonce, wrapped_key=sealed.wrapped, created_at=clock.now())
    session.add(row)
    session.flush()
    return row


def opening_files(session: Session, files: EncryptedFiles, vendor_id: int) -> EncryptedFiles:
    """``files`` opening the firm's documents; reading never makes a key."""
    row = live_key(session, vendor_id)
    return files if row is None else files.with_keyring(firm_keyring(files.keyring, row))


def read_document(session: Session, files: EncryptedFiles, vendor_id: int, name: str,
                  sha256: str) -> bytes:
    """The firm's document stored as ``name``, checked against the digest recorded at upload.

    Raises ShreddedDocument when the firm's key was destroyed, UnreadableDocument for anything
    else that keeps it from being read (missing, damaged, a retired master key, stored before
    encryption and not converted yet), each with a message fit for the person asking.
    """
    try:
        data = opening_files(session, files, vendor_id).read(name)
    except FileNotFoundError:
        raise UnreadableDocument("This file is missing from storage; ask an administrator to "
                                 "restore it from a backup.") from None
    except UnknownKeyError as error:
        raise _unknown_key(error) from None
    except MalformedFileError:
        raise _not_sealed(files, name, sha256) from None
    except StorageError:
        data = b""  # damaged: reported below
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UnreadableDocument("This file is damaged in storage; ask an administrator to "
                                 "restore it from a backup.")
    return data


def _unknown_key(error: UnknownKeyError) -> UnreadableDocument:
    if VENDOR_KEY_ID.fullmatch(error.key_id):
        return ShreddedDocument("This file can no longer be read: the firm's encryption key "
                                "was destroyed, which makes its documents unrecoverable.")
    return UnreadableDocument("This file is sealed under a storage key that is no longer "
                              "configured; ask an administrator.")


def _not_sealed(files: EncryptedFiles, name: str, sha256: str) -> UnreadableDocument:
    if hashlib.sha256(files.path_of(name).read_bytes()).hexdigest() == sha256:
        return UnreadableDocument("This file was stored before encryption and has not been "
                                  "converted yet; ask an administrator to run "
                                  "“flask keys rotate”.")
    return UnreadableDocument("This file is damaged in storage; ask an administrator to "
                              "restore it from a backup.")


def destroy_vendor_key(session: Session, actor: Actor, vendor_id: int) -> str | None:
    """Destroy the firm's data key: every document of the firm, and every copy of one (backups,
    blocks a deletion could not overwrite), becomes unrecoverable. Irreversible.

    For offboarding and purging: call it in the same unit of work that retires the firm's
    records, before the firm's row is deleted (``vendor_key`` refers to it). An admin or a
    system actor (CLI, job) may; the firm must exist. Returns the destroyed key's id, or None
    if the firm had none (nothing stored since keys exist). The firm gets a new key if it
    stores a document again; the destroyed one is never reused.

    It covers the documents under the firm's key, which is every document once ``flask keys
    rotate`` has run after the upgrade that brought firm keys (``keys status`` shows any file
    still under a master key). Answers and comments are sealed under the master key, not the
    firm's: purging deletes their rows.

    Backups of the database taken before this call still hold the wrapped key: the documents
    are beyond reach once those backups are gone, or once the master key they were wrapped
    under is retired (``flask keys rotate``, then remove the old key).
    """
    if actor.user_id is not None and actor.role != Role.ADMIN:
        raise Forbidden("Only an administrator destroys a firm's encryption key.")
    get_vendor(session, vendor_id, for_update=True)  # no upload may slip in under the old key
    row = live_key(session, vendor_id)
    if row is None:
        return None
    key_id, row_id = row.key_id, row.id
    session.delete(row)
    session.flush()
    audit.record(session, actor, "vendor.data_key_destroyed", object_type="vendor",
                 object_id=vendor_id, details={"vendor_key_id": row_id, "key_id": key_id})
    return key_id
