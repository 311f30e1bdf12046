"""Users in the graph (``:User``, ``cypher/users/``): add, list, disable, change a password, sign in — and the account log.

Users live beside the case trail they sign, so a Neo4j deployment shares them
with every workbench and CLI, and an embedded folder keeps its own. A stored
user has a role (:mod:`graphfraud.accounts.roles`), an Argon2id hash, whether
it is disabled, whether its password must be changed at the next sign-in (a
generated one-time password) and when that one-time password expires, and a
stamp that changes with the password or the role, so every session signed in
before ends.

Every change to an account is an admin's (the first admin of an empty user list
excepted) and is written in the same statement as an entry of the account log
(``:AccountEvent``: who did what to whom, when; append-only, never a password
or a hash). Separation of duties: an admin never changes their own role or
disables themselves, and a password reset by someone else is always a
generated one-time password that expires and must be changed at the first
sign-in — so a reset shows in the log, and its user notices their own
password no longer works.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from graphfraud.accounts import passwords
from graphfraud.accounts.roles import ROLES, may
from graphfraud.config import DEFAULT_ONE_TIME_PASSWORD_HOURS
from graphfraud.errors import InputError, NotPermitted, PasswordExpired, SignInError, WriteConflict
from graphfraud.vocabulary import CHINA

USERNAME = re.compile(r"^[\w][\w.-]{1,31}$")
MAX_DISPLAY_NAME = 40
FIRST_ADMIN = "admin"
SYSTEM_ACTOR = "graphfraud"   # the tool itself, in the account log: the first admin of an empty user list
SIGN_IN_REFUSED = "unknown user, wrong password or a disabled account"
ONE_TIME_EXPIRED = "this one-time password has expired: ask an admin to reset the password again"
# What the account log records (graphfraud users log).
LOG_ACTIONS = ("created", "disabled", "enabled", "role", "reset", "password")


@dataclass(frozen=True)
class User:
    """One user as the tool acts on it (the hash is kept out of ``repr``: it never reaches a log)."""

    username: str
    role: str
    display_name: str = ""
    disabled: bool = False
    must_change: bool = False
    stamp: str = ""
    created: str = ""
    changed: str = ""
    expires: str = ""   # when the one-time password (must_change) stops working; "" for none
    password_hash: str = field(default="", repr=False)

    @property
    def shown(self) -> str:
        """How pages and the trail's readers see the user: ``张稽核 (zhang)``, or the name alone."""
        return f"{self.display_name} ({self.username})" if self.display_name and self.display_name != self.username \
            else self.username

    def expired(self, now: datetime | None = None) -> bool:
        """Whether the user holds a one-time password past its expiry (it then no longer signs in).

        A one-time password stored by an earlier version carries no expiry and stays valid until changed.
        """
        if not self.must_change or not self.expires:
            return False
        try:
            return (now or datetime.now(CHINA)) >= datetime.fromisoformat(self.expires)
        except ValueError:
            return True   # an unreadable expiry is treated as passed: ask for a new one-time password


@dataclass(frozen=True)
class AccountEvent:
    """One entry of the account log: who (``actor``) did ``action`` to whom (``target``), when, and what changed."""

    at: str
    actor: str
    action: str
    target: str
    detail: str = ""


def _now() -> str:
    return datetime.now(CHINA).isoformat(timespec="seconds")


def _expiry(hours: int) -> str:
    return (datetime.now(CHINA) + timedelta(hours=hours)).isoformat(timespec="seconds")


def _event_id() -> str:
    """Sortable by time (nanoseconds), unique by its random tail, so the log reads in the order it was written."""
    return f"{time.time_ns():020d}-{secrets.token_hex(4)}"


