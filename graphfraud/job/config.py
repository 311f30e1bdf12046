"""``job.toml``: where deliveries arrive, where results go, when to alert and when to export a case bundle.

Every setting has a documented default (the ``DEFAULT_*`` constants below and
docs/jobs.md); relative paths are read from the folder ``job.toml`` is in, so
a job folder can be moved or scheduled from anywhere. The same file may also
carry any ``graphfraud.toml`` table (``[engine]``, ``[neo4j]``,
``[embedded]``, ``[detect]``, ``[load]``) for the engine and detection
settings; environment variables override them as for every command.

    [job]
    inbox = "inbox"            # deliveries arrive here: files, or one folder per delivery
    out = "out"                # rings.json/rings.csv of the last run, alerts.jsonl, rejects/, bundles/
    state = "state"            # the lock file, staging copies, job.log
    lock_wait = 0              # seconds a second run waits for the lock (0: exit at once, status 75)
    min_age = 60               # seconds a file must be left untouched before it is taken (still uploading)
    detect_without_new_files = false
    actor = "graphfraud-job"   # who the case trail names for steps the job takes

    [alerts]
    min_score = 0.6
    changes = ["new", "grown", "shrunk", "changed", "merged", "split"]
    min_changed_members = 1

    [alerts.webhook]
    url = "https://alerts.example/hook"
    headers = { Authorization = "Bearer ${GRAPHFRAUD_WEBHOOK_TOKEN}" }

    [bundles]
    min_score = 0.9
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphfraud.config import Settings, check_keys, load_settings
from graphfraud.errors import ConfigError

DEFAULT_INBOX = "inbox"
DEFAULT_OUT = "out"
DEFAULT_STATE = "state"
DEFAULT_LOCK_WAIT = 0.0          # seconds; 0 = a second run exits at once
DEFAULT_MIN_AGE = 60.0           # seconds a file must rest before it is taken
DEFAULT_ACTOR = "graphfraud-job"
DEFAULT_ALERT_FILE = "alerts.jsonl"
DEFAULT_ALERT_MIN_SCORE = 0.6
DEFAULT_ALERT_CHANGES = ("new", "grown", "shrunk", "changed", "merged", "split")
DEFAULT_MIN_CHANGED_MEMBERS = 1  # members gained or lost before a change is material
DEFAULT_WEBHOOK_TIMEOUT = 10.0   # seconds per attempt
DEFAULT_WEBHOOK_RETRIES = 4      # attempts after the first
DEFAULT_WEBHOOK_BACKOFF = 2.0    # seconds before the first retry, doubled each time
DEFAULT_WEBHOOK_MAX_DELAY = 60.0  # longest wait between attempts, also caps Retry-After
DEFAULT_BUNDLE_MIN_SCORE = 0.9
DEFAULT_BUNDLE_DIR = "bundles"

CHANGE_KINDS = ("new", "grown", "shrunk", "changed", "merged", "split", "disappeared", "unchanged")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class WebhookConfig:
    """Where alerts are POSTed, and how hard to try."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_WEBHOOK_TIMEOUT
    retries: int = DEFAULT_WEBHOOK_RETRIES
    backoff: float = DEFAULT_WEBHOOK_BACKOFF
    max_delay: float = DEFAULT_WEBHOOK_MAX_DELAY


@dataclass(frozen=True)
class AlertConfig:
    """Which ring changes become alerts."""

    file: Path
    min_score: float = DEFAULT_ALERT_MIN_SCORE
    changes: tuple[str, ...] = DEFAULT_ALERT_CHANGES
    min_changed_members: int = DEFAULT_MIN_CHANGED_MEMBERS
    include_members: bool = True
    webhook: WebhookConfig | None = None


@dataclass(frozen=True)
class BundleConfig:
    """Which new rings get a case bundle, and where it goes."""

    dir: Path
    min_score: float = DEFAULT_BUNDLE_MIN_SCORE
    redact: bool = False


@dataclass(frozen=True)
class JobConfig:
    """Everything ``graphfraud job run`` needs besides the engine settings."""

    path: Path
    inbox: Path
    out: Path
    state: Path
    alerts: AlertConfig
    bundles: BundleConfig
    mapping: Path | None = None
    lock_wait: float = DEFAULT_LOCK_WAIT
    min_age: float = DEFAULT_MIN_AGE
    detect_without_new_files: bool = False
    actor: str = DEFAULT_ACTOR

    @property
    def lock_file(self) -> Path:
        return self.state / "job.lock"

    @property
    def log_file(self) -> Path:
        return self.state / "job.log"

    @property
    def staging(self) -> Path:
        return self.state / "staging"

    @property
    def hash_cache(self) -> Path:
        return self.state / "inbox-hashes.json"

    @property
    def quarantine(self) -> Path:
        """Deliveries that could not be read, one folder per run and delivery (graphfraud.job.quarantine)."""
        return self.out / "quarantine"


JOB_TABLES = ("job", "alerts", "bundles")  # beside any graphfraud.toml table ([engine], [detect]…)
_KEYS = {
    "job": {"inbox", "out", "state", "mapping", "lock_wait", "min_age", "detect_without_new_files", "actor"},
    "alerts": {"file", "min_score", "changes", "min_changed_members", "include_members", "webhook"},
    "alerts.webhook": {"url", "headers", "timeout", "retries", "backoff", "max_delay"},
    "bundles": {"dir", "min_score", "redact"},
}


def _check_keys(where: str, table: Any, path: Path) -> dict[str, Any]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path.name}: [{where}] must be a table")
    check_keys(path.name, table, _KEYS[where], where=f"{where}.")
    return table


