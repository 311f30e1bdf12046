"""The ready-made schedules under deploy/ run the job as documented: cron line, systemd units, Airflow DAG, image."""

from __future__ import annotations

import configparser
import json
import os
import py_compile
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from graphfraud.cli.job import EXIT_BUSY
from graphfraud.job.config import load_job_config

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
COMMAND = "/opt/graphfraud/.venv/bin/graphfraud job run --config /srv/graphfraud/job.toml"


def test_the_example_job_settings_are_valid(tmp_path: Path) -> None:
    (tmp_path / "job.toml").write_text((DEPLOY / "job.toml").read_text(encoding="utf-8"), encoding="utf-8")
    config = load_job_config(tmp_path / "job.toml", env={})
    assert config.inbox == tmp_path / "inbox" and config.min_age == 300 and config.bundles.min_score == 0.9


def _cron_line() -> tuple[str, str, str]:
    lines = [line for line in (DEPLOY / "cron" / "graphfraud-job").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#") and "=" not in line.split()[0]]
    [line] = lines
    fields = line.split(None, 6)
    return " ".join(fields[:5]), fields[5], fields[6]


@pytest.mark.slow
def test_the_cron_line_runs_nightly_and_speaks_only_when_the_run_did_not_end_cleanly(tmp_path: Path) -> None:
    schedule, user, command = _cron_line()
    assert schedule == "30 2 * * *" and user == "graphfraud" and COMMAND in command
    job = tmp_path / "srv"
    (job / "inbox").mkdir(parents=True)
    (job / "job.toml").write_text('[job]\nmin_age = 0\n[engine]\nname = "embedded"\n', encoding="utf-8")
    envfile = tmp_path / "job.env"
    envfile.write_text("GRAPHFRAUD_ENGINE=embedded\n", encoding="utf-8")
    here = (command.replace("/opt/graphfraud/.venv/bin/graphfraud", f"{shlex.quote(sys.executable)} -m graphfraud")
            .replace("/srv/graphfraud", str(job)).replace("/etc/graphfraud/job.env", str(envfile)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHFRAUD_"))}
    quiet = subprocess.run(["/bin/sh", "-c", here], capture_output=True, text=True, env=env, timeout=120)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""  # cron mails nothing
    assert "nothing new" in (job / "state" / "job.log").read_text(encoding="utf-8")

    (job / "job.toml").write_text("[job]\nmin_agee = 0\n", encoding="utf-8")
    loud = subprocess.run(["/bin/sh", "-c", here], capture_output=True, text=True, env=env, timeout=120)
    assert loud.stdout.strip() == f"graphfraud job exited with status 2 (see {job}/state/job.log)"


def test_the_systemd_timer_starts_the_service_nightly_and_a_busy_lock_is_not_a_failure() -> None:
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.read(DEPLOY / "systemd" / "graphfraud-job.service", encoding="utf-8")
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read(DEPLOY / "systemd" / "graphfraud-job.timer", encoding="utf-8")
    assert service["Service"]["Type"] == "oneshot" and service["Service"]["ExecStart"] == COMMAND
    assert service["Service"]["SuccessExitStatus"] == str(EXIT_BUSY)
    assert "/srv/graphfraud" in service["Service"]["ReadWritePaths"]
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:30:00" and timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "graphfraud-job.service" and timer["Install"]["WantedBy"] == "timers.target"


def test_the_airflow_dag_runs_the_same_command_and_skips_on_a_busy_lock(tmp_path: Path) -> None:
    dag = DEPLOY / "airflow" / "graphfraud_job_dag.py"
    py_compile.compile(str(dag), cfile=str(tmp_path / "dag.pyc"), doraise=True)
    text = dag.read_text(encoding="utf-8")
    assert f"skip_on_exit_code={EXIT_BUSY}" in text and 'schedule="30 2 * * *"' in text and "max_active_runs=1" in text
    assert 'GRAPHFRAUD = "/opt/graphfraud/.venv/bin/graphfraud"' in text and 'JOB_CONFIG = "/srv/graphfraud/job.toml"' in text


def test_the_image_copies_what_the_installed_command_reads() -> None:
    text = (DEPLOY / "docker" / "Dockerfile").read_text(encoding="utf-8")
    copied = re.findall(r"^COPY (\S+)", text, flags=re.MULTILINE)
    for source in copied:
        assert (REPO / source).exists(), source
    assert {"graphfraud", "cypher", "viz", "pyproject.toml"} <= set(copied)
    assert 'ENTRYPOINT ["graphfraud"]' in text and "USER graphfraud" in text
    assert json.loads(text.split("ENTRYPOINT ", 1)[1].splitlines()[0]) == ["graphfraud"]
