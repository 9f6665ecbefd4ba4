"""The backup file's encryption: one stream, AES-256-GCM in fixed-size chunks. Pure: file objects
in and out, never the whole content in memory.

Each backup gets a fresh random data key. The data key is sealed with ``storage.crypto.seal``,
the very envelope that seals every stored document, under the keyring's active master key, so a
backup opens with the same keyring as the documents, and a retired key shreds both alike.

Backup file format, version 1 (integers big-endian, lengths in bytes)::

    offset   length  field
    0        4       magic b"VRBK"
    4        1       format version, 1
    5        4       c, plaintext bytes per chunk (1 MiB when written; read up to 64 MiB)
    9        16      backup id, random
    25       2       k, length of the sealed data key
    27       k       the 32-byte data key, sealed by storage.crypto.seal under a master key,
                     with the storage name "backup:" + the backup id in lowercase hex
    27+k     rest    chunk 0, chunk 1, ...: chunk i = AES-GCM(data key, nonce i, plaintext i,
                     header), ciphertext then its 16-byte tag

    header  = bytes 0 .. 27+k, the associated data of every chunk
    nonce i = i as 11 bytes || final flag as 1 byte (1 for the last chunk, else 0)

Every chunk holds exactly c plaintext bytes except the last, which holds 0 to c-1 and alone
carries the final flag. This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár,
2015), and it is what lets a reader trust a stream it cannot hold in memory:

- the index in the nonce makes a chunk dropped, repeated or moved fail its tag;
- the final flag, and the rule that only a short chunk is final, make a file cut at a chunk
  boundary (no short chunk at the end) or inside one (a short chunk never sealed as final) fail;
- the header as associated data makes any edit of the chunk size or backup id fail every chunk;
- the sealed key's name carries the backup id, so a key header spliced in from another backup
  does not open.

Nonces are counters, safe because a data key encrypts one backup only. A reader releases a
chunk's plaintext only after its tag verifies, but only the final chunk proves the stream is
whole: consumers stage what they read and act once ``read`` has returned ``b""``.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vendorrisk.backup.errors import DamagedBackupError, NotABackupError, WrongKeyError
from vendorrisk.storage import (
    Keyring,
    MalformedFileError,
    TamperedError,
    UnknownKeyError,
    key_id_of,
    open_sealed,
    seal,
)

MAGIC = b"VRBK"
FORMAT_VERSION = 1
CHUNK_SIZE = 1 << 20
MAX_CHUNK_SIZE = 64 << 20  # a reader allocates a chunk before it can authenticate the header
TAG_BYTES = 16
ID_BYTES = 16
_FIXED = struct.Struct(">4sBI16sH")  # magic, version, chunk size, backup id, sealed key length


def key_name(backup_id: bytes) -> str:
    return "backup:" + backup_id.hex()


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class EncryptingWriter:
    """Write plaintext in; sealed chunks go out to ``sink``. ``close`` seals the final chunk
    (the sink stays open: its owner syncs and renames it)."""

    def __init__(self, sink: BinaryIO, keyring: Keyring, chunk_size: int = CHUNK_SIZE) -> None:
        data_key = AESGCM.generate_key(bit_length=256)
        backup_id = os.urandom(ID_BYTES)
        sealed_key = seal(keyring, key_name(backup_id), data_key)
        self.header = _FIXED.pack(MAGIC, FORMAT_VERSION, chunk_size, backup_id,
                                  len(sealed_key)) + sealed_key
        self.backup_id, self.key_id = backup_id.hex(), keyring.active
        self._sink, self._aead, self._chunk_size = sink, AESGCM(data_key), chunk_size
        self._buffer = bytearray()
        self._index = self._written = 0
        sink.write(self.header)

    def tell(self) -> int:
        """Plaintext bytes written so far (tarfile asks, once, where it starts)."""
        return self._written

    def write(self, data: bytes) -> int:
        self._written += len(data)
        self._buffer += data
        # A full chunk is never final (the final one is short, maybe empty), so it can go now.
        while len(self._buffer) >= self._chunk_size:
            self._emit(bytes(self._buffer[:self._chunk_size]), final=False)
            del self._buffer[:self._chunk_size]
        return len(data)

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _emit(self, plaintext: bytes, final: bool) -> None:
        self._sink.write(self._aead.encrypt(_nonce(self._index, final), plaintext, self.header))
        self._index += 1


class DecryptingReader:
    """Read authenticated plaintext out of a backup file; raises NotABackupError, WrongKeyError
    or DamagedBackupError. ``read`` returns ``b""`` only once the final chunk has verified and
    nothing follows it."""

    def __init__(self, source: BinaryIO, keyring: Keyring) -> None:
        self._source = source
        fixed = source.read(_FIXED.size)
        if not fixed.startswith(MAGIC):
            raise NotABackupError("this is not a VendorRisk backup (no VRBK header)")
        if len(fixed) < _FIXED.size:
            raise DamagedBackupError("the backup is cut short inside its header")
        _magic, version, chunk_size, backup_id, key_length = _FIXED.unpack(fixed)
        if version != FORMAT_VERSION:
            raise NotABackupError(f"backup format version {version} is not supported (this code "
                                  f"reads version {FORMAT_VERSION})")
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise DamagedBackupError("the backup's header is damaged (impossible chunk size)")
        sealed_key = source.read(key_length)
        if len(sealed_key) < key_length:
            raise DamagedBackupError("the backup is cut short inside its header")
        self.header = fixed + sealed_key
        self.backup_id, self.key_id = backup_id.hex(), _key_id(sealed_key)
        self._aead = AESGCM(_open_data_key(keyring, backup_id, sealed_key, self.key_id))
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._next_chunk()
        size = len(self._buffer) if size < 0 else min(size, len(self._buffer))
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def finish(self) -> None:
        """Read and verify whatever is left, through the final chunk; the content is dropped."""
        while self.read(self._chunk_size):
            pass

    def _next_chunk(self) -> None:
        sealed = _read_fully(self._source, self._chunk_size + TAG_BYTES)
        final = len(sealed) < self._chunk_size + TAG_BYTES
        if len(sealed) < TAG_BYTES:
            raise DamagedBackupError(f"the backup is cut short: it ends after chunk "
                                     f"{self._index - 1} without its final chunk")
        try:
            plaintext = self._aead.decrypt(_nonce(self._index, final), sealed, self.header)
        except InvalidTag:
            raise DamagedBackupError(
                f"the backup is damaged: chunk {self._index} does not authenticate (altered, "
                "cut short, or chunks missing or out of order)") from None
        if final and self._source.read(1):
            raise DamagedBackupError("the backup is damaged: data follows its final chunk")
        self._buffer += plaintext
        self._index += 1
        self._done = final


def _read_fully(source: BinaryIO, size: int) -> bytes:
    parts, wanted = [], size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _key_id(sealed_key: bytes) -> str:
    try:
        return key_id_of(sealed_key)
    except MalformedFileError:
        raise DamagedBackupError("the backup's key header is damaged") from None


def _open_data_key(keyring: Keyring, backup_id: bytes, sealed_key: bytes, key_id: str) -> bytes:
    try:
        return open_sealed(keyring, key_name(backup_id), sealed_key)
    except UnknownKeyError:
        raise WrongKeyError(f"the backup was made under master key {key_id!r}, which this "
                            "keyring does not hold: restore with the keyring of that time"
                            ) from None
    except TamperedError:
        raise WrongKeyError(f"this keyring's key {key_id!r} does not open the backup: it is not "
                            "the key the backup was made with (or the header was altered)"
                            ) from None
    except MalformedFileError:
        raise DamagedBackupError("the backup's key header is damaged") from None
