"""How evidence files leave the portal: always as a download, never rendered in the page."""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app, send_file
from werkzeug.wrappers import Response

from vendorrisk.assessments import evidence
from vendorrisk.assessments.models import EvidenceFile


def storage() -> evidence.Storage:
    return evidence.Storage(Path(current_app.config["UPLOAD_DIR"]),
                            int(current_app.config["EVIDENCE_MAX_BYTES"]))


def attachment(item: EvidenceFile, data: bytes) -> Response:
    # octet-stream + attachment: a browser saves the file and never renders it on our origin.
    response = send_file(io.BytesIO(data), mimetype="application/octet-stream",
                         as_attachment=True, download_name=item.original_name,
                         max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
