"""The one validated settings model: every table and key of ``graphfraud.toml``, ``job.toml`` and mapping files.

Each file kind is a pydantic model (``GraphfraudFile``, ``JobFile``,
``MappingFile``) whose tables are models too, down to each motif's
``[detect.<motif>]`` and each mapping table's ``[claims.columns]``. Every
model forbids keys it does not declare, so a misspelt ``[detect.impossible_travl]``
or ``max_khm`` is refused by name instead of being ignored; every key is typed
(strict: ``"5000"`` is not a batch size, ``1`` is not ``true``), sizes take
``"4G"`` (``ByteSize``). ``read_toml``/``validate`` turn the first problem
into one line through the error tree (``ConfigError``, or ``MappingError`` for a
mapping), naming the file, the table and the key, suggesting the closest valid
name, never a traceback::

    graphfraud.toml: unknown key 'detect.impossible_travel.max_khm' (did you mean max_kmh? known: full_kmh, …)
    job.toml: [alerts] min_score must be a number ≥ 0, not 'high'

What the values mean (paths relative to job.toml, ``${NAME}`` in webhooks,
environment overrides) stays with the code that uses them
(``graphfraud.config``, ``graphfraud.job.config``, ``graphfraud.ingest``);
this module only says what a well-formed file holds. The ``[detect]`` and
mapping models are built from the motifs' headers and ``schema.TABLES``, so a
new motif parameter or column is a valid key without an edit here.
"""

from __future__ import annotations

import difflib
import tomllib
import types
import typing
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    create_model,
)
from pydantic.fields import FieldInfo

from graphfraud.errors import ConfigError, GraphfraudError

# --------------------------------------------------------------------------- value types

SIZE_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
SIZE_HINT = "write it like 8G, 512M or a number of bytes"
SECRET_KEYS = frozenset({"password", "uri", "url", "headers"})  # their values are never shown in a message
SHOWN = 40  # characters of a refused value a message shows


def byte_size(value: str | int | None) -> int | None:
    """``"8G"``, ``"512M"``, ``"1024K"`` or a number of bytes as bytes; None (or "") stays None.

    The one reader of sizes, for files (``ByteSize``) and environment variables
    (``GRAPHFRAUD_BUFFER_POOL``) alike.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ConfigError(f"cannot read {value!r} as a size: {SIZE_HINT}")
    text = str(value).strip().upper().removesuffix("B").removesuffix("I")
    try:
        if text and text[-1] in SIZE_UNITS:
            size = int(float(text[:-1]) * SIZE_UNITS[text[-1]])
        else:
            size = int(text)
    except ValueError:
        raise ConfigError(f"cannot read {str(value)[:SHOWN]!r} as a size: {SIZE_HINT}") from None
    if size <= 0:
        raise ConfigError(f"cannot read {str(value)[:SHOWN]!r} as a size: it must be more than 0 bytes")
    return size


def _size(value: Any) -> int:
    try:
        size = byte_size(value)
    except ConfigError:
        size = None
    if size is None:
        raise ValueError(f"must be a size ({SIZE_HINT}), not {_shown(value)}")
    return size


def _size_text(value: Any) -> str:
    _size(value)
    return str(value)


def _iso_dates(values: list[Any]) -> tuple[str, ...]:
    out = []
    for v in values:
        try:
            out.append(date.fromisoformat(str(v)).isoformat())
        except ValueError:
            raise ValueError(f"must be a list of dates such as [\"2026-10-01\"]: {str(v)[:20]!r} is not a date "
                             "(YYYY-MM-DD)") from None
    return tuple(sorted(out))


def shape(text: str, default: Any = None, **limits: Any) -> Any:
    """A field whose refusal reads ``[table] key must be <text>, not <value>``."""
    return Field(default, json_schema_extra={"shape": text}, **limits)


Number = StrictInt | StrictFloat                    # 900 or 900.5, never "900" or true
if TYPE_CHECKING:  # what a checked model holds (its validators' results), for the type checker
    ByteSize = int
    IsoDates = tuple[str, ...]
else:
    ByteSize = Annotated[StrictInt | StrictStr, AfterValidator(_size)]             # "4G", "512M", 1048576 → bytes
    IsoDates = Annotated[list[StrictStr | date], AfterValidator(_iso_dates)]        # ["2026-10-01"] → sorted tuple
SizeText = Annotated[StrictStr, AfterValidator(_size_text)]                         # "2G" kept as written (neo4j-admin)
Scalar = StrictStr | StrictBool | StrictInt | StrictFloat


class Table(BaseModel):
    """A table of a settings file: only its declared keys, each strictly typed, frozen once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


