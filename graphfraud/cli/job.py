"""``graphfraud job``: scheduled runs (``run``) and what they did (``history``).

Exit statuses of ``job run``: 0 done (or nothing new), 3 done with errors (a
delivery refused, an alert not delivered, a delivery quarantined); an error
exits as ``errors.EXIT_CODES`` says, like every command: 1 failed (the next run
resumes it), 2 bad settings, 75 another run holds the lock. ``abandon`` gives
up a run that keeps failing; ``release`` sends quarantined files through again.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graphfraud.cli.common import EngineOpt, Group, errors_as_exit, flag, opened_engine, out, settings_from
from graphfraud.errors import EXIT_CODES, JobBusy

EXIT_BUSY = EXIT_CODES[JobBusy]  # what deploy/ tells schedulers to treat as "skipped, try later"

app = typer.Typer(cls=Group, name="job", help="Scheduled runs: load new deliveries from an inbox, detect, alert on what changed.",
                  no_args_is_help=True)

JobConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="The job's settings (job.toml; see docs/jobs.md).",
                                            exists=True, dir_okay=False, envvar="GRAPHFRAUD_JOB_CONFIG", show_envvar=True)]


def _run_once(config: Path, engine: str | None, lock_wait: float | None, force_detect: bool = False) -> int:
    """One job invocation; every outcome is a log line and an exit status."""
    from graphfraud.detect.run import check_settings
    from graphfraud.engines import open_engine
    from graphfraud.errors import GraphfraudError, exit_code_for
    from graphfraud.job import logs
    from graphfraud.job.config import engine_settings, load_job_config
    from graphfraud.job.lock import job_lock
    from graphfraud.job.run import JobContext, exit_code, run_job

    log = logs.setup(None)
    try:
        cfg = load_job_config(config)
        settings = engine_settings(config, engine)
        check_settings(settings.detect)  # a detection setting that cannot work stops the job before it loads
    except GraphfraudError as exc:
        log.error("job settings: %s", exc)
        return exit_code_for(exc)
    if force_detect:
        from dataclasses import replace

        cfg = replace(cfg, detect_without_new_files=True)
    log = logs.setup(cfg.log_file)
    wait = cfg.lock_wait if lock_wait is None else lock_wait
    try:
        with job_lock(cfg.lock_file, wait=wait):
            eng = open_engine(settings)
            try:
                runs = run_job(JobContext(cfg, eng, settings.detect))
            finally:
                eng.close()
    except JobBusy as exc:
        log.warning("%s", exc)
        return exit_code_for(exc)
    except GraphfraudError as exc:
        log.error("job failed: %s", exc)
        return exit_code_for(exc)
    _print_runs(runs)
    return exit_code(runs)


def _print_runs(runs) -> None:
    for run in runs:
        c = run.counts()
        changes = ", ".join(f"{k} {v}" for k, v in run.details.get("change_counts", {}).items()) or "-"
        out.print(f"{run.run_id}: {run.outcome}; {c['files']} file(s) loaded, {c['files_skipped']} already loaded; "
                  f"{c['accepted']:,} rows accepted, {c['rejected']:,} rejected; rings: {changes}; "
                  f"{len(run.details.get('alerts', []))} alert(s)")


@app.command("run")
def run(
    config: JobConfigOpt,
    engine: EngineOpt = None,
    lock_wait: Annotated[float | None, typer.Option("--lock-wait", help="Seconds to wait for another run to finish (default: lock_wait in job.toml).", min=0)] = None,
    daily: Annotated[str | None, typer.Option("--daily", metavar="HH:MM", help="Stay up and run every day at this local time (containers without cron).")] = None,
    force_detect: Annotated[bool, flag("--detect", help="Detect even when nothing new arrived (after changing detection settings or abandoning a run).")] = False,
) -> None:
    """Take new files from the inbox, load them, detect rings, and alert on new and changed rings."""
    if daily is None:
        raise typer.Exit(_run_once(config, engine, lock_wait, force_detect))
    from graphfraud.job import logs
    from graphfraud.job.schedule import next_at, parse_time

    with errors_as_exit():
        parse_time(daily)
    log = logs.setup(None)
    while True:
        now = datetime.now().astimezone()
        at = next_at(now, daily)
        log.info("next job run at %s", at.isoformat(timespec="minutes"))
        time.sleep(max(0.0, (at - now).total_seconds()))
        code = _run_once(config, engine, lock_wait, force_detect)
        log = logs.setup(None)
        log.info("job run ended with exit status %d", code)


@app.command("history")
def history(
    config: Annotated[Path | None, typer.Option("--config", "-c", help="The job's settings (job.toml), for its engine; default: graphfraud.toml/environment.", exists=True, dir_okay=False, envvar="GRAPHFRAUD_JOB_CONFIG", show_envvar=True)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Runs to show, newest first.", min=1)] = 20,
    as_json: Annotated[bool, flag("--json", help="Print the runs as JSON instead of a table.")] = False,
    engine: EngineOpt = None,
) -> None:
    """Show the latest job runs: files, rows, rings by status, changes, alerts, duration, outcome."""
    from graphfraud.job import history as runs
    from graphfraud.job.config import engine_settings

    if config is not None:
        with errors_as_exit():
            settings = engine_settings(config, engine)
    else:
        settings = settings_from(engine, None)
    with opened_engine(settings) as eng:
        eng.ensure_schema()  # a database from before job runs gains their properties
        rows = runs.recent(eng, limit)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("run", "started", "took", "outcome", "files new/known/refused", "rows accepted/rejected",
                  "rings by status", "changes", "alerts", title=f"last {len(rows)} job run(s)")
    for r in rows:
        took = f"{r['seconds']:.1f} s" if r.get("seconds") is not None else "-"
        files = f"{r.get('files') or 0}/{r.get('files_skipped') or 0}/{r.get('files_failed') or 0}"
        rows_ = f"{r.get('accepted') or 0:,}/{r.get('rejected') or 0:,}"
        by_status = ", ".join(f"{k} {v}" for k, v in r["rings_by_status"].items()) or "-"
        changes = ", ".join(f"{k} {v}" for k, v in r["changes"].items()) or "-"
        alerts = "-" if r.get("alerts") is None else str(r["alerts"]) + (f" ({r['undelivered']} undelivered)" if r.get("undelivered") else "")
        outcome = r.get("outcome") or "-"
        if r.get("error"):
            outcome += f": {r['error']}"
        table.add_row(r["run_id"], r.get("started") or "-", took, escape(outcome), files, rows_, by_status, changes, alerts)
    out.print(table)


@app.command("abandon")
def abandon(
    run_id: Annotated[str, typer.Argument(help="The unfinished run to give up (see `graphfraud job history`).")],
    config: JobConfigOpt,
    engine: EngineOpt = None,
) -> None:
    """Give up a run that keeps failing: the next run plans afresh instead of resuming it.

    Files it loaded stay loaded; files it had not loaded yet are taken by the next run.
    """
    from datetime import datetime

    from graphfraud.errors import InputError
    from graphfraud.job import history as runs
    from graphfraud.job.config import engine_settings, load_job_config
    from graphfraud.job.lock import job_lock
    from graphfraud.vocabulary import CHINA

    with errors_as_exit():
        cfg = load_job_config(config)
        settings = engine_settings(config, engine)
        with job_lock(cfg.lock_file, wait=0), opened_engine(settings) as eng:
            eng.ensure_schema()
            at = datetime.now(CHINA).isoformat(timespec="seconds")
            if not runs.abandon(eng, run_id, at, "abandoned by an operator (graphfraud job abandon)"):
                raise InputError(f"no unfinished job run {run_id!r}; `graphfraud job history` lists the runs")
    out.print(f"{run_id} abandoned; the next run plans afresh")


@app.command("release")
def release(
    name: Annotated[str, typer.Argument(help="A quarantined delivery (its folder name, `.` for the loose files) or one file (as `job history --json` names it).")],
    config: JobConfigOpt,
    engine: EngineOpt = None,
) -> None:
    """Send quarantined files through again: the next run takes them as new (after fixing a mapping or the reader).

    A fixed file needs no release: new bytes are a new file.
    """
    from datetime import datetime

    from graphfraud.errors import InputError
    from graphfraud.job import history as runs
    from graphfraud.job.config import engine_settings, load_job_config
    from graphfraud.job.lock import job_lock
    from graphfraud.vocabulary import CHINA

    with errors_as_exit():
        cfg = load_job_config(config)
        settings = engine_settings(config, engine)
        with job_lock(cfg.lock_file, wait=0), opened_engine(settings) as eng:
            eng.ensure_schema()
            released = runs.release(eng, name, datetime.now(CHINA).isoformat(timespec="seconds"))
            if not released:
                raise InputError(f"nothing quarantined is named {name!r}; `graphfraud job history --json` lists the "
                                 "deliveries each run quarantined")
    out.print(f"released {len(released)} file(s); the next run takes them again")


def register(root: typer.Typer) -> None:
    root.add_typer(app)
