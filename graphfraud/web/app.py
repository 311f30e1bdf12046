"""The workbench application: FastAPI, server-rendered pages, one engine shared by every request.

``create_app`` builds the app around an open engine; ``serve`` runs it with
uvicorn. Requests pass one middleware that resolves the language, refuses a
Host the workbench does not go by (DNS rebinding) and a form posted from
another site, resolves the browser session, enforces the access token when one
is set, and adds the security headers (see ``graphfraud.web.security``).
Access is logged as the route's pattern (``GET /rings/{ring_id} 200``), never with ids, names or the
token.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphfraud.config import Settings
from graphfraud.errors import AccessError, GraphfraudError, InputError
from graphfraud.vocabulary import LANGUAGES, language
from graphfraud.web import security
from graphfraud.web.i18n import refused, texts
from graphfraud.web.pages import Workbench, lang_of, render
from graphfraud.web.sessions import USER_COOKIE, Sessions
from graphfraud.web.workbench import Serialised

log = logging.getLogger("graphfraud.web")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
COOKIE_DAYS = 30


def create_app(engine, lang: str = "zh", token: str | None = None, store: str = "", host: str = DEFAULT_HOST,
               allowed_hosts: Iterable[str] = (), settings: Settings | None = None) -> FastAPI:
    """The workbench around an open engine (kept open for the app's life; the caller closes it).

    ``host`` is the address it is bound to and ``allowed_hosts`` the other names it may be reached by: a request
    naming anything else in its Host header is refused (``security.Hosts``). ``settings`` give the case
    workflow's time limits and the detection thresholds bundles reproduce. Every page but sign-in needs a
    signed-in user (``graphfraud users add``).
    """
    from graphfraud.web.views import account, assets, entities, rings, users

    app = FastAPI(title="graphfraud workbench", docs_url=None, redoc_url=None, openapi_url=None, **_no_telemetry())
    app.state.workbench = Workbench(engine=Serialised(engine), lang=language(lang), token=token,
                                    store=store, hosts=security.Hosts(host, allowed_hosts),
                                    settings=settings or Settings())
    app.state.workbench.sessions = Sessions(app.state.workbench.settings.accounts)
    app.include_router(assets.router)
    app.include_router(account.router)
    app.include_router(users.router)
    app.include_router(rings.router)
    app.include_router(entities.router)

    @app.middleware("http")
    async def guard(request: Request, call_next) -> Response:
        started = time.perf_counter()
        wb: Workbench = request.app.state.workbench
        asked = request.query_params.get("lang")
        request.state.lang = asked if asked in LANGUAGES else request.cookies.get(security.LANG_COOKIE, wb.lang)
        stranger = _stranger(request, wb)
        if stranger is not None:  # before anything else: no session, no cookie, no data
            return _finish(request, stranger, started)
        session = request.cookies.get(security.SESSION_COOKIE)
        request.state.session = session or security.Csrf.new_session()
        request.state.user = None
        response = _refused(request, wb) if wb.token else None
        if response is None:
            request.state.user = _signed_in(request, wb)
            response = _needs_sign_in(request)
        if response is None:
            response = await call_next(request)
        secure = security.secure_cookies(request.url.scheme, request.headers.get("host"), wb.hosts)
        if not session and not getattr(request.state, "session_set", False):
            response.set_cookie(security.SESSION_COOKIE, request.state.session, httponly=True, samesite="strict",
                                secure=secure)
        if asked in LANGUAGES:
            response.set_cookie(security.LANG_COOKIE, asked, max_age=COOKIE_DAYS * 86400, samesite="strict", secure=secure)
        return _finish(request, response, started)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "?" for e in exc.errors())
        return _error_page(request, 400, texts(lang_of(request))["bad_input"].format(reason=fields))

    @app.exception_handler(GraphfraudError)
    async def library_error(request: Request, exc: GraphfraudError) -> Response:
        t = texts(lang_of(request))
        if isinstance(exc, AccessError):
            return _error_page(request, 403, t["not_permitted"].format(reason=refused(exc, lang_of(request))))
        if isinstance(exc, InputError):
            return _error_page(request, 400, t["bad_input"].format(reason=str(exc)))
        # the engine's own words may quote values (ids, names): the page says it plainly, the log keeps the
        # error's kind and code under a reference the page shows, never its message
        ref = secrets.token_hex(4)
        route = request.scope.get("route")
        log.error("%s on %s %s (code %s, ref %s)", type(exc).__name__, request.method, getattr(route, "path", "-"),
                  getattr(exc, "code", "-"), ref)
        return _error_page(request, 503, t["engine_down"].format(ref=ref))

    return app


def _no_telemetry() -> dict:
    """Turn off FastAPI's own OpenTelemetry (newer versions export spans and logs, with request values, when the
    environment configures an exporter): case data never leaves this computer through the framework."""
    import inspect

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                          "auto_configure": False}}


def _finish(request: Request, response: Response, started: float) -> Response:
    """The security headers added and the access logged (route pattern and status only)."""
    for name, value in security.HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    route = request.scope.get("route")
    log.info("%s %s %d %.0f ms", request.method, getattr(route, "path", "-"), response.status_code,
             (time.perf_counter() - started) * 1000)
    return response


def _stranger(request: Request, wb: Workbench) -> Response | None:
    """A short refusal for a Host the workbench does not go by (400) or a post from another site (403); else None."""
    t = texts(lang_of(request))
    if not wb.hosts.allows(request.headers.get("host")):
        return PlainTextResponse(t["bad_host"], status_code=400)
    if security.cross_site(request.method, request.headers):
        return PlainTextResponse(t["bad_origin"], status_code=403)
    return None


OPEN_PREFIXES = ("/static/",)
OPEN_PAGES = ("/login", "/healthz")
CHANGE_PASSWORD_PAGES = ("/account", "/logout", "/login")


def _signed_in(request: Request, wb: Workbench):
    """The enabled user whose valid session cookie this request carries; else None."""
    from graphfraud.accounts.store import get

    found = wb.sessions.read(request.cookies.get(USER_COOKIE))
    if found is None:
        return None
    username, stamp = found
    user = get(wb.engine, username)
    if user is None or user.disabled or not security.same(user.stamp, stamp):
        return None
    return user


def _needs_sign_in(request: Request) -> Response | None:
    """None when the request may go on; else a redirect to the sign-in page (a GET) or a 401 that changes nothing.

    A user whose password must be changed (a generated one) is sent to the account page first.
    """
    path = request.url.path
    if path in OPEN_PAGES or path.startswith(OPEN_PREFIXES):
        return None
    user = request.state.user
    if user is None:
        if request.method in security.SAFE_METHODS:
            target = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        return PlainTextResponse(texts(lang_of(request))["sign_in_first"], status_code=401)
    if user.must_change and path not in CHANGE_PASSWORD_PAGES:
        if request.method in security.SAFE_METHODS:
            return RedirectResponse("/account", status_code=303)
        return PlainTextResponse(texts(lang_of(request))["change_password_first"], status_code=403)
    return None


def _refused(request: Request, wb: Workbench) -> Response | None:
    """None when the request may pass; else the answer (401, or a redirect that stores the token in a cookie)."""
    if request.url.path in security.OPEN_PATHS:
        return None
    token = wb.token
    assert token is not None  # asked only of a workbench with a token
    given = request.query_params.get("token")
    if given is not None and security.same(given, token):
        params = {k: v for k, v in request.query_params.items() if k != "token"}
        target = request.url.path + (f"?{urlencode(params)}" if params else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(security.TOKEN_COOKIE, security.cookie_value(token), httponly=True, samesite="strict",
                            max_age=COOKIE_DAYS * 86400,
                            secure=security.secure_cookies(request.url.scheme, request.headers.get("host"), wb.hosts))
        return response
    header = security.bearer(request.headers.get("authorization")) or request.headers.get(security.TOKEN_HEADER)
    if security.same(header, token) or security.same(request.cookies.get(security.TOKEN_COOKIE),
                                                     security.cookie_value(token)):
        return None
    return PlainTextResponse(texts(lang_of(request))["unauthorized"], status_code=401,
                             headers={"WWW-Authenticate": "Bearer"})


def _error_page(request: Request, status: int, message: str) -> Response:
    t = texts(lang_of(request))
    if status == 404 and message in ("Not Found", ""):
        message = t["not_found"].format(what=request.url.path)
    if not hasattr(request.state, "session"):
        return HTMLResponse(message, status_code=status)
    return render(request, "error.html", status=status, message=message)


def serve(engine, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None, lang: str = "zh",
          store: str = "", allowed_hosts: Iterable[str] = (), settings: Settings | None = None) -> None:
    """Run the workbench until interrupted (the caller has checked the bind with ``security.check_bind``)."""
    import uvicorn

    security.check_bind(host, token)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(engine, lang=lang, token=token, store=store, host=host, allowed_hosts=allowed_hosts,
                     settings=settings)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                    lifespan="off")
    except KeyboardInterrupt:  # Ctrl+C: uvicorn has shut down; the caller closes the engine
        log.info("stopped")
