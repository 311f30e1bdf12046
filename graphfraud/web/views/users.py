"""User management for admins: list, add, disable or enable, reset a password (one-time), change a role; the log.

The same operations as ``graphfraud users``, under the same rules (an admin
never changes their own role nor disables themselves; a reset is a one-time
password that expires; every change is in the account log, shown here); they
also work while the workbench holds the embedded database.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from graphfraud.accounts import passwords, store
from graphfraud.accounts.roles import ROLES, may, role_label
from graphfraud.errors import InputError
from graphfraud.web.i18n import texts
from graphfraud.web.pages import lang_of, render, state
from graphfraud.web.security import SESSION_COOKIE

router = APIRouter()

CHANGES = ("disable", "enable", "reset", "role")


LOG_SHOWN = 50   # the latest account-log entries on the page (graphfraud users log shows them all)


def _page(request: Request, status: int = 200, error: str | None = None, issued: tuple[str, str, str] | None = None,
          done: str | None = None) -> Response:
    lang = lang_of(request)
    engine = state(request).engine
    users = store.all_users(engine)
    log = store.account_log(engine)[-LOG_SHOWN:][::-1]
    return render(request, "users.html", status=status, users=users, roles=list(ROLES), error=error, issued=issued,
                  done=done, role_name=lambda r: role_label(r, lang), me=request.state.user.username,
                  account_log=log)


def _admin(request: Request) -> Response | None:
    """None for an admin; else the refusal (403) that changes nothing."""
    user = request.state.user
    if user is None or not may(user.role, "users"):
        t = texts(lang_of(request))
        return render(request, "error.html", status=403, message=t["not_permitted"].format(reason=t["admins_only"]))
    return None


def _admin_form(request: Request, csrf: str) -> Response | None:
    """None for an admin's form with a valid token; else the refusal (403) that changes nothing."""
    refused = _admin(request)
    if refused:
        return refused
    if not state(request).csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return _page(request, 403, texts(lang_of(request))["csrf_failed"])
    return None


@router.get("/users")
def users_page(request: Request) -> Response:
    """Every user with their role and state, and the forms to manage them (admins only)."""
    return _admin(request) or _page(request, done=request.query_params.get("done"))


@router.post("/users")
def add_user(request: Request, csrf: str = Form(""), username: str = Form(""), display_name: str = Form(""),
             role: str = Form("")) -> Response:
    """Add a user with a generated one-time password, shown once on the page that answers."""
    refused = _admin_form(request, csrf)
    if refused:
        return refused
    wb = state(request)
    t = texts(lang_of(request))
    password = passwords.generate()
    try:
        user = store.add(wb.engine, username, role, password, display_name=display_name, must_change=True,
                         actor=request.state.user.username, one_time_hours=wb.settings.accounts.one_time_password_hours)
    except InputError as exc:
        return _page(request, 400, t["bad_input"].format(reason=str(exc)))
    return _page(request, issued=(user.username, password, user.expires))


@router.post("/users/{username}")
def change_user(request: Request, username: str, csrf: str = Form(""), change: str = Form(""),
                role: str = Form("")) -> Response:
    """Disable, enable, reset the password of (one-time, shown once), or change the role of one user."""
    refused = _admin_form(request, csrf)
    if refused:
        return refused
    wb = state(request)
    t = texts(lang_of(request))
    if change not in CHANGES:
        return _page(request, 400, t["bad_input"].format(reason=f"change must be one of {', '.join(CHANGES)}"))
    actor = request.state.user.username
    try:
        if change == "reset":
            user, password = store.reset_password(wb.engine, username, actor=actor,
                                                  one_time_hours=wb.settings.accounts.one_time_password_hours)
            return _page(request, issued=(user.username, password, user.expires))
        if change in ("disable", "enable"):
            store.set_disabled(wb.engine, username, change == "disable", actor=actor)
        else:
            store.set_role(wb.engine, username, role, actor=actor)
    except InputError as exc:
        return _page(request, 400, t["bad_input"].format(reason=str(exc)))
    return RedirectResponse(f"/users?done={change}", status_code=303)
