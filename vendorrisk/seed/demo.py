"""Load the demo: one user per internal role and about thirty partner firms, idempotently.

Everything goes through the services, so tiers are computed and the audit log records the seeding
like any other change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.audit.chain import Actor
from vendorrisk.seed.demo_data import DEMO_VENDORS, DemoVendor
from vendorrisk.vendors import service as vendors
from vendorrisk.vendors.domain import VendorStatus
from vendorrisk.vendors.models import Vendor

# Published in the README on purpose: the demo is for trying the portal on one's own machine.
DEMO_PASSWORD = "vendorrisk-demo"  # noqa: S105
DEMO_USERS = (
    ("admin@demo.example.com", "Alex Admin (管理员)", Role.ADMIN),
    ("procurement@demo.example.com", "陈静 (Chen Jing)", Role.PROCUREMENT),
    ("manager@demo.example.com", "Martin Weber", Role.MANAGER),
)
# The path through the lifecycle to each demo status.
STATUS_PATHS = {
    VendorStatus.ONBOARDING: (),
    VendorStatus.ACTIVE: (VendorStatus.ACTIVE,),
    VendorStatus.SUSPENDED: (VendorStatus.ACTIVE, VendorStatus.SUSPENDED),
    VendorStatus.OFFBOARDED: (VendorStatus.ACTIVE, VendorStatus.OFFBOARDED),
}


@dataclass
class SeedReport:
    created_vendors: int = 0
    existing_vendors: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


def _ensure_user(session: Session, actor: Actor, email: str, name: str, role: Role,
                 min_length: int) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(session, actor, email=email, name=name, role=role,
                                    password=DEMO_PASSWORD, min_length=min_length)
    return user


def _create_vendor(session: Session, actor: Actor, demo: DemoVendor, owner: User) -> None:
    vendor = vendors.register_vendor(session, actor, vendors.VendorDetails(
        name=demo.name, kind=demo.kind, services=demo.services, website=demo.website,
        city=demo.city, data_categories=demo.data_categories, record_count=demo.record_count,
        stores_data=demo.stores_data, uses_subcontractors=demo.uses_subcontractors,
        criticality=demo.criticality, owner_id=owner.id))
    for index, contact in enumerate(demo.contacts):
        vendors.add_contact(session, actor, vendor.id, name=contact.name, email=contact.email,
                            role=contact.role, phone=contact.phone, is_primary=index == 0)
    for status in STATUS_PATHS[demo.status]:
        vendors.set_status(session, actor, vendor.id, status, expected_version=vendor.version)


def load(session: Session, min_length: int) -> SeedReport:
    actor = Actor.system("seed")
    report = SeedReport()
    users = {role: _ensure_user(session, actor, email, name, role, min_length)
             for email, name, role in DEMO_USERS}
    report.logins = [(email, role.value) for email, _name, role in DEMO_USERS]
    existing = set(session.scalars(select(Vendor.name)))
    for index, demo in enumerate(DEMO_VENDORS):
        if demo.name in existing:
            report.existing_vendors += 1
            continue
        # Most firms belong to procurement; every fifth to the admin, so "owner" filters show.
        owner = users[Role.ADMIN] if index % 5 == 4 else users[Role.PROCUREMENT]
        _create_vendor(session, actor, demo, owner)
        report.created_vendors += 1
    return report
