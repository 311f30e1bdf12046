"""``graphfraud users``: add, list, disable or enable users, and change passwords (Argon2id hashes in the graph).

Changing users takes an active admin (``--user ADMIN`` and their password),
except the very first admin of an empty user list; an admin never changes
their own role nor disables themselves. Your own new password is asked twice
at a hidden prompt, read from standard input (``--new-password-stdin``), or
generated (``--generate-password``); another user's password is only ever
reset by an admin to a generated one-time password, printed once on standard
output, that expires (``[accounts] one_time_password_hours``) and must be
changed at the first sign-in. Every change is in the account log
(``graphfraud users log``).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, Group, err, errors_as_exit, flag, opened_engine, out, settings_from
from graphfraud.cli.identity import PasswordStdinOpt, UserOpt, acting, as_admin, sign_in

users_app = typer.Typer(cls=Group, help="Users of the workbench and the case commands: roles analyst, investigator, supervisor, "
                             "admin.", no_args_is_help=True)

GenerateOpt = Annotated[bool, flag("--generate-password", help="Make a one-time password, print it once on "
                                                                       "standard output; it must be changed at the first sign-in.")]
NewStdinOpt = Annotated[bool, flag("--new-password-stdin", help="Read the new password from standard input "
                                                                        "(its first line, or the second with --password-stdin).")]


def _new_password(generate: bool, from_stdin: bool) -> tuple[str, bool]:
    """(the new password, whether it is a generated one-time password)."""
    from graphfraud.accounts import passwords
    from graphfraud.errors import InputError

    if generate and from_stdin:
        raise InputError("give either --generate-password or --new-password-stdin, not both")
    if generate:
        return passwords.generate(), True
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if not sys.stdin.isatty():
        raise InputError("no new password: use --generate-password or --new-password-stdin, or run at a terminal")
    first = typer.prompt("new password", hide_input=True)
    if typer.prompt("new password again", hide_input=True) != first:
        raise InputError("the two passwords differ")
    return first, False


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="The new user's name (2–32 letters, digits, _ . -).")],
    role: Annotated[str, typer.Option("--role", help="analyst, investigator, supervisor or admin.")],
    name: Annotated[str, typer.Option("--name", help="How pages show the user, e.g. 张稽核.")] = "",
    generate: GenerateOpt = False,
    new_stdin: NewStdinOpt = False,
    user: UserOpt = None,
    password_stdin: PasswordStdinOpt = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Add a user: an admin adds them (--user ADMIN); only the first admin of an empty user list needs nobody."""
    from graphfraud.accounts import store
    from graphfraud.errors import InputError

    settings = settings_from(engine, config, db)
    hours = settings.accounts.one_time_password_hours
    with opened_engine(settings, migrate=True) as eng, errors_as_exit():
        if not store.all_users(eng):
            if role != "admin":
                raise InputError("there are no users yet: add the first admin first (--role admin)")
            password, one_time = _new_password(generate, new_stdin)
            added = store.add_first_admin(eng, username, password, display_name=name, must_change=one_time,
                                          one_time_hours=hours)
        else:
            actor = as_admin(eng, user, password_stdin)
            password, one_time = _new_password(generate, new_stdin)
            added = store.add(eng, username, role, password, display_name=name, must_change=one_time,
                              actor=actor.username, one_time_hours=hours)
    err.print(f"added {escape(added.shown)} as {added.role} (in the account log: graphfraud users log)"
              + (f" — its one-time password is on standard output, shown this once; it expires {added.expires} "
                 "and must be changed at the first sign-in" if one_time else ""), soft_wrap=True)
    if one_time:
        print(password)


def _state(u) -> str:
    if u.disabled:
        return "disabled"
    if u.must_change:
        return "one-time password, expired" if u.expired() else f"one-time password until {u.expires[:16].replace('T', ' ')}"
    return "active"


