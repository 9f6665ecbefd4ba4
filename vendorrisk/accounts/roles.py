"""Roles of the portal (DESIGN.md, "Who uses it")."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    PROCUREMENT = "procurement"
    MANAGER = "manager"
    PARTNER = "partner"


INTERNAL_ROLES = frozenset({Role.ADMIN, Role.PROCUREMENT, Role.MANAGER})
# Who may register and change partner firms.
VENDOR_EDITORS = frozenset({Role.ADMIN, Role.PROCUREMENT})
