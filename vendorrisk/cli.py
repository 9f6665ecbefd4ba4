"""``flask --app vendorrisk ...`` commands: each parses its arguments, calls a service, prints.

Every command is one unit of work: it commits on success and rolls back on error. Errors a user
can fix are printed as one line without a traceback, and the exit code is non-zero.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from vendorrisk import db, migrate
from vendorrisk.accounts import service as accounts
from vendorrisk.accounts.roles import INTERNAL_ROLES, Role
from vendorrisk.audit import chain
from vendorrisk.audit.chain import Actor
from vendorrisk.backup.cli import backup_cli
from vendorrisk.errors import DomainError
from vendorrisk.keys.cli import keys_cli
from vendorrisk.mail import service as mail
from vendorrisk.scheduling.leader import WorkerSetupError
from vendorrisk.scheduling.worker import Worker

db_cli = AppGroup("db", help="Create and migrate the database schema.")
users_cli = AppGroup("users", help="Manage internal users.")
audit_cli = AppGroup("audit", help="Check the audit log.")
seed_cli = AppGroup("seed", help="Load data.")
questionnaires_cli = AppGroup("questionnaires", help="Check and import questionnaire files.")
mail_cli = AppGroup("mail", help="Deliver the email outbox.")


def unit_of_work(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run the command in one transaction; show domain errors as a message, exit code 2."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        session = db.session()
        try:
            result = command(*args, **kwargs)
            session.commit()
            return result
        except DomainError as error:
            session.rollback()
            raise click.ClickException(error.message) from error

    return run


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(db.get_db().engine, revision)
    click.echo(f"Database upgraded to {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (``base`` removes every table)."""
    migrate.downgrade(db.get_db().engine, revision)
    click.echo(f"Database downgraded to {revision}.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", required=True, help="Full name as shown in the portal.")
@click.option("--role", required=True,
              type=click.Choice(sorted(role.value for role in INTERNAL_ROLES)),
              help="What the user may do.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of asking.")
@unit_of_work
def users_create(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an internal user (admin, procurement or manager)."""
    password = _read_password(password_stdin)
    user = accounts.create_user(
        db.session(), Actor.system("cli"), email=email, name=name, role=Role(role),
        password=password, min_length=current_app.config["PASSWORD_MIN_LENGTH"])
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@users_cli.command("list")
def users_list() -> None:
    """List every user with role and state."""
    for user in accounts.list_users(db.session()):
        state = "enabled" if user.is_enabled else "disabled"
        click.echo(f"{user.id:>5}  {user.role.value:<12} {state:<9} {user.email}  {user.name}")


@users_cli.command("disable")
@click.argument("email")
@unit_of_work
def users_disable(email: str) -> None:
    """Disable a user and end all of the user's sessions."""
    session = db.session()
    user = next((u for u in accounts.list_users(session)
                 if u.email == accounts.normalize_email(email)), None)
    if user is None:
        raise DomainError(f"No user with email {email}.")
    accounts.update_user(session, Actor.system("cli"), user.id, name=user.name, role=user.role,
                         enabled=False)
    click.echo(f"Disabled {user.email}; their sessions have ended.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 naming the first broken entry."""
    result = chain.verify(db.session())
    if result.ok:
        click.echo(f"Audit log intact: {result.checked} entries verified.")
        return
    click.echo(f"Audit log BROKEN at entry {result.broken_at}: {result.problem} "
               f"({result.checked} entries verified before it).", err=True)
    sys.exit(1)


@seed_cli.command("demo")
@click.option("--force", is_flag=True, help="Allow seeding outside development and testing.")
@unit_of_work
def seed_demo(force: bool) -> None:
    """Load demo users, about 30 partner firms and their assessments. Safe to run again."""
    from vendorrisk.agreements.files_web import store as agreement_store
    from vendorrisk.assessments.files_web import storage
    from vendorrisk.assessments.service import Portal
    from vendorrisk.seed import demo

    if current_app.config["ENV_NAME"] == "production" and not force:
        raise DomainError("Refusing to load demo users with published passwords into a "
                          "production portal; pass --force if this really is a demo.")
    report = demo.load(db.session(), min_length=current_app.config["PASSWORD_MIN_LENGTH"],
                       portal=Portal.from_config(current_app.config), storage=storage(),
                       agreement_store=agreement_store(),
                       questionnaires=Path(current_app.config["QUESTIONNAIRES_DIR"]))
    engaged = _seed_sharing()
    click.echo(f"Demo data: {report.created_vendors} firms created, "
               f"{report.existing_vendors} already present; "
               f"assessment history written for {report.histories}; "
               f"engagements opened with {engaged}.")
    click.echo("Demo sign-ins (password for all: see below):")
    for email, role in report.logins:
        click.echo(f"  {role:<12} {email}")
    click.echo(f"  password: {demo.DEMO_PASSWORD}")


def _seed_sharing() -> int:
    """The register's demo, after the firms' histories: engagements and data shared."""
    from vendorrisk.offboarding import wiring
    from vendorrisk.scheduling.cadence import Cadence
    from vendorrisk.seed import demo, sharing

    email = next(email for email, _name, role in demo.DEMO_USERS if role == Role.PROCUREMENT)
    procurement = accounts.find_by_email(db.session(), email)
    if procurement is None:
        return 0
    actor = Actor(procurement.id, procurement.role.value, "127.0.0.1")
    return sharing.load(db.session(), actor, procurement.id, wiring.settings(),
                        Cadence.from_months(current_app.config["REASSESSMENT_MONTHS"]))


@questionnaires_cli.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def questionnaires_check(files: tuple[Path, ...]) -> None:
    """Validate FILES (default: every questionnaire in the questionnaires folder); exit 1 on
    any error."""
    from vendorrisk.questionnaires import schema  # loads YAML and the parser only when needed

    folder = Path(current_app.config["QUESTIONNAIRES_DIR"])
    paths = list(files) or sorted(folder.glob("*.yaml"))
    if not paths:
        raise click.ClickException(f"No questionnaire files in {folder}.")
    loaded, problems = schema.check_files(paths)
    for questionnaire in loaded:
        click.echo(f"ok  {questionnaire.id} {questionnaire.version}: "
                   f"{len(questionnaire.sections)} sections, "
                   f"{len(questionnaire.questions)} questions")
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)


@questionnaires_cli.command("import-vsaq")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--id", "questionnaire_id", required=True,
              help="Id of the new questionnaire (a-z, 0-9, '-'); also its file name.")
