"""Who is signed in: a signed session cookie naming a session the server holds, checked against the user's record.

The cookie (``gf_user``: HttpOnly, SameSite=Strict, Secure unless the
workbench is reached over plain http on this computer) holds the username, the
session's id, when it began and the user's stamp, signed with HMAC-SHA256
under a key that lives only in this server process. The session itself lives
here too, so it ends for good:

- at sign-out (the session is revoked here: a copy of the cookie no longer works),
- ``session_idle_minutes`` after its last request (``[accounts]``, default 30),
- ``session_hours`` after signing in (default 12), whatever happens,
- as soon as the user is disabled or their password or role changes (the stamp no longer matches),
- when the server restarts (the key and the sessions lived in the process).

Failed sign-ins are counted per user name and per client address: after
``MAX_FAILURES`` within ``LOCKOUT_SECONDS`` that name or address waits out the
rest of that time. An attempt is counted *before* its password is hashed (a
locked name or address costs no Argon2 time, and parallel guesses cannot all
slip in before the first failure is counted); a success takes back its own
count and the name's failures, never the address's failures for other names.
Nothing here logs a name or a password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from graphfraud.config import AccountSettings

USER_COOKIE = "gf_user"
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
MAX_TRACKED = 10_000          # counters kept at most (a flood of made-up names cannot grow memory without end)
MAX_SESSIONS = 10_000


@dataclass
class Session:
    """One signed-in browser: whose, since when, and its last request (for the idle timeout)."""

    username: str
    began: float
    seen: float


@dataclass(frozen=True)
class Attempt:
    """A sign-in (or password check) already counted as failed until :meth:`Sessions.succeeded` takes it back."""

    keys: tuple[str, ...]
    at: float
    name: str


class Sessions:
    """Sign and read session cookies, hold and revoke the sessions, count failed sign-ins."""

    def __init__(self, settings: AccountSettings | None = None) -> None:
        settings = settings or AccountSettings()
        self.max_seconds = settings.session_hours * 3600
        self.idle_seconds = settings.session_idle_minutes * 60
        self._key = secrets.token_bytes(32)
        self._sessions: dict[str, Session] = {}
        self._failures: dict[str, deque[tuple[float, str]]] = {}
        self._lock = threading.Lock()

    def _mac(self, body: bytes) -> str:
        return hmac.new(self._key, body, hashlib.sha256).hexdigest()

    # -- sessions ----------------------------------------------------------
    def cookie(self, username: str, stamp: str, now: float | None = None) -> str:
        """The cookie value for a new session of ``username`` that begins now (the session is held here)."""
        now = time.time() if now is None else now
        sid = secrets.token_urlsafe(18)
        with self._lock:
            self._expire(now)
            self._sessions[sid] = Session(username=username, began=now, seen=now)
        body = base64.urlsafe_b64encode(json.dumps({"u": username, "i": sid, "s": stamp, "t": int(now)},
                                                   ensure_ascii=False).encode("utf-8"))
        return f"{body.decode('ascii')}.{self._mac(body)}"

    def _decode(self, value: str | None) -> tuple[str, str, str] | None:
        """(username, session id, stamp) of a cookie this server signed; None for anything else."""
        if not value or "." not in value or len(value) > 2048:
            return None
        body, _, mac = value.rpartition(".")
        if not hmac.compare_digest(self._mac(body.encode("ascii", "replace")), mac):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
            return str(data["u"]), str(data["i"]), str(data["s"])
        except (ValueError, KeyError, TypeError):
            return None

    def read(self, value: str | None, now: float | None = None) -> tuple[str, str] | None:
        """(username, stamp) of a live session's cookie, its idle clock restarted; None for anything else
        (unsigned, revoked, idle too long, older than the maximum)."""
        found = self._decode(value)
        if found is None:
            return None
        username, sid, stamp = found
        now = time.time() if now is None else now
        with self._lock:
            session = self._sessions.get(sid)
            if session is None or session.username != username:
                return None
            if now - session.seen > self.idle_seconds or now - session.began > self.max_seconds:
                del self._sessions[sid]
                return None
            session.seen = now
        return username, stamp

    def revoke(self, value: str | None) -> None:
        """End the session this cookie names (sign-out): the same cookie never signs in again."""
        found = self._decode(value)
        if found is not None:
            with self._lock:
                self._sessions.pop(found[1], None)

    def live(self) -> int:
        """How many sessions are held (for tests and the curious)."""
        with self._lock:
            return len(self._sessions)

    def _expire(self, now: float) -> None:
        """Drop ended sessions (caller holds the lock); past ``MAX_SESSIONS``, the least recently used go too."""
        for sid in [k for k, s in self._sessions.items()
                    if now - s.seen > self.idle_seconds or now - s.began > self.max_seconds]:
            del self._sessions[sid]
        if len(self._sessions) >= MAX_SESSIONS:
            for sid in sorted(self._sessions, key=lambda k: self._sessions[k].seen)[: len(self._sessions) - MAX_SESSIONS + 1]:
                del self._sessions[sid]

    # -- failed sign-ins ---------------------------------------------------
    def _recent(self, key: str, now: float) -> deque[tuple[float, str]]:
        times = self._failures.get(key)
        if times is None:
            if len(self._failures) >= MAX_TRACKED:
                self._prune(now)
            times = self._failures.setdefault(key, deque())
        while times and now - times[0][0] > LOCKOUT_SECONDS:
            times.popleft()
        return times

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._failures.items() if not v or now - v[-1][0] > LOCKOUT_SECONDS]:
            del self._failures[key]
        if len(self._failures) >= MAX_TRACKED:   # still full of live counters: the oldest go
            for key in sorted(self._failures, key=lambda k: self._failures[k][-1][0])[: MAX_TRACKED // 10]:
                del self._failures[key]

    def locked(self, *keys: str, now: float | None = None) -> bool:
        """Whether any of ``keys`` (a user name, a client address) failed too often lately."""
        now = time.time() if now is None else now
        with self._lock:
            return any(len(self._recent(k, now)) >= MAX_FAILURES for k in keys)

    def attempt(self, name: str, *keys: str, now: float | None = None) -> Attempt | None:
        """Count one attempt against ``keys`` as failed, before any password is hashed; None when locked.

        ``name`` is the user name tried (its address entries carry it, so a success takes back only its own).
        """
        now = time.time() if now is None else now
        with self._lock:
            if any(len(self._recent(k, now)) >= MAX_FAILURES for k in keys):
                return None
            for k in keys:
                self._recent(k, now).append((now, name))
        return Attempt(keys=keys, at=now, name=name)

    def failed(self, *keys: str, now: float | None = None) -> None:
        """Count a failure against ``keys`` (without an attempt: the attempt already counts itself)."""
        now = time.time() if now is None else now
        with self._lock:
            for k in keys:
                self._recent(k, now).append((now, ""))

    def succeeded(self, attempt: Attempt, user_key: str) -> None:
        """The attempt's password was right: take back its count, and the failures of that user name
        (``user_key``); the address keeps every failure made for other names."""
        with self._lock:
            self._failures.pop(user_key, None)
            for k in attempt.keys:
                times = self._failures.get(k)
                if times is not None:
                    kept = deque(e for e in times if e[1] != attempt.name)
                    self._failures[k] = kept