def _table(name: str, fields: dict[str, tuple[Any, Any]]) -> type[Table]:
    """A table model whose keys are computed (motif parameters, schema columns).

    Keys become fields ``k_<key>`` with the key as alias, so a key may be any
    name (``copy``, ``json``…) without clashing with pydantic's own attributes.
    """
    spec: dict[str, Any] = {}
    for key, (annotation, info) in fields.items():
        info = info if isinstance(info, FieldInfo) else Field(info)
        spec[f"k_{key}"] = (annotation, FieldInfo.merge_field_infos(
            info, alias=key, validation_alias=key, serialization_alias=key, alias_priority=2))
    return create_model(name, __base__=Table, **spec)


# --------------------------------------------------------------------------- graphfraud.toml

DEFAULT_BATCH_SIZE = 10_000
DEFAULT_LOAD_WORKERS = 2      # concurrent write transactions to Neo4j (measured: see README)
# `graphfraud load --mode auto` takes the bulk path (neo4j-admin) into an empty
# Neo4j database from this many claims up (docs/loading.md says why).
DEFAULT_BULK_THRESHOLD = 1_000_000
# The institution's appeal (申诉) must come within this many working days of the case entering the appeal step.
DEFAULT_APPEAL_WORKING_DAYS = 10
# A one-time password (a new user's, a reset, the first admin's) must be changed within this many hours.
DEFAULT_ONE_TIME_PASSWORD_HOURS = 72
# A workbench session ends this many hours after signing in, or after this many minutes without a request.
DEFAULT_SESSION_HOURS = 12
DEFAULT_SESSION_IDLE_MINUTES = 30
ENGINES = ("embedded", "neo4j")


class EngineTable(Table):
    """``[engine]``: which engine runs (environment and ``--engine`` override it)."""

    name: Literal["embedded", "neo4j"] | None = shape("embedded or neo4j")


class Neo4jTable(Table):
    """``[neo4j]``: where the server is and how to log in (``NEO4J_*`` variables override each key)."""

    uri: StrictStr | None = None
    user: StrictStr | None = None
    password: StrictStr | None = None
    database: StrictStr | None = None
    home: StrictStr | None = shape("the folder of a Neo4j installation (its bin/neo4j-admin runs the bulk path)")


class EmbeddedTable(Table):
    """``[embedded]``: the LadybugDB folder and its buffer pool (``GRAPHFRAUD_DB``, ``GRAPHFRAUD_BUFFER_POOL``)."""

    path: StrictStr | None = None
    buffer_pool: ByteSize | None = None


class LoadTable(Table):
    """``[load]``: batch size, Neo4j writers, when ``--mode auto`` takes the bulk path, neo4j-admin's memory."""

    batch_size: StrictInt = shape("a whole number of rows ≥ 1", DEFAULT_BATCH_SIZE, ge=1)
    workers: StrictInt = shape("a whole number of writers ≥ 1", DEFAULT_LOAD_WORKERS, ge=1)
    bulk_threshold: StrictInt = shape("a whole number of claims ≥ 0", DEFAULT_BULK_THRESHOLD, ge=0)
    import_memory: SizeText | None = None


class CaseTable(Table):
    """``[case]``: working days for an appeal, and the calendar (public holidays, 调休 workdays) that counts them."""

    appeal_working_days: StrictInt = shape("a whole number of days from 1 to 365", DEFAULT_APPEAL_WORKING_DAYS,
                                           ge=1, le=365)
    holidays: IsoDates = shape("a list of dates such as [\"2026-10-01\"]", ())
    workdays: IsoDates = shape("a list of dates such as [\"2026-10-01\"]", ())


