"""Envelope encryption of stored files with AES-256-GCM. Pure: bytes in, bytes out.

Each file gets its own random data key, which encrypts the content; the data key is stored in
the file, wrapped (encrypted) under a master key of the keyring. Rotating a master key therefore
rewraps 48 bytes per file and never re-encrypts content, and removing a master key from the
keyring shreds every file still wrapped under it.

Sealed file format, version 1 (all lengths in bytes)::

    offset      length  field
    0           4       magic b"VRSE"
    4           1       format version, 1
    5           1       n, length of the key id (1..32)
    6           n       key id of the master key, ASCII
    6+n         12      wrap nonce
    18+n        48      wrapped data key: AES-GCM(master key, wrap nonce, data key, wrap AD)
    66+n        12      content nonce
    78+n        rest    AES-GCM(data key, content nonce, content, content AD), 16-byte tag last

    wrap AD    = b"VRSE" 0x01 b"W" n key-id name
    content AD = b"VRSE" 0x01 b"C" name                    (name: the storage name, UTF-8)

Both associated data carry the storage name, so a file copied onto another record fails to open;
the wrap's also carries the key id, so editing the header's key id fails too. The content's
associated data leaves out the key id on purpose: rewrapping must not touch the content.

Nonces are random. A data key encrypts one content only, so its nonce can never repeat; a master
key wraps one data key per seal and per rewrap, far below AES-GCM's 2**32 random-nonce limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vendorrisk.storage.errors import MalformedFileError, TamperedError
from vendorrisk.storage.keyring import KEY_BYTES, KEY_ID, Keyring

MAGIC = b"VRSE"
FORMAT_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
WRAPPED_KEY_BYTES = KEY_BYTES + TAG_BYTES
_PREFIX = MAGIC + bytes([FORMAT_VERSION])
_KEY_ID_AT = len(_PREFIX) + 1  # after the key id's length byte
HEADER_BYTES = _KEY_ID_AT + 255  # enough to hold any key id


@dataclass(frozen=True)
class _Envelope:
    key_id: str
    wrap_nonce: bytes
    wrapped_key: bytes
    content_nonce: bytes
    ciphertext: bytes  # with its tag

    def to_bytes(self) -> bytes:
        key_id = self.key_id.encode("ascii")
        return b"".join((_PREFIX, bytes([len(key_id)]), key_id, self.wrap_nonce,
                         self.wrapped_key, self.content_nonce, self.ciphertext))


def seal(keyring: Keyring, name: str, plaintext: bytes) -> bytes:
    """``plaintext`` encrypted under a fresh data key, wrapped under the keyring's active key."""
    data_key = AESGCM.generate_key(bit_length=256)
    content_nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(content_nonce, plaintext, _content_ad(name))
    return _wrap(keyring, name, data_key, content_nonce, ciphertext).to_bytes()


def open_sealed(keyring: Keyring, name: str, blob: bytes) -> bytes:
    """The plaintext of a sealed file stored as ``name``.

    Raises MalformedFileError (not sealed, unknown version, truncated header), UnknownKeyError,
    or TamperedError (any altered or missing byte, or a file that belongs to another name).
    """
    envelope = _parse(blob)
    data_key = _unwrap(keyring, name, envelope)
    try:
        return AESGCM(data_key).decrypt(envelope.content_nonce, envelope.ciphertext,
                                        _content_ad(name))
    except InvalidTag:
        # The wrap authenticated the name, so only the content part can be at fault.
        raise TamperedError(f"stored file {name!r}: its content was altered or cut "
                            "short") from None


def rewrap(keyring: Keyring, name: str, blob: bytes) -> bytes:
    """``blob`` with its data key wrapped under the active master key, content bytes untouched.

    Returns ``blob`` itself if it is already under the active key. The wrap is authenticated
    either way (errors as ``open_sealed``); the content is not decrypted, so a damaged content
    is carried over as it is and still detected when opened.
    """
    envelope = _parse(blob)
    data_key = _unwrap(keyring, name, envelope)
    if envelope.key_id == keyring.active:
        return blob
    return _wrap(keyring, name, data_key, envelope.content_nonce, envelope.ciphertext).to_bytes()


def key_id_of(blob: bytes) -> str:
    """The id of the master key that ``blob``'s data key is wrapped under (not authenticated)."""
    return _parse(blob).key_id


def header_key_id(head: bytes) -> str | None:
    """The key id in a file's first ``HEADER_BYTES`` bytes, or None if they are not a sealed
    file's header (a file stored before encryption); MalformedFileError for a damaged one."""
    if not head.startswith(MAGIC):
        return None
    if len(head) < _KEY_ID_AT or len(head) < _KEY_ID_AT + head[_KEY_ID_AT - 1]:
        raise MalformedFileError("sealed file is cut short: its header is incomplete")
    key_id = head[_KEY_ID_AT:_KEY_ID_AT + head[_KEY_ID_AT - 1]].decode("ascii", errors="replace")
    if not KEY_ID.fullmatch(key_id):
        raise MalformedFileError("sealed file header holds an invalid key id")
    return key_id


def _wrap(keyring: Keyring, name: str, data_key: bytes, content_nonce: bytes,
          ciphertext: bytes) -> _Envelope:
    key_id = keyring.active
    wrap_nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(keyring.key(key_id)).encrypt(wrap_nonce, data_key, _wrap_ad(key_id, name))
    return _Envelope(key_id, wrap_nonce, wrapped, content_nonce, ciphertext)


def _unwrap(keyring: Keyring, name: str, envelope: _Envelope) -> bytes:
    master = AESGCM(keyring.key(envelope.key_id))
    try:
        return master.decrypt(envelope.wrap_nonce, envelope.wrapped_key,
                              _wrap_ad(envelope.key_id, name))
    except InvalidTag:
        raise TamperedError(f"stored file {name!r}: its key header was altered, or the file "
                            "belongs to another name") from None


def _parse(blob: bytes) -> _Envelope:
    if not blob.startswith(MAGIC):
        raise MalformedFileError("not a sealed file (no VRSE header)")
    if len(blob) < _KEY_ID_AT:
        raise MalformedFileError("sealed file is cut short: its header is incomplete")
    if blob[len(MAGIC)] != FORMAT_VERSION:
        raise MalformedFileError(f"sealed file format version {blob[len(MAGIC)]} is not "
                                 f"supported (this code reads version {FORMAT_VERSION})")
    wrap_nonce_at = _KEY_ID_AT + blob[_KEY_ID_AT - 1]
    wrapped_at = wrap_nonce_at + NONCE_BYTES
    content_nonce_at = wrapped_at + WRAPPED_KEY_BYTES
    ciphertext_at = content_nonce_at + NONCE_BYTES
    if len(blob) < ciphertext_at + TAG_BYTES:
        raise MalformedFileError("sealed file is cut short: its header or tag is incomplete")
    key_id = blob[_KEY_ID_AT:wrap_nonce_at].decode("ascii", errors="replace")
    if not KEY_ID.fullmatch(key_id):
        raise MalformedFileError("sealed file header holds an invalid key id")
    return _Envelope(key_id, blob[wrap_nonce_at:wrapped_at], blob[wrapped_at:content_nonce_at],
                     blob[content_nonce_at:ciphertext_at], blob[ciphertext_at:])


def _wrap_ad(key_id: str, name: str) -> bytes:
    key_id_bytes = key_id.encode("ascii")
    return _PREFIX + b"W" + bytes([len(key_id_bytes)]) + key_id_bytes + name.encode("utf-8")


def _content_ad(name: str) -> bytes:
    return _PREFIX + b"C" + name.encode("utf-8")
