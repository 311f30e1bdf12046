"""Who runs a command: ``--user NAME`` and that user's password, checked like a sign-in to the workbench.

The password comes from ``--password-stdin`` (the first line of standard
input), else ``GRAPHFRAUD_PASSWORD``, else a hidden prompt when standard input
is a terminal. It is never echoed, logged or put in a message.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graphfraud.cli.common import errors_as_exit, flag, opened_engine
from graphfraud.errors import SignInError

if TYPE_CHECKING:
    from graphfraud.accounts.store import User
    from graphfraud.config import Settings

PASSWORD_ENV = "GRAPHFRAUD_PASSWORD"
USER_ENV = "GRAPHFRAUD_USER"

UserOpt = Annotated[str | None, typer.Option(
    "--user", "--actor", help="Who does this: a user made with graphfraud users add (password: --password-stdin, "
                              f"{PASSWORD_ENV} or a prompt).", envvar=USER_ENV, show_envvar=True)]
PasswordStdinOpt = Annotated[bool, flag(
    "--password-stdin", help="Read the user's password from the first line of standard input.")]


def read_password(from_stdin: bool, prompt: str = "password") -> str:
    """The acting user's password, from stdin, the environment or a hidden prompt; SignInError when there is none."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        return typer.prompt(prompt, hide_input=True)
    raise SignInError(f"no password: give it with --password-stdin, {PASSWORD_ENV} or at a terminal's prompt")


def sign_in(engine, username: str | None, from_stdin: bool, one_time_ok: bool = False):
    """The user ``--user`` names, signed in with their password (an unknown, disabled or wrong one is refused).

    A user still on a one-time password (new, or reset by an admin) acts only once they have chosen their own
    (``one_time_ok`` is for ``graphfraud users passwd`` of one's own password), as in the workbench: whoever
    was handed the one-time password cannot use it to act in its owner's name.
    """
    from graphfraud.accounts.store import authenticate

    name = (username or "").strip()
    if not name:
        raise SignInError(f"say who you are: --user NAME (or {USER_ENV}); graphfraud users list shows the users")
    user = authenticate(engine, name, read_password(from_stdin, f"password of {name}"))
    if user.must_change and not one_time_ok:
        raise SignInError(f"{user.username} still has a one-time password: choose your own first "
                          f"(graphfraud users passwd {user.username} --user {user.username})")
    return user


def as_admin(engine, username: str | None, from_stdin: bool) -> User:
    """The signed-in admin who changes users; refused when no admin is active (no bootstrap here: ``users add``)."""
    from graphfraud.accounts.store import active_admins
    from graphfraud.case.steps import check_allowed
    from graphfraud.errors import NotPermitted

    if not active_admins(engine):
        raise NotPermitted("no active admin can sign in to change users (only the first admin of an empty user "
                           "list is added without one)", "ability", role="", ability="users")
    actor = sign_in(engine, username, from_stdin)
    check_allowed(actor, "users")
    return actor


@contextmanager
def acting(settings: Settings, username: str | None, from_stdin: bool, admin: bool = False) -> Iterator[tuple[Any, User]]:
    """The writable graph and whoever ``--user`` signs in as, for one command that changes something.

    Every such command opens the graph, signs its user in and turns a refusal into one line and an exit
    status; ``admin``: the user must be an active admin (``graphfraud users``).
    """
    with opened_engine(settings, migrate=True) as eng, errors_as_exit():
        yield eng, (as_admin(eng, username, from_stdin) if admin else sign_in(eng, username, from_stdin))
