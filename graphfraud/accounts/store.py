"""Users in the graph (``:User``, ``cypher/users/``): add, list, disable, change a password, sign in.

Users live beside the case trail they sign, so a Neo4j deployment shares them
with every workbench and CLI, and an embedded folder keeps its own. A stored
user has a role (:mod:`graphfraud.accounts.roles`), an Argon2id hash, whether
it is disabled, whether its password must be changed at the next sign-in (a
generated one), and a stamp that changes with the password or the role, so
every session signed in before ends.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from graphfraud.accounts import passwords
from graphfraud.accounts.roles import ROLES
from graphfraud.errors import InputError, SignInError

CHINA = timezone(timedelta(hours=8))
USERNAME = re.compile(r"^[\w][\w.-]{1,31}$")
MAX_DISPLAY_NAME = 40
FIRST_ADMIN = "admin"
SIGN_IN_REFUSED = "unknown user, wrong password or a disabled account"


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
    password_hash: str = field(default="", repr=False)

    @property
    def shown(self) -> str:
        """How pages and the trail's readers see the user: ``张稽核 (zhang)``, or the name alone."""
        return f"{self.display_name} ({self.username})" if self.display_name and self.display_name != self.username \
            else self.username


def _now() -> str:
    return datetime.now(CHINA).isoformat(timespec="seconds")


def _flag(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(int(value))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _user(row: dict[str, Any]) -> User:
    return User(username=str(row["username"]), role=_text(row.get("role")), display_name=_text(row.get("display_name")),
                disabled=_flag(row.get("disabled")), must_change=_flag(row.get("must_change")),
                stamp=_text(row.get("stamp")), created=_text(row.get("created")), changed=_text(row.get("changed")),
                password_hash=_text(row.get("password_hash")))


def check_username(username: str) -> str:
    """The name as stored; refused unless 2–32 letters, digits, ``_``, ``.`` or ``-`` (starting with neither)."""
    name = (username or "").strip()
    if not USERNAME.fullmatch(name):
        raise InputError("a user name is 2–32 letters, digits, '_', '.' or '-', starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
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


def add(engine, username: str, role: str, password: str, display_name: str = "", must_change: bool = False) -> User:
    """Store a new user with ``password`` hashed; a taken name, unknown role or weak password is refused."""
    username, role, display_name = check_username(username), check_role(role), _check_display_name(display_name)
    hashed = passwords.hash_password(password)
    if get(engine, username) is not None:
        raise InputError(f"the user name {username!r} is taken")
    engine.query("users/add", {"username": username, "display_name": display_name or username, "role": role,
                               "password_hash": hashed, "must_change": int(must_change),
                               "stamp": passwords.new_stamp(), "at": _now()})
    return require(engine, username)


def _save(engine, user: User) -> User:
    engine.query("users/update", {"username": user.username, "display_name": user.display_name, "role": user.role,
                                  "password_hash": user.password_hash, "disabled": int(user.disabled),
                                  "must_change": int(user.must_change), "stamp": user.stamp, "at": _now()})
    return require(engine, user.username)


def set_password(engine, username: str, password: str, must_change: bool = False) -> User:
    """A new password for the user (every session signed in with the old one ends)."""
    from dataclasses import replace

    user = require(engine, username)
    return _save(engine, replace(user, password_hash=passwords.hash_password(password), must_change=must_change,
                                 stamp=passwords.new_stamp()))


def _active_admins(engine) -> list[User]:
    return [u for u in all_users(engine) if u.role == "admin" and not u.disabled]


def set_disabled(engine, username: str, disabled: bool = True) -> User:
    """Disable (or enable again) a user; disabling ends their sessions. The last active admin stays."""
    from dataclasses import replace

    user = require(engine, username)
    if disabled and user.role == "admin" and not user.disabled and len(_active_admins(engine)) <= 1:
        raise InputError("cannot disable the last active admin: add another admin first")
    return _save(engine, replace(user, disabled=disabled, stamp=passwords.new_stamp()))


def set_role(engine, username: str, role: str) -> User:
    """Give the user another role (sessions end: pages offer what the new role may do)."""
    from dataclasses import replace

    user = require(engine, username)
    role = check_role(role)
    if user.role == "admin" and role != "admin" and not user.disabled and len(_active_admins(engine)) <= 1:
        raise InputError("cannot take the admin role from the last active admin: add another admin first")
    return _save(engine, replace(user, role=role, stamp=passwords.new_stamp()))


_DUMMY_HASH: list[str] = []


def authenticate(engine, username: str, password: str) -> User:
    """The enabled user whose password this is; else one SignInError that does not say which part was wrong.

    An unknown name costs the same hashing time as a wrong password, so timing
    does not tell which names exist. A hash made with older parameters is renewed.
    """
    from dataclasses import replace

    user = get(engine, username) if USERNAME.fullmatch((username or "").strip()) else None
    if user is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(passwords.hash_password(passwords.generate()))
        passwords.verify(_DUMMY_HASH[0], password or "")
        raise SignInError(SIGN_IN_REFUSED)
    ok, renew = passwords.verify(user.password_hash, password or "")
    if not ok or user.disabled:
        raise SignInError(SIGN_IN_REFUSED)
    if renew:
        user = _save(engine, replace(user, password_hash=passwords.hash_password(password)))
    return user


def ensure_first_admin(engine) -> str | None:
    """With no user at all, add ``admin`` with a generated one-time password and return it (shown once); else None."""
    if all_users(engine):
        return None
    password = passwords.generate()
    add(engine, FIRST_ADMIN, "admin", password, display_name="系统管理员", must_change=True)
    return password
