"""Where signed agreements are kept, as the app is configured: encrypted, in AGREEMENTS_DIR."""

from __future__ import annotations

from flask import current_app

from vendorrisk.storage.files import EncryptedFiles, keyring_for


def store() -> EncryptedFiles:
    return EncryptedFiles(current_app.config["AGREEMENTS_DIR"], keyring_for(current_app))
