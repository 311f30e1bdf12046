"""docker-compose.yml is valid Compose and gives users what the README promises."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _compose() -> list[str]:
    """`docker compose` when the plugin is there, else the Compose v2 binary installed with the test extras."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    local = Path(sys.executable).parent / "docker-compose"
    if local.exists():
        return [str(local)]
    pytest.fail("no Docker Compose v2 found: install the test extras (scripts/install)")


def _config(folder: Path, env: str | None) -> subprocess.CompletedProcess:
    shutil.copy(REPO / "docker-compose.yml", folder / "docker-compose.yml")
    if env is not None:
        (folder / ".env").write_text(env, encoding="utf-8")
    # Compose lets the shell's variables override .env; the test's must not leak in (CI exports NEO4J_*).
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run([*_compose(), "config", "--format", "json"], cwd=folder, capture_output=True, text=True,
                          timeout=60, env=env)


def test_compose_file_runs_neo4j_with_plugins_health_check_and_local_ports(tmp_path: Path) -> None:
    env = (REPO / ".env.example").read_text(encoding="utf-8").replace("change-me-to-a-long-password", "s3cret-for-test")
    result = _config(tmp_path, env)
    assert result.returncode == 0, result.stderr
    neo4j = json.loads(result.stdout)["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert neo4j["environment"]["NEO4J_AUTH"] == "neo4j/s3cret-for-test"
    assert set(json.loads(neo4j["environment"]["NEO4J_PLUGINS"])) == {"apoc", "graph-data-science"}
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert {p["host_ip"] for p in neo4j["ports"]} == {"127.0.0.1"}
    assert {(v["type"], v["target"]) for v in neo4j["volumes"]} >= {("volume", "/data")}


def test_compose_refuses_to_start_without_a_password(tmp_path: Path) -> None:
    result = _config(tmp_path, env="")
    # (Compose 2.40 exits 0 here when asked for JSON, but prints no configuration)
    assert "required variable NEO4J_PASSWORD is missing" in result.stderr
    assert result.stdout.strip() == ""


def test_compose_up_alone_starts_neo4j_only(tmp_path: Path) -> None:
    result = _config(tmp_path, "NEO4J_PASSWORD=s3cret-for-test\n")
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)["services"]) == {"neo4j"}


def test_the_job_profile_runs_the_nightly_job_against_the_compose_neo4j(tmp_path: Path) -> None:
    shutil.copy(REPO / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("NEO4J_PASSWORD=s3cret-for-test\nJOB_AT=03:15\nJOB_DIR=/srv/graphfraud\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "JOB_", "GRAPHFRAUD_"))}
    result = subprocess.run([*_compose(), "--profile", "job", "config", "--format", "json"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    job = services["job"]
    assert job["profiles"] == ["job"] and job["restart"] == "unless-stopped"
    assert (REPO / job["build"]["dockerfile"]).is_file()
    assert job["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert job["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert job["environment"]["NEO4J_PASSWORD"] == services["neo4j"]["environment"]["NEO4J_AUTH"].removeprefix("neo4j/")
    assert job["command"] == ["job", "run", "--config", "/job/job.toml", "--daily", "03:15"]
    assert [(v["type"], v["source"], v["target"]) for v in job["volumes"]] == [("bind", "/srv/graphfraud", "/job")]
    assert "ports" not in job  # nothing to reach from outside
