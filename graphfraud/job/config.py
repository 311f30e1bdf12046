"""``job.toml``: where deliveries arrive, where results go, when to alert and when to export a case bundle.

Every setting is typed and has a documented default in the one settings model
(``graphfraud.settings.JobFile``, its ``DEFAULT_*`` constants, and
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
from dataclasses import dataclass, field, replace
from pathlib import Path

from graphfraud.config import Settings, load_settings, read_file
from graphfraud.errors import ConfigError
from graphfraud.settings import (  # the defaults are part of this module's interface too
    DEFAULT_ACTOR,
    DEFAULT_ALERT_CHANGES,
    DEFAULT_ALERT_MIN_SCORE,
    DEFAULT_BUNDLE_MIN_SCORE,
    DEFAULT_LOCK_WAIT,
    DEFAULT_MIN_AGE,
    DEFAULT_MIN_CHANGED_MEMBERS,
    DEFAULT_WEBHOOK_BACKOFF,
    DEFAULT_WEBHOOK_MAX_DELAY,
    DEFAULT_WEBHOOK_RETRIES,
    DEFAULT_WEBHOOK_TIMEOUT,
    JobFile,
    WebhookTable,
)

DEFAULT_INBOX = "inbox"
DEFAULT_OUT = "out"
DEFAULT_STATE = "state"
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


def _expand(text: str, where: str, path: Path, env: dict[str, str]) -> str:
    """Fill ``${NAME}`` from the environment, so secrets stay out of the file."""
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in env:
            raise ConfigError(f"{path.name}: [{where}] needs the environment variable {name}, which is not set")
        return env[name]
    return _ENV.sub(one, text)


def _webhook(table: WebhookTable, path: Path, env: dict[str, str]) -> WebhookConfig | None:
    """The webhook with ``${NAME}`` filled in, or None without a url (the model has checked each key's type)."""
    url = _expand(table.url.strip(), "alerts.webhook", path, env)
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{path.name}: [alerts.webhook] url must start with http:// or https://")
    return WebhookConfig(
        url=url,
        headers={k: _expand(v, "alerts.webhook", path, env) for k, v in table.headers.items()},
        timeout=float(table.timeout),
        retries=table.retries,
        backoff=float(table.backoff),
        max_delay=float(table.max_delay),
    )


def load_job_config(path: Path, env: dict[str, str] | None = None) -> JobConfig:
    """Read ``job.toml`` through the settings model (``settings.JobFile``) and resolve its paths and secrets.

    A typo or a wrong type is a one-line ConfigError naming the file, the table and the key.
    """
    path = Path(path).resolve()
    env = dict(os.environ if env is None else env)
    data = read_file(path, JobFile)
    assert isinstance(data, JobFile)
    base = path.parent

    def where(value: str | None, default: str) -> Path:
        p = Path(value or default).expanduser()
        return p if p.is_absolute() else base / p

    job, alerts, bundles = data.job, data.alerts, data.bundles
    out = where(job.out, DEFAULT_OUT)
    alert_file = Path(alerts.file)
    bundle_dir = Path(bundles.dir)
    return JobConfig(
        path=path,
        inbox=where(job.inbox, DEFAULT_INBOX),
        out=out,
        state=where(job.state, DEFAULT_STATE),
        mapping=where(job.mapping, "") if job.mapping else None,
        lock_wait=float(job.lock_wait),
        min_age=float(job.min_age),
        detect_without_new_files=job.detect_without_new_files,
        actor=job.actor,
        alerts=AlertConfig(
            file=alert_file if alert_file.is_absolute() else out / alert_file,
            min_score=float(alerts.min_score),
            changes=tuple(alerts.changes),
            min_changed_members=alerts.min_changed_members,
            include_members=alerts.include_members,
            webhook=_webhook(alerts.webhook, path, env),
        ),
        bundles=BundleConfig(
            dir=bundle_dir if bundle_dir.is_absolute() else out / bundle_dir,
            min_score=float(bundles.min_score),
            redact=bundles.redact,
        ),
    )


def engine_settings(path: Path, engine: str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Engine and detection settings for the job: environment > ``job.toml``'s graphfraud tables > defaults.

    An embedded database path from the file (or the default) is read from the
    file's folder like every other path in it; ``GRAPHFRAUD_DB`` keeps the
    usual meaning (relative to where the command runs).
    """
    path = Path(path).resolve()
    env = dict(os.environ if env is None else env)
    settings = load_settings(config_file=path, engine=engine, env=env, cwd=path.parent, model=JobFile)
    db = settings.embedded_path
    if not db.is_absolute():
        db = (Path.cwd() if env.get("GRAPHFRAUD_DB") else path.parent) / db
    return replace(settings, embedded_path=db)