@users_app.command("list")
def list_users(engine: EngineOpt = None, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Every user with role and state (never a password or a hash)."""
    from graphfraud.accounts import store

    with opened_engine(settings_from(engine, config, db), read_only=True, migrate=True) as eng, errors_as_exit():
        users = store.all_users(eng)
    table = Table("user", "name", "role", "state", "changed")
    for u in users:
        table.add_row(escape(u.username), escape(u.display_name), u.role, _state(u), u.changed[:16].replace("T", " "))
    out.print(table)


@users_app.command("log")
def log(
    about: Annotated[str, typer.Option("--about", help="Only entries where this user acted or was acted on.")] = "",
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """The account log, oldest first: who created, disabled, enabled, re-roled or reset whom, and when (append-only;
    never a password or a hash)."""
    from graphfraud.accounts import store

    with opened_engine(settings_from(engine, config, db), read_only=True, migrate=True) as eng, errors_as_exit():
        entries = store.account_log(eng)
    who = about.strip()
    table = Table("when", "who", "action", "whom", "detail", title="account log")
    for e in entries:
        if who and who not in (e.actor, e.target):
            continue
        table.add_row(e.at, escape(e.actor), e.action, escape(e.target), escape(e.detail))
    out.print(table)


def _set_disabled(username: str, disabled: bool, user: str | None, password_stdin: bool, engine, config, db) -> None:
    from graphfraud.accounts import store

    with acting(settings_from(engine, config, db), user, password_stdin, admin=True) as (eng, actor):
        changed = store.set_disabled(eng, username, disabled, actor=actor.username)
    out.print(f"{escape(changed.username)}: {'disabled (its sessions end now)' if disabled else 'enabled'}")


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="The user to disable.")], user: UserOpt = None,
            password_stdin: PasswordStdinOpt = False, engine: EngineOpt = None, config: ConfigOpt = None,
            db: DbOpt = None) -> None:
    """Disable a user: they can no longer sign in or act, and their sessions end (the trail keeps their steps)."""
    _set_disabled(username, True, user, password_stdin, engine, config, db)


@users_app.command("enable")
def enable(username: Annotated[str, typer.Argument(help="The user to enable again.")], user: UserOpt = None,
           password_stdin: PasswordStdinOpt = False, engine: EngineOpt = None, config: ConfigOpt = None,
           db: DbOpt = None) -> None:
    """Enable a disabled user again."""
    _set_disabled(username, False, user, password_stdin, engine, config, db)


@users_app.command("role")
def role(
    username: Annotated[str, typer.Argument(help="Whose role to change.")],
    to: Annotated[str, typer.Option("--to", help="analyst, investigator, supervisor or admin.")],
    user: UserOpt = None,
    password_stdin: PasswordStdinOpt = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Give a user another role (an admin, never their own; their sessions end)."""
    from graphfraud.accounts import store

    with acting(settings_from(engine, config, db), user, password_stdin, admin=True) as (eng, actor):
        changed = store.set_role(eng, username, to, actor=actor.username)
    out.print(f"{escape(changed.username)}: role {changed.role} (its sessions end now)")


@users_app.command("passwd")
def passwd(
    username: Annotated[str, typer.Argument(help="Whose password to change.")],
    generate: GenerateOpt = False,
    new_stdin: NewStdinOpt = False,
    user: UserOpt = None,
    password_stdin: PasswordStdinOpt = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Change your own password (your current one is asked), or, as an admin (--user ADMIN), reset anyone's to a
    one-time password: printed once, it expires and must be changed at the first sign-in, and the reset is logged."""
    from graphfraud.accounts import store
    from graphfraud.case.steps import check_allowed
    from graphfraud.errors import InputError

    settings = settings_from(engine, config, db)
    hours = settings.accounts.one_time_password_hours
    with opened_engine(settings, migrate=True) as eng, errors_as_exit():
        target = store.check_username(username)
        own = (user or target).strip() == target
        actor = sign_in(eng, user or target, password_stdin, one_time_ok=own)
        if own:
            password, one_time = _new_password(generate, new_stdin)
            changed = store.set_password(eng, target, password, must_change=one_time, actor=actor.username,
                                         one_time_hours=hours)
        else:
            check_allowed(actor, "users")
            if new_stdin:
                raise InputError("another user's password is reset to a generated one-time password, never to "
                                 "a chosen one: leave out --new-password-stdin")
            changed, password = store.reset_password(eng, target, actor=actor.username, one_time_hours=hours)
            one_time = True
    if one_time:
        err.print(f"{escape(changed.username)}: password reset (logged; sessions signed in with the old one end) — "
                  f"the one-time password is on standard output, shown this once; it expires {changed.expires} and "
                  "must be changed at the first sign-in", soft_wrap=True)
        print(password)
    else:
        err.print(f"{escape(changed.username)}: password changed (sessions signed in with the old one end)")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