@click.option("--version", default="1.0.0", show_default=True)
@click.option("--title", default=None, help="Title, if the VSAQ file's own is not wanted.")
@click.option("--language", default="en", show_default=True, help="Language of the VSAQ text.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write it (default: questionnaires/<id>.yaml).")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def questionnaires_import_vsaq(source: Path, questionnaire_id: str, version: str,
                               title: str | None, language: str, output: Path | None,
                               force: bool) -> None:
    """Convert Google's VSAQ JSON questionnaire SOURCE into a questionnaire file; everything
    that could not be mapped exactly is listed, nothing is dropped silently."""
    from vendorrisk.questionnaires import vsaq

    try:
        raw = source.read_bytes()
    except OSError as error:
        raise click.ClickException(f"Cannot read {source}: {error.strerror}") from error
    try:
        result = vsaq.import_vsaq(raw, questionnaire_id=questionnaire_id, version=version,
                                  title=title, language=language)
    except vsaq.VsaqImportError as error:
        raise click.ClickException(f"{source}: {error}") from error
    target = output or Path(current_app.config["QUESTIONNAIRES_DIR"]) / f"{questionnaire_id}.yaml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} already exists; pass --force to replace it.")
    target.write_text(result.yaml_text, encoding="utf-8")
    for note in result.notes:
        click.echo(f"note: {note.path}: {note.message}", err=True)
    click.echo(f"Imported {result.question_count} questions into {target} "
               f"({len(result.notes)} notes to review).")


@mail_cli.command("deliver")
def mail_deliver() -> None:
    """Send every message that is due once (the worker does this continuously)."""
    try:
        report = mail.deliver_configured(db.get_db().new_session, current_app.config)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Sent {report.sent}, will retry {report.retrying}, failed {report.failed}.")
    if report.failed:
        sys.exit(1)


@click.command("worker")
def worker_command() -> None:
    """Run the scheduled jobs until stopped; of several workers, one leads and the rest stand by."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every run at INFO
    try:
        worker = Worker(current_app._get_current_object())  # type: ignore[attr-defined]
    except WorkerSetupError as error:
        raise click.ClickException(str(error)) from error
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: worker.stop())
    worker.run()


def register(app: Flask) -> None:
    for group in (db_cli, users_cli, audit_cli, seed_cli, questionnaires_cli, mail_cli, keys_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_cli)
