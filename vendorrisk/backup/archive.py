"""What is inside a backup: a tar stream of the database dump, the stored documents and a
manifest, read and written through the encrypted stream of ``stream.py``. No Flask, no database.

Members, in this order::

    database/vendorrisk.sqlite3 | database/vendorrisk.pgdump   the dump (see databases.py)
    files/<SETTING>/<ab>/<name>                                 stored documents, still sealed
    manifest.json                                               always last

``<SETTING>`` is the configuration key of the folder (``UPLOAD_DIR``, ...), so a backup names
no path of the machine it came from and restores wherever that setting points.

The manifest comes last because it holds every member's SHA-256 and size, which are known only
once the member has been streamed (a backup never holds a document twice, on disk or in memory).
Reading therefore hands each member to a caller-supplied target as it streams by, hashes it, and
checks everything against the manifest, and the stream's final chunk, at the end; the caller
stages members and acts on none of them until ``read`` returns.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import IO, Any, BinaryIO

from vendorrisk.backup.errors import DamagedBackupError, NotABackupError
from vendorrisk.backup.stream import DecryptingReader, EncryptingWriter

MANIFEST_FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/vendorrisk.sqlite3",
                    "postgresql": "database/vendorrisk.pgdump"}
_FILE_MEMBER = re.compile(r"files/(?P<setting>[A-Z][A-Z0-9_]*)/(?P<shard>[0-9a-f]{2})/"
                          r"(?P<name>(?P=shard)[0-9a-f]{30,62})")
_MAX_MANIFEST_BYTES = 64 << 20
_COPY_CHUNK = 1 << 20


def file_member(setting: str, name: str) -> str:
    return f"files/{setting}/{name[:2]}/{name}"


def parse_file_member(member: str) -> tuple[str, str] | None:
    """(setting, storage name) of a stored document's member name, else None."""
    match = _FILE_MEMBER.fullmatch(member)
    return (match["setting"], match["name"]) if match else None


@dataclass(frozen=True)
class Digest:
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    app_version: str
    dialect: str
    revision: str | None
    tables: Mapping[str, int]  # rows per table, counted in the dump's own snapshot
    members: Mapping[str, Digest]
    folders: Mapping[str, int]  # stored documents per folder setting
    vanished: int = 0  # documents deleted between the database snapshot and their copy
    format: int = MANIFEST_FORMAT

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.dialect]

    def to_json(self) -> bytes:
        document = asdict(self)
        document["created_at"] = self.created_at.isoformat()
        return json.dumps(document, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            document = json.loads(raw)
            if document["format"] != MANIFEST_FORMAT:
                raise NotABackupError(f"backup manifest format {document['format']} is not "
                                      f"supported (this code reads {MANIFEST_FORMAT})")
            manifest = cls(**{**document, "created_at": datetime.fromisoformat(
                document["created_at"]), "members": {name: Digest(**digest) for name, digest
                                                     in document["members"].items()}})
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise DamagedBackupError(f"the backup's manifest is unreadable ({error})") from None
        if manifest.dialect not in DATABASE_MEMBERS:
            raise DamagedBackupError(f"the backup's manifest names an unknown database "
                                     f"{manifest.dialect!r}")
        return manifest


class _Hashing:
    """A file object that hashes what is read through it (for tarfile.addfile)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.sha256, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def digest(self) -> Digest:
        return Digest(self.size, self.sha256.hexdigest())


class ArchiveWriter:
    """Add members, then ``finish`` with the manifest; each member's digest is kept for it."""

    def __init__(self, writer: EncryptingWriter) -> None:
        self._writer = writer
        # Closed by finish(), after the manifest. Mode "w", not the stream mode "w|": the
        # writer never seeks, and a stream left unfinished after an error would try to write
        # its end when garbage-collected.
        self._tar = tarfile.TarFile(fileobj=writer, mode="w",  # type: ignore[arg-type]
                                    format=tarfile.PAX_FORMAT)
        self.digests: dict[str, Digest] = {}

    def add(self, name: str, source: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode = size, 0o600
        hashing = _Hashing(source)
        self._tar.addfile(info, hashing)
        self.digests[name] = hashing.digest()

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, io.BytesIO(data), len(data))

    def finish(self, manifest: Manifest) -> None:
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(raw), 0o600
        self._tar.addfile(info, io.BytesIO(raw))
        self._tar.close()
        self._writer.close()


# Where a member's bytes go while reading: a writable file, or None to check and drop them.
Target = Callable[[str], BinaryIO | None]


def read(reader: DecryptingReader, target: Target) -> Manifest:
    """Stream every member to ``target(name)``, then check the whole backup: every chunk, the
    manifest, and each member against its digest. Raises DamagedBackupError on any mismatch."""
    digests: dict[str, Digest] = {}
    raw_manifest: bytes | None = None
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            for member in tar:
                if raw_manifest is not None:
                    raise DamagedBackupError("the backup holds members after its manifest")
                _check_member(member, digests)
                source = tar.extractfile(member)
                assert source is not None  # a regular file, checked above
                if member.name == MANIFEST:
                    raw_manifest = source.read(_MAX_MANIFEST_BYTES)
                else:
                    digests[member.name] = _copy(source, target(member.name))
        reader.finish()
    except tarfile.TarError as error:
        raise DamagedBackupError(f"the backup's archive is malformed ({error})") from None
    if raw_manifest is None:
        raise DamagedBackupError("the backup has no manifest")
    manifest = Manifest.from_json(raw_manifest)
    _check_digests(manifest, digests)
    return manifest


def _check_member(member: tarfile.TarInfo, seen: Mapping[str, Digest]) -> None:
    name = member.name
    known = (name == MANIFEST or name in DATABASE_MEMBERS.values()
             or parse_file_member(name) is not None)
    if not known or not member.isfile():
        raise DamagedBackupError(f"the backup holds an unexpected member {name[:80]!r}")
    if name in seen:
        raise DamagedBackupError(f"the backup holds {name!r} twice")


def _copy(source: IO[bytes], sink: BinaryIO | None) -> Digest:
    """Hash ``source`` through to ``sink`` (closed afterwards), or just hash it."""
    hashing = _Hashing(source)
    try:
        while chunk := hashing.read(_COPY_CHUNK):
            if sink is not None:
                sink.write(chunk)
    finally:
        if sink is not None:
            sink.close()
    return hashing.digest()


def _check_digests(manifest: Manifest, digests: Mapping[str, Digest]) -> None:
    if manifest.database_member not in manifest.members:
        raise DamagedBackupError("the backup's manifest lists no database")
    for name in sorted(set(manifest.members) | set(digests)):
        if name not in digests:
            raise DamagedBackupError(f"the backup lacks {name!r}, which its manifest lists")
        if name not in manifest.members:
            raise DamagedBackupError(f"the backup holds {name!r}, which its manifest omits")
        if digests[name] != manifest.members[name]:
            raise DamagedBackupError(f"{name!r} does not match the backup's manifest")


def summary_counts(manifest: Manifest) -> tuple[int, int]:
    """(rows over every table, stored documents over every folder)."""
    return sum(manifest.tables.values()), sum(manifest.folders.values())


def audit_details(manifest: Manifest) -> dict[str, Any]:
    """The manifest's figures for an audit entry: counts and ids, nothing personal."""
    rows, documents = summary_counts(manifest)
    return {"created_at": manifest.created_at.isoformat(), "dialect": manifest.dialect,
            "revision": manifest.revision, "rows": rows, "documents": documents,
            "vanished": manifest.vanished}
