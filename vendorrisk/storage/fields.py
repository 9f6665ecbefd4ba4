"""Encrypted text values for database columns (answers, submissions, comments). Pure.

Each value is one AES-256-GCM encryption under the keyring's active master key, stored as text
so it fits the TEXT column it replaces::

    vrf1:<key id>:<base64url(12-byte nonce || ciphertext || 16-byte tag), unpadded>

    associated data = b"VRF1" 0x00 <purpose> 0x00 <key id>      (purpose: "table.column")

The purpose binds a token to its column: a value copied into another column does not open.
Binding it to its row as well is not possible at this level: a column type sees the value and
never the row (whose id does not even exist yet when an insert is bound). Values are small, so
rotation re-encrypts them whole rather than wrapping a data key per value.

Values written before encryption existed were marked ``plain:<value>`` by migration 0013, so
that they stay readable until ``flask keys rotate`` seals them; anything that is neither a token
nor so marked is refused, never passed on as if it were valid.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vendorrisk.storage.errors import MalformedValueError, TamperedError
from vendorrisk.storage.keyring import KEY_ID, Keyring

TOKEN_PREFIX = "vrf1:"  # noqa: S105 - a format marker, not a secret
PLAIN_PREFIX = "plain:"
NONCE_BYTES = 12


def seal_text(keyring: Keyring, purpose: str, text: str) -> str:
    """``text`` encrypted under the active key, as a token."""
    key_id, nonce = keyring.active, os.urandom(NONCE_BYTES)
    sealed = AESGCM(keyring.key(key_id)).encrypt(nonce, text.encode("utf-8"),
                                                 _ad(purpose, key_id))
    encoded = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{TOKEN_PREFIX}{key_id}:{encoded}"


def open_text(keyring: Keyring, purpose: str, stored: str) -> str:
    """The text of a stored token, or of a value still marked as plaintext (see above).

    Raises MalformedValueError, UnknownKeyError or TamperedError (altered, or from another
    column).
    """
    if stored.startswith(PLAIN_PREFIX):
        return stored.removeprefix(PLAIN_PREFIX)
    key_id, payload = _parse(stored)
    try:
        plaintext = AESGCM(keyring.key(key_id)).decrypt(payload[:NONCE_BYTES],
                                                        payload[NONCE_BYTES:],
                                                        _ad(purpose, key_id))
    except InvalidTag:
        raise TamperedError(f"a sealed {purpose} value was altered, or belongs to another "
                            "column") from None
    return plaintext.decode("utf-8")


def reseal_text(keyring: Keyring, purpose: str, stored: str) -> str | None:
    """``stored`` sealed under the active key, or None if it already is (it is still opened,
    so a damaged value is reported rather than carried over)."""
    text = open_text(keyring, purpose, stored)
    if key_id_of_text(stored) == keyring.active:
        return None
    return seal_text(keyring, purpose, text)


def key_id_of_text(stored: str) -> str | None:
    """The key id a stored value is sealed under (not authenticated), read from its first
    ``len(TOKEN_PREFIX) + 33`` characters alone; None if it is still plaintext."""
    if stored.startswith(PLAIN_PREFIX):
        return None
    return _split(stored)[0]


def _split(stored: str) -> tuple[str, str]:
    if not stored.startswith(TOKEN_PREFIX):
        raise MalformedValueError("a value that should be sealed is not (no vrf1: prefix, and "
                                  "not marked as plaintext awaiting conversion)")
    key_id, colon, encoded = stored.removeprefix(TOKEN_PREFIX).partition(":")
    if not colon or not KEY_ID.fullmatch(key_id):
        raise MalformedValueError("a sealed value holds an invalid key id")
    return key_id, encoded


def _parse(stored: str) -> tuple[str, bytes]:
    key_id, encoded = _split(stored)
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise MalformedValueError("a sealed value is not valid base64url") from None
    if len(payload) < NONCE_BYTES + 16:
        raise MalformedValueError("a sealed value is cut short")
    return key_id, payload


def _ad(purpose: str, key_id: str) -> bytes:
    return b"VRF1\x00" + purpose.encode("utf-8") + b"\x00" + key_id.encode("ascii")
