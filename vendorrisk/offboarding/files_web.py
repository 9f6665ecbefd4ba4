from __future__ import annotations

from flask import current_app

from vendorrisk.storage import EncryptedFiles, keyring_for


def certificates() -> EncryptedFiles:
    """Certificates of return or destruction, kept after a firm's data is purged: they are the
    proof that it was destroyed."""
    return EncryptedFiles(current_app.config["CERTIFICATES_DIR"], keyring_for(current_app))
