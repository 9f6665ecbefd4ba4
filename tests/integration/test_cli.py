"""The command line: creating users, seeding the demo, clean errors."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import login
from vendorrisk.accounts.models import User
from vendorrisk.accounts.roles import Role
from vendorrisk.vendors.domain import RiskTier
from vendorrisk.vendors.models import Contact, Vendor


def cli(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_an_admin_creates_a_user_from_the_command_line_who_can_sign_in(app, client, db_session):
    result = cli(app, "users", "create", "--email", "Wang.Fang@Example.com", "--name", "王芳",
                 "--role", "procurement", "--password-stdin", input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "Created procurement wang.fang@example.com" in result.output
    assert login(client, "wang.fang@example.com", "a long enough secret").status_code == 302


def test_the_password_can_be_typed_at_a_prompt(app, db_session):
    result = cli(app, "users", "create", "--email", "m@example.com", "--name", "M",
                 "--role", "manager", input="a long enough secret\na long enough secret\n")
    assert result.exit_code == 0, result.output


def test_bad_arguments_get_a_one_line_reason_and_save_nothing(app, db_session):
    short = cli(app, "users", "create", "--email", "a@example.com", "--name", "A", "--role",
                "admin", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "Use at least 12 characters." in short.output
    assert "Traceback" not in short.output
    bad_email = cli(app, "users", "create", "--email", "not-an-email", "--name", "A", "--role",
                    "admin", "--password-stdin", input="long enough secret\n")
    assert bad_email.exit_code != 0 and "Not a valid email address" in bad_email.output
    bad_role = cli(app, "users", "create", "--email", "b@example.com", "--name", "B", "--role",
                   "partner", "--password-stdin", input="long enough secret\n")
    assert bad_role.exit_code == 2 and "Invalid value for '--role'" in bad_role.output
    assert db_session.scalar(select(func.count(User.id))) == 0


def test_a_duplicate_email_is_refused(app, db_session):
    args = ("users", "create", "--email", "dup@example.com", "--name", "D", "--role", "admin",
            "--password-stdin")
    assert cli(app, *args, input="long enough secret\n").exit_code == 0
    again = cli(app, *args, input="long enough secret\n")
    assert again.exit_code == 1 and "already exists" in again.output


def test_disabling_a_user_from_the_command_line(app, client, make_user):
    user = make_user()
    login(client, user.email)
    result = cli(app, "users", "disable", user.email)
    assert result.exit_code == 0, result.output
    assert client.get("/vendors/").status_code == 302


def test_seed_demo_loads_thirty_firms_across_tiers_once(app, db_session):
    first = cli(app, "seed", "demo")
    assert first.exit_code == 0, first.output
    assert "30 firms created" in first.output
    assert "admin@demo.example.com" in first.output and "password:" in first.output
    tiers = set(db_session.scalars(select(Vendor.tier)))
    assert tiers == set(RiskTier)
    assert db_session.scalar(select(func.count(Contact.id))) >= 30
    second = cli(app, "seed", "demo")
    assert second.exit_code == 0 and "0 firms created, 30 already present" in second.output
    assert db_session.scalar(select(func.count(Vendor.id))) == 30
    assert db_session.scalar(select(func.count(User.id)).where(User.role != Role.PARTNER)) == 3


def test_seed_demo_refuses_a_production_portal(app, db_session):
    app.config["ENV_NAME"] = "production"
    try:
        result = cli(app, "seed", "demo")
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code == 1 and "Refusing" in result.output
    assert db_session.scalar(select(func.count(Vendor.id))) == 0
