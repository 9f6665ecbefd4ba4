"""Default-deny route policy: every endpoint declares who reaches it, or nobody does.

``@public`` opens a route to everyone, ``@login_required_any`` to every signed-in user, and
``@roles(...)`` to the named roles. ``enforce`` runs before every request; an endpoint that
declares nothing answers 403, and the test suite fails on it before it ships.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vendorrisk.accounts.roles import Role

F = TypeVar("F", bound=Callable[..., Any])

POLICY_ATTRIBUTE = "_vendorrisk_policy"
PUBLIC = "public"
AUTHENTICATED = "authenticated"
# Endpoints Flask creates itself, which cannot carry an attribute.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})


def _declare(view: F, policy: object) -> F:
    setattr(view, POLICY_ATTRIBUTE, policy)
    return view


def public(view: F) -> F:
    return _declare(view, PUBLIC)


def login_required_any(view: F) -> F:
    return _declare(view, AUTHENTICATED)


def roles(*allowed: Role | Iterable[Role]) -> Callable[[F], F]:
    flat: set[Role] = set()
    for item in allowed:
        flat.update([item] if isinstance(item, Role) else item)
    if not flat:
        raise ValueError("roles() needs at least one role")
    return lambda view: _declare(view, frozenset(flat))


def policy_for(app: Flask, endpoint: str) -> object | None:
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, POLICY_ATTRIBUTE, None)


def enforce(app: Flask) -> Response | None:
    """before_request hook: redirect strangers to sign in, refuse roles the route does not name."""
    if request.endpoint is None:
        return None  # no route matched: let the 404/405 handler answer
    policy = policy_for(app, request.endpoint)
    if policy is None:
        app.logger.error("route %s declares no access policy; denied", request.endpoint)
        abort(403)
    if policy == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if policy == AUTHENTICATED or current_user.role in policy:  # type: ignore[operator]
        return None
    abort(403)
    return None
