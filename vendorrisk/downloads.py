"""How stored files leave the portal: always as a download, never rendered in the page."""

from __future__ import annotations

import io

from flask import send_file
from werkzeug.wrappers import Response


def attachment(download_name: str, data: bytes,
               mimetype: str = "application/octet-stream") -> Response:
    # Attachment (and octet-stream for what partners upload): a browser saves the file and
    # never renders it on our origin.
    response = send_file(io.BytesIO(data), mimetype=mimetype,
                         as_attachment=True, download_name=download_name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