def _flag(value: Any) -> bool:
    if value is None:
        return False
    return bool(int(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def _user(row: dict[str, Any]) -> User:
    return User(username=str(row["username"]), role=_text(row.get("role")), display_name=_text(row.get("display_name")),
                disabled=_flag(row.get("disabled")), must_change=_flag(row.get("must_change")),
                stamp=_text(row.get("stamp")), created=_text(row.get("created")), changed=_text(row.get("changed")),
                expires=_text(row.get("expires")), password_hash=_text(row.get("password_hash")))


def check_username(username: str) -> str:
    """The name as stored; refused unless 2–32 letters, digits, ``_``, ``.`` or ``-`` (starting with neither)."""
    name = (username or "").strip()
    if not USERNAME.fullmatch(name):
        raise InputError("a user name is 2–32 letters, digits, '_', '.' or '-', starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    """The role, if it is one of ``ROLES``; else an InputError naming the known ones."""
    if role not in ROLES:
        raise InputError(f"unknown role {str(role)[:20]!r}; known: {', '.join(ROLES)}")
    return role


def _check_display_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) > MAX_DISPLAY_NAME or any(ord(ch) < 32 for ch in name):
        raise InputError(f"a display name is at most {MAX_DISPLAY_NAME} characters, with no control characters")
    return name


def all_users(engine) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in engine.query("users/all", {}).to_dict("records")]


def get(engine, username: str) -> User | None:
    """The user of that name, or None."""
    rows = engine.query("users/one", {"username": (username or "").strip()}).to_dict("records")
    return _user(rows[0]) if rows else None


def require(engine, username: str) -> User:
    """The user of that name; an InputError naming it if there is none."""
    user = get(engine, username)
    if user is None:
        raise InputError(f"no user {str(username)[:40]!r}; see graphfraud users list")
    return user


def display_names(engine) -> dict[str, str]:
    """Username → how pages show the user (for trail entries, which keep the username)."""
    return {u.username: u.shown for u in all_users(engine)}


def active_admins(engine) -> list[User]:
    """The enabled admins: who may manage users."""
    return [u for u in all_users(engine) if u.role == "admin" and not u.disabled]


def _require_admin(engine, actor: str) -> User:
    """The enabled admin ``actor`` names; NotPermitted for anyone else (defence in depth: callers check first)."""
    user = get(engine, actor)
    if user is None or user.disabled or not may(user.role, "users"):
        raise NotPermitted(f"only an active admin manages users ({str(actor)[:40]} is none)", "ability",
                           role=user.role if user else "", ability="users")
    return user


def account_log(engine) -> list[AccountEvent]:
    """The account log, oldest first (append-only; never a password or a hash)."""
    return [AccountEvent(at=_text(r.get("at")), actor=_text(r.get("actor")), action=_text(r.get("action")),
                         target=_text(r.get("target")), detail=_text(r.get("detail")))
            for r in engine.query("users/log", {}).to_dict("records")]


def _log_params(actor: str, action: str, detail: str, at: str) -> dict[str, Any]:
    return {"event_id": _event_id(), "actor": actor, "action": action, "detail": detail, "at": at}


def _create(engine, username: str, role: str, password: str, display_name: str, must_change: bool, actor: str,
            one_time_hours: int, detail: str) -> User:
    username, role, display_name = check_username(username), check_role(role), _check_display_name(display_name)
    hashed = passwords.hash_password(password)
    if get(engine, username) is not None:
        raise InputError(f"the user name {username!r} is taken")
    expires = _expiry(one_time_hours) if must_change else ""
    at = _now()
    note = f"role {role}" + (f"; one-time password until {expires}" if must_change else "") + (f"; {detail}" if detail else "")
    try:
        engine.query("users/add", {"username": username, "display_name": display_name or username, "role": role,
                                   "password_hash": hashed, "must_change": int(must_change), "expires": expires,
                                   "stamp": passwords.new_stamp(), **_log_params(actor, "created", note, at)})
    except WriteConflict:
        raise InputError(f"the user name {username!r} is taken") from None
    return require(engine, username)


def add(engine, username: str, role: str, password: str, display_name: str = "", must_change: bool = False, *,
        actor: str, one_time_hours: int = DEFAULT_ONE_TIME_PASSWORD_HOURS) -> User:
    """Store a new user, added by the admin ``actor`` (logged); a taken name, unknown role or weak password is refused.

    ``must_change`` marks ``password`` as a one-time password: it expires after ``one_time_hours``.
    """
    _require_admin(engine, actor)
    return _create(engine, username, role, password, display_name, must_change, actor, one_time_hours, "")


def add_first_admin(engine, username: str, password: str, display_name: str = "", must_change: bool = True,
                    one_time_hours: int = DEFAULT_ONE_TIME_PASSWORD_HOURS) -> User:
    """The first admin of an empty user list, added by nobody (the only account change no admin makes; logged as
    the tool's). Refused once any user exists."""
    if all_users(engine):
        raise NotPermitted("users exist already: an active admin adds users (--user ADMIN)", "ability",
                           role="", ability="users")
    return _create(engine, username, "admin", password, display_name, must_change, SYSTEM_ACTOR, one_time_hours,
                   "first admin of an empty user list")


def _save(engine, before: User, after: User, actor: str, action: str, detail: str) -> User:
    """Write ``after`` over ``before`` with its account-log entry, unless the user changed since ``before`` was read."""
    rows = engine.query("users/update", {
        "username": after.username, "display_name": after.display_name, "role": after.role,
        "password_hash": after.password_hash, "disabled": int(after.disabled), "must_change": int(after.must_change),
        "expires": after.expires, "stamp": after.stamp, "previous": before.stamp,
        **_log_params(actor, action, detail, _now())}).to_dict("records")
    if not rows:
        raise InputError(f"the user {after.username!r} was changed by someone else meanwhile; look again and retry")
    return require(engine, after.username)


def set_password(engine, username: str, password: str, must_change: bool = False, *, actor: str,
                 one_time_hours: int = DEFAULT_ONE_TIME_PASSWORD_HOURS) -> User:
    """The user's own new password (``actor`` is the user; every session signed in with the old one ends).

    Another user's password is never set to a chosen one: an admin resets it (:func:`reset_password`), so
    nobody else ever knows a password its owner goes on using.
    """
    user = require(engine, username)
    if actor != user.username:
        raise NotPermitted("only its user chooses a password; an admin resets another user's password to a "
                           "one-time password (graphfraud users passwd NAME --user ADMIN)", "ability",
                           role="", ability="users")
    expires = _expiry(one_time_hours) if must_change else ""
    after = replace(user, password_hash=passwords.hash_password(password), must_change=must_change, expires=expires,
                    stamp=passwords.new_stamp())
    return _save(engine, user, after, actor, "password",
                 "own password changed" + (f"; one-time until {expires}" if must_change else ""))


def reset_password(engine, username: str, *, actor: str,
                   one_time_hours: int = DEFAULT_ONE_TIME_PASSWORD_HOURS) -> tuple[User, str]:
    """An admin's reset: a generated one-time password (returned, to be shown once) that expires after
    ``one_time_hours`` and must be changed at the first sign-in; logged with who reset whom."""
    _require_admin(engine, actor)
    user = require(engine, username)
    password = passwords.generate()
    expires = _expiry(one_time_hours)
    after = replace(user, password_hash=passwords.hash_password(password), must_change=True, expires=expires,
                    stamp=passwords.new_stamp())
    return _save(engine, user, after, actor, "reset", f"one-time password until {expires}"), password


def set_disabled(engine, username: str, disabled: bool = True, *, actor: str) -> User:
    """Disable (or enable again) a user, as the admin ``actor``; disabling ends their sessions.

    Nobody disables themselves, and the last active admin stays.
    """
    admin = _require_admin(engine, actor)
    user = require(engine, username)
    if disabled and user.username == admin.username:
        raise InputError("an admin cannot disable their own account: another admin does")
    if disabled and user.role == "admin" and not user.disabled and len(active_admins(engine)) <= 1:
        raise InputError("cannot disable the last active admin: add another admin first")
    if user.disabled == disabled:
        return user
    return _save(engine, user, replace(user, disabled=disabled, stamp=passwords.new_stamp()), actor,
                 "disabled" if disabled else "enabled", "")


def set_role(engine, username: str, role: str, *, actor: str) -> User:
    """Give the user another role, as the admin ``actor`` (sessions end: pages offer what the new role may do).

    Nobody changes their own role (an admin would otherwise make themselves a reviewer), and the last active
    admin stays one.
    """
    admin = _require_admin(engine, actor)
    user = require(engine, username)
    role = check_role(role)
    if user.username == admin.username:
        raise InputError("an admin cannot change their own role: another admin does")
    if user.role == "admin" and role != "admin" and not user.disabled and len(active_admins(engine)) <= 1:
        raise InputError("cannot take the admin role from the last active admin: add another admin first")
    if user.role == role:
        return user
    return _save(engine, user, replace(user, role=role, stamp=passwords.new_stamp()), actor, "role",
                 f"{user.role} → {role}")


_DUMMY_HASH: list[str] = []


def authenticate(engine, username: str, password: str) -> User:
    """The enabled user whose password this is; else one SignInError that does not say which part was wrong.

    An unknown name costs the same hashing time as a wrong password, so timing
    does not tell which names exist. A hash made with older parameters is renewed.
    A right one-time password past its expiry is refused with :class:`PasswordExpired`.
    """
    user = get(engine, username) if USERNAME.fullmatch((username or "").strip()) else None
    if user is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(passwords.hash_password(passwords.generate()))
        passwords.verify(_DUMMY_HASH[0], password or "")
        raise SignInError(SIGN_IN_REFUSED)
    ok, renew = passwords.verify(user.password_hash, password or "")
    if not ok or user.disabled:
        raise SignInError(SIGN_IN_REFUSED)
    if user.expired():
        raise PasswordExpired(ONE_TIME_EXPIRED)
    if renew:
        renewed = passwords.hash_password(password)
        if not engine.query("users/rehash", {"username": user.username, "stamp": user.stamp,
                                             "password_hash": renewed}).empty:
            user = replace(user, password_hash=renewed)
    return user


def ensure_first_admin(engine, one_time_hours: int = DEFAULT_ONE_TIME_PASSWORD_HOURS) -> str | None:
    """A one-time password for the first admin to show once, or None when there is nothing to bootstrap.

    With no user at all, ``admin`` is added with a generated one-time password. When the only user is that
    first admin and its one-time password expired unused, a new one is issued (logged as the tool's): nobody
    else could ever reset it. Anything else is an admin's to do.
    """
    users = all_users(engine)
    if not users:
        password = passwords.generate()
        add_first_admin(engine, FIRST_ADMIN, password, display_name="系统管理员", must_change=True,
                        one_time_hours=one_time_hours)
        return password
    if len(users) == 1 and users[0].username == FIRST_ADMIN and users[0].role == "admin" and users[0].expired():
        first = users[0]
        password = passwords.generate()
        expires = _expiry(one_time_hours)
        _save(engine, first, replace(first, password_hash=passwords.hash_password(password), must_change=True,
                                     expires=expires, disabled=False, stamp=passwords.new_stamp()),
              SYSTEM_ACTOR, "reset", f"first admin's one-time password expired unused; new one until {expires}")
        return password
    return None
