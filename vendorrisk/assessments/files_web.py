"""Where evidence files are kept, as the app is configured: encrypted, in UPLOAD_DIR."""

from __future__ import annotations

from flask import current_app

from vendorrisk.assessments import evidence
from vendorrisk.storage.files import EncryptedFiles, keyring_for


def storage() -> evidence.Storage:
    return evidence.Storage(EncryptedFiles(current_app.config["UPLOAD_DIR"],
                                           keyring_for(current_app)),
                            int(current_app.config["EVIDENCE_MAX_BYTES"]))
