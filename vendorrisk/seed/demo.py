"""Load the demo: one user per internal role, about thirty partner firms and their history,
idempotently.

Everything goes through the services, so tiers, scores, findings and statuses are what the portal
computes, and the audit log records the seeding like any other change. The history (history.py)
is played on a moved clock, so the firms were registered, assessed and decided over the past
three years; the staff accounts date from just before the first firm.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.agreements import service as agreements
from vendorrisk.assessments import evidence
from vendorrisk.assessments.models import Assessment
from vendorrisk.assessments.service import Portal
from vendorrisk.audit.chain import Actor
from vendorrisk.seed import history
from vendorrisk.seed.demo_data import DEMO_VENDORS, DemoVendor
from vendorrisk.seed.history_plan import PLANS, Plan, plan_for
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
SEEDER = Actor.system("seed")
STAFF_BEFORE_FIRMS = timedelta(days=14)
WORKING_DAY_START = time(1, 0)  # UTC: 09:00 in Shanghai; each firm's day starts a little later


@dataclass
class SeedReport:
    created_vendors: int = 0
    existing_vendors: int = 0
    histories: int = 0  # firms whose questionnaires were played in this run
    logins: list[tuple[str, str]] = field(default_factory=list)


def _ensure_user(session: Session, actor: Actor, email: str, name: str, role: Role,
                 min_length: int) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(session, actor, email=email, name=name, role=role,
                                    password=DEMO_PASSWORD, min_length=min_length)
    return user


def _staff(session: Session, min_length: int, since: datetime) -> dict[Role, User]:
    """The internal accounts, dated ``since`` when they are new (before any firm's history)."""
    clock.use(lambda: since)
    try:
        return {role: _ensure_user(session, SEEDER, email, name, role, min_length)
                for email, name, role in DEMO_USERS}
    finally:
        clock.use(None)


def _create_vendor(session: Session, demo: DemoVendor, owner: User,
                   status: VendorStatus) -> Vendor:
    vendor = vendors.register_vendor(session, SEEDER, vendors.VendorDetails(
        name=demo.name, kind=demo.kind, services=demo.services, website=demo.website,
        city=demo.city, data_categories=demo.data_categories, record_count=demo.record_count,
        stores_data=demo.stores_data, uses_subcontractors=demo.uses_subcontractors,
        criticality=demo.criticality, owner_id=owner.id))
    for index, contact in enumerate(demo.contacts):
        vendors.add_contact(session, SEEDER, vendor.id, name=contact.name, email=contact.email,
                            role=contact.role, phone=contact.phone, is_primary=index == 0)
    for step in STATUS_PATHS[status]:
        vendors.set_status(session, SEEDER, vendor.id, step, expected_version=vendor.version)
    return vendor


def _starting_status(demo: DemoVendor, plan: Plan) -> VendorStatus:
    """A firm whose history ends in a rejection or offboarding was active before; its history
    takes it to its demo status (a rejection suspends the firm)."""
    if plan.cycles and demo.status in (VendorStatus.SUSPENDED, VendorStatus.OFFBOARDED):
        return VendorStatus.ACTIVE
    return demo.status


def _new_firm(firm: history.Firm, owner: User) -> Iterator[datetime]:
    yield firm.days_ago(firm.plan.registered_days_ago)
    vendor = _create_vendor(firm.session, firm.demo, owner,
                            _starting_status(firm.demo, firm.plan))
    yield from history.story(firm, vendor)


def _stories(session: Session, setting: history.Setting, users: dict[Role, User],
             today: datetime, report: SeedReport) -> list[Iterator[datetime]]:
    """A story per firm: new firms are registered and then live their history; a firm already
    loaded by an older demo without a history gets one if nothing stands in the way, and a firm
    that has assessments keeps what it has."""
    reviewer = Actor(users[Role.PROCUREMENT].id, Role.PROCUREMENT.value, history.OFFICE_IP)
    manager = Actor(users[Role.MANAGER].id, Role.MANAGER.value, history.OFFICE_IP)
    existing = {vendor.name: vendor for vendor in session.scalars(select(Vendor))}
    assessed = set(session.scalars(select(Assessment.vendor_id)))
    stories = []
    for index, demo in enumerate(DEMO_VENDORS):
        plan = plan_for(demo.name)
        firm = history.Firm(session, setting, reviewer, manager, demo, plan,
                            today=today + timedelta(minutes=17 * index),
                            ip=f"198.51.100.{10 + index}")
        vendor = existing.get(demo.name)
        if vendor is None:
            # Most firms belong to procurement; every fifth to the admin, so "owner" filters show.
            owner = users[Role.ADMIN] if index % 5 == 4 else users[Role.PROCUREMENT]
            stories.append(_new_firm(firm, owner))
            report.created_vendors += 1
            report.histories += bool(plan.cycles)
            continue
        report.existing_vendors += 1
        if vendor.id not in assessed and vendor.status == _starting_status(demo, plan):
            stories.append(history.story(firm, vendor))
            report.histories += bool(plan.cycles)
    return stories


def load(session: Session, min_length: int, *, portal: Portal, questionnaires: Path,
         storage: evidence.Storage, agreement_store: agreements.DocumentStore) -> SeedReport:
    now = clock.now()
    # "Today" in the plan is yesterday, so the latest step is safely in the past.
    today = datetime.combine(now.date() - timedelta(days=1), WORKING_DAY_START, UTC)
    first_firm = max(plan.registered_days_ago for plan in PLANS.values())
    users = _staff(session, min_length, today - timedelta(days=first_firm) - STAFF_BEFORE_FIRMS)
    signatory = next(name for _email, name, role in DEMO_USERS if role == Role.MANAGER)
    setting = history.Setting(portal, questionnaires, storage, agreement_store, signatory,
                              DEMO_PASSWORD, min_length)
    report = SeedReport()
    history.play(_stories(session, setting, users, today, report), until=now)
    report.logins = [(email, role.value) for email, _name, role in DEMO_USERS]
    # One partner sign-in to try the portal from the other side.
    partner = accounts.find_by_email(session, DEMO_VENDORS[0].contacts[0].email)
    if partner is not None:
        report.logins.append((partner.email, partner.role.value))
    return report
