"""Settings: environment variables, then ``graphfraud.toml``, then defaults.

One place decides which engine runs and where it lives, so every command
(load, detect, serve, job) agrees. The file is read through the one validated
settings model, ``graphfraud.settings`` (pydantic): a key it does not know
(``[engin]``, ``batch_sise``, ``[detect.impossible_travel] max_khm``) or a
value of the wrong type is a one-line ConfigError naming the file, the table
and the key, never ignored. Defaults are named constants there, next to the
setting they belong to; this module layers the environment over the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphfraud.errors import ConfigError
from graphfraud.settings import (  # the defaults are part of this module's interface too
    DEFAULT_APPEAL_WORKING_DAYS,
    DEFAULT_BATCH_SIZE,
    DEFAULT_BULK_THRESHOLD,
    DEFAULT_LOAD_WORKERS,
    DEFAULT_ONE_TIME_PASSWORD_HOURS,
    DEFAULT_SESSION_HOURS,
    DEFAULT_SESSION_IDLE_MINUTES,
    ENGINES,
    GraphfraudFile,
    byte_size,
    read_toml,
    validate,
)

DEFAULT_EMBEDDED_PATH = Path(".graphfraud/db")
DEFAULT_NEO4J_DATABASE = "neo4j"
DEFAULT_NEO4J_USER = "neo4j"
LOAD_MODES = ("auto", "bulk", "incremental")
CONFIG_FILE = "graphfraud.toml"
LOCAL_CREDENTIALS = Path(".neo4j-local/credentials.env")


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the Neo4j server is and how to log in."""

    uri: str | None = None
    user: str = DEFAULT_NEO4J_USER
    password: str | None = None
    database: str = DEFAULT_NEO4J_DATABASE
    home: Path | None = None  # a Neo4j installation whose bin/neo4j-admin the bulk path runs


@dataclass(frozen=True)
class CaseSettings:
    """The case workflow's time limits: working days for an appeal, and the calendar that counts them.

    ``holidays`` are public holidays falling on weekdays (not working days);
    ``workdays`` are weekend days made working days (调休). Both ISO dates.
    """

    appeal_working_days: int = DEFAULT_APPEAL_WORKING_DAYS
    holidays: tuple[str, ...] = ()
    workdays: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountSettings:
    """How long a one-time password stays valid, and how long a workbench session lasts (in all, and idle)."""

    one_time_password_hours: int = DEFAULT_ONE_TIME_PASSWORD_HOURS
    session_hours: int = DEFAULT_SESSION_HOURS
    session_idle_minutes: int = DEFAULT_SESSION_IDLE_MINUTES


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to pick and open an engine, plus detection thresholds."""

    engine: str = "embedded"
    embedded_path: Path = DEFAULT_EMBEDDED_PATH
    neo4j: Neo4jSettings = field(default_factory=Neo4jSettings)
    batch_size: int = DEFAULT_BATCH_SIZE
    load_workers: int = DEFAULT_LOAD_WORKERS
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD
    import_memory: str | None = None  # neo4j-admin --max-off-heap-memory (e.g. "2G"); None = its default
    buffer_pool: int | None = None  # embedded engine's buffer pool in bytes; None = LadybugDB's default (80 % of RAM)
    detect: dict[str, Any] = field(default_factory=dict)
    case: CaseSettings = field(default_factory=CaseSettings)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    source: str = "defaults"


def read_file(path: Path, model: type[GraphfraudFile] = GraphfraudFile) -> GraphfraudFile:
    """``path`` read and checked as ``model`` (``graphfraud.toml``, or a job.toml as ``settings.JobFile``)."""
    return validate(model, read_toml(path), path.name)


def _read_env_file(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines (the format scripts/neo4j-local writes)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def _find_upwards(name: str | Path, start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / name
        if candidate.exists():
            return candidate
    return None


def load_settings(
    config_file: Path | None = None,
    engine: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    model: type[GraphfraudFile] = GraphfraudFile,
) -> Settings:
    """Resolve settings: explicit arguments > environment > graphfraud.toml > local Neo4j credentials > defaults.

    Neo4j becomes the engine only when asked for (``--engine``,
    ``GRAPHFRAUD_ENGINE``, the toml) or when ``NEO4J_URI`` is configured;
    otherwise the embedded engine runs, so a first run needs no server.
    ``model`` is the kind of file ``config_file`` is (``settings.JobFile`` for a job.toml, which holds more tables).
    """
    env = dict(os.environ if env is None else env)
    cwd = cwd or Path.cwd()
    config_path = config_file or _find_upwards(CONFIG_FILE, cwd)
    toml = read_file(config_path, model) if config_path is not None and config_path.is_file() else model()
    local_creds_path = _find_upwards(LOCAL_CREDENTIALS, cwd)
    local = _read_env_file(local_creds_path) if local_creds_path else {}

    n4 = toml.neo4j
    explicit_uri = env.get("NEO4J_URI") or n4.uri
    neo4j = Neo4jSettings(
        uri=explicit_uri or local.get("NEO4J_URI"),
        user=env.get("NEO4J_USER") or env.get("NEO4J_USERNAME") or n4.user or local.get("NEO4J_USER") or DEFAULT_NEO4J_USER,
        password=env.get("NEO4J_PASSWORD") or n4.password or local.get("NEO4J_PASSWORD"),
        database=env.get("NEO4J_DATABASE") or n4.database or local.get("NEO4J_DATABASE") or DEFAULT_NEO4J_DATABASE,
        home=Path(home) if (home := env.get("NEO4J_HOME") or n4.home) else None,
    )
    chosen = engine or env.get("GRAPHFRAUD_ENGINE") or toml.engine.name
    if not chosen:
        chosen = "neo4j" if explicit_uri else "embedded"
    if chosen not in ENGINES:  # --engine or GRAPHFRAUD_ENGINE (the file's [engine] name is checked when read)
        raise ConfigError(f"unknown engine {chosen!r}: choose one of {', '.join(ENGINES)}")
    embedded_path = Path(env.get("GRAPHFRAUD_DB") or toml.embedded.path or DEFAULT_EMBEDDED_PATH)
    return Settings(
        engine=chosen,
        embedded_path=embedded_path,
        neo4j=neo4j,
        batch_size=toml.load.batch_size,
        load_workers=toml.load.workers,
        bulk_threshold=toml.load.bulk_threshold,
        import_memory=env.get("GRAPHFRAUD_IMPORT_MEMORY") or toml.load.import_memory,
        buffer_pool=byte_size(env["GRAPHFRAUD_BUFFER_POOL"]) if env.get("GRAPHFRAUD_BUFFER_POOL") else toml.embedded.buffer_pool,
        detect=dict(toml.detect),
        case=CaseSettings(appeal_working_days=toml.case.appeal_working_days, holidays=tuple(toml.case.holidays),
                          workdays=tuple(toml.case.workdays)),
        accounts=AccountSettings(one_time_password_hours=toml.accounts.one_time_password_hours,
                                 session_hours=toml.accounts.session_hours,
                                 session_idle_minutes=toml.accounts.session_idle_minutes),
        source=str(config_path) if config_path else "environment/defaults",
    )
