"""Signing in and out, and changing one's own password (both rate limited like a sign-in)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from graphfraud.accounts import store
from graphfraud.errors import InputError, PasswordExpired, SignInError
from graphfraud.web.i18n import texts
from graphfraud.web.pages import lang_of, render, state
from graphfraud.web.security import SESSION_COOKIE, Csrf, secure_cookies
from graphfraud.web.sessions import USER_COOKIE

router = APIRouter()

MAX_FIELD = 256


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this workbench only (never another site, ``//host`` or ``/\\host``)."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(ord(c) < 32 for c in target):
        return "/"
    return target[:1000]


def _client(request: Request) -> str:
    return "addr:" + (request.client.host if request.client else "?")


def sign_in_cookie(request: Request, response: Response, user: store.User) -> None:
    """Start the user's session: the signed cookie, and a new form-token session (no fixation)."""
    wb = state(request)
    secure = secure_cookies(request.url.scheme, request.headers.get("host"), wb.hosts)
    wb.sessions.revoke(request.cookies.get(USER_COOKIE))   # a session this browser had before ends
    response.set_cookie(USER_COOKIE, wb.sessions.cookie(user.username, user.stamp), httponly=True, samesite="strict",
                        secure=secure, max_age=wb.sessions.max_seconds)
    response.set_cookie(SESSION_COOKIE, Csrf.new_session(), httponly=True, samesite="strict", secure=secure)
    request.state.session_set = True


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    if request.state.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), error=None, username="")


@router.post("/login")
def login(request: Request, csrf: str = Form(""), username: str = Form(""), password: str = Form(""),
          next: str = Form("/")) -> Response:
    """Check the name and password; on success start a session and go where the user was going."""
    wb = state(request)
    t = texts(lang_of(request))
    username = username.strip()[:MAX_FIELD]
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return render(request, "login.html", status=403, next=safe_next(next), error=t["csrf_failed"], username=username)
    user_key = "user:" + username.lower()
    attempt = wb.sessions.attempt(username.lower(), user_key, _client(request))   # counted before any hashing
    if attempt is None:
        return render(request, "login.html", status=429, next=safe_next(next), error=t["sign_in_locked"],
                      username=username)
    try:
        user = store.authenticate(wb.engine, username, password[:MAX_FIELD + 1])
    except PasswordExpired:   # the right one-time password, too late: it stays counted, nothing else is said
        return render(request, "login.html", status=401, next=safe_next(next), error=t["one_time_expired"],
                      username=username)
    except SignInError:
        return render(request, "login.html", status=401, next=safe_next(next), error=t["sign_in_failed"],
                      username=username)
    wb.sessions.succeeded(attempt, user_key)
    response = RedirectResponse("/account" if user.must_change else safe_next(next), status_code=303)
    sign_in_cookie(request, response, user)
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    """End the session (the form token proves the sign-out comes from the workbench's own page)."""
    wb = state(request)
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return render(request, "error.html", status=403, message=texts(lang_of(request))["csrf_failed"])
    wb.sessions.revoke(request.cookies.get(USER_COOKIE))   # ended here, not only in this browser
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(USER_COOKIE)
    return response


@router.get("/account")
def account_page(request: Request) -> Response:
    """The signed-in user's account: who they are, their role, and the form to change the password."""
    return render(request, "account.html", error=None, done=request.query_params.get("done") == "1")


@router.post("/account")
def change_password(request: Request, csrf: str = Form(""), current: str = Form(""), new: str = Form(""),
                    again: str = Form("")) -> Response:
    """Change one's own password (the current one is asked again); the session goes on with the new stamp."""
    wb = state(request)
    t = texts(lang_of(request))
    user = request.state.user

    def refused(status: int, message: str) -> Response:
        return render(request, "account.html", status=status, error=message, done=False)

    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return refused(403, t["csrf_failed"])
    if new != again:
        return refused(400, t["passwords_differ"])
    if new == current:
        return refused(400, t["password_same"])
    # the current password is checked like a sign-in: counted first, locked out after as many failures
    user_key = "user:" + user.username.lower()
    attempt = wb.sessions.attempt(user.username.lower(), user_key, _client(request))
    if attempt is None:
        return refused(429, t["sign_in_locked"])
    try:
        store.authenticate(wb.engine, user.username, current[:MAX_FIELD + 1])
    except PasswordExpired:
        return refused(400, t["one_time_expired"])
    except SignInError:
        return refused(400, t["current_password_wrong"])
    wb.sessions.succeeded(attempt, user_key)
    try:
        user = store.set_password(wb.engine, user.username, new, actor=user.username,
                                  one_time_hours=wb.settings.accounts.one_time_password_hours)
    except InputError as exc:
        return refused(400, t["bad_input"].format(reason=str(exc)))
    response = RedirectResponse("/account?done=1", status_code=303)
    sign_in_cookie(request, response, user)
    return response
