"""``graphfraud users``: add, list, disable or enable users, and change passwords (Argon2id hashes in the graph).

Changing users takes an admin (``--user ADMIN`` and their password), except
the very first admin of an empty user list. A password is asked twice at a
hidden prompt, read from standard input (``--new-password-stdin``), or
generated (``--generate-password``: printed once on standard output, to be
changed at the first sign-in).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, err, errors_as_exit, opened_engine, out, settings_from
from graphfraud.cli.identity import PasswordStdinOpt, UserOpt, sign_in

users_app = typer.Typer(help="Users of the workbench and the case commands: roles analyst, investigator, supervisor, "
                             "admin.", no_args_is_help=True)

GenerateOpt = Annotated[bool, typer.Option("--generate-password", help="Make a one-time password, print it once on "
                                                                       "standard output; it must be changed at the first sign-in.")]
NewStdinOpt = Annotated[bool, typer.Option("--new-password-stdin", help="Read the new password from standard input "
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


def _as_admin(engine, user: str | None, from_stdin: bool) -> None:
    """Require an admin signed in, unless there is no active admin yet (the first one is being made)."""
    from graphfraud.accounts.store import all_users
    from graphfraud.case.steps import check_allowed

    if not any(u.role == "admin" and not u.disabled for u in all_users(engine)):
        return
    check_allowed(sign_in(engine, user, from_stdin), "users")


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
    """Add a user (an admin adds them; the first admin needs nobody)."""
    from graphfraud.accounts import store

    with opened_engine(settings_from(engine, config, db), migrate=True) as eng:
        with errors_as_exit():
            _as_admin(eng, user, password_stdin)
            password, one_time = _new_password(generate, new_stdin)
            added = store.add(eng, username, role, password, display_name=name, must_change=one_time)
    err.print(f"added {escape(added.shown)} as {added.role}"
              + (" — one-time password on standard output (shown once)" if one_time else ""))
    if one_time:
        print(password)


@users_app.command("list")
def list_users(engine: EngineOpt = None, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Every user with role and state (never a password or a hash)."""
    from graphfraud.accounts import store

    with opened_engine(settings_from(engine, config, db), read_only=True, migrate=True) as eng:
        with errors_as_exit():
            users = store.all_users(eng)
    table = Table("user", "name", "role", "state", "changed")
    for u in users:
        state = "disabled" if u.disabled else ("one-time password" if u.must_change else "active")
        table.add_row(escape(u.username), escape(u.display_name), u.role, state, u.changed[:16].replace("T", " "))
    out.print(table)


def _set_disabled(username: str, disabled: bool, user: str | None, password_stdin: bool, engine, config, db) -> None:
    from graphfraud.accounts import store

    with opened_engine(settings_from(engine, config, db), migrate=True) as eng:
        with errors_as_exit():
            _as_admin(eng, user, password_stdin)
            changed = store.set_disabled(eng, username, disabled)
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
    """Change a password: your own (your current password is asked), or anyone's as an admin (--user ADMIN)."""
    from graphfraud.accounts import store
    from graphfraud.case.steps import check_allowed

    with opened_engine(settings_from(engine, config, db), migrate=True) as eng:
        with errors_as_exit():
            actor = sign_in(eng, user or username, password_stdin)
            if actor.username != store.check_username(username):
                check_allowed(actor, "users")
            password, one_time = _new_password(generate, new_stdin)
            store.set_password(eng, username, password, must_change=one_time)
    err.print(f"{escape(username)}: password changed (sessions signed in with the old one end)")
    if one_time:
        print(password)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
