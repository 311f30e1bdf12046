"""Settings: environment variables, then ``graphfraud.toml``, then defaults.

One place decides which engine runs and where it lives, so every command
(load, detect, serve, job) agrees. Defaults are named constants next to the
setting they belong to. The file is read strictly: a key it does not know
(``[engin]``, ``batch_sise``, ``[detect.impossible_travel] max_khm``) is a
one-line ConfigError naming the key and the known ones, never ignored.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphfraud.errors import ConfigError

DEFAULT_EMBEDDED_PATH = Path(".graphfraud/db")
DEFAULT_NEO4J_DATABASE = "neo4j"
DEFAULT_NEO4J_USER = "neo4j"
DEFAULT_BATCH_SIZE = 10_000
DEFAULT_LOAD_WORKERS = 2      # concurrent write transactions to Neo4j (measured: see README)
# `graphfraud load --mode auto` takes the bulk path (neo4j-admin) into an empty
# Neo4j database from this many claims up (docs/loading.md says why).
DEFAULT_BULK_THRESHOLD = 1_000_000
LOAD_MODES = ("auto", "bulk", "incremental")
CONFIG_FILE = "graphfraud.toml"
LOCAL_CREDENTIALS = Path(".neo4j-local/credentials.env")
ENGINES = ("embedded", "neo4j")
# The tables of graphfraud.toml and their keys; [detect]'s keys are graphfraud.detect.settings.known().
TABLES: dict[str, tuple[str, ...]] = {
    "engine": ("name",),
    "neo4j": ("uri", "user", "password", "database", "home"),
    "embedded": ("path", "buffer_pool"),
    "load": ("batch_size", "workers", "bulk_threshold", "import_memory"),
    "case": ("appeal_working_days", "holidays", "workdays"),
    "accounts": ("one_time_password_hours", "session_hours", "session_idle_minutes"),
}
# The institution's appeal (申诉) must come within this many working days of the case entering the appeal step.
DEFAULT_APPEAL_WORKING_DAYS = 10

# A one-time password (a new user's, a reset, the first admin's) must be changed within this many hours.
DEFAULT_ONE_TIME_PASSWORD_HOURS = 72
# A workbench session ends this many hours after signing in, or after this many minutes without a request.
DEFAULT_SESSION_HOURS = 12
DEFAULT_SESSION_IDLE_MINUTES = 30

Keys = Mapping[str, "Keys | None"] | Iterable[str]  # a table's keys: names, or names → their own tables' keys (None: a value)


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


def _case_settings(table: Mapping[str, Any]) -> CaseSettings:
    from datetime import date

    days = table.get("appeal_working_days", DEFAULT_APPEAL_WORKING_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise ConfigError(f"graphfraud.toml: [case] appeal_working_days must be a whole number of days from 1 to 365, "
                          f"not {days!r}")
    lists = {}
    for key in ("holidays", "workdays"):
        values = table.get(key, [])
        if not isinstance(values, list):
            raise ConfigError(f"graphfraud.toml: [case] {key} must be a list of dates such as [\"2026-10-01\"]")
        out = []
        for v in values:
            try:
                out.append(date.fromisoformat(str(v)).isoformat())
            except ValueError:
                raise ConfigError(f"graphfraud.toml: [case] {key}: {str(v)[:20]!r} is not a date (YYYY-MM-DD)") from None
        lists[key] = tuple(sorted(out))
    return CaseSettings(appeal_working_days=days, holidays=lists["holidays"], workdays=lists["workdays"])


@dataclass(frozen=True)
class AccountSettings:
    """How long a one-time password stays valid, and how long a workbench session lasts (in all, and idle)."""

    one_time_password_hours: int = DEFAULT_ONE_TIME_PASSWORD_HOURS
    session_hours: int = DEFAULT_SESSION_HOURS
    session_idle_minutes: int = DEFAULT_SESSION_IDLE_MINUTES


def _account_settings(table: Mapping[str, Any]) -> AccountSettings:
    """``[accounts]`` read strictly: whole numbers within sensible bounds, else a ConfigError naming the key."""
    bounds = {"one_time_password_hours": (1, 24 * 30, DEFAULT_ONE_TIME_PASSWORD_HOURS),
              "session_hours": (1, 24 * 7, DEFAULT_SESSION_HOURS),
              "session_idle_minutes": (1, 24 * 60, DEFAULT_SESSION_IDLE_MINUTES)}
    values = {}
    for key, (low, high, default) in bounds.items():
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(f"graphfraud.toml: [accounts] {key} must be a whole number from {low} to {high}, "
                              f"not {value!r}")
        values[key] = value
    return AccountSettings(**values)


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


def byte_size(value: str | int | None) -> int | None:
    """``"8G"``, ``"512M"``, ``"1024K"`` or a number of bytes as bytes; None stays None."""
    if value is None or value == "":
        return None
    text = str(value).strip().upper().removesuffix("B").removesuffix("I")
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError:
        raise ConfigError(f"cannot read {value!r} as a size: write it like 8G, 512M or a number of bytes") from None


def check_keys(source: str, table: Mapping[str, Any], known: Keys, where: str = "") -> Mapping[str, Any]:
    """``table`` if it has only ``known`` keys (and so on down its tables); else a ConfigError naming the first other key.

    ``source`` names the file in the message, ``where`` is the dotted path of
    ``table`` in it: ``job.toml: unknown key 'job.inbx' (known: actor, …)``.
    """
    spec: Mapping[str, Any] = known if isinstance(known, Mapping) else dict.fromkeys(known)
    for key in sorted(table):
        if key not in spec:
            close = difflib.get_close_matches(key, spec, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(f"{source}: unknown key {where + key!r} ({hint}known: {', '.join(sorted(spec)) or 'none'})")
        inner = spec[key]
        if inner is None:
            continue
        if not isinstance(table[key], dict):
            raise ConfigError(f"{source}: {where + key!r} must be a table ([{where + key}])")
        check_keys(source, table[key], inner, f"{where}{key}.")
    return table


def _read_toml(path: Path, also: Iterable[str] = ()) -> dict[str, Any]:
    """``path`` read and its keys checked; ``also`` names tables the caller checks itself (job.toml's)."""
    from graphfraud.detect.settings import known as detect_keys

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the settings: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from exc
    check_keys(path.name, data, {**TABLES, "detect": detect_keys(), **dict.fromkeys(also)})
    return data


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
    other_tables: Iterable[str] = (),
) -> Settings:
    """Resolve settings: explicit arguments > environment > graphfraud.toml > local Neo4j credentials > defaults.

    Neo4j becomes the engine only when asked for (``--engine``,
    ``GRAPHFRAUD_ENGINE``, the toml) or when ``NEO4J_URI`` is configured;
    otherwise the embedded engine runs, so a first run needs no server.
    ``other_tables`` may also be in the file, checked by the caller (a job.toml's ``[job]``…).
    """
    env = dict(os.environ if env is None else env)
    cwd = cwd or Path.cwd()
    toml: dict[str, Any] = {}
    config_path = config_file or _find_upwards(CONFIG_FILE, cwd)
    if config_path is not None and config_path.is_file():
        toml = _read_toml(config_path, also=other_tables)
    local_creds_path = _find_upwards(LOCAL_CREDENTIALS, cwd)
    local = _read_env_file(local_creds_path) if local_creds_path else {}

    n4 = toml.get("neo4j", {})
    explicit_uri = env.get("NEO4J_URI") or n4.get("uri")
    neo4j = Neo4jSettings(
        uri=explicit_uri or local.get("NEO4J_URI"),
        user=env.get("NEO4J_USER") or env.get("NEO4J_USERNAME") or n4.get("user") or local.get("NEO4J_USER") or DEFAULT_NEO4J_USER,
        password=env.get("NEO4J_PASSWORD") or n4.get("password") or local.get("NEO4J_PASSWORD"),
        database=env.get("NEO4J_DATABASE") or n4.get("database") or local.get("NEO4J_DATABASE") or DEFAULT_NEO4J_DATABASE,
        home=Path(home) if (home := env.get("NEO4J_HOME") or n4.get("home")) else None,
    )
    chosen = engine or env.get("GRAPHFRAUD_ENGINE") or toml.get("engine", {}).get("name")
    if not chosen:
        chosen = "neo4j" if explicit_uri else "embedded"
    if chosen not in ENGINES:
        raise ConfigError(f"unknown engine {chosen!r}: choose one of {', '.join(ENGINES)}")
    embedded_path = Path(env.get("GRAPHFRAUD_DB") or toml.get("embedded", {}).get("path") or DEFAULT_EMBEDDED_PATH)
    return Settings(
        engine=chosen,
        embedded_path=embedded_path,
        neo4j=neo4j,
        batch_size=int(toml.get("load", {}).get("batch_size", DEFAULT_BATCH_SIZE)),
        load_workers=int(toml.get("load", {}).get("workers", DEFAULT_LOAD_WORKERS)),
        bulk_threshold=int(toml.get("load", {}).get("bulk_threshold", DEFAULT_BULK_THRESHOLD)),
        import_memory=env.get("GRAPHFRAUD_IMPORT_MEMORY") or toml.get("load", {}).get("import_memory"),
        buffer_pool=byte_size(env.get("GRAPHFRAUD_BUFFER_POOL") or toml.get("embedded", {}).get("buffer_pool")),
        detect=dict(toml.get("detect", {})),
        case=_case_settings(toml.get("case", {})),
        accounts=_account_settings(toml.get("accounts", {})),
        source=str(config_path) if config_path else "environment/defaults",
    )
