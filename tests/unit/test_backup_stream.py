"""The backup file's encryption: chunks come back only whole, in order, complete, and under the
right key."""

from __future__ import annotations

import io
import os

import pytest

from vendorrisk.backup.errors import DamagedBackupError, NotABackupError, WrongKeyError
from vendorrisk.backup.stream import TAG_BYTES, DecryptingReader, EncryptingWriter
from vendorrisk.storage import Keyring

CHUNK = 64
KEYRING = Keyring("k1", {"k1": os.urandom(32)})


def encrypt(plaintext: bytes, keyring: Keyring = KEYRING) -> tuple[bytes, int]:
    """The backup file, and where its chunks start."""
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, keyring, chunk_size=CHUNK)
    for at in range(0, len(plaintext), 50):  # writes that straddle chunk boundaries
        writer.write(plaintext[at:at + 50])
    writer.close()
    return sink.getvalue(), len(writer.header)


def decrypt(blob: bytes, keyring: Keyring = KEYRING) -> bytes:
    reader = DecryptingReader(io.BytesIO(blob), keyring)
    parts = []
    while part := reader.read(37):
        parts.append(part)
    return b"".join(parts)


def chunks(blob: bytes, start: int) -> list[bytes]:
    body = blob[start:]
    size = CHUNK + TAG_BYTES
    return [body[at:at + size] for at in range(0, len(body), size)]


@pytest.mark.parametrize("length", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 10 * CHUNK, 10 * CHUNK + 7])
def test_what_goes_in_comes_out_and_the_last_chunk_is_always_short(length):
    plaintext = (b"client ledger " * length)[:length]
    blob, start = encrypt(plaintext)
    assert decrypt(blob) == plaintext
    assert len(chunks(blob, start)[-1]) < CHUNK + TAG_BYTES  # so a cut at a boundary shows
    assert b"ledger" not in blob


def tampered(how: str) -> bytes:
    blob, start = encrypt(os.urandom(5 * CHUNK + 10))
    parts = chunks(blob, start)
    header = blob[:start]
    match how:
        case "flipped byte":
            middle = len(blob) // 2
            return blob[:middle] + bytes([blob[middle] ^ 1]) + blob[middle + 1:]
        case "cut inside the last chunk":
            return blob[:-3]
        case "cut at a chunk boundary":
            return header + b"".join(parts[:-1])
        case "chunk dropped":
            return header + b"".join(parts[:2] + parts[3:])
        case "chunks swapped":
            return header + b"".join([parts[0], parts[2], parts[1], *parts[3:]])
        case "chunk repeated":
            return header + b"".join([parts[0], parts[0], *parts[1:]])
        case "data appended":
            return blob + b"\0"
        case "chunk size edited":
            return blob[:8] + bytes([blob[8] ^ 1]) + blob[9:]
        case "backup id edited":
            return blob[:12] + bytes([blob[12] ^ 1]) + blob[13:]
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["flipped byte", "cut inside the last chunk",
                                 "cut at a chunk boundary", "chunk dropped", "chunks swapped",
                                 "chunk repeated", "data appended", "chunk size edited",
                                 "backup id edited"])
def test_any_change_to_the_file_is_refused(how):
    with pytest.raises((DamagedBackupError, WrongKeyError)):
        decrypt(tampered(how))


def test_a_cut_at_a_chunk_boundary_is_named_as_such():
    with pytest.raises(DamagedBackupError, match="without its final chunk"):
        decrypt(tampered("cut at a chunk boundary"))


def test_the_key_is_that_of_the_keyring_at_backup_time():
    blob, _start = encrypt(b"rows and documents")
    rotated = Keyring("k2", {"k1": KEYRING.key("k1"), "k2": os.urandom(32)})
    assert decrypt(blob, rotated) == b"rows and documents"  # an old key kept opens it
    with pytest.raises(WrongKeyError, match="does not hold"):
        decrypt(blob, Keyring("k2", {"k2": os.urandom(32)}))
    with pytest.raises(WrongKeyError, match="does not open"):
        decrypt(blob, Keyring("k1", {"k1": os.urandom(32)}))


def test_other_files_are_not_backups():
    with pytest.raises(NotABackupError):
        decrypt(b"%PDF-1.7 not a backup at all")
    with pytest.raises(NotABackupError):
        decrypt(b"")
    with pytest.raises(DamagedBackupError, match="cut short inside its header"):
        decrypt(encrypt(b"")[0][:20])