class AccountsTable(Table):
    """``[accounts]``: how long a one-time password stays valid and a workbench session lasts (in all, and idle)."""

    one_time_password_hours: StrictInt = shape("a whole number from 1 to 720", DEFAULT_ONE_TIME_PASSWORD_HOURS,
                                               ge=1, le=24 * 30)
    session_hours: StrictInt = shape("a whole number from 1 to 168", DEFAULT_SESSION_HOURS, ge=1, le=24 * 7)
    session_idle_minutes: StrictInt = shape("a whole number from 1 to 1440", DEFAULT_SESSION_IDLE_MINUTES,
                                            ge=1, le=24 * 60)


LEIDEN_OBJECTIVES = ("modularity", "CPM")


@lru_cache(maxsize=1)
def detect_table() -> type[Table]:
    """``[detect]``: the run's own settings, the ring rules (``rings.RingRules``) and one table per motif.

    A motif's table takes the parameters its header declares (``defaults:``,
    ``thresholds.defaults``), typed like their defaults: numbers, lists, text.
    """
    from dataclasses import fields as dataclass_fields

    from graphfraud.detect.evidence import motif_names
    from graphfraud.detect.rings import RingRules
    from graphfraud.detect.thresholds import defaults

    spec: dict[str, tuple[Any, Any]] = {
        "communities": (StrictStr | None, shape('"igraph" or "gds"')),   # detect.communities.method_of says why not
        "objective": (Literal["modularity", "CPM"] | None, shape('"modularity" or "CPM"')),
        "resolution": (Literal["auto"] | StrictInt | StrictFloat | None, shape('"auto" or a number')),
        "seed": (StrictInt | None, shape("a whole number")),
        "claims_per_part": (StrictInt | None, shape("a whole number of claims ≥ 1", ge=1)),
    }
    for f in dataclass_fields(RingRules):
        kind = StrictInt if f.type in (int, "int") else Number
        spec[f.name] = (kind | None, shape("a whole number ≥ 0" if kind is StrictInt else "a number ≥ 0", ge=0))
    for name in motif_names():
        params: dict[str, tuple[Any, Any]] = {}
        for key, value in defaults(name).items():
            if isinstance(value, bool):
                params[key] = (StrictBool | None, shape("true or false"))
            elif isinstance(value, (int, float)):
                params[key] = (Number | None, shape("a number"))
            elif isinstance(value, (list, tuple)):
                params[key] = (list[Scalar] | None, shape("a list"))
            else:
                params[key] = (StrictStr | None, shape("text"))
        spec[name] = (_table(f"detect_{name}", params) | None, None)
    return _table("detect", spec)


class GraphfraudFile(Table):
    """``graphfraud.toml``: the engine, loading, case calendar and detection settings of every command."""

    engine: EngineTable = EngineTable()
    neo4j: Neo4jTable = Neo4jTable()
    embedded: EmbeddedTable = EmbeddedTable()
    load: LoadTable = LoadTable()
    case: CaseTable = CaseTable()
    accounts: AccountsTable = AccountsTable()
    detect: dict[str, Any] = {}  # checked by validate() against detect_table(): only the keys given, as given


