"""Sealing stored files: AES-256-GCM envelopes, their keyring, and rewrapping for key rotation."""

from __future__ import annotations

import base64
import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.storage import (
    Keyring,
    KeyringError,
    MalformedFileError,
    StorageError,
    TamperedError,
    UnknownKeyError,
    key_id_of,
    open_sealed,
    parse_keyring,
    rewrap,
    seal,
)

K1, K2 = os.urandom(32), os.urandom(32)
OLD = Keyring("k1", {"k1": K1})
ROTATED = Keyring("k2", {"k1": K1, "k2": K2})  # k2 active, k1 retired but still present
NEW_ONLY = Keyring("k2", {"k2": K2})  # k1 removed: files still under it are shredded
NAME = "3f" * 20
CONTRACT = b"%PDF-1.7 signed NDA with Example Law Firm"


def b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def keyring_json(active: str = "k1", **keys: object) -> str:
    return json.dumps({"active": active, "keys": keys or {"k1": b64(K1)}})


def test_a_sealed_file_opens_to_its_content_and_does_not_show_it():
    blob = seal(OLD, NAME, CONTRACT)
    assert open_sealed(OLD, NAME, blob) == CONTRACT
    assert b"NDA" not in blob
    assert seal(OLD, NAME, CONTRACT) != blob  # fresh data key and nonces every time
    assert open_sealed(OLD, NAME, seal(OLD, NAME, b"")) == b""


def test_the_header_is_magic_version_and_key_id_then_fixed_size_fields():
    blob = seal(ROTATED, NAME, CONTRACT)
    assert blob[:4] == b"VRSE"
    assert blob[4] == 1
    assert blob[5:8] == b"\x02k2"
    # 12 wrap nonce + 48 wrapped key + 12 content nonce, then the content and its 16-byte tag
    assert len(blob) == 8 + 12 + 48 + 12 + len(CONTRACT) + 16
    assert key_id_of(blob) == "k2"


def test_changing_any_single_byte_of_header_or_content_is_detected():
    blob = seal(ROTATED, NAME, CONTRACT)
    for index in range(len(blob)):
        altered = bytearray(blob)
        altered[index] ^= 0x01
        with pytest.raises(StorageError):
            open_sealed(ROTATED, NAME, bytes(altered))


@given(st.data())
def test_any_change_to_any_byte_is_detected(data: st.DataObject):
    blob = seal(ROTATED, NAME, data.draw(st.binary(max_size=64)))
    index = data.draw(st.integers(0, len(blob) - 1))
    altered = bytearray(blob)
    altered[index] ^= data.draw(st.integers(1, 255))
    with pytest.raises(StorageError):
        open_sealed(ROTATED, NAME, bytes(altered))


def test_a_file_copied_onto_another_name_does_not_open():
    blob = seal(OLD, NAME, CONTRACT)
    with pytest.raises(TamperedError, match="another name"):
        open_sealed(OLD, "4a" * 20, blob)


def test_altered_content_is_reported_as_such():
    blob = bytearray(seal(OLD, NAME, CONTRACT))
    blob[-20] ^= 0x80
    with pytest.raises(TamperedError, match="content was altered"):
        open_sealed(OLD, NAME, bytes(blob))


def test_a_file_under_a_key_the_keyring_lacks_says_which_key():
    blob = seal(OLD, NAME, CONTRACT)
    with pytest.raises(UnknownKeyError, match="'k1'") as raised:
        open_sealed(NEW_ONLY, NAME, blob)
    assert raised.value.key_id == "k1"


def test_a_file_cut_short_anywhere_is_refused():
    blob = seal(OLD, NAME, CONTRACT)
    for length in range(len(blob)):
        with pytest.raises((MalformedFileError, TamperedError)):
            open_sealed(OLD, NAME, blob[:length])
    with pytest.raises(MalformedFileError, match="cut short"):
        open_sealed(OLD, NAME, blob[:40])


def test_plain_files_and_unknown_format_versions_are_refused_clearly():
    with pytest.raises(MalformedFileError, match="not a sealed file"):
        open_sealed(OLD, NAME, b"%PDF-1.7 an old unencrypted upload")
    future = bytearray(seal(OLD, NAME, CONTRACT))
    future[4] = 2
    with pytest.raises(MalformedFileError, match="version 2 is not supported"):
        key_id_of(bytes(future))


