"""Find and run ``neo4j-admin database import full``, and stop/start the local server around it.

neo4j-admin comes from, in this order: ``NEO4J_HOME`` (or ``[neo4j] home`` in
graphfraud.toml) — a Neo4j 5 installation's ``bin/neo4j-admin`` — or the
checkout's ``scripts/neo4j-local admin``, which runs the neo4j-admin of the
server it assembled. Only that local server is ever stopped or started by
graphfraud, and only when asked (``--restart-local``) and when it is the
server ``NEO4J_URI`` points at.

neo4j-admin runs with ``--verbose``, whose output is read line by line: each
stage it starts advances the progress bar, and on failure its deepest cause
becomes the error (with quoted values masked, since a rejected id may be a
phone number); without ``--verbose`` it prints no cause at all.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from graphfraud.config import Neo4jSettings
from graphfraud.engines.base import Progress
from graphfraud.engines.neo4j_csv import ImportFiles
from graphfraud.errors import BulkImportError
from graphfraud.model import NODES, RELS

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_STAGE = re.compile(r"^(\S.*?), started \d{4}-\d\d-\d\d")  # --verbose output: one line per stage
IMPORT_STAGES = 14  # stages neo4j-admin 5.26 reports for a graph with dense nodes (fewer without)
_DONE = re.compile(r"^IMPORT DONE in (.+?)\.?\s*$")
_IMPORTED = re.compile(r"^\s+(\d+) (nodes|relationships|properties)\s*$")
_PEAK = re.compile(r"^Peak memory usage: (.+)$")
_NAMES = {*NODES, *RELS}


@dataclass(frozen=True)
class LocalServer:
    """The Neo4j server ``scripts/neo4j-local`` runs from a checkout's ``.neo4j-local/``."""

    script: Path
    home: Path

    def bolt_port(self) -> int | None:
        """The Bolt port this server listens on (its config), or the one it will use (ports.env)."""
        conf = self.home / "server" / "conf" / "neo4j.conf"
        if conf.is_file():
            found = re.search(r"^server\.bolt\.listen_address=.*:(\d+)\s*$", conf.read_text(encoding="utf-8"), re.MULTILINE)
            if found:
                return int(found.group(1))
        ports = self.home / "ports.env"
        if ports.is_file():
            found = re.search(r"^SAVED_BOLT_PORT=(\d+)", ports.read_text(encoding="utf-8"), re.MULTILINE)
            if found:
                return int(found.group(1))
        return None

    def _run(self, verb: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, NEO4J_LOCAL_HOME=str(self.home))
        return subprocess.run([str(self.script), verb], capture_output=True, text=True, env=env, check=False)  # callers read returncode

    def running(self) -> bool:
        return self._run("status").returncode == 0

    def stop(self) -> None:
        result = self._run("stop")
        if result.returncode != 0:
            raise BulkImportError(f"could not stop the local Neo4j ({self.script} stop): {_last_line(result.stderr)}")

    def start(self) -> None:
        result = self._run("start")
        if result.returncode != 0:
            raise BulkImportError(f"could not start the local Neo4j ({self.script} start): {_last_line(result.stderr)}")


@dataclass(frozen=True)
class AdminTool:
    """How to run neo4j-admin for the configured database, and the local server it belongs to, if any."""

    command: tuple[str, ...]
    source: str  # where it was found, for messages
    local: LocalServer | None = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportOutcome:
    """What neo4j-admin reported for one import."""

    seconds: float
    nodes: int = 0
    relationships: int = 0
    properties: int = 0
    peak_memory: str = ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _is_local(uri: str | None, port: int | None) -> bool:
    if not uri or port is None:
        return False
    parsed = urlparse(uri)
    return (parsed.hostname or "") in _LOCAL_HOSTS and (parsed.port or 7687) == port


