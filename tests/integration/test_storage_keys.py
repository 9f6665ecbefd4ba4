"""Encrypted files on disk and their keys: the keyring file and environment, permissions,
atomic writes, deletion that overwrites, and rewrapping a folder after a key rotation."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from vendorrisk.storage import (
    EncryptedFiles,
    InvalidNameError,
    Keyring,
    KeyringError,
    MalformedFileError,
    TamperedError,
    UnknownKeyError,
    add_key_to_file,
    create_keyring_file,
    fsutil,
    key_id_of,
    keyring_for,
    load_keyring,
)
from vendorrisk.storage import files as files_module

K1, K2 = os.urandom(32), os.urandom(32)
OLD = Keyring("k1", {"k1": K1})
ROTATED = Keyring("k2", {"k1": K1, "k2": K2})
NAME = "5e" * 20
OTHER = "a7" * 20
EVIDENCE = b"%PDF-1.7 ISO 27001 certificate of Example Accounting"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(tmp_path: Path) -> EncryptedFiles:
    return EncryptedFiles(tmp_path / "uploads", OLD)


# --- keys ---------------------------------------------------------------------------------

def test_the_keyring_file_is_created_once_private_and_usable(tmp_path: Path):
    path = tmp_path / "instance" / "storage_keys.json"
    assert create_keyring_file(path) is True
    assert mode(path) == 0o600
    written = path.read_bytes()
    keyring = load_keyring(tmp_path / "instance", environ={})
    assert keyring.active == "k1" and len(keyring.key("k1")) == 32

    assert create_keyring_file(path) is False  # never replaced: that would lose every file
    assert path.read_bytes() == written
    assert [p.name for p in path.parent.iterdir()] == ["storage_keys.json"]  # no temporary left


def test_the_environment_variable_wins_over_the_instance_file(tmp_path: Path):
    create_keyring_file(tmp_path / "storage_keys.json")
    environ = {"VENDORRISK_STORAGE_KEYS": json.dumps({"active": "k9", "keys": {
        "k9": "A" * 43}})}
    keyring = load_keyring(tmp_path, environ=environ)
    assert keyring.active == "k9"
    assert keyring.key_ids == {"k9"}  # replaced whole, not merged with the file's k1


def test_a_set_but_broken_environment_variable_is_an_error_not_a_fallback(tmp_path: Path):
    create_keyring_file(tmp_path / "storage_keys.json")
    with pytest.raises(KeyringError, match="VENDORRISK_STORAGE_KEYS is not valid JSON"):
        load_keyring(tmp_path, environ={"VENDORRISK_STORAGE_KEYS": ""})


def test_missing_keys_say_how_to_provide_them(tmp_path: Path):
    with pytest.raises(KeyringError, match=r"set VENDORRISK_STORAGE_KEYS or create .*storage_keys"):
        load_keyring(tmp_path, environ={})


def test_a_key_file_with_bad_content_names_the_file_and_the_problem(tmp_path: Path):
    path = tmp_path / "storage_keys.json"
    path.write_text(json.dumps({"active": "k1", "keys": {"k1": "c2hvcnQ"}}))
    path.chmod(0o600)
    with pytest.raises(KeyringError, match=r"storage_keys\.json: key 'k1' decodes to 5 bytes"):
        load_keyring(tmp_path, environ={})


def test_a_key_file_other_users_can_read_is_refused(tmp_path: Path):
    create_keyring_file(tmp_path / "storage_keys.json")
    (tmp_path / "storage_keys.json").chmod(0o644)
    with pytest.raises(KeyringError, match=r"open to other users .*0644.*chmod 600"):
        load_keyring(tmp_path, environ={})


# --- files --------------------------------------------------------------------------------

def test_a_stored_file_reads_back_and_is_ciphertext_on_disk(store: EncryptedFiles):
    store.write(NAME, EVIDENCE)
    assert store.path_of(NAME) == store.folder / "5e" / NAME
    on_disk = store.path_of(NAME).read_bytes()
    assert on_disk.startswith(b"VRSE") and b"ISO 27001" not in on_disk
    assert store.read(NAME) == EVIDENCE


def test_folders_are_0700_and_files_0600(store: EncryptedFiles):
    old = os.umask(0o022)  # the usual umask, which would let mkdir and open make 0755 / 0644
    try:
        store.write(NAME, EVIDENCE)
        store.write(NAME, b"replaced")
    finally:
        os.umask(old)
    assert mode(store.folder) == 0o700
    assert mode(store.folder / "5e") == 0o700
    assert mode(store.path_of(NAME)) == 0o600
    assert store.read(NAME) == b"replaced"


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "5e/" + "5e" * 20, "", "5e" * 15, "5e" * 33, "5E" * 20,
    "5e" * 20 + "\n", "5e" * 19 + ".x", "5e" * 19 + "/.",
])
def test_a_name_that_is_not_short_lowercase_hex_is_refused_everywhere(store, name):
    for use in (store.path_of, store.read, store.delete, lambda n: store.write(n, b"x")):
        with pytest.raises(InvalidNameError):
            use(name)
    assert not store.folder.exists()


def test_a_file_moved_onto_another_record_does_not_open(store: EncryptedFiles):
    store.write(NAME, EVIDENCE)
    store.write(OTHER, b"another firm's file")
    os.replace(store.path_of(NAME), store.path_of(OTHER))
    with pytest.raises(TamperedError):
        store.read(OTHER)


def test_a_write_that_fails_before_the_rename_keeps_the_old_file_and_leaves_nothing(
        store: EncryptedFiles, monkeypatch: pytest.MonkeyPatch):
    store.write(NAME, EVIDENCE)

    def power_cut(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files_module.os, "replace", power_cut)
    with pytest.raises(OSError, match="disk full"):
        store.write(NAME, b"half of a new version")
    assert store.read(NAME) == EVIDENCE
    assert os.listdir(store.folder / "5e") == [NAME]


def test_delete_overwrites_the_bytes_before_unlinking(store: EncryptedFiles, tmp_path: Path):
    store.write(NAME, EVIDENCE)
    sealed = store.path_of(NAME).read_bytes()
    # A second name for the same inode shows what happened to the file's bytes.
    witness = tmp_path / "witness"
    os.link(store.path_of(NAME), witness)

    store.delete(NAME)

    assert not store.path_of(NAME).exists()
    assert list(store.names()) == []
    left = witness.read_bytes()
    assert len(left) == len(sealed)
    assert left != sealed and not left.startswith(b"VRSE")


def test_delete_also_shreds_what_a_crashed_write_left_behind(store: EncryptedFiles):
    store.write(NAME, EVIDENCE)
    leftover = store.folder / "5e" / f".{NAME}.k3j2h1.tmp"
    leftover.write_bytes(store.path_of(NAME).read_bytes())
    store.write(OTHER, b"kept")
    store.delete(NAME)
    assert os.listdir(store.folder / "5e") == []
    assert store.read(OTHER) == b"kept"


def test_deleting_what_is_not_there_is_not_an_error(store: EncryptedFiles):
    store.delete(NAME)
    store.write(NAME, EVIDENCE)
    store.delete(NAME)
    store.delete(NAME)
    with pytest.raises(FileNotFoundError):
        store.read(NAME)


def test_delete_waits_for_whoever_holds_the_folder_lock(store: EncryptedFiles):
    store.write(NAME, EVIDENCE)
    with fsutil.locked(store.folder / "5e"):
        deleting = threading.Thread(target=store.delete, args=(NAME,))
        deleting.start()
        deleting.join(timeout=0.3)
        assert deleting.is_alive() and store.path_of(NAME).exists()
    deleting.join(timeout=5)
    assert not store.path_of(NAME).exists()


# --- key rotation -------------------------------------------------------------------------

def stored_under(folder: Path, keyring: Keyring, contents: dict[str, bytes]) -> None:
    for name, data in contents.items():
        EncryptedFiles(folder, keyring).write(name, data)


def test_rewrap_all_moves_every_file_to_the_active_key_and_a_second_run_has_nothing_to_do(
        tmp_path: Path):
    folder = tmp_path / "uploads"
    old = {"11" * 20: b"one", "12" * 20: b"two", "ff" * 32: b"three"}
    new = {"13" * 20: b"four", "00" * 16: b"five"}
    stored_under(folder, OLD, old)
    stored_under(folder, ROTATED, new)
    (folder / "11" / "README").write_text("not a stored file")  # strays are left alone
    store = EncryptedFiles(folder, ROTATED)

    first = store.rewrap_all()
    assert sorted(first.rewrapped) == sorted(old)
    assert sorted(first.current) == sorted(new)
    assert first.failed == {}
    assert {key_id_of(store.path_of(name).read_bytes()) for name in store.names()} == {"k2"}
    without_k1 = EncryptedFiles(folder, Keyring("k2", {"k2": K2}))
    assert {name: without_k1.read(name) for name in store.names()} == old | new

    second = store.rewrap_all()
    assert (second.rewrapped, sorted(second.current), second.failed) == ([], sorted(old | new), {})
    assert sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp")) == []


def test_a_file_that_cannot_be_rewrapped_is_reported_and_left_exactly_as_it_was(tmp_path: Path):
    folder = tmp_path / "uploads"
    stored_under(folder, Keyring("k0", {"k0": os.urandom(32)}), {"20" * 20: b"lost key"})
    stored_under(folder, OLD, {"21" * 20: b"fine", "22" * 20: b"damaged"})
    damaged = folder / "22" / ("22" * 20)
    blob = bytearray(damaged.read_bytes())
    blob[30] ^= 0xFF  # inside the wrapped data key
    damaged.write_bytes(bytes(blob))
    before = {p: p.read_bytes() for p in (damaged, folder / "20" / ("20" * 20))}

    report = EncryptedFiles(folder, ROTATED).rewrap_all()

    assert report.rewrapped == ["21" * 20]
    assert set(report.failed) == {"20" * 20, "22" * 20}
    assert "no key 'k0'" in report.failed["20" * 20]
    assert "key header was altered" in report.failed["22" * 20]
    assert {p: p.read_bytes() for p in before} == before
    with pytest.raises(UnknownKeyError):
        EncryptedFiles(folder, ROTATED).read("20" * 20)


def test_a_file_deleted_while_rewrap_all_runs_stays_deleted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "uploads"
    stored_under(folder, OLD, {NAME: EVIDENCE, OTHER: b"kept"})
    store = EncryptedFiles(folder, ROTATED)
    listed = list(store.names())
    store.delete(NAME)  # after the listing, before the rewrap reaches it
    monkeypatch.setattr(EncryptedFiles, "names", lambda self: iter(listed))

    report = store.rewrap_all()

    assert report.rewrapped == [OTHER] and report.failed == {} and report.current == []
    assert not store.path_of(NAME).exists()


def test_an_apps_files_take_its_instance_keyring_and_a_folder_given_as_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("VENDORRISK_STORAGE_KEYS", raising=False)
    create_keyring_file(tmp_path / "storage_keys.json")
    app = SimpleNamespace(instance_path=str(tmp_path))
    store = EncryptedFiles(str(tmp_path / "agreements"), keyring_for(app))
    store.write(NAME, EVIDENCE)
    assert (tmp_path / "agreements" / "5e" / NAME).is_file()
    assert EncryptedFiles(tmp_path / "agreements", keyring_for(app)).read(NAME) == EVIDENCE

    monkeypatch.setenv("VENDORRISK_STORAGE_KEYS", json.dumps({"active": "k2", "keys": {
        "k2": base64.urlsafe_b64encode(K2).decode()}}))
    assert keyring_for(app).key_ids == {"k2"}


def test_reseal_seals_a_file_it_recognises_as_plaintext_and_refuses_any_other(tmp_path: Path):
    store = EncryptedFiles(tmp_path / "uploads", ROTATED)
    for name, data in ((NAME, EVIDENCE), (OTHER, b"unknown bytes")):
        store.write(name, b"")  # the folders, as the store makes them
        store.path_of(name).write_bytes(data)  # as stored before encryption
    assert store.key_id_of(NAME) is None

    assert store.reseal(NAME, lambda blob: blob == EVIDENCE) == "sealed"
    assert store.key_id_of(NAME) == "k2" and store.read(NAME) == EVIDENCE
    assert store.reseal(NAME, lambda blob: blob == EVIDENCE) == "current"
    with pytest.raises(MalformedFileError, match="not a sealed file"):
        store.reseal(OTHER, lambda blob: blob == EVIDENCE)
    assert store.path_of(OTHER).read_bytes() == b"unknown bytes"


def test_a_new_key_joins_the_keyring_file_as_the_active_one(tmp_path: Path):
    path = tmp_path / "storage_keys.json"
    create_keyring_file(path)
    before = load_keyring(tmp_path, environ={})
    add_key_to_file(path, "k2")
    after = load_keyring(tmp_path, environ={})
    assert after.active == "k2" and after.key("k1") == before.key("k1")
    assert mode(path) == 0o600 and [p.name for p in tmp_path.iterdir()] == [path.name]
    with pytest.raises(KeyringError, match="already holds a key 'k2'"):
        add_key_to_file(path, "k2")
    with pytest.raises(KeyringError, match="names the partner firms' own data keys"):
        add_key_to_file(path, "vendor-3")
