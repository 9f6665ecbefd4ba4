"""Use cases of internal accounts: create, sign in (throttled), sessions, passwords, disabling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from vendorrisk import clock
from vendorrisk.accounts.models import LoginFailure, User, UserSession
from vendorrisk.accounts.passwords import hash_password, needs_rehash, verify_password
from vendorrisk.accounts.roles import Role
from vendorrisk.audit import service as audit
from vendorrisk.audit.chain import Actor
from vendorrisk.db import write_at_commit
from vendorrisk.errors import Conflict, DomainError, Forbidden, NotFound
from vendorrisk.security.tokens import new_token, token_hash

MAX_PASSWORD_LENGTH = 1024  # argon2 accepts more; nobody needs it and it bounds the work per try
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


class InvalidCredentials(DomainError):
    """The one message for an unknown account, a wrong password and a disabled account."""

    def __init__(self) -> None:
        super().__init__("Invalid email or password.")


class LoginThrottled(DomainError):
    status_code = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many failed sign-in attempts. Try again in {minutes} minutes.")


@dataclass(frozen=True)
class ThrottlePolicy:
    max_per_account: int
    max_per_ip: int
    window: timedelta


@dataclass(frozen=True)
class SessionPolicy:
    idle_timeout: timedelta
    absolute_lifetime: timedelta


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise DomainError(f"Not a valid email address: {exc}") from exc


def password_problem(password: str, min_length: int) -> str | None:
    """NIST SP 800-63B: a length floor, no composition rules."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    return None


def _check_password(password: str, min_length: int) -> None:
    problem = password_problem(password, min_length)
    if problem:
        raise DomainError(problem)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.name)))


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def users_with_roles(session: Session, roles: frozenset[Role]) -> list[User]:
    query = select(User).where(User.role.in_(roles), User.is_enabled.is_(True)).order_by(User.name)
    return list(session.scalars(query))


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    min_length: int,
    vendor_id: int | None = None,
    contact_id: int | None = None,
) -> User:
    """Create a user; a partner user must belong to a firm (and came in through a contact)."""
    if (role == Role.PARTNER) != (vendor_id is not None):
        raise DomainError("Partner users, and only they, belong to a partner firm.")
    email = normalize_email(email)
    name = name.strip()
    if not name:
        raise DomainError("Give the user's name.")
    _check_password(password, min_length)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("A user with this email already exists.")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                vendor_id=vendor_id, contact_id=contact_id)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", object_type="user", object_id=user.id,
                 details={"role": role.value})
    return user


def update_user(session: Session, actor: Actor, user_id: int, *, name: str, role: Role,
                enabled: bool) -> User:
    user = get_user(session, user_id)
    if user.id == actor.user_id and (role != user.role or not enabled):
        raise Forbidden("You cannot change your own role or disable yourself.")
    changed = [field for field, old, new in (("name", user.name, name.strip()),
               ("role", user.role, role), ("enabled", user.is_enabled, enabled)) if old != new]
    user.name, user.role = name.strip(), role
    if user.is_enabled and not enabled:
        revoke_all_sessions(session, user.id)
    user.is_enabled = enabled
    session.flush()
    audit.record(session, actor, "user.update", object_type="user", object_id=user.id,
                 details={"changed": changed, "role": role.value, "enabled": enabled})
    return user


def set_password(session: Session, actor: Actor, user: User, new_password: str,
                 min_length: int) -> None:
    """Set a new password and end every session of the user (a stolen session dies with it)."""
    _check_password(new_password, min_length)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    revoke_all_sessions(session, user.id)
    audit.record(session, actor, "user.password_change", object_type="user", object_id=user.id)


def change_own_password(session: Session, actor: Actor, user: User, current: str, new: str,
                        min_length: int) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError("Your current password is not correct.")
    set_password(session, actor, user, new, min_length)


# --- signing in ------------------------------------------------------------------------------

def _recent_failures(session: Session, scope: str, key: str, since: datetime) -> int:
    query = select(func.count(LoginFailure.id)).where(
        LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at >= since
    )
    return session.scalar(query) or 0


def authenticate(session: Session, email: str, password: str, ip: str,
                 throttle: ThrottlePolicy) -> User:
    """Return the user, or raise InvalidCredentials / LoginThrottled.

    The throttle is checked before the password, so a locked account cannot be probed, and it is
    keyed on the name typed, so unknown and known accounts throttle alike.
    """
    key = email.strip().lower()[:254]
    now = clock.now()
    since = now - throttle.window
    if (_recent_failures(session, "account", key, since) >= throttle.max_per_account
            or _recent_failures(session, "ip", ip, since) >= throttle.max_per_ip):
        audit.record(session, Actor(None, "anonymous", ip), "auth.login", outcome="denied",
                     details={"reason": "throttled"})
        raise LoginThrottled(int(throttle.window.total_seconds() // 60))
    user = session.scalar(select(User).where(User.email == key))
    if not verify_password(user.password_hash if user else None, password) or not (
        user and user.is_enabled
    ):
        session.add_all([LoginFailure(scope="account", key=key, at=now),
                         LoginFailure(scope="ip", key=ip, at=now)])
        audit.record(session, Actor(None, "anonymous", ip), "auth.login", outcome="failure",
                     object_type="user" if user else "", object_id=user.id if user else "")
        raise InvalidCredentials()
    session.execute(delete(LoginFailure).where(LoginFailure.scope == "account",
                                               LoginFailure.key == key))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    audit.record(session, Actor(user.id, user.role.value, ip), "auth.login",
                 object_type="user", object_id=user.id)
    return user


# --- server-side sessions ----------------------------------------------------------------------

def start_session(session: Session, user: User, ip: str, user_agent: str) -> str:
    token = new_token()
    now = clock.now()
    session.add(UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now,
                            last_seen_at=now, ip=ip, user_agent=user_agent[:300]))
    session.flush()
    user.session_token = token
    return token


def load_session_user(session: Session, token: str, policy: SessionPolicy) -> User | None:
    """The user of a live session, or None when it is unknown, revoked, idle or too old."""
    record = session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if record is None or record.revoked_at is not None:
        return None
    now = clock.now()
    if (now - record.last_seen_at > policy.idle_timeout
            or now - record.created_at > policy.absolute_lifetime):
        _update_at_commit(session, record.id, revoked_at=now)
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.is_enabled:
        return None
    if now - record.last_seen_at >= SESSION_TOUCH_INTERVAL:
        # Coarse, so a busy user does not write on every request.
        _update_at_commit(session, record.id, last_seen_at=now)
    user.session_token = token
    return user


def _update_at_commit(session: Session, session_id: int, **values: Any) -> None:
    # Loading the user happens on every page, most of which only read: the session's bookkeeping
    # is written when the page's unit of work commits (db.write_at_commit).
    write_at_commit(session, "user-session", lambda _unit, writer: writer.execute(
        update(UserSession).where(UserSession.id == session_id).values(**values)))


def end_session(session: Session, token: str) -> None:
    session.execute(update(UserSession).where(UserSession.token_hash == token_hash(token),
                                              UserSession.revoked_at.is_(None))
                    .values(revoked_at=clock.now()))


def revoke_all_sessions(session: Session, user_id: int) -> None:
    session.execute(update(UserSession).where(UserSession.user_id == user_id,
                                              UserSession.revoked_at.is_(None))
                    .values(revoked_at=clock.now()))
