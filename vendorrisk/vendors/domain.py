"""The vocabulary of a partner firm's intake: plain enums, no Flask, no database.

Values are stored in the database and appear in URLs and CSV exports, so they never change once
released; labels for people live in the views (they go through gettext).
"""

from __future__ import annotations

from enum import StrEnum


class VendorKind(StrEnum):
    LAW_FIRM = "law_firm"
    ACCOUNTING_FIRM = "accounting_firm"
    IT_SERVICE = "it_service"
    OTHER = "other"


class DataCategory(StrEnum):
    """Kinds of the company's client data a partner may touch (DOMAIN.md)."""

    IDENTITY = "identity"  # identity documents (身份信息)
    CONTACT = "contact"  # contact details (联系方式)
    FINANCIAL = "financial"  # bank and transaction records (交易记录, 财务数据)
    BUSINESS_SECRETS = "business_secrets"  # business secrets (商业机密)


class Criticality(StrEnum):
    """How much the company's own work depends on the partner."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RiskTier(StrEnum):
    """Inherent risk before any control is assessed. Ordered from low to critical."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(RiskTier).index(self)


class VendorStatus(StrEnum):
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    OFFBOARDED = "offboarded"
