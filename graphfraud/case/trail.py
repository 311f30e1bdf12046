"""A ring's case trail: every review step, note and export, stored in the graph, never edited.

Each entry is a ``:CaseEvent`` linked from its ``:Ring`` by ``HAS_EVENT``,
carrying who, when, what and a note; the ring's ``status`` is the status the
last entry left it in. Neo4j holds the shared trail investigators work on;
the embedded engine keeps the same trail in its folder for one user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from graphfraud.case.deadlines import appeal_due
from graphfraud.case.workflow import ACTIONS, APPEAL, check_transition
from graphfraud.config import CaseSettings
from graphfraud.errors import InputError, WriteConflict
from graphfraud.vocabulary import CHINA


class MovedMeanwhile(InputError):
    """The case changed after the user (or the check of their step) last saw it: nothing was written.

    Raised when the status the user saw is no longer the ring's, and when another step reached the trail
    between checking a step (role, four eyes) and writing it — in this process or another one.
    """

    def __init__(self, status: str) -> None:
        super().__init__(f"the case moved to {status!r} meanwhile (another step was recorded first); look at it "
                         "again before taking a step")
        self.status = status


@dataclass(frozen=True)
class CaseEvent:
    event_id: str
    seq: int
    action: str
    from_status: str
    to_status: str
    actor: str
    at: str
    note: str
    details: dict[str, Any]


def _now() -> str:
    return datetime.now(CHINA).isoformat(timespec="seconds")


def _stored(engine, ring_id: str) -> dict[str, Any]:
    frame = engine.query("case/ring", {"ring_id": ring_id})
    if frame.empty:
        raise InputError(f"no ring {ring_id!r} in the graph; run detect first or check the id")
    return frame.to_dict("records")[0]


def current_status(engine, ring_id: str) -> str:
    """The ring's status now; an unknown ring id is refused."""
    return str(_stored(engine, ring_id)["status"] or "new")


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    return str(value)


def stored_state(engine, ring_id: str) -> tuple[str, int]:
    """(the ring's status now, the number of steps on its trail); an unknown ring id is refused."""
    stored = _stored(engine, ring_id)
    return str(stored["status"] or "new"), int(stored["steps"])


UNCHECKED_TRIES = 3   # an entry no check depends on (an export, the job's reopening) is tried this often in a race


def record(engine, ring_id: str, action: str, actor: str, note: str = "", to_status: str | None = None,
           details: dict[str, Any] | None = None, at: str | None = None,
           case_settings: CaseSettings | None = None, after: tuple[str, int] | None = None) -> CaseEvent:
    """Append one entry to the ring's trail; a status change must be a step the review chain allows.

    ``action`` is ``status`` (with ``to_status``), ``note``, ``export``,
    ``reopened`` (detection found a dismissed ring changed) or ``assign``
    (``details["assignee"]``: the username, or None to unassign). The actor is
    who did it (a user's name, or the tool's for the scheduled job). Entering
    the appeal step sets the ring's deadline (``case_settings``: working days
    and calendar); leaving it clears it. Who *may* take a step is checked
    before, by :func:`graphfraud.case.steps.take_step`, which passes ``after``: the (status, number of
    steps) it checked against. The write is conditional on the trail still being there, in the same
    statement (``cypher/case/record_event.cypher``), so a step checked against one trail is never written
    onto another: :class:`MovedMeanwhile` then, and nothing is written. Without ``after`` (an entry no
    check depends on) a lost race is retried on the trail as it now is, up to ``UNCHECKED_TRIES`` times.
    """
    for attempt in range(1 if after is not None else UNCHECKED_TRIES):
        try:
            return _record_once(engine, ring_id, action, actor, note, to_status, details, at, case_settings, after)
        except MovedMeanwhile:
            if after is not None or attempt == UNCHECKED_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def _record_once(engine, ring_id: str, action: str, actor: str, note: str, to_status: str | None,
                 details: dict[str, Any] | None, at: str | None, case_settings: CaseSettings | None,
                 after: tuple[str, int] | None) -> CaseEvent:
    """One try of :func:`record`: read the ring, write the entry if the trail is still as read."""
    if action not in ACTIONS:
        raise InputError(f"unknown case action {action!r}; known: {', '.join(ACTIONS)}")
    if not actor.strip():
        raise InputError("a case step needs who took it (actor)")
    stored = _stored(engine, ring_id)
    current, seq = str(stored["status"] or "new"), int(stored["steps"]) + 1
    if after is not None and (current, seq - 1) != after:
        raise MovedMeanwhile(current)
    if action == "status":
        if to_status is None:
            raise InputError("a status step needs the status to move to")
        check_transition(current, to_status)
    elif action == "reopened":
        to_status = to_status or "new"
    else:
        to_status = current
    at = at or _now()
    assignee, due = _text(stored.get("assignee")), _text(stored.get("due"))
    details = dict(details or {})
    if action == "assign":
        assignee = _text(details.get("assignee"))
    if to_status != current:
        due = None
        if to_status == APPEAL:
            due = appeal_due(date.fromisoformat(at[:10]), case_settings or CaseSettings()).isoformat()
            details["due"] = due
    params = {"ring_id": ring_id, "event_id": f"{ring_id}#{seq}", "seq": seq, "from_status": current, "action": action,
              "to_status": to_status, "actor": actor.strip(), "at": at, "note": note, "assignee": assignee, "due": due,
              "details": json.dumps(details, ensure_ascii=False, sort_keys=True)}
    try:
        rows = engine.query("case/record_event", params).to_dict("records")
    except WriteConflict:   # another writer passed the same condition at the same moment and stored step seq first
        rows = []
    if not rows:
        raise MovedMeanwhile(current_status(engine, ring_id))
    row = rows[0]
    return CaseEvent(event_id=row["event_id"], seq=int(row["seq"]), action=action, from_status=current,
                     to_status=to_status, actor=actor.strip(), at=at, note=note, details=details)


def history(engine, ring_id: str) -> list[CaseEvent]:
    """The ring's trail, oldest first."""
    return [
        CaseEvent(event_id=r["event_id"], seq=int(r["seq"]), action=r["action"], from_status=r["from_status"] or "",
                  to_status=r["to_status"] or "", actor=r["actor"] or "", at=r["at"] or "", note=r["note"] or "",
                  details=json.loads(r["details"] or "{}"))
        for r in engine.query("case/history", {"ring_id": ring_id}).to_dict("records")
    ]
