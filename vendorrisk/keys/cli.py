"""``flask --app vendorrisk keys ...``: add a master key, rotate everything to it, see what each
key still holds. Key material is never printed, logged or put in app.config."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from vendorrisk import clock, db
from vendorrisk.agreements import service as agreements
from vendorrisk.assessments import evidence
from vendorrisk.keys import rotation
from vendorrisk.storage.errors import StorageError
from vendorrisk.storage.files import EncryptedFiles, keyring_for
from vendorrisk.storage.keyring import ENV_VAR, KEYRING_FILE, Keyring, add_key_to_file

keys_cli = AppGroup("keys", help="Manage the keys that encrypt stored data.")


def _master() -> Keyring:
    try:
        return keyring_for(current_app)
    except StorageError as error:
        raise click.ClickException(str(error)) from error


def _folders(master: Keyring) -> list[rotation.DocumentFolder]:
    config = current_app.config
    return [
        rotation.DocumentFolder("evidence files", EncryptedFiles(config["UPLOAD_DIR"], master),
                                evidence.stored_documents),
        rotation.DocumentFolder("agreement documents",
                                EncryptedFiles(config["AGREEMENTS_DIR"], master),
                                agreements.stored_documents),
    ]


@keys_cli.command("new")
def keys_new() -> None:
    """Add a fresh key to the instance keyring file and make it active; the old keys stay."""
    if ENV_VAR in os.environ:
        raise click.ClickException(
            f"The storage keys come from {ENV_VAR}, which this command cannot change: add a new "
            'key there (32 random bytes, base64url), make it "active", keep the old keys, '
            "restart the portal and the worker, then run keys rotate.")
    path = Path(current_app.instance_path) / KEYRING_FILE
    key_id = f"k{clock.now():%Y%m%d}-{secrets.token_hex(2)}"
    try:
        add_key_to_file(path, key_id)
    except FileNotFoundError:
        raise click.ClickException(f"There is no keyring at {path} to add a key to.") from None
    except StorageError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Added key {key_id} to {path}; it is now the active key and the old keys stay. "
               "Next: flask keys rotate.")


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt everything under the active key; safe to run again. Exits 1 if any item
    failed (each is listed; the others are done)."""
    master = _master()
    report = rotation.rotate(db.get_db().new_session, master, _folders(master))
    click.echo(f"Active key: {report.active}")
    for what, outcomes in report.counts.items():
        done = [f"{n} {outcome}" for outcome, n in sorted(outcomes.items()) if n]
        click.echo(f"{what}: {', '.join(done) or 'none'}")
    for failure in report.failed:
        click.echo(f"failed: {failure}", err=True)
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} item(s) could not be rotated (listed "
                                   "above); everything else was. Fix them and run keys rotate "
                                   "again.")


@keys_cli.command("status")
def keys_status() -> None:
    """How many items each key holds, so you know when an old key can be removed."""
    master = _master()
    found = rotation.status(db.session(), _folders(master))
    click.echo(f"Active key: {master.active}; in the keyring: {', '.join(sorted(master.key_ids))}")
    for key_id in sorted(master.key_ids | set(found.by_key) - {rotation.NOT_ENCRYPTED}):
        held = found.by_key.get(key_id, {})
        click.echo(f"{key_id}: {held.get('firm keys', 0)} firm keys, {held.get('files', 0)} "
                   f"files, {held.get('values', 0)} values - {_verdict(master, key_id, held)}")
    plain = found.by_key.get(rotation.NOT_ENCRYPTED, {})
    click.echo(f"Under firms' own keys: {found.firm_files} files; under destroyed firm keys "
               f"(unrecoverable): {found.shredded} files")
    click.echo(f"Not encrypted yet: {plain.get('files', 0)} files, {plain.get('values', 0)} "
               "values" + (" - run keys rotate" if plain else ""))
    click.echo(f"Files no record refers to (left alone): {found.strays}")
    for problem in found.unreadable:
        click.echo(f"unreadable: {problem}", err=True)


def _verdict(master: Keyring, key_id: str, held: Mapping[str, int]) -> str:
    if key_id == master.active:
        return "active"
    if key_id not in master.key_ids:
        return "NOT IN THE KEYRING: these items cannot be read"
    if held:
        return "still in use: run keys rotate"
    return "holds nothing: can be removed from the keyring"
