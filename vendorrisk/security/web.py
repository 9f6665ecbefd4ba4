"""Request-side helpers shared by every feature's views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for
from flask_login import current_user

from vendorrisk.accounts.roles import Role
from vendorrisk.audit.chain import Actor


def client_ip() -> str:
    # ProxyFix (configured by TRUSTED_PROXIES) has already replaced remote_addr when trusted.
    return (request.remote_addr or "unknown")[:45]


def current_actor() -> Actor:
    if current_user.is_authenticated:
        return Actor(current_user.id, current_user.role.value, client_ip())
    return Actor(None, "anonymous", client_ip())


def home_url() -> str:
    """Where a signed-in user starts: partners in their firm's portal, staff on the dashboard."""
    if current_user.is_authenticated and current_user.role == Role.PARTNER:
        return url_for("partner.home")
    return url_for("dashboard.home")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
