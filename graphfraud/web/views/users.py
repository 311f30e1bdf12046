"""User management for admins: list, add, disable or enable, reset a password (one-time), change a role.

The same operations as ``graphfraud users``; here they also work while the
workbench holds the embedded database.
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


def _page(request: Request, status: int = 200, error: str | None = None, issued: tuple[str, str] | None = None,
          done: str | None = None) -> Response:
    lang = lang_of(request)
    users = store.all_users(state(request).engine)
    return render(request, "users.html", status=status, users=users, roles=list(ROLES), error=error, issued=issued,
                  done=done, role_name=lambda r: role_label(r, lang))


def _admin(request: Request) -> Response | None:
    """None for an admin; else the refusal (403) that changes nothing."""
    user = request.state.user
    if user is None or not may(user.role, "users"):
        t = texts(lang_of(request))
        return render(request, "error.html", status=403, message=t["not_permitted"].format(reason=t["admins_only"]))
    return None


@router.get("/users")
def users_page(request: Request) -> Response:
    """Every user with their role and state, and the forms to manage them (admins only)."""
    return _admin(request) or _page(request, done=request.query_params.get("done"))


@router.post("/users")
def add_user(request: Request, csrf: str = Form(""), username: str = Form(""), display_name: str = Form(""),
             role: str = Form("")) -> Response:
    """Add a user with a generated one-time password, shown once on the page that answers."""
    refused = _admin(request)
    if refused:
        return refused
    wb = state(request)
    t = texts(lang_of(request))
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return _page(request, 403, t["csrf_failed"])
    password = passwords.generate()
    try:
        user = store.add(wb.engine, username, role, password, display_name=display_name, must_change=True)
    except InputError as exc:
        return _page(request, 400, t["bad_input"].format(reason=str(exc)))
    return _page(request, issued=(user.username, password))


@router.post("/users/{username}")
def change_user(request: Request, username: str, csrf: str = Form(""), change: str = Form(""),
                role: str = Form("")) -> Response:
    """Disable, enable, reset the password of (one-time, shown once), or change the role of one user."""
    refused = _admin(request)
    if refused:
        return refused
    wb = state(request)
    t = texts(lang_of(request))
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return _page(request, 403, t["csrf_failed"])
    if change not in CHANGES:
        return _page(request, 400, t["bad_input"].format(reason=f"change must be one of {', '.join(CHANGES)}"))
    try:
        if change == "reset":
            password = passwords.generate()
            user = store.set_password(wb.engine, username, password, must_change=True)
            return _page(request, issued=(user.username, password))
        if change in ("disable", "enable"):
            store.set_disabled(wb.engine, username, change == "disable")
        else:
            store.set_role(wb.engine, username, role)
    except InputError as exc:
        return _page(request, 400, t["bad_input"].format(reason=str(exc)))
    return RedirectResponse(f"/users?done={change}", status_code=303)
