"""The master keys that wrap every stored file's data key.

A keyring is JSON: ``{"active": "k2", "keys": {"k1": "<base64url>", "k2": "<base64url>"}}``,
each key 32 random bytes (AES-256). New files are sealed under the ``active`` key; the other keys
only open files sealed before a rotation. It comes from ``VENDORRISK_STORAGE_KEYS`` if that is
set, else from ``storage_keys.json`` in the instance folder; the environment replaces the file
whole rather than merging with it, so what is in force is always one document.

Rotating: add a new key and make it active (replace the file whole, e.g. write a copy and rename
it; a changed environment variable needs a restart), run ``EncryptedFiles.rewrap_all`` until it
reports no failures, then remove the old key. Removing a key makes every copy of a file still
sealed under it (including backups) unreadable for good, which is also how a retired key's
data is shredded.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vendorrisk.storage.errors import KeyringError, UnknownKeyError

KEYRING_FILE = "storage_keys.json"
ENV_VAR = "VENDORRISK_STORAGE_KEYS"
KEY_BYTES = 32
# Key ids are written into every sealed file's header (one length byte, so short and ASCII).
KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


class Keyring:
    """Key id -> 32-byte master key, and the id new files are sealed under."""

    __slots__ = ("_keys", "active")

    def __init__(self, active: str, keys: Mapping[str, bytes], source: str = "keyring") -> None:
        for key_id, key in keys.items():
            _check_key_id(key_id, source)
            if len(key) != KEY_BYTES:
                raise KeyringError(f"{source}: key {key_id!r} is {len(key)} bytes; storage keys "
                                   f"are {KEY_BYTES} bytes (AES-256)")
        if active not in keys:
            raise KeyringError(f"{source}: the active key {active!r} is not among its keys "
                               f"({', '.join(sorted(keys)) or 'none'})")
        self.active = active
        self._keys = MappingProxyType(dict(keys))

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def key(self, key_id: str) -> bytes:
        try:
            return self._keys[key_id]
        except KeyError:
            raise UnknownKeyError(key_id) from None

    def __repr__(self) -> str:
        # Key material must never reach a log line or a traceback through repr().
        return f"Keyring(active={self.active!r}, key_ids={sorted(self._keys)!r})"


def parse_keyring(text: str, source: str) -> Keyring:
    """The keyring in ``text``, validated strictly; errors name ``source`` as its origin."""
    try:
        document = json.loads(text)
    except ValueError as error:
        # JSONDecodeError's message gives a position, never the text itself.
        detail = getattr(error, "msg", "not JSON")
        raise KeyringError(f"{source} is not valid JSON ({detail})") from None
    if not isinstance(document, dict) or set(document) != {"active", "keys"}:
        raise KeyringError(f'{source} must be a JSON object with exactly "active" and "keys"')
    active, keys = document["active"], document["keys"]
    if not isinstance(active, str) or not isinstance(keys, dict) or not keys:
        raise KeyringError(f'{source}: "active" must be a key id and "keys" a non-empty object '
                           "of key id -> base64url key")
    for key_id in keys:
        _check_key_id(key_id, source)
    return Keyring(active, {key_id: _decode_key(key_id, value, source)
                            for key_id, value in keys.items()}, source)


def load_keyring(instance_path: Path, environ: Mapping[str, str] = os.environ) -> Keyring:
    """The keyring from ``VENDORRISK_STORAGE_KEYS`` if set (even if empty: a setting that is
    present is never silently ignored), else from the instance folder's ``storage_keys.json``."""
    if ENV_VAR in environ:
        return parse_keyring(environ[ENV_VAR], ENV_VAR)
    path = Path(instance_path) / KEYRING_FILE
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyringError(f"no storage keys: set {ENV_VAR} or create {path} "
                           "(create_keyring_file does)") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyringError(f"{path} is open to other users (mode {stat.S_IMODE(mode):04o}); "
                           f"run chmod 600 {path}")
    return parse_keyring(path.read_text(encoding="utf-8"), str(path))


def create_keyring_file(path: Path, key_id: str = "k1") -> bool:
    """Write a keyring holding one fresh key, mode 0600, unless ``path`` exists; True if written.

    An existing keyring is never replaced: a new key would make every stored file unreadable.
    The file appears whole or not at all (written aside, then hard-linked into place, which
    fails rather than overwrites if another process created it meanwhile).
    """
    _check_key_id(key_id, "create_keyring_file")
    document = {"active": key_id, "keys": {key_id: secrets.token_urlsafe(KEY_BYTES)}}
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(document, indent=2) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)
    _fsync_directory(path.parent)  # losing the keyring would lose every file sealed under it
    return True


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _check_key_id(key_id: Any, source: str) -> None:
    if not isinstance(key_id, str) or not KEY_ID.fullmatch(key_id):
        raise KeyringError(f"{source}: key id {key_id!r} is not 1 to 32 letters, digits, "
                           "'.', '_' or '-'")


def _decode_key(key_id: str, value: Any, source: str) -> bytes:
    # Errors name the key id only: the value is secret even when it is wrong.
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        raise KeyringError(f"{source}: key {key_id!r} is not base64url text")
    unpadded = value.rstrip("=")
    try:
        key = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except binascii.Error:
        raise KeyringError(f"{source}: key {key_id!r} is not valid base64url") from None
    if len(key) != KEY_BYTES:
        raise KeyringError(f"{source}: key {key_id!r} decodes to {len(key)} bytes; storage keys "
                           f"are {KEY_BYTES} bytes (AES-256)")
    return key
