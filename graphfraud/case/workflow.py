"""The review chain a ring walks through, as the bureaus run it.

new → 初审 (first review) → 复审 (second review) → 申诉 (the institution
appeals) → 调查核实 (investigation) → confirmed / dismissed → 移送 (referred to
the police). Each step is a transition between statuses; only the
transitions listed here are allowed, so the trail always reads as a valid
case history.
"""

from __future__ import annotations

from graphfraud.errors import InputError

STATUSES: dict[str, dict[str, str]] = {
    "new": {"zh": "新发现", "en": "New"},
    "first_review": {"zh": "初审", "en": "First review"},
    "second_review": {"zh": "复审", "en": "Second review"},
    "appeal": {"zh": "机构申诉", "en": "Appeal by the institution"},
    "investigation": {"zh": "调查核实", "en": "Investigation"},
    "confirmed": {"zh": "确认违规", "en": "Confirmed"},
    "dismissed": {"zh": "排除", "en": "Dismissed"},
    "referred": {"zh": "移送公安", "en": "Referred to the police"},
}

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

# Trail entries that are not status changes.
ACTIONS = ("status", "note", "export", "reopened")


def label(status: str, lang: str = "zh") -> str:
    """The status as investigators read it."""
    return STATUSES.get(status, {}).get(lang, status)


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