def _number(where: str, key: str, value: Any, path: Path, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ConfigError(f"{path.name}: [{where}] {key} must be a number ≥ {minimum:g}, not {value!r}")
    return float(value)


def _flag(where: str, key: str, value: Any, path: Path) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path.name}: [{where}] {key} must be true or false, not {value!r}")
    return value


def _expand(text: str, where: str, path: Path, env: dict[str, str]) -> str:
    """Fill ``${NAME}`` from the environment, so secrets stay out of the file."""
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in env:
            raise ConfigError(f"{path.name}: [{where}] needs the environment variable {name}, which is not set")
        return env[name]
    return _ENV.sub(one, text)


def _webhook(table: dict[str, Any], path: Path, env: dict[str, str]) -> WebhookConfig | None:
    table = _check_keys("alerts.webhook", table, path)
    url = _expand(str(table.get("url", "")).strip(), "alerts.webhook", path, env)
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{path.name}: [alerts.webhook] url must start with http:// or https://")
    headers = table.get("headers", {})
    if not isinstance(headers, dict):
        raise ConfigError(f"{path.name}: [alerts.webhook] headers must be a table of name = value")
    retries = table.get("retries", DEFAULT_WEBHOOK_RETRIES)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ConfigError(f"{path.name}: [alerts.webhook] retries must be a whole number ≥ 0, not {retries!r}")
    return WebhookConfig(
        url=url,
        headers={str(k): _expand(str(v), "alerts.webhook", path, env) for k, v in headers.items()},
        timeout=_number("alerts.webhook", "timeout", table.get("timeout", DEFAULT_WEBHOOK_TIMEOUT), path, 0.1),
        retries=retries,
        backoff=_number("alerts.webhook", "backoff", table.get("backoff", DEFAULT_WEBHOOK_BACKOFF), path),
        max_delay=_number("alerts.webhook", "max_delay", table.get("max_delay", DEFAULT_WEBHOOK_MAX_DELAY), path),
    )


def load_job_config(path: Path, env: dict[str, str] | None = None) -> JobConfig:
    """Read and check ``job.toml``; a typo or a wrong type is a one-line ConfigError naming the setting."""
    path = Path(path).resolve()
    env = dict(os.environ if env is None else env)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the job settings: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from exc
    base = path.parent

    def where(value: Any, default: str) -> Path:
        p = Path(str(value if value not in (None, "") else default)).expanduser()
        return p if p.is_absolute() else base / p

    job = _check_keys("job", data.get("job"), path)
    alerts = _check_keys("alerts", data.get("alerts"), path)
    bundles = _check_keys("bundles", data.get("bundles"), path)
    out = where(job.get("out"), DEFAULT_OUT)

    changes = alerts.get("changes", list(DEFAULT_ALERT_CHANGES))
    if not isinstance(changes, list) or any(c not in CHANGE_KINDS for c in changes):
        raise ConfigError(f"{path.name}: [alerts] changes must be a list of {', '.join(CHANGE_KINDS)}")
    min_changed = alerts.get("min_changed_members", DEFAULT_MIN_CHANGED_MEMBERS)
    if isinstance(min_changed, bool) or not isinstance(min_changed, int) or min_changed < 1:
        raise ConfigError(f"{path.name}: [alerts] min_changed_members must be a whole number ≥ 1, not {min_changed!r}")
    alert_file = Path(str(alerts.get("file", DEFAULT_ALERT_FILE)))
    mapping = job.get("mapping")
    actor = str(job.get("actor", DEFAULT_ACTOR)).strip()
    if not actor:
        raise ConfigError(f"{path.name}: [job] actor must not be empty (the case trail names who took each step)")
    return JobConfig(
        path=path,
        inbox=where(job.get("inbox"), DEFAULT_INBOX),
        out=out,
        state=where(job.get("state"), DEFAULT_STATE),
        mapping=where(mapping, "") if mapping else None,
        lock_wait=_number("job", "lock_wait", job.get("lock_wait", DEFAULT_LOCK_WAIT), path),
        min_age=_number("job", "min_age", job.get("min_age", DEFAULT_MIN_AGE), path),
        detect_without_new_files=_flag("job", "detect_without_new_files", job.get("detect_without_new_files", False), path),
        actor=actor,
        alerts=AlertConfig(
            file=alert_file if alert_file.is_absolute() else out / alert_file,
            min_score=_number("alerts", "min_score", alerts.get("min_score", DEFAULT_ALERT_MIN_SCORE), path),
            changes=tuple(changes),
            min_changed_members=min_changed,
            include_members=_flag("alerts", "include_members", alerts.get("include_members", True), path),
            webhook=_webhook(alerts.get("webhook") or {}, path, env),
        ),
        bundles=BundleConfig(
            dir=(lambda d: d if d.is_absolute() else out / d)(Path(str(bundles.get("dir", DEFAULT_BUNDLE_DIR)))),
            min_score=_number("bundles", "min_score", bundles.get("min_score", DEFAULT_BUNDLE_MIN_SCORE), path),
            redact=_flag("bundles", "redact", bundles.get("redact", False), path),
        ),
    )


def engine_settings(path: Path, engine: str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Engine and detection settings for the job: environment > ``job.toml``'s graphfraud tables > defaults.

    An embedded database path from the file (or the default) is read from the
    file's folder like every other path in it; ``GRAPHFRAUD_DB`` keeps the
    usual meaning (relative to where the command runs).
    """
    from dataclasses import replace

    path = Path(path).resolve()
    env = dict(os.environ if env is None else env)
    settings = load_settings(config_file=path, engine=engine, env=env, cwd=path.parent, other_tables=JOB_TABLES)
    db = settings.embedded_path
    if not db.is_absolute():
        db = (Path.cwd() if env.get("GRAPHFRAUD_DB") else path.parent) / db
    return replace(settings, embedded_path=db)