def local_server(settings: Neo4jSettings, cwd: Path | None = None) -> LocalServer | None:
    """The checkout's neo4j-local server, when it is the one ``settings.uri`` points at."""
    roots = [(cwd or Path.cwd()).resolve(), *(cwd or Path.cwd()).resolve().parents, _PACKAGE_ROOT]
    for root in roots:
        script = root / "scripts" / "neo4j-local"
        home = Path(os.environ.get("NEO4J_LOCAL_HOME") or root / ".neo4j-local")
        if script.is_file() and home.is_dir():
            server = LocalServer(script=script, home=home)
            if _is_local(settings.uri, server.bolt_port()):
                return server
    return None


def find_admin(settings: Neo4jSettings, cwd: Path | None = None) -> AdminTool | None:
    """neo4j-admin for the configured database: NEO4J_HOME / ``[neo4j] home``, else the local server's; None if neither."""
    if settings.home is not None:
        tool = settings.home / "bin" / "neo4j-admin"
        if not tool.is_file():
            raise BulkImportError(f"NEO4J_HOME ({settings.home}) has no bin/neo4j-admin: point it at a Neo4j 5 installation")
        return AdminTool(command=(str(tool),), source=str(tool), env={"NEO4J_HOME": str(settings.home)})
    server = local_server(settings, cwd)
    if server is not None:
        return AdminTool(command=(str(server.script), "admin"), source=f"{server.script} admin", local=server,
                         env={"NEO4J_LOCAL_HOME": str(server.home)})
    return None


def _mask(line: str) -> str:
    """Hide quoted values (ids may be phone numbers) but keep label and type names."""
    return re.sub(r"'([^']*)'", lambda m: m.group(0) if m.group(1) in _NAMES else "'…'", line)


def _failure(lines: list[str]) -> str:
    """The line of neo4j-admin's output that says why the import failed (its deepest cause, when it names one)."""
    caused = [line.strip() for line in lines if line.strip().startswith("Caused by:")]
    if caused:
        return _mask(caused[-1].rsplit("Exception: ", 1)[-1])
    skip = ("WARNING Import failed", "Error importing csv file", "Run with '--verbose'", "Data statistics",
            "Peak memory usage", "IMPORT FAILED", "Critical error", "Done in", "[*", "org.neo4j.cli.", "...")
    meaningful = [line.strip() for line in lines if line.strip() and not line.strip().startswith(skip)]
    return _mask(meaningful[-1]) if meaningful else "neo4j-admin gave no reason"


def import_full(
    admin: AdminTool,
    database: str,
    files: ImportFiles,
    overwrite: bool,
    max_memory: str | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Run ``neo4j-admin database import full`` on ``files``; strict (any bad entry fails the import)."""
    args = [
        *admin.command, "database", "import", "full", database, "--verbose",
        f"--overwrite-destination={'true' if overwrite else 'false'}",
        "--bad-tolerance=0", "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
        f"--report-file={files.folder / 'import.report'}",
        *( [f"--max-off-heap-memory={max_memory}"] if max_memory else []),
        *files.arguments(),
    ]
    started = time.perf_counter()
    outcome = ImportOutcome(seconds=0.0)
    tail: list[str] = []
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=files.folder,
                          env=dict(os.environ, **admin.env)) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            if not line.startswith(("\tat ", "\t...")):  # stack frames say nothing to the user
                tail = (tail + [line])[-80:]
            if found := _STAGE.match(line):
                if progress:
                    progress(found.group(1).lower(), 1)
            elif found := _IMPORTED.match(line):
                setattr(outcome, found.group(2), int(found.group(1)))
            elif found := _PEAK.match(line):
                outcome.peak_memory = found.group(1).strip()
        code = proc.wait()
    outcome.seconds = time.perf_counter() - started
    if code != 0 or not any(_DONE.match(line) for line in tail):
        raise BulkImportError(f"neo4j-admin database import failed: {_failure(tail)}")
    return outcome
