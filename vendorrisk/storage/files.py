"""Encrypted files in a folder: ``folder/ab/abcdef…``, each sealed by ``crypto.seal``.

Writes are atomic (a temporary file in the same directory, fsynced, then renamed over the name),
so a reader or a crash sees the old file or the new one, never a mix. Directories are 0700 and
files 0600. Write, delete and rewrap of files in one fan-out directory hold an exclusive
``flock`` on that directory, so a rewrap running beside the portal cannot bring back a file
deleted meanwhile, nor undo a write; reads need no lock because renames are atomic.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, Protocol

from vendorrisk.storage.crypto import (
    HEADER_BYTES,
    header_key_id,
    key_id_of,
    open_sealed,
    rewrap,
    seal,
)
from vendorrisk.storage.errors import InvalidNameError, StorageError
from vendorrisk.storage.fsutil import locked
from vendorrisk.storage.keyring import Keyring, load_keyring

# Lowercase hex only: no "/", ".", or anything else that could leave the folder.
NAME = re.compile(r"[0-9a-f]{32,64}")
_OVERWRITE_CHUNK = 1 << 20
Resealed = Literal["sealed", "rewrapped", "current", "gone"]


@dataclass
class RewrapReport:
    """What ``rewrap_all`` did, by storage name; ``failed`` maps a name to the reason."""

    rewrapped: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class HasInstancePath(Protocol):
    instance_path: str


def keyring_for(app: HasInstancePath) -> Keyring:
    """The keyring of an app (a Flask app, without importing Flask): ``load_keyring`` on its
    instance folder, the environment winning. Read on every call, a small file, so an edited
    keyring file takes effect on the next request; a changed environment needs a restart."""
    return load_keyring(Path(app.instance_path))


@dataclass(frozen=True)
class EncryptedFiles:
    folder: Path
    keyring: Keyring

    def __post_init__(self) -> None:
        # Folders usually come from the app's config, as text.
        object.__setattr__(self, "folder", Path(self.folder))

    def path_of(self, name: str) -> Path:
        """Where ``name`` lives; raises InvalidNameError for anything but 32-64 lowercase hex."""
        if not NAME.fullmatch(name):
            raise InvalidNameError(f"{name[:80]!r} is not a storage name (32 to 64 lowercase "
                                   "hexadecimal characters)")
        return self.folder / name[:2] / name

    def write(self, name: str, data: bytes) -> None:
        """Seal ``data`` and store it as ``name``, atomically, replacing any earlier file (whose
        blocks are then freed, not overwritten: give each document a fresh name, and ``delete``
        the old one, when that matters)."""
        path = self.path_of(name)
        blob = seal(self.keyring, name, data)
        # Only the leaf gets 0700 from mkdir(parents=True); the shard is made on its own for that.
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        with locked(path.parent) as directory:
            _replace(path, blob, directory)

    def read(self, name: str) -> bytes:
        """The plaintext stored as ``name``. Raises FileNotFoundError if there is none, and a
        StorageError if the file cannot be opened (see ``crypto.open_sealed``)."""
        return open_sealed(self.keyring, name, self.path_of(name).read_bytes())

    def read_sealed(self, name: str) -> bytes:
        """The bytes stored as ``name``, still sealed (backups copy documents as they are).
        Read under the folder's lock, so a deletion overwriting the file in place is never
        copied half-way. Raises FileNotFoundError if there is none."""
        path = self.path_of(name)
        with locked(path.parent):
            return path.read_bytes()

    def delete(self, name: str) -> None:
        """Overwrite the file's bytes with random data, fsync, then unlink it; no-op if absent.

        This is secure deletion only as far as a filesystem allows. On copy-on-write filesystems
        (btrfs, ZFS, APFS), on SSDs and flash (wear levelling, remapped blocks), and in
        snapshots, journals and backups, the old blocks can survive the overwrite, so it is not
        a guarantee. The guarantee is crypto-shredding: whatever survives is ciphertext whose
        data key is wrapped under a firm's key or a master key. Destroying the firm's key, or
        rotating the master key and then removing the old one from the keyring, turns every
        surviving copy into noise, while the live files, rewrapped, stay readable.
        """
        path = self.path_of(name)
        if not path.parent.is_dir():
            return
        with locked(path.parent) as directory:
            # A write cut short by a crash can leave a sealed copy in a temporary file; no write
            # is under way now (it would hold the lock), so any such file is a leftover.
            for victim in [path, *path.parent.glob(f".{name}.*.tmp")]:
                _shred(victim)
            os.fsync(directory)

    def names(self) -> Iterator[str]:
        """Every stored name, in sorted order; temporary files and strays are skipped."""
        for path in sorted(self.folder.glob("*/*")):
            if (NAME.fullmatch(path.name) and path.parent.name == path.name[:2]
                    and path.is_file()):
                yield path.name

    def with_keyring(self, keyring: Keyring) -> EncryptedFiles:
        """The same folder, sealing and opening with ``keyring`` (e.g. a firm's data key)."""
        return replace(self, keyring=keyring)

    def key_id_of(self, name: str) -> str | None:
        """The key id in the header of the file stored as ``name`` (not authenticated), or None
        if the file is not sealed at all; reads the header only."""
        with self.path_of(name).open("rb") as handle:
            return header_key_id(handle.read(HEADER_BYTES))

    def rewrap_all(self) -> RewrapReport:
        """Rewrap every file not under the active key, each atomically; safe to run again.

        A file that cannot be rewrapped (unknown key, damaged header, unreadable) is reported
        in ``failed`` and left exactly as it was; the others go on.
        """
        report = RewrapReport()
        for name in self.names():
            try:
                outcome = self.reseal(name)
            except (StorageError, OSError) as error:
                report.failed[name] = str(error)
                continue
            if outcome == "current":
                report.current.append(name)
            elif outcome == "rewrapped":
                report.rewrapped.append(name)
        return report

    def reseal(self, name: str,
               is_plaintext: Callable[[bytes], bool] = lambda _blob: False) -> Resealed:
        """Bring the file stored as ``name`` under the active key, atomically: rewrap its data
        key, or, when ``is_plaintext`` recognises its bytes as a file stored before encryption,
        seal it. Returns what was done; "gone" if it was deleted meanwhile. Raises StorageError
        (left exactly as it was) if it can be neither opened nor recognised."""
        path = self.path_of(name)
        with locked(path.parent) as directory:
            try:
                blob = path.read_bytes()
            except FileNotFoundError:
                return "gone"  # deleted since it was listed: nothing left to reseal
            if is_plaintext(blob):
                _replace(path, seal(self.keyring, name, blob), directory)
                return "sealed"
            if key_id_of(blob) == self.keyring.active:
                rewrap(self.keyring, name, blob)  # still authenticated: damage is reported
                return "current"
            _replace(path, rewrap(self.keyring, name, blob), directory)
        return "rewrapped"


def _replace(path: Path, blob: bytes, directory: int) -> None:
    """Put ``blob`` at ``path`` atomically and durably; mkstemp creates the file 0600."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    os.fsync(directory)  # the rename itself must survive a crash too


def _shred(path: Path) -> None:
    """Overwrite the file in place with random bytes, fsync, unlink; no-op if it is absent."""
    try:
        # O_NOFOLLOW: overwriting through a planted symlink would destroy what it points to.
        descriptor = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        return
    with os.fdopen(descriptor, "r+b") as handle:  # r+b: the same bytes, not a truncated file
        size = os.fstat(descriptor).st_size
        for offset in range(0, size, _OVERWRITE_CHUNK):
            handle.write(os.urandom(min(_OVERWRITE_CHUNK, size - offset)))
        handle.flush()
        os.fsync(descriptor)
    path.unlink()
