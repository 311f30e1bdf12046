"""Who is signed in: a signed session cookie, checked against the user's stored record on every request.

The cookie (``gf_user``: HttpOnly, SameSite=Strict, Secure over HTTPS) holds
the username, when the session began and the user's stamp, signed with
HMAC-SHA256 under a key that lives only in this server process (a restart
signs everyone out, like the form tokens). A session ends after
``SESSION_HOURS``, at sign-out, and as soon as the user is disabled or their
password or role changes (the stamp no longer matches).

Failed sign-ins are counted per user name and per client address: after
``MAX_FAILURES`` within ``LOCKOUT_SECONDS`` that name or address waits out the
rest of that time. Nothing here logs a name or a password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import defaultdict, deque

USER_COOKIE = "gf_user"
SESSION_HOURS = 12
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300


class Sessions:
    """Sign and read session cookies; count failed sign-ins."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _mac(self, body: bytes) -> str:
        return hmac.new(self._key, body, hashlib.sha256).hexdigest()

    def cookie(self, username: str, stamp: str, now: float | None = None) -> str:
        """The cookie value for a session that begins now."""
        body = base64.urlsafe_b64encode(json.dumps({"u": username, "s": stamp, "t": int(now or time.time())},
                                                   ensure_ascii=False).encode("utf-8"))
        return f"{body.decode('ascii')}.{self._mac(body)}"

    def read(self, value: str | None, now: float | None = None) -> tuple[str, str] | None:
        """(username, stamp) of a valid, unexpired cookie; None for anything else."""
        if not value or "." not in value or len(value) > 2048:
            return None
        body, _, mac = value.rpartition(".")
        if not hmac.compare_digest(self._mac(body.encode("ascii", "replace")), mac):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
            username, stamp, began = str(data["u"]), str(data["s"]), int(data["t"])
        except (ValueError, KeyError, TypeError):
            return None
        if (now or time.time()) - began > SESSION_HOURS * 3600:
            return None
        return username, stamp

    # -- failed sign-ins ---------------------------------------------------
    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > LOCKOUT_SECONDS:
            times.popleft()
        return times

    def locked(self, *keys: str, now: float | None = None) -> bool:
        """Whether any of ``keys`` (a user name, a client address) failed too often lately."""
        now = now or time.time()
        with self._lock:
            return any(len(self._recent(k, now)) >= MAX_FAILURES for k in keys)

    def failed(self, *keys: str, now: float | None = None) -> None:
        now = now or time.time()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)
