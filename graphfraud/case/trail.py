"""A ring's case trail: every review step, note and export, stored in the graph, never edited.

Each entry is a ``:CaseEvent`` linked from its ``:Ring`` by ``HAS_EVENT``,
carrying who, when, what and a note; the ring's ``status`` is the status the
last entry left it in. Neo4j holds the shared trail investigators work on;
the embedded engine keeps the same trail in its folder for one user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from graphfraud.case.workflow import ACTIONS, check_transition
from graphfraud.errors import InputError

CHINA = timezone(timedelta(hours=8))


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


def record(engine, ring_id: str, action: str, actor: str, note: str = "", to_status: str | None = None,
           details: dict[str, Any] | None = None, at: str | None = None) -> CaseEvent:
    """Append one entry to the ring's trail; a status change must be a step the review chain allows.

    ``action`` is ``status`` (with ``to_status``), ``note``, ``export`` or
    ``reopened`` (detection found a dismissed ring changed). The actor is who
    did it (an investigator's name or account, or ``graphfraud`` for the tool).
    """
    if action not in ACTIONS:
        raise InputError(f"unknown case action {action!r}; known: {', '.join(ACTIONS)}")
    if not actor.strip():
        raise InputError("a case step needs who took it (actor)")
    stored = _stored(engine, ring_id)
    current, seq = str(stored["status"] or "new"), int(stored["steps"]) + 1
    if action == "status":
        if to_status is None:
            raise InputError("a status step needs the status to move to")
        check_transition(current, to_status)
    elif action == "reopened":
        to_status = to_status or "new"
    else:
        to_status = current
    params = {"ring_id": ring_id, "event_id": f"{ring_id}#{seq}", "seq": seq, "from_status": current, "action": action, "to_status": to_status, "actor": actor.strip(),
              "at": at or _now(), "note": note, "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True)}
    row = engine.query("case/record_event", params).to_dict("records")[0]
    return CaseEvent(event_id=row["event_id"], seq=int(row["seq"]), action=action, from_status=current,
                     to_status=to_status, actor=params["actor"], at=params["at"], note=note, details=details or {})


def history(engine, ring_id: str) -> list[CaseEvent]:
    """The ring's trail, oldest first."""
    return [
        CaseEvent(event_id=r["event_id"], seq=int(r["seq"]), action=r["action"], from_status=r["from_status"] or "",
                  to_status=r["to_status"] or "", actor=r["actor"] or "", at=r["at"] or "", note=r["note"] or "",
                  details=json.loads(r["details"] or "{}"))
        for r in engine.query("case/history", {"ring_id": ring_id}).to_dict("records")
    ]
