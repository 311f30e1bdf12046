"""Who may reach the workbench, and the guards every request passes.

- **Bind**: loopback (127.0.0.1, ::1, localhost) by default; any other
  address is refused unless an access token is set, because the pages show
  insured people's names and claims.
- **Token**: when one is set, every request carries it — an
  ``Authorization: Bearer`` or ``X-Graphfraud-Token`` header, or the cookie the
  server sets the first time a browser opens a link with ``?token=…`` (the
  token is then dropped from the address bar). ``/healthz`` answers without it.
- **CSRF**: every form carries a token derived from the browser's session
  cookie with a key that lives only in the server process; a POST without
  the matching token is refused.
- **Headers**: a Content-Security-Policy that allows scripts from the
  workbench itself only (no inline script can run even if a value slipped
  through escaping), no referrer (links never leak ids), no caching of case
  pages on shared computers.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

from graphfraud.errors import InputError

TOKEN_ENV = "GRAPHFRAUD_TOKEN"
TOKEN_COOKIE = "gf_token"
SESSION_COOKIE = "gf_session"
LANG_COOKIE = "gf_lang"
TOKEN_HEADER = "x-graphfraud-token"
OPEN_PATHS = ("/healthz",)
MIN_TOKEN_LENGTH = 16

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def is_loopback(host: str) -> bool:
    """True for addresses only this computer can reach."""
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve beyond this computer without an access token (and refuse weak tokens there)."""
    if is_loopback(host):
        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            raise InputError(f"--token is too short: use at least {MIN_TOKEN_LENGTH} characters "
                             "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(24))')")
        return
    if not token:
        raise InputError(f"refusing to serve on {host}: other computers could read case data. Set an access token "
                         f"(--token or {TOKEN_ENV}) or bind 127.0.0.1")
    if len(token) < MIN_TOKEN_LENGTH:
        raise InputError(f"--token is too short for serving on {host}: use at least {MIN_TOKEN_LENGTH} characters "
                         "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(24))')")


def cookie_value(token: str) -> str:
    """What the token cookie holds: a digest of the token (stable across restarts), not the token itself."""
    return hashlib.sha256(f"graphfraud-workbench:{token}".encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets (None never matches)."""
    if a is None or b is None:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


class Csrf:
    """Form tokens bound to the browser's session cookie with a key held only by this server process."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def token(self, session: str) -> str:
        return hmac.new(self._key, session.encode("utf-8"), hashlib.sha256).hexdigest()

    def valid(self, session: str | None, token: str | None) -> bool:
        return bool(session) and same(self.token(session), token)
