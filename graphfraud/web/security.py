"""Who may reach the workbench, and the guards every request passes.

- **Bind**: loopback (127.0.0.1, ::1, localhost) by default; any other
  address is refused unless an access token is set, because the pages show
  insured people's names and claims.
- **Host**: a request must name the workbench by the address it is bound to
  or a name it was given (``--allow-host``); a web page whose own name was
  re-pointed at 127.0.0.1 (DNS rebinding) names itself and is refused (400),
  so it can neither read a case nor take a form token. Bound to loopback,
  127.0.0.1, ::1 and localhost are its names; bound to every address
  (0.0.0.0, ::), any IP address (an IP literal cannot be re-pointed) and
  localhost.
- **Origin**: a POST (any method but GET, HEAD, OPTIONS) whose ``Origin`` —
  or, without one, ``Referer`` — is another site, or ``null``, is refused
  (403) before it is read; browsers send one on every form post.
- **Token**: when one is set, every request carries it — an
  ``Authorization: Bearer`` or ``X-Graphfraud-Token`` header, or the cookie the
  server sets the first time a browser opens a link with ``?token=…`` (the
  token is then dropped from the address bar). ``/healthz`` answers without it.
- **CSRF**: every form carries a token derived from the browser's session
  cookie with a key that lives only in the server process; a POST without
  the matching token is refused.
- **Cookies**: HttpOnly, SameSite=Strict, and Secure unless served over plain
  http on this computer to a loopback name (``secure_cookies``).
- **Headers**: a Content-Security-Policy that allows scripts from the
  workbench itself only (no inline script can run even if a value slipped
  through escaping), a referrer only to the workbench itself (links never
  leak ids to another site; ``no-referrer`` would make the browser send
  ``Origin: null`` with the workbench's own forms), no caching of case pages
  on shared computers.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from graphfraud.errors import InputError

TOKEN_ENV = "GRAPHFRAUD_TOKEN"
TOKEN_COOKIE = "gf_token"
SESSION_COOKIE = "gf_session"
LANG_COOKIE = "gf_lang"
TOKEN_HEADER = "x-graphfraud-token"
OPEN_PATHS = ("/healthz",)
MIN_TOKEN_LENGTH = 16

WILDCARD_BINDS = ("0.0.0.0", "::", "")
LOOPBACK_NAMES = ("localhost", "localhost.localdomain")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
DEFAULT_PORTS = {"http": 80, "https": 443}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "same-origin",
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


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None


def _authority(value: str) -> tuple[str, int | None] | None:
    """``host[:port]`` (a Host header, a --allow-host name) as (lower-case host, port or None); None if malformed."""
    value = value.strip()
    if not value or any(ch in value for ch in "/?#@\\ \t") or (value.count(":") > 1 and not value.startswith("[")):
        return None
    try:
        parts = urlsplit("//" + value)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    return (host, port) if host else None


def host_name(value: str) -> str:
    """A name given with ``--allow-host`` as it is compared (lower case, no port); InputError if it is not a name."""
    parsed = _authority(value)
    if parsed is None or "*" in parsed[0]:
        raise InputError(f"--allow-host {value!r}: give a host name such as workbench.example.org (no scheme, path "
                         "or wildcard)")
    return parsed[0]


class Hosts:
    """The Host headers the workbench answers: its bound address, localhost on loopback, and the names it was given.

    A browser puts the name from the address bar into ``Host``. DNS rebinding
    re-points an attacker's name at 127.0.0.1 so that a page there becomes
    "same origin" with the workbench; the name stays the attacker's, so
    checking it refuses the page. IP literals cannot be re-pointed: bound to
    every address, any IP is allowed.
    """

    def __init__(self, bind: str, names: Iterable[str] = ()) -> None:
        bind = bind.strip().lower()
        self.wildcard = bind.strip("[]") in WILDCARD_BINDS
        self.loopback = not self.wildcard and is_loopback(bind)
        self.bind_ip = _ip(bind)
        self.names = {host_name(n) for n in names}
        if self.loopback or self.wildcard:
            self.names.update(LOOPBACK_NAMES)
        if not self.wildcard and self.bind_ip is None:
            self.names.add(host_name(bind))

    def allows(self, header: str | None) -> bool:
        parsed = _authority(header or "")
        if parsed is None:
            return False
        host = parsed[0]
        ip = _ip(host)
        if ip is None:
            return host in self.names
        return self.wildcard or ip == self.bind_ip or (self.loopback and ip.is_loopback)


def same_origin(source: str | None, host: str | None) -> bool:
    """Whether ``source`` (an Origin, or a Referer URL) is the site that ``host`` (the checked Host header) names.

    The port a browser leaves out is its scheme's default, in both headers alike.
    """
    if not source or not host:
        return False
    try:
        parts = urlsplit(source.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return False
    target = _authority(host)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or target is None:
        return False
    return (parts.hostname.rstrip("."), port) == (target[0], target[1] or DEFAULT_PORTS[parts.scheme])


def cross_site(method: str, headers) -> bool:
    """True for a state-changing request whose Origin (or, lacking it, Referer) is not the workbench itself.

    A request with neither header (a script, curl) is not a browser's and passes here; the form's CSRF token
    still applies.
    """
    if method.upper() in SAFE_METHODS:
        return False
    source = headers.get("origin")
    if source is None:
        source = headers.get("referer")
        if source is None:
            return False
    return not same_origin(source, headers.get("host"))


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


def secure_cookies(scheme: str, host_header: str | None, hosts: Hosts) -> bool:
    """Whether cookies get the ``Secure`` flag: always, but for plain http to a workbench bound to this computer
    and reached by a loopback name (``http://127.0.0.1``, ``http://localhost``: the local demo).

    A workbench beyond this computer, or behind a TLS proxy that names it (``Host: workbench.bureau``), never
    sets a cookie a network could read; a browser then keeps the session over https only.
    """
    if scheme == "https":
        return True
    parsed = _authority(host_header or "")
    return not (hosts.loopback and parsed is not None and is_loopback(parsed[0]))


def cookie_value(token: str) -> str:
    """What the token cookie holds: a digest of the token (stable across restarts), not the token itself."""
    return hashlib.sha256(f"graphfraud-workbench:{token}".encode()).hexdigest()


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
        if not session:
            return False
        return same(self.token(session), token)
