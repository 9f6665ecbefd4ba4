"""Security headers on every response."""

from __future__ import annotations

from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def apply(response: Response, secure: bool) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if "Cache-Control" not in headers and response.mimetype == "text/html":
        # Pages show partner data: keep them out of shared and back-button caches.
        headers["Cache-Control"] = "no-store"
    return response