def test_rewrap_moves_the_data_key_to_the_active_key_and_leaves_the_content_bytes_alone():
    old = seal(OLD, NAME, CONTRACT)
    new = rewrap(ROTATED, NAME, old)
    assert (key_id_of(old), key_id_of(new)) == ("k1", "k2")
    content = 12 + len(CONTRACT) + 16  # content nonce, ciphertext and tag
    assert new[-content:] == old[-content:]
    assert open_sealed(NEW_ONLY, NAME, new) == CONTRACT  # no longer needs k1


def test_after_a_rotation_files_under_the_retired_key_still_open_until_it_is_removed():
    old = seal(OLD, NAME, CONTRACT)
    assert open_sealed(ROTATED, NAME, old) == CONTRACT
    assert key_id_of(seal(ROTATED, NAME, CONTRACT)) == "k2"
    with pytest.raises(UnknownKeyError):
        open_sealed(NEW_ONLY, NAME, old)


def test_rewrap_leaves_a_current_file_as_it_is_but_still_checks_its_name():
    current = seal(ROTATED, NAME, CONTRACT)
    assert rewrap(ROTATED, NAME, current) is current
    with pytest.raises(TamperedError):
        rewrap(ROTATED, "4a" * 20, current)
    with pytest.raises(TamperedError):
        rewrap(ROTATED, "4a" * 20, seal(OLD, NAME, CONTRACT))


@given(content=st.binary(max_size=4096), name=st.text(max_size=80))
def test_any_content_under_any_name_survives_sealing_and_rewrapping(content: bytes, name: str):
    blob = seal(OLD, name, content)
    assert open_sealed(OLD, name, blob) == content
    assert open_sealed(NEW_ONLY, name, rewrap(ROTATED, name, blob)) == content


def test_a_keyring_never_shows_its_keys():
    shown = repr(ROTATED) + str(ROTATED)
    assert "k1" in shown and "k2" in shown
    for key in (K1, K2):
        assert repr(key) not in shown and b64(key) not in shown and key.hex() not in shown


def test_a_valid_keyring_document_parses_with_or_without_base64_padding():
    padded = base64.urlsafe_b64encode(K2).decode()
    keyring = parse_keyring(keyring_json("k2", k1=b64(K1), k2=padded), "test")
    assert keyring.active == "k2"
    assert keyring.key_ids == {"k1", "k2"}
    assert keyring.key("k1") == K1 and keyring.key("k2") == K2


@pytest.mark.parametrize(("document", "message"), [
    ("{not json", "not valid JSON"),
    ("[]", 'exactly "active" and "keys"'),
    (json.dumps({"active": "k1", "keys": {"k1": b64(K1)}, "extra": 1}), 'exactly "active"'),
    (json.dumps({"active": "k1", "keys": {}}), "non-empty"),
    (json.dumps({"active": 1, "keys": {"k1": b64(K1)}}), '"active" must be a key id'),
    (keyring_json("k9"), "active key 'k9' is not among its keys"),
    (keyring_json(k1="not base64!"), "key 'k1' is not base64url"),
    (keyring_json(k1=base64.b64encode(b"\xfb" * 32).decode()), "not base64url"),  # "+", "/"
    (keyring_json(k1=b64(K1)[:-1]), "key 'k1' decodes to 31 bytes"),
    (keyring_json(k1=b64(os.urandom(16))), "16 bytes; storage keys are 32 bytes"),
    (keyring_json(k1=b64(os.urandom(33))), "33 bytes"),
    (keyring_json(k1=123), "not base64url"),
    (keyring_json("a/b", **{"a/b": b64(K1)}), "key id 'a/b' is not"),
])
def test_a_bad_keyring_document_gets_a_clear_error_without_key_material(document, message):
    with pytest.raises(KeyringError, match=r"^VENDORRISK_STORAGE_KEYS") as raised:
        parse_keyring(document, "VENDORRISK_STORAGE_KEYS")
    assert message in str(raised.value)
    assert b64(K1) not in str(raised.value)


def test_a_keyring_built_in_code_is_checked_too():
    with pytest.raises(KeyringError, match="16 bytes"):
        Keyring("k1", {"k1": os.urandom(16)})
    with pytest.raises(KeyringError, match="not among its keys"):
        Keyring("k2", {"k1": K1})
