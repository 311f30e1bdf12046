"""Passwords: hashed with Argon2id (argon2-cffi, the Password Hashing Competition's winner), never stored or shown.

A hash carries its own salt and cost parameters; ``verify`` tells when a
stored hash should be renewed with today's parameters. Generated passwords
come from ``secrets`` (one-time passwords for a first admin or a reset).
"""

from __future__ import annotations

import secrets
from functools import cache

from graphfraud.errors import InputError

MIN_LENGTH = 10
MAX_LENGTH = 256
GENERATED_BYTES = 12   # 16 characters of URL-safe base64


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()   # RFC 9106's low-memory profile: t=3, m=64 MiB, p=4


def check_strength(password: str) -> None:
    """Refuse a password too short or too long to be one (the message never repeats it)."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"the password is too short: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InputError(f"the password is too long: at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The Argon2id hash to store (salted; its parameters inside)."""
    check_strength(password)
    return _hasher().hash(password)


def verify(stored_hash: str, password: str) -> tuple[bool, bool]:
    """(whether ``password`` matches ``stored_hash``, whether the hash should be renewed)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored_hash or not password or len(password) > MAX_LENGTH:
        return False, False
    try:
        _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, _hasher().check_needs_rehash(stored_hash)


def generate() -> str:
    """A random password (for a first admin or a reset: shown once, to be changed at first sign-in)."""
    return secrets.token_urlsafe(GENERATED_BYTES)


def new_stamp() -> str:
    """A fresh session stamp: sessions signed with an older one end (password changed, user disabled)."""
    return secrets.token_urlsafe(12)
