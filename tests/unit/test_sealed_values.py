"""Sealed database values and firms' wrapped data keys: AES-256-GCM, bound to where they belong."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorrisk.storage import Keyring, KeyringError, TamperedError, UnknownKeyError
from vendorrisk.storage.datakeys import new_data_key, rewrap_key, unwrap_key, wrap_key
from vendorrisk.storage.errors import MalformedValueError
from vendorrisk.storage.fields import (
    TOKEN_PREFIX,
    key_id_of_text,
    open_text,
    reseal_text,
    seal_text,
)
from vendorrisk.storage.keyring import parse_keyring

K1, K2 = os.urandom(32), os.urandom(32)
OLD = Keyring("k1", {"k1": K1})
ROTATED = Keyring("k2", {"k1": K1, "k2": K2})
NEW_ONLY = Keyring("k2", {"k2": K2})
ANSWER = '"We shred client files after 30 days (marker 7f3a)"'


def test_a_sealed_value_opens_to_its_text_and_does_not_show_it():
    token = seal_text(OLD, "answer.value_json", ANSWER)
    assert token.startswith("vrf1:k1:") and "shred" not in token and "7f3a" not in token
    assert open_text(OLD, "answer.value_json", token) == ANSWER
    assert seal_text(OLD, "answer.value_json", ANSWER) != token  # a fresh nonce each time


def test_a_value_copied_into_another_column_does_not_open():
    token = seal_text(OLD, "answer.value_json", ANSWER)
    with pytest.raises(TamperedError, match="another column"):
        open_text(OLD, "review_comment.body", token)


def test_an_altered_token_or_key_id_is_refused():
    token = seal_text(ROTATED, "answer.value_json", ANSWER)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(TamperedError):
        open_text(ROTATED, "answer.value_json", flipped)
    with pytest.raises(TamperedError):  # the key id is authenticated too
        open_text(ROTATED, "answer.value_json", token.replace("vrf1:k2:", "vrf1:k1:"))


@pytest.mark.parametrize("stored", [ANSWER, "", "vrf1:", "vrf1:k1", "vrf1:k/1:abc", "vrf1:k1:"])
def test_plaintext_that_is_not_marked_and_broken_tokens_are_refused(stored):
    with pytest.raises(MalformedValueError):
        open_text(OLD, "answer.value_json", stored)


def test_values_marked_by_the_migration_read_as_they_are_until_resealed():
    assert open_text(OLD, "answer.value_json", "plain:" + ANSWER) == ANSWER
    assert key_id_of_text("plain:" + ANSWER) is None
    sealed = reseal_text(OLD, "answer.value_json", "plain:" + ANSWER)
    assert sealed is not None and open_text(OLD, "answer.value_json", sealed) == ANSWER


def test_reseal_moves_a_value_to_the_active_key_and_leaves_a_current_one():
    old = seal_text(OLD, "answer.value_json", ANSWER)
    new = reseal_text(ROTATED, "answer.value_json", old)
    assert new is not None and key_id_of_text(new) == "k2"
    assert open_text(NEW_ONLY, "answer.value_json", new) == ANSWER
    assert reseal_text(ROTATED, "answer.value_json", new) is None
    with pytest.raises(UnknownKeyError):
        open_text(NEW_ONLY, "answer.value_json", old)


def test_the_head_of_a_token_is_enough_to_name_its_key():
    token = seal_text(Keyring("k" * 32, {"k" * 32: K1}), "x.y", ANSWER)
    assert key_id_of_text(token[:len(TOKEN_PREFIX) + 33]) == "k" * 32


@given(text=st.text(max_size=500), purpose=st.text(min_size=1, max_size=40))
def test_any_text_survives_sealing_and_resealing(text: str, purpose: str):
    token = seal_text(OLD, purpose, text)
    assert open_text(NEW_ONLY, purpose, reseal_text(ROTATED, purpose, token) or "") == text


# --- firms' data keys ---------------------------------------------------------------------------

def test_a_data_key_unwraps_only_for_its_own_id_and_owner():
    data_key = new_data_key()
    stored = wrap_key(OLD, "vendor-7-0a1b2c3d", "vendor:7", data_key)
    assert stored.master_key_id == "k1" and data_key not in stored.wrapped
    assert unwrap_key(OLD, "vendor-7-0a1b2c3d", "vendor:7", stored) == data_key
    for key_id, owner in (("vendor-7-0a1b2c3d", "vendor:8"), ("vendor-7-ffffffff", "vendor:7")):
        with pytest.raises(TamperedError):
            unwrap_key(OLD, key_id, owner, stored)


def test_rewrapping_a_data_key_keeps_it_and_frees_it_from_the_old_master_key():
    data_key = new_data_key()
    stored = wrap_key(OLD, "vendor-7-0a1b2c3d", "vendor:7", data_key)
    moved = rewrap_key(ROTATED, "vendor-7-0a1b2c3d", "vendor:7", stored)
    assert moved is not None and moved.master_key_id == "k2"
    assert unwrap_key(NEW_ONLY, "vendor-7-0a1b2c3d", "vendor:7", moved) == data_key
    assert rewrap_key(ROTATED, "vendor-7-0a1b2c3d", "vendor:7", moved) is None


def test_a_master_key_may_not_take_a_name_reserved_for_firms_keys():
    with pytest.raises(KeyringError, match="'vendor-1' starts with 'vendor-'"):
        parse_keyring('{"active": "vendor-1", "keys": {"vendor-1": "' + "A" * 43 + '"}}',
                      "VENDORRISK_STORAGE_KEYS")
