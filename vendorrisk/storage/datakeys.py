"""Data keys that belong to one owner (a partner firm), kept wrapped under a master key. Pure.

A firm's files are sealed under its own data key instead of a master key, so destroying that one
key makes all of the firm's files unreadable at once (crypto-shredding) while every other firm's
files stay readable. The data key is never stored in the clear: it is wrapped with AES-256-GCM
under a master key of the keyring, with associated data naming the master key, the data key's
own id (the one written into the files' headers) and its owner, so a wrapped key copied onto
another firm or another id does not unwrap::

    associated data = b"VRDK" 0x01 len(master id) master id len(key id) key id owner
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vendorrisk.storage.errors import TamperedError
from vendorrisk.storage.keyring import KEY_BYTES, Keyring

NONCE_BYTES = 12


@dataclass(frozen=True)
class WrappedKey:
    """A data key as stored: encrypted (with its tag), and the master key it is wrapped under."""

    master_key_id: str
    nonce: bytes
    wrapped: bytes


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def wrap_key(keyring: Keyring, key_id: str, owner: str, data_key: bytes) -> WrappedKey:
    """``data_key`` wrapped under the keyring's active master key."""
    master_key_id, nonce = keyring.active, os.urandom(NONCE_BYTES)
    wrapped = AESGCM(keyring.key(master_key_id)).encrypt(
        nonce, data_key, _ad(master_key_id, key_id, owner))
    return WrappedKey(master_key_id, nonce, wrapped)


def unwrap_key(keyring: Keyring, key_id: str, owner: str, stored: WrappedKey) -> bytes:
    """The data key; UnknownKeyError if its master key is gone, TamperedError if it does not
    authenticate (altered, or stored for another id or owner)."""
    master = AESGCM(keyring.key(stored.master_key_id))
    try:
        return master.decrypt(stored.nonce, stored.wrapped,
                              _ad(stored.master_key_id, key_id, owner))
    except InvalidTag:
        raise TamperedError(f"data key {key_id!r} was altered, or is stored for another "
                            "owner") from None


def rewrap_key(keyring: Keyring, key_id: str, owner: str,
               stored: WrappedKey) -> WrappedKey | None:
    """The data key wrapped under the active master key, or None if it already is (it is still
    unwrapped, so a damaged one is reported rather than carried over)."""
    data_key = unwrap_key(keyring, key_id, owner, stored)
    if stored.master_key_id == keyring.active:
        return None
    return wrap_key(keyring, key_id, owner, data_key)


def _ad(master_key_id: str, key_id: str, owner: str) -> bytes:
    master, own = master_key_id.encode("ascii"), key_id.encode("ascii")
    return (b"VRDK\x01" + bytes([len(master)]) + master + bytes([len(own)]) + own
            + owner.encode("utf-8"))
