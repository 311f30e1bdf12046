"""A signed-in user takes a case step: the role and the four-eyes rule are checked, then the trail records it.

The workbench and the CLI both come through :func:`take_step`, so a step is
allowed or refused the same way wherever it is taken. ``trail.record`` stays
the plain appender (the scheduled job records its own entries through it, as
the tool).
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Any

from graphfraud.accounts.roles import may
from graphfraud.accounts.store import User
from graphfraud.case import trail
from graphfraud.case.workflow import check_transition, refusal
from graphfraud.config import CaseSettings
from graphfraud.errors import InputError, NotPermitted

NOTE_ONLY = "note"


MovedMeanwhile = trail.MovedMeanwhile   # the case changed since it was shown, or since the step was checked


def check_allowed(user: User, ability: str) -> None:
    """Refuse a user whose role may not ``ability`` (note, export, assign, bulk, users)."""
    if user.disabled:
        raise NotPermitted(f"the account {user.username} is disabled", "disabled")
    if not may(user.role, ability):
        raise NotPermitted(f"the role {user.role} may not {ability}" + (" cases" if ability == "assign" else ""),
                           "ability", role=user.role, ability=ability)


def take_step(engine, ring_id: str, user: User, action: str, note: str = "", to_status: str | None = None,
              expected: str | None = None, lock: threading.Lock | None = None,
              case_settings: CaseSettings | None = None, assignee: str | None = None) -> trail.CaseEvent:
    """Record ``user``'s step on the ring: ``status`` (to ``to_status``), ``note`` or ``assign`` (to ``assignee``).

    ``expected`` is the status the user saw: if the case moved since, the step
    is refused (:class:`MovedMeanwhile`) rather than applied to a case they have
    not seen. A role that may not take the step, or the first reviewer taking
    the second review, confirmation or referral, is refused with
    :class:`~graphfraud.errors.NotPermitted`; nothing is written then.

    The checks read the trail once; the write is conditional on the trail being
    unchanged since (one statement, see ``trail.record``'s ``after``), so two
    reviewers in two processes cannot both pass the four-eyes or status check on
    the same trail: the second write is refused with :class:`MovedMeanwhile`.
    ``lock`` only keeps one process's threads from racing for nothing.
    """
    with lock or nullcontext():
        current, seen_steps = trail.stored_state(engine, ring_id)
        if expected and expected != current:
            raise MovedMeanwhile(current)
        details: dict[str, Any] = {}
        if action == "status":
            if not to_status:
                raise InputError("choose the next status")
            if user.disabled:
                raise NotPermitted(f"the account {user.username} is disabled", "disabled")
            check_transition(current, to_status)   # a step the chain does not allow is refused as such first
            trail_check = trail.history(engine, ring_id)
            if len(trail_check) != seen_steps:   # a step arrived between the two reads: check again on a fresh view
                raise MovedMeanwhile(trail.current_status(engine, ring_id))
            why = refusal(user.role, user.username, current, to_status, trail_check)
            if why is not None:
                raise why
        elif action == NOTE_ONLY:
            check_allowed(user, "note")
            to_status = None
        elif action == "assign":
            check_allowed(user, "assign")
            if assignee:
                from graphfraud.accounts.store import require

                target = require(engine, assignee)
                if target.disabled or target.role not in ("investigator", "supervisor"):
                    raise InputError(f"{target.username} cannot be given cases (an enabled investigator or "
                                     "supervisor can)")
            details = {"assignee": assignee or None}
            to_status = None
        else:
            raise InputError(f"unknown step {action!r}; take a status step, a note or an assignment")
        return trail.record(engine, ring_id, action, user.username, note, to_status=to_status, details=details,
                            case_settings=case_settings, after=(current, seen_steps))
