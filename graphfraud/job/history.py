"""Job runs in the graph: one ``:DetectionRun`` per run, saved after every step, read back to resume or list.

A run's node carries the counts investigators and operators look at (files,
rows accepted and rejected, rings by status, changes, alerts, duration,
outcome) and, while the run is unfinished, what a resumed attempt needs: the
plan (which files), how far it got (``step``), and the rings stored before
detection. The run's ring memberships (``snapshot``) stay on the latest
finished run for the next run to compare with.

Outcomes: ``running`` (in progress, or killed), ``failed`` (stopped on an
error; the next run resumes it), ``completed``, ``completed_with_errors``
(a delivery was quarantined or an alert is still undelivered), ``nothing_new``,
``abandoned`` (an operator gave up an unfinished run: ``graphfraud job abandon``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphfraud.engines.base import Engine

STEPS = ("planned", "loaded", "detected", "reopened", "alerted", "bundled", "finished")
UNFINISHED = ("running", "failed")


@dataclass
class JobRun:
    """One job run: identity, progress and everything it recorded."""

    run_id: str
    started: str
    engine: str
    outcome: str = "running"
    step: str = "planned"
    attempts: int = 1
    finished: str | None = None
    seconds: float = 0.0
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    delivered: list[str] = field(default_factory=list)
    carry: list[dict[str, Any]] | None = None
    snapshot: dict[str, Any] | None = None

    def reached(self, step: str) -> bool:
        return STEPS.index(self.step) >= STEPS.index(step)

    # counts derived from the details, so the node's numbers always agree with them
    @property
    def deliveries(self) -> list[dict[str, Any]]:
        return self.details.setdefault("deliveries", [])

    def files_with(self, status: str) -> int:
        return sum(len(d["files"]) - len(d.get("changed", [])) for d in self.deliveries if d.get("status") == status)

    @property
    def undelivered(self) -> list[str]:
        taken = set(self.delivered)
        return [a["alert_id"] for a in self.details.get("alerts", []) if a["alert_id"] not in taken] \
            if self.details.get("webhook") else []

    def counts(self) -> dict[str, Any]:
        loaded = [d for d in self.deliveries if d.get("status") == "loaded"]
        return {
            "files": self.files_with("loaded"),
            "files_skipped": len(self.details.get("skipped", [])),
            "files_failed": self.files_with("failed") + self.files_with("quarantined"),
            "accepted": sum(int(d.get("accepted", 0)) for d in loaded),
            "rejected": sum(int(d.get("rejected", 0)) for d in loaded),
        }


def _params(run: JobRun) -> dict[str, Any]:
    d = run.details
    return {
        "run_id": run.run_id, "started": run.started, "finished": run.finished, "engine": run.engine,
        "outcome": run.outcome, "step": run.step, "attempts": run.attempts, "seconds": round(run.seconds, 3),
        **run.counts(),
        "rings": d.get("rings"), "rings_by_status": json.dumps(d["rings_by_status"]) if "rings_by_status" in d else None,
        "changes": json.dumps(d["change_counts"]) if "change_counts" in d else None,
        "alerts": len(d["alerts"]) if "alerts" in d else None, "undelivered": len(run.undelivered),
        "bundles": len(d.get("bundles", [])), "error": run.error,
        "details": json.dumps(d, ensure_ascii=False, sort_keys=True),
        "state": json.dumps({"carry": run.carry}) if run.carry is not None else None,
        "snapshot": json.dumps(run.snapshot, ensure_ascii=False, sort_keys=True) if run.snapshot is not None else None,
    }


def save(engine: Engine, run: JobRun) -> None:
    """Write the whole run record (one statement)."""
    engine.query("job/save_run", _params(run))


def mark_files(engine: Engine, run: JobRun, marks: list[dict[str, Any]], at: str) -> None:
    """Mark inbox files loaded/failed and save the run's load record, in one statement."""
    params = _params(run)
    engine.query("job/mark_files", {
        "run_id": run.run_id, "details": params["details"], "files": params["files"],
        "files_failed": params["files_failed"], "accepted": params["accepted"], "rejected": params["rejected"],
        "marks": marks, "at": at,
    })


def save_delivered(engine: Engine, run: JobRun) -> None:
    engine.query("job/delivered", {"run_id": run.run_id, "delivered": json.dumps(run.delivered),
                                   "undelivered": len(run.undelivered)})


def load(engine: Engine, run_id: str) -> JobRun | None:
    """The run as saved, or None."""
    frame = engine.query("job/run", {"run_id": run_id})
    if frame.empty:
        return None
    row = frame.to_dict("records")[0]
    state = json.loads(row["state"]) if row["state"] else {}
    return JobRun(
        run_id=row["run_id"], started=row["started"], engine=row["engine"] or "", outcome=row["outcome"] or "running",
        step=row["step"] or "planned", attempts=int(row["attempts"] or 1), finished=row["finished"],
        seconds=float(row["seconds"] or 0.0), error=row["error"],
        details=json.loads(row["details"]) if row["details"] else {},
        delivered=json.loads(row["delivered"]) if row["delivered"] else [],
        carry=state.get("carry"), snapshot=json.loads(row["snapshot"]) if row["snapshot"] else None,
    )


def exists(engine: Engine, run_id: str) -> bool:
    return not engine.query("job/run", {"run_id": run_id}).empty


def unfinished(engine: Engine) -> list[str]:
    """Ids of runs killed or failed before they finished, oldest first."""
    return [r["run_id"] for r in engine.query("job/unfinished").to_dict("records")]


def abandon(engine: Engine, run_id: str, at: str, reason: str) -> bool:
    """Mark an unfinished run abandoned, so the next run plans afresh; False if no such unfinished run."""
    return not engine.query("job/abandon", {"run_id": run_id, "at": at, "reason": reason}).empty


def release(engine: Engine, name: str, at: str) -> list[str]:
    """Let the next run take the quarantined files of delivery (or file) ``name`` again; the names released."""
    return [r["name"] for r in engine.query("job/release_files", {"name": name, "at": at}).to_dict("records")]


def previous_run(engine: Engine, run_id: str) -> str | None:
    """The run this one compares with: the latest earlier run that kept its rings' memberships."""
    rows = engine.query("job/previous_run", {"run_id": run_id}).to_dict("records")
    return rows[0]["run_id"] if rows else None


def with_undelivered(engine: Engine, run_id: str) -> list[str]:
    """Earlier runs whose alerts the webhook has not all taken."""
    return [r["run_id"] for r in engine.query("job/undelivered", {"run_id": run_id}).to_dict("records")]


def rings_by_status(engine: Engine, run_id: str) -> dict[str, int]:
    rows = engine.query("job/run_rings", {"run_id": run_id}).to_dict("records")
    return {str(r["status"] or "new"): int(r["rings"]) for r in sorted(rows, key=lambda r: str(r["status"]))}


def prune_snapshots(engine: Engine, keep_from: str) -> None:
    """Forget memberships kept by runs older than ``keep_from`` (only the latest is ever compared with)."""
    engine.query("job/prune_snapshots", {"run_id": keep_from})


def recent(engine: Engine, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs' headline numbers, newest first."""
    rows = engine.query("job/history", {"limit": int(limit)}).to_dict("records")
    out = []
    for row in rows:
        for key in ("attempts", "files", "files_skipped", "files_failed", "accepted", "rejected", "rings", "alerts",
                    "undelivered", "bundles"):
            row[key] = None if row[key] is None else int(row[key])
        for key in ("rings_by_status", "changes"):
            row[key] = json.loads(row[key]) if row[key] else {}
        out.append(row)
    return out