# --------------------------------------------------------------------------- job.toml

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
ChangeKind = Literal["new", "grown", "shrunk", "changed", "merged", "split", "disappeared", "unchanged"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty (the case trail names who took each step)")
    return value.strip()


class JobTable(Table):
    """``[job]``: where deliveries arrive and results go, how long to wait, who the trail names."""

    inbox: StrictStr | None = None
    out: StrictStr | None = None
    state: StrictStr | None = None
    mapping: StrictStr | None = None
    lock_wait: Number = shape("a number ≥ 0", DEFAULT_LOCK_WAIT, ge=0)
    min_age: Number = shape("a number ≥ 0", DEFAULT_MIN_AGE, ge=0)
    detect_without_new_files: StrictBool = shape("true or false", False)
    actor: Annotated[StrictStr, AfterValidator(_not_blank)] = shape("text", DEFAULT_ACTOR)


class WebhookTable(Table):
    """``[alerts.webhook]``: where alerts are POSTed and how hard to try (``${NAME}`` filled from the environment)."""

    url: StrictStr = ""
    headers: dict[StrictStr, StrictStr] = shape("a table of name = value", {})
    timeout: Number = shape("a number ≥ 0.1", DEFAULT_WEBHOOK_TIMEOUT, ge=0.1)
    retries: StrictInt = shape("a whole number ≥ 0", DEFAULT_WEBHOOK_RETRIES, ge=0)
    backoff: Number = shape("a number ≥ 0", DEFAULT_WEBHOOK_BACKOFF, ge=0)
    max_delay: Number = shape("a number ≥ 0", DEFAULT_WEBHOOK_MAX_DELAY, ge=0)


class AlertsTable(Table):
    """``[alerts]``: which ring changes become alerts, and where they go."""

    file: StrictStr = DEFAULT_ALERT_FILE
    min_score: Number = shape("a number ≥ 0", DEFAULT_ALERT_MIN_SCORE, ge=0)
    changes: list[ChangeKind] = shape(f"a list of {', '.join(CHANGE_KINDS)}", list(DEFAULT_ALERT_CHANGES))
    min_changed_members: StrictInt = shape("a whole number ≥ 1", DEFAULT_MIN_CHANGED_MEMBERS, ge=1)
    include_members: StrictBool = shape("true or false", True)
    webhook: WebhookTable = WebhookTable()


class BundlesTable(Table):
    """``[bundles]``: which new rings get a case bundle, where, and whether redacted."""

    dir: StrictStr = DEFAULT_BUNDLE_DIR
    min_score: Number = shape("a number ≥ 0", DEFAULT_BUNDLE_MIN_SCORE, ge=0)
    redact: StrictBool = shape("true or false", False)


class JobFile(GraphfraudFile):
    """``job.toml``: the job's own tables beside any ``graphfraud.toml`` table (``[engine]``, ``[detect]``…)."""

    job: JobTable = JobTable()
    alerts: AlertsTable = AlertsTable()
    bundles: BundlesTable = BundlesTable()


# --------------------------------------------------------------------------- mapping files


def _inside_folder(files: list[str]) -> list[str]:
    for glob in files:
        if not glob.strip():
            raise ValueError('must be a list of file names or globs, e.g. files = ["claims*.csv"]')
        if Path(glob).is_absolute() or ".." in Path(glob).parts or glob.startswith("~"):
            raise ValueError(f"must be globs inside the input folder (not {glob[:SHOWN]!r}: no absolute paths, no ..)")
    return files


@lru_cache(maxsize=1)
def mapping_file() -> type[Table]:
    """A mapping file: one optional table per input table of ``schema.TABLES``, each with the same settings.

    ``[<table>.columns]``, ``.constants``, ``.copy`` and ``.values`` take the
    table's canonical columns as keys, so a misspelt column is refused by name.
    """
    from graphfraud.schema import TABLES

    tables: dict[str, tuple[Any, Any]] = {}
    for table, cols in TABLES.items():
        names = tuple(c.name for c in cols)
        column = Literal[names]  # type: ignore[valid-type]
        pairs = dict[Scalar, Scalar]
        spec: dict[str, tuple[Any, Any]] = {
            "files": (Annotated[list[StrictStr], AfterValidator(_inside_folder)] | None,
                      shape('a list of file names or globs, e.g. files = ["claims*.csv"]')),
            "na": (list[Scalar] | None, shape('a list of tokens, e.g. na = ["NA", "?"]')),
            "separator": (StrictStr | None, shape('one character, e.g. separator = ";"', min_length=1, max_length=1)),
            "sheet": (StrictStr | Annotated[StrictInt, Field(ge=0)] | None,
                      shape("a sheet name or a sheet number (0 = the first)")),
            "columns": (_table(f"{table}_columns", {c: (StrictStr | None, shape("a source header")) for c in names})
                        | None, shape("a table of column = source header")),
            "constants": (_table(f"{table}_constants", {c: (Scalar | None, shape("a fixed value")) for c in names})
                          | None, shape("a table of column = fixed value")),
            "copy": (_table(f"{table}_copy", {c: (column | None, shape(f"a canonical column of [{table}] "
                                                                        f"({', '.join(names)})")) for c in names})
                     | None, shape("a table of column = canonical column")),
            "values": (_table(f"{table}_values", {c: (pairs | None, shape("a table of source value = canonical "
                                                                           "value")) for c in names})
                       | None, shape("a table per column of source value = canonical value, e.g. "
                                     f"[{table}.values.visit_type]")),
        }
        tables[table] = (_table(f"mapping_{table}", spec) | None, None)
    return _table("mapping", tables)


# --------------------------------------------------------------------------- reading and refusing


def read_toml(path: Path, what: str = "settings", error: type[GraphfraudError] = ConfigError) -> dict[str, Any]:
    """``path`` parsed as TOML; an unreadable file or bad TOML is one ``error`` line naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path.name}: not valid TOML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc


TableT = TypeVar("TableT", bound="Table")


def validate(model: type[TableT], data: Any, source: str, error: type[GraphfraudError] = ConfigError,
             where: tuple[str, ...] = ()) -> TableT:
    """``data`` as ``model``, or ``error`` with one line naming ``source``, the table and the key (``explain``).

    ``where`` is the table ``data`` is in (``("detect",)`` for a ``[detect]``
    table checked on its own), so the message names the key in full.
    """
    try:
        value = model.model_validate(data)
    except ValidationError as exc:
        raise error(explain(exc, model, source, where)) from None
    if isinstance(value, GraphfraudFile):  # [detect]'s model is built from the motifs' headers, when first needed
        value = value.model_copy(update={"detect": detect_settings(value.detect, source)})
    return value


def detect_settings(config: Any, source: str = "detect settings") -> dict[str, Any]:
    """A ``[detect]`` table checked (unknown keys by name, types), as the plain dict detection reads.

    Only the keys given are kept, with the values given: defaults stay where each setting is read.
    """
    if config is None:
        return {}
    table = validate(detect_table(), dict(config) if isinstance(config, dict) else config, source, where=("detect",))
    return table.model_dump(by_alias=True, exclude_unset=True)


def mapping_settings(data: Any, source: str, error: type[GraphfraudError]) -> dict[str, dict[str, Any]]:
    """A mapping file's tables checked, as ``{table: {setting: value}}`` with only what the file gives."""
    return validate(mapping_file(), data, source, error).model_dump(by_alias=True, exclude_unset=True)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The table models an annotation allows (through ``X | None``, ``Annotated``)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []


def _keys(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {info.alias or name: info for name, info in model.model_fields.items()}


def explain(exc: ValidationError, model: type[BaseModel], source: str, where: tuple[str, ...] = ()) -> str:
    """The first problem of ``exc`` as one line: ``<file>: unknown key 'a.b.c' (did you mean …? known: …)``,
    ``<file>: 'a.b' must be a table ([a.b])`` or ``<file>: [a.b] c must be <shape>, not <value>``."""
    problem = exc.errors(include_url=False)[0]
    loc = [str(part) for part in problem["loc"]]
    current: type[BaseModel] | None = model
    path: list[str] = list(where)
    info: FieldInfo | None = None
    for part in loc:
        if current is None:
            break  # inside a list or a table of values: the key is the last table's
        keys = _keys(current)
        if part not in keys:
            if problem["type"] == "extra_forbidden":
                close = difflib.get_close_matches(part, keys, n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                return (f"{source}: unknown key {'.'.join([*path, part])!r} "
                        f"({hint}known: {', '.join(sorted(keys)) or 'none'})")
            break
        path.append(part)
        info = keys[part]
        models = _models_in(info.annotation)
        current = models[0] if models else None
    dotted = ".".join(path)
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
    table, key = ".".join(path[:-1]), path[-1] if path else ""
    if problem["type"] in ("model_type", "model_attributes_type", "dict_type"):
        wanted = extra.get("shape")
        if wanted and table:
            return f"{source}: [{table}] {key} must be {wanted}"
        return f"{source}: {dotted!r} must be a table ([{dotted}])"
    if problem["type"] == "value_error":
        said = str(problem.get("ctx", {}).get("error") or problem["msg"]).removeprefix("Value error, ")
        return f"{source}: [{table}] {key} {said}" if table else f"{source}: {key} {said}"
    wanted = extra.get("shape") or str(problem["msg"]).removeprefix("Input should be ").rstrip(".")
    secret = key in SECRET_KEYS or isinstance(problem["input"], (dict, list))  # a secret, or too much to show
    value = "" if secret else f", not {_shown(problem['input'])}"
    return f"{source}: [{table}] {key} must be {wanted}{value}" if table else f"{source}: {key} must be {wanted}{value}"
