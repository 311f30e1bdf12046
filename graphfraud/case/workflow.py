"""The review chain a ring walks through, as the bureaus run it.

new → 初审 (first review) → 复审 (second review) → 申诉 (the institution
appeals) → 调查核实 (investigation) → confirmed / dismissed → 移送 (referred to
the police). Each step is a transition between statuses; only the
transitions listed here are allowed, so the trail always reads as a valid
case history.

Who may take a step follows the role (``STEP_ROLES``), and the bureaus' rule
for high-risk decisions (高风险业务双审核, four eyes): the second review, the
confirmation and the referral to the police are never taken by whoever took
the case's first review (``FOUR_EYES``).
"""

from __future__ import annotations

from graphfraud.errors import InputError, NotPermitted
from graphfraud.words import word

# The statuses, in the chain's order (their words: ``status.*`` in graphfraud/words.toml).
STATUSES = ("new", "first_review", "second_review", "appeal", "investigation", "confirmed", "dismissed", "referred")

# From each status, where a case may go next. A dismissed case can be reopened
# (back to first review); a referred case is closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("first_review", "dismissed"),
    "first_review": ("second_review", "dismissed"),
    "second_review": ("appeal", "investigation", "confirmed", "dismissed", "first_review"),
    "appeal": ("investigation", "confirmed", "dismissed"),
    "investigation": ("confirmed", "dismissed"),
    "confirmed": ("referred", "appeal"),
    "dismissed": ("first_review",),
    "referred": (),
}

# Trail entries that are not status changes ("assign": the case given to an investigator).
ACTIONS = ("status", "note", "export", "reopened", "assign")

# Which roles may move a case *to* each status (graphfraud.accounts.roles describes the roles).
STEP_ROLES: dict[str, tuple[str, ...]] = {
    "first_review": ("investigator", "supervisor"),
    "second_review": ("investigator", "supervisor"),
    "appeal": ("investigator", "supervisor"),
    "investigation": ("investigator", "supervisor"),
    "confirmed": ("supervisor",),
    "dismissed": ("investigator", "supervisor"),
    "referred": ("supervisor",),
}
# Reopening a dismissed case (dismissed → first review) is a supervisor's decision.
REOPEN_ROLES = ("supervisor",)
# Steps the first reviewer may not take on the same case.
FOUR_EYES = ("second_review", "confirmed", "referred")
# The status whose entry starts the appeal's deadline (graphfraud.case.deadlines).
APPEAL = "appeal"


def roles_for(current: str, target: str) -> tuple[str, ...]:
    """The roles that may move a case from ``current`` to ``target``."""
    if current == "dismissed" and target == "first_review":
        return REOPEN_ROLES
    return STEP_ROLES.get(target, ())


def first_reviewers(steps) -> set[str]:
    """Everyone who ever moved the case into first review (its trail, oldest first).

    All of them, not only the latest: a case sent back from second review to first review by someone
    else must not let its earlier first reviewer take the second review (or confirm, or refer) next.
    """
    return {e.actor for e in steps if e.action == "status" and e.to_status == "first_review"}


def refusal(role: str, actor: str, current: str, target: str, steps) -> NotPermitted | None:
    """Why ``actor`` (with ``role``) may not move the case from ``current`` to ``target``; None when they may.

    The refusal's message is a sentence for the CLI; its ``code`` and ``params`` let pages say it in their
    language (``steps``: the case's trail, oldest first).
    """
    allowed = roles_for(current, target)
    if role not in allowed:
        return NotPermitted(f"the role {role} may not move a case to {target!r} (allowed for: {', '.join(allowed) or 'nobody'})",
                            "role", role=role, target=target, allowed=", ".join(allowed))
    if target in FOUR_EYES and actor in first_reviewers(steps):
        return NotPermitted(f"four eyes: {actor} took a first review of this case, so another person must take the "
                            f"{target.replace('_', ' ')}", "four_eyes", actor=actor, target=target)
    return None


def offered(role: str, actor: str, status: str, steps) -> tuple[str, ...]:
    """The next statuses this user may choose (the form offers only these)."""
    return tuple(s for s in next_statuses(status) if refusal(role, actor, status, s, steps) is None)


def label(status: str, lang: str = "zh") -> str:
    """The status as investigators read it (the code itself for one the chain does not know)."""
    return word(f"status.{status}", lang, status)


def next_statuses(status: str) -> tuple[str, ...]:
    """Where a case in ``status`` may go next."""
    return TRANSITIONS.get(status, ())


def check_transition(current: str, target: str) -> None:
    """Refuse a step the review chain does not allow, naming the allowed ones."""
    if target not in STATUSES:
        raise InputError(f"unknown case status {target!r}; known: {', '.join(STATUSES)}")
    allowed = next_statuses(current)
    if target not in allowed:
        choices = ", ".join(allowed) or "none (the case is closed)"
        raise InputError(f"a case in status {current!r} cannot move to {target!r}; allowed: {choices}")
