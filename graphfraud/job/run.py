"""One scheduled job: finish any interrupted run, then take what is new from the inbox, load, detect, tell.

Steps of a run, each saved on its ``:DetectionRun`` before the next begins:

1. **plan** — hash the inbox, keep the files the graph has not loaded, read
   the stored rings (ids and decisions carry over from them) and pick the run
   to compare with. Nothing new and nothing to resume: a ``nothing_new`` run
   is recorded and the job ends.
2. **load** — each delivery read and validated (``graphfraud.load.read_folder``),
   then written (``load_read``, idempotent); its files are marked loaded
   together with the run's record of that load, in one transaction, only after
   the load committed. A delivery that cannot be read is quarantined
   (``graphfraud.job.quarantine``) and the others go on.
3. **detect** — refused while a load did not finish (``graphfraud.load``:
   one killed outside the job; the job's own are completed by step 2 when
   the run resumes); with the stored rings read at planning, so a resumed run
   matches exactly like an uninterrupted one; compare with the previous
   run's memberships; write ``rings.json``/``rings.csv``; choose alerts.
4. **reopen** — a dismissed ring that changed materially goes back to
   ``new`` with a ``reopened`` step on its case trail (once per run).
5. **alert** — append to ``alerts.jsonl`` (ids already there are skipped),
   then POST to the webhook, recording each alert it takes.
6. **bundle** — a case bundle for each new ring at or above the bundle score.
7. **finish** — rings by status, duration, outcome.

Every step can be cut off by a kill and run again: loads are idempotent,
detection is deterministic given the same data and stored rings, alert ids
do not depend on the clock, and trail steps and bundles check whether this
run already made them. A killed or failed run is ``running``/``failed`` in
the graph; the next ``job run`` completes it before it plans a new one.
Log lines name runs, deliveries, files, counts and ring ids — never
personal data.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from graphfraud import atomic, faults
from graphfraud.case import trail
from graphfraud.detect.report import write_report
from graphfraud.detect.run import detect
from graphfraud.detect.store import previous_rings
from graphfraud.engines.base import Engine
from graphfraud.errors import EXIT_CODES, DeliveryError, GraphfraudError, JobError
from graphfraud.job import alerts as alert_file, history, inbox, quarantine
from graphfraud.job.config import JobConfig
from graphfraud.job.diff import RingState, compare, counts
from graphfraud.job.history import JobRun
from graphfraud.job.webhook import host_of, post
from graphfraud.load import check_loads_finished, load_read, read_folder
from graphfraud.progress import bar
from graphfraud.vocabulary import CHINA

log = logging.getLogger("graphfraud.job")
Clock = Callable[[], datetime]

EXIT_OK, EXIT_PARTIAL = 0, 3
EXIT_FAILED = EXIT_CODES[GraphfraudError]  # a failed run exits as any error does


@dataclass
class JobContext:
    """What every step needs: the job settings, the open engine, detection settings and the clock."""

    config: JobConfig
    engine: Any
    detect: Mapping[str, Any] = field(default_factory=dict)
    clock: Clock = lambda: datetime.now(CHINA)

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")


def exit_code(runs: list[JobRun]) -> int:
    """0 when every run completed (or found nothing new), 3 when one completed with errors, 1 when one failed."""
    outcomes = {r.outcome for r in runs}
    if outcomes & {"failed", "running"}:
        return EXIT_FAILED
    return EXIT_PARTIAL if "completed_with_errors" in outcomes else EXIT_OK


def run_job(ctx: JobContext) -> list[JobRun]:
    """Complete interrupted runs, then run once for what is new; the caller holds the job lock."""
    ctx.engine.ensure_schema()
    runs: list[JobRun] = []
    for run_id in history.unfinished(ctx.engine):
        run = history.load(ctx.engine, run_id)
        assert run is not None  # history.unfinished names saved runs
        run.attempts += 1
        run.outcome, run.error = "running", None
        log.info("%s: resuming after step %s (attempt %d)", run.run_id, run.step, run.attempts)
        _execute(ctx, run)
        runs.append(run)
        if run.outcome == "failed":
            return runs
    run = _plan(ctx, resumed=bool(runs))
    if run is not None:
        if run.outcome == "running":
            _execute(ctx, run)
        runs.append(run)
    return runs


# --------------------------------------------------------------------------- plan

def _plan(ctx: JobContext, resumed: bool) -> JobRun | None:
    config, engine = ctx.config, ctx.engine
    started = ctx.clock().replace(microsecond=0)
    entries, young = inbox.scan(config.inbox, config.min_age, cache=config.hash_cache)
    memory = inbox.known(engine, [e.sha256 for e in entries])
    new: list[inbox.InboxEntry] = []
    skipped, duplicates, held, taken = [], [], [], set()
    for e in entries:
        mem = memory.get(e.sha256)
        if mem is not None and mem.get("status") == "loaded":
            skipped.append({"name": e.name, "sha256": e.sha256, "loaded_as": mem.get("name"), "run_id": mem.get("run_id")})
        elif mem is not None and mem.get("status") == "quarantined":
            held.append({"name": e.name, "sha256": e.sha256, "run_id": mem.get("run_id")})
        elif e.sha256 in taken:
            duplicates.append({"name": e.name, "sha256": e.sha256})
        else:
            taken.add(e.sha256)
            new.append(e)
    if not new and not config.detect_without_new_files and resumed:
        return None
    run_id = _free_run_id(engine, started)
    started = datetime.strptime(run_id, "run-%Y%m%dT%H%M%S").replace(tzinfo=started.tzinfo)
    by_delivery: dict[str, list[dict[str, Any]]] = {}
    for e in new:
        by_delivery.setdefault(e.delivery, []).append(e.as_dict())
    run = JobRun(run_id=run_id, started=started.isoformat(timespec="seconds"), engine=engine.name)
    run.details = {
        "deliveries": [{"name": name, "files": files, "status": "pending"} for name, files in by_delivery.items()],
        "skipped": skipped, "duplicates": duplicates, "young": young, "quarantined": held,
        "previous_run": history.previous_run(engine, run_id),
    }
    for name in young:
        log.info("%s: %s was changed less than %g s ago; left for a later run", run_id, name, config.min_age)
    if skipped:
        log.info("%s: %d file(s) already loaded; skipped", run_id, len(skipped))
    if held:
        log.info("%s: %d file(s) quarantined by an earlier run; left out (a fixed file is taken as new; "
                 "`graphfraud job release NAME` retries the same bytes)", run_id, len(held))
    for d in duplicates:
        log.info("%s: %s has the same bytes as another new file; loaded once", run_id, d["name"])
    if not new and not config.detect_without_new_files:
        log.info("%s: nothing new in %s", run_id, config.inbox)
        left = _deliver_older(ctx, run_id)
        run.outcome, run.step, run.finished = ("completed_with_errors" if left else "nothing_new"), "finished", ctx.now()
        if left:
            run.error = f"{left} alert(s) of earlier runs still undelivered"
        history.save(engine, run)
        return run
    run.carry = previous_rings(engine)
    history.save(engine, run)
    log.info("%s: planned %d new file(s) in %d deliver%s; comparing with %s", run_id, len(new), len(by_delivery),
             "y" if len(by_delivery) == 1 else "ies", run.details["previous_run"] or "nothing (first run)")
    faults.point("planned")
    return run


def _free_run_id(engine: Engine, started: datetime) -> str:
    """``run-YYYYmmddTHHMMSS`` of the start, one second later while an earlier run holds that id."""
    while True:
        run_id = "run-" + started.strftime("%Y%m%dT%H%M%S")
        if not history.exists(engine, run_id):
            return run_id
        started += timedelta(seconds=1)


# --------------------------------------------------------------------------- execute

def _execute(ctx: JobContext, run: JobRun) -> None:
    t = time.perf_counter()
    try:
        if not run.reached("loaded"):
            _load(ctx, run)
        if not run.reached("detected"):
            _detect(ctx, run)
        if not run.reached("reopened"):
            _reopen(ctx, run)
        if not run.reached("alerted"):
            _alert(ctx, run)
        if not run.reached("bundled"):
            _bundle(ctx, run)
        run.seconds += time.perf_counter() - t
        _finish(ctx, run)
    except Exception as exc:
        run.seconds += time.perf_counter() - t
        run.outcome = "failed"
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        run.error = message if isinstance(exc, GraphfraudError) else f"{type(exc).__name__}: {message}"
        log.error("%s: failed after step %s: %s", run.run_id, run.step, run.error)
        try:
            history.save(ctx.engine, run)
        except Exception:  # noqa: BLE001 — the database itself may be what failed
            log.error("%s: could not record the failure in the graph; the next run resumes from step %s", run.run_id, run.step)
        if not isinstance(exc, GraphfraudError):
            raise


def _safe(name: str) -> str:
    return "loose" if name == inbox.LOOSE else name.replace("/", "_")


def _load(ctx: JobContext, run: JobRun) -> None:
    config, engine = ctx.config, ctx.engine
    watched = faults.watched(engine)
    for i, delivery in enumerate(run.deliveries):
        if delivery["status"] != "pending":
            continue  # loaded, refused or set aside by an earlier attempt of this run
        name = delivery["name"]
        entries = [inbox.InboxEntry(**f) for f in delivery["files"]]
        staging = config.staging / run.run_id / f"{i:03d}-{_safe(name)}"
        staged, changed = inbox.stage(config.inbox, name, entries, staging, config.mapping)
        for file_name in changed:
            log.warning("%s: %s changed or vanished since the run was planned; a later run takes it", run.run_id, file_name)
        delivery["changed"] = changed
        taken = [e for e in entries if e.name not in changed]
        if not taken or not inbox.has_claims(staged, config.mapping):
            delivery["status"] = "changed" if not taken else "waiting"
            if taken:
                log.info("%s: delivery %s has no claims file yet; its %d file(s) wait for one", run.run_id, name, len(taken))
            history.save(engine, run)
            shutil.rmtree(staging, ignore_errors=True)
            continue
        t = time.perf_counter()
        rejects_dir = config.out / "rejects" / run.run_id / _safe(name)
        try:
            read = read_folder(staged, mapping=config.mapping, rejects_dir=rejects_dir)  # nothing written to the graph yet
        except Exception as exc:
            if not quarantine.is_delivery_fault(exc):  # a full disk or no memory: the run fails, the next run resumes it
                raise JobError(f"delivery {name} could not be read here: {quarantine.machine_fault(exc)}") from exc
            reason = quarantine.reason_of(exc)
            folder = config.quarantine / run.run_id / f"{i:03d}-{_safe(name)}"
            quarantine.set_aside(staging, folder, {"run_id": run.run_id, "delivery": name, "reason": reason,
                                                   "at": ctx.now(), "files": [e.as_dict() for e in taken]})
            delivery.update(status="quarantined", reason=reason, quarantine=str(folder),
                            alert=quarantine.alert(run.run_id, run.started, name, [e.as_dict() for e in taken],
                                                   reason, folder))
            marks = [{**e.as_dict(), "status": "quarantined", "reason": reason} for e in taken]
            log.error("%s: delivery %s quarantined in %s: %s", run.run_id, name, folder, reason)
        else:
            summary = load_read(watched, read)
            delivery.update(status="loaded", accepted=summary.accepted, rejected=summary.rejected,
                            rejects=[str(p) for p in summary.rejects_files], seconds=round(time.perf_counter() - t, 2),
                            nodes_created=summary.stats.total_nodes, rels_created=summary.stats.total_rels,
                            changed_claims=summary.changed,
                            changed_file=str(summary.changed_file) if summary.changed_file else None,
                            unmatched=summary.unmatched)
            marks = [{**e.as_dict(), "status": "loaded", "reason": ""} for e in taken]
            log.info("%s: loaded delivery %s: %d file(s), %d rows accepted, %d rejected, %d nodes created (%.1f s)",
                     run.run_id, name, len(taken), summary.accepted, summary.rejected, summary.stats.total_nodes,
                     time.perf_counter() - t)
            if summary.rejected:
                log.warning("%s: %d rejected rows with reasons in %s", run.run_id, summary.rejected, rejects_dir)
            if summary.unmatched:
                log.warning("%s: delivery %s: file(s) matching no table, not read: %s", run.run_id, name,
                            ", ".join(summary.unmatched))
            if summary.changed:
                log.warning("%s: %d claim(s) of delivery %s already loaded with other values; the stored ones are "
                            "kept, the delivered rows are in %s", run.run_id, summary.changed, name, summary.changed_file)
        faults.point("loaded")
        history.mark_files(engine, run, marks, ctx.now())
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(config.staging / run.run_id, ignore_errors=True)
    run.step = "loaded"
    history.save(engine, run)


def _previous_states(engine: Engine, run: JobRun) -> dict[str, RingState]:
    previous_id = run.details.get("previous_run")
    previous = history.load(engine, previous_id) if previous_id else None
    snapshot = (previous.snapshot if previous else None) or {}
    return {ring_id: RingState.from_json(ring_id, data) for ring_id, data in snapshot.items()}


def _detect(ctx: JobContext, run: JobRun) -> None:
    config, engine = ctx.config, ctx.engine
    check_loads_finished(engine)  # a load cut off outside this job (graphfraud load): refuse, the next run retries
    carry = run.carry if run.carry is not None else previous_rings(engine)
    t = time.perf_counter()
    result = detect(faults.watched(engine), ctx.detect, now=datetime.fromisoformat(run.started), previous=carry)
    current = {r.ring_id: RingState.from_ring(r) for r in result.rings}
    statuses = {c["ring_id"]: str(c.get("status") or "new") for c in carry}
    changes = compare(_previous_states(engine, run), current, statuses)
    reopen = sorted(c.ring_id for c in changes
                    if c.status_before == "dismissed" and c.kind != "disappeared" and c.material(config.alerts.min_changed_members))
    for ring in result.rings:
        if ring.ring_id in reopen:
            ring.status = "new"
    write_report(result, config.out)
    chosen = alert_file.select(changes, config.alerts)
    run.details.update(
        rings=len(result.rings),
        change_counts=counts(changes),
        changes=[c.as_json() for c in changes if c.kind != "unchanged"],
        reopen=reopen,
        alerts=[d["alert"] for d in run.deliveries if d.get("alert")]
        + [alert_file.payload(c, run.run_id, run.started, config.alerts.include_members, c.ring_id in reopen)
           for c in chosen],
        bundle_candidates=[c.ring_id for c in changes if c.kind == "new" and c.ring.score >= config.bundles.min_score],
    )
    run.snapshot = {ring_id: state.as_json() for ring_id, state in current.items()}
    faults.point("detected")
    run.step = "detected"
    history.save(engine, run)
    summary = ", ".join(f"{k} {v}" for k, v in run.details["change_counts"].items()) or "no rings"
    log.info("%s: detected %d rings (%s) in %.1f s; %d alert(s)", run.run_id, len(result.rings), summary,
             time.perf_counter() - t, len(run.details["alerts"]))


def _reopen(ctx: JobContext, run: JobRun) -> None:
    engine = ctx.engine
    kinds = {c["ring_id"]: c for c in run.details.get("changes", [])}
    for ring_id in run.details.get("reopen", []):
        if any(e.action == "reopened" and e.details.get("run_id") == run.run_id for e in trail.history(engine, ring_id)):
            continue  # this run reopened it before it was cut off
        if trail.current_status(engine, ring_id) != "dismissed":
            continue  # an investigator has moved it since the run was planned
        change = kinds.get(ring_id, {})
        trail.record(engine, ring_id, "reopened", ctx.config.actor,
                     note=f"detection run {run.run_id}: the dismissed ring {change.get('kind', 'changed')}",
                     details={"run_id": run.run_id, "change": change.get("kind"), "added": len(change.get("added", [])),
                              "removed": len(change.get("removed", [])), "related": change.get("related", [])})
        log.info("%s: dismissed ring %s %s; reopened as new", run.run_id, ring_id, change.get("kind", "changed"))
    run.step = "reopened"
    history.save(engine, run)


def _alert(ctx: JobContext, run: JobRun) -> None:
    config, engine = ctx.config, ctx.engine
    alerts = run.details.get("alerts", [])
    written = alert_file.append(config.alerts.file, alerts, after_line=lambda n: faults.point(f"alert:{n}"))
    if alerts:
        log.info("%s: %d alert(s), %d new in %s", run.run_id, len(alerts), written, config.alerts.file)
    webhook = config.alerts.webhook
    if webhook is not None:
        if not run.details.get("webhook"):
            run.details["webhook"] = host_of(webhook.url)
            history.save(engine, run)
        _deliver_older(ctx, run.run_id)
        _deliver(ctx, run)
    faults.point("alerted")
    run.step = "alerted"
    history.save(engine, run)


def _deliver_older(ctx: JobContext, run_id: str) -> int:
    """Send what the webhook did not take in earlier runs; return how many alerts are still undelivered."""
    if ctx.config.alerts.webhook is None:
        return 0
    left = 0
    for older_id in history.with_undelivered(ctx.engine, run_id):
        older = history.load(ctx.engine, older_id)
        assert older is not None  # history.with_undelivered names saved runs
        _deliver(ctx, older)
        left += len(older.undelivered)
    return left


def _deliver(ctx: JobContext, run: JobRun) -> None:
    webhook = ctx.config.alerts.webhook
    assert webhook is not None  # the callers deliver only with a webhook configured
    waiting = set(run.undelivered)
    pending = [a for a in run.details.get("alerts", []) if a["alert_id"] in waiting]
    if not pending:
        return
    sent, failed = 0, 0
    with bar(f"delivering alerts of {run.run_id}", len(pending)) as advance:
        for alert in pending:
            try:
                attempts = post(alert, webhook)
            except DeliveryError as exc:
                failed += 1
                log.error("%s: %s", run.run_id, exc)
            else:
                sent += 1
                run.delivered.append(alert["alert_id"])
                history.save_delivered(ctx.engine, run)
                if attempts > 1:
                    log.info("%s: webhook took alert %s on attempt %d", run.run_id, alert["alert_id"], attempts)
            advance(alert["alert_id"])
    log.info("%s: webhook %s took %d alert(s)%s", run.run_id, host_of(webhook.url), sent,
             f"; {failed} undelivered, retried by the next run" if failed else "")


def _bundle(ctx: JobContext, run: JobRun) -> None:
    """A case bundle per new ring at or above the bundle score, exported once even when the run is cut off.

    ``export_bundle`` writes the zip to a temporary file (synced), records the
    export on the ring's trail, then renames the file into place. The bundle is
    stamped with the run's start, so a resumed run recognises its own export on
    the trail and never records a second one; if the run was cut off between
    the record and the rename, the complete temporary file (its SHA-256 is on
    the trail) is renamed into place now.
    """
    config, engine = ctx.config, ctx.engine
    done = run.details.setdefault("bundles", [])
    failed = run.details.setdefault("bundle_errors", [])
    finished = {b["ring_id"] for b in done} | {b["ring_id"] for b in failed}
    todo = [ring_id for ring_id in run.details.get("bundle_candidates", []) if ring_id not in finished]
    if todo:
        from graphfraud.bundle import export_bundle

        stamp = datetime.fromisoformat(run.started)
        for n, ring_id in enumerate(todo, 1):
            path = config.bundles.dir / f"{ring_id}.zip"
            mine = [e for e in trail.history(engine, ring_id) if e.action == "export" and e.actor == config.actor
                    and e.at == run.started and e.details.get("bundle") == path.name]
            try:
                if not mine:
                    path = export_bundle(faults.watched(engine), ring_id, path, actor=config.actor, redact=config.bundles.redact,
                                         now=stamp, thresholds=ctx.detect)
                elif not path.exists() and not _finish_export(path, mine[-1].details.get("bundle_sha256")):
                    raise JobError(f"the export of {path.name} is on the trail but its file is gone; write it again "
                                   f"with: graphfraud case export {ring_id} --out {path}")
            except Exception as exc:
                if not quarantine.is_delivery_fault(exc):
                    raise  # a full disk or no memory: the run fails and the next run resumes it
                failed.append({"ring_id": ring_id, "error": quarantine.reason_of(exc, "drawing the bundle")})
                log.error("%s: no case bundle for ring %s: %s", run.run_id, ring_id, failed[-1]["error"])
            else:
                for leftover in atomic.leftovers(path):  # from an export cut off before its record
                    leftover.unlink()
                done.append({"ring_id": ring_id, "path": str(path)})
                log.info("%s: case bundle for new ring %s: %s", run.run_id, ring_id, path)
            faults.point(f"bundle:{n}")
            history.save(engine, run)
    run.step = "bundled"
    history.save(engine, run)


def _finish_export(path: Path, sha256: str | None) -> bool:
    """Rename the temporary file of an export cut off after it was recorded into place, if its bytes are the recorded ones."""
    for tmp in atomic.leftovers(path):
        if sha256 and inbox.sha256_of(tmp) == sha256:
            atomic.replace(tmp, path)
            return True
    return False


def _finish(ctx: JobContext, run: JobRun) -> None:
    engine = ctx.engine
    run.details["rings_by_status"] = history.rings_by_status(engine, run.run_id)
    problems = [d for d in run.deliveries if d.get("status") in ("failed", "quarantined")]
    if problems or run.undelivered or run.details.get("bundle_errors"):
        run.outcome = "completed_with_errors"
    else:
        run.outcome = "completed"
    run.finished = ctx.now()
    run.step = "finished"
    run.carry = None
    faults.point("finished")
    history.save(engine, run)
    history.prune_snapshots(engine, run.run_id)
    c = run.counts()
    by_status = ", ".join(f"{k} {v}" for k, v in run.details["rings_by_status"].items()) or "none"
    log.info("%s: %s in %.1f s: %d file(s) loaded, %d skipped, %d refused; %d rows accepted, %d rejected; "
             "%d rings (%s); %d alert(s)%s; %d case bundle(s)", run.run_id, run.outcome, run.seconds, c["files"],
             c["files_skipped"], c["files_failed"], c["accepted"], c["rejected"], run.details.get("rings", 0), by_status,
             len(run.details.get("alerts", [])), f", {len(run.undelivered)} undelivered" if run.undelivered else "",
             len(run.details.get("bundles", [])))

