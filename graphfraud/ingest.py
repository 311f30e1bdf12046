"""Read a folder of bureau files into validated canonical tables, keeping every rejected row.

Files: ``claims`` (required), ``patients``, ``cards``, ``providers``,
``doctors``, ``items`` (the lines of claims: boxes with their trace codes) and
``purchases`` (what providers bought in) as CSV (UTF-8, UTF-8 with BOM, GB18030/GBK — detected line by line,
``graphfraud.csvfile``), Parquet or XLSX; several files per table
(``claims_2026-01.csv``…) are concatenated. A CSV row in the other encoding,
or with more or fewer fields than the header, is rejected as a whole row
(``_column`` ``(row)``); fields beyond the header's are kept in ``_extra``.
Everything is read as text first, so nothing is coerced silently, then
validated column by column (vectorised). A row that fails keeps all its source
values in the rejects with ``_file``, ``_row`` (as a spreadsheet shows it:
header = row 1), ``_column`` and ``_reason``. An item whose claim is not
among the folder's accepted claims is rejected too: an item loads with its
claim. Files that match no table are listed (``InputSet.unmatched``), and each
table records which source header each column came from and which headers it
ignored, so the load can say so.

A mapping file (TOML or YAML) renames columns and fills gaps for exports in
any other naming::

    [claims]
    files = ["medicare-*.csv"]        # globs in the input folder (default: claims, claims_*, claims-*
                                      #   with .csv, .txt, .parquet or .xlsx)
    na = ["NA"]                       # extra tokens meaning "missing"
    separator = ";"                   # CSV/TXT field separator (default: ",")
    sheet = "Sheet1"                  # XLSX sheet (default: the first)
    [claims.columns]                  # canonical = source header
    claim_id = "ClaimID"
    [claims.constants]                # canonical = fixed value
    visit_type = "inpatient"
    [claims.copy]                     # canonical = another canonical column
    card_id = "patient_id"
    [claims.values.visit_type]        # source value = canonical value
    "I" = "inpatient"

Any other setting in a table, or a column the table does not have, is refused by name
(``graphfraud.settings.mapping_file``), so a misspelt key is not silently ignored.

Timestamps are ISO 8601 local time (a value with a UTC offset is converted to China time); they are also
given as ``ts_epoch``: the
local time read as if it were UTC ("local epoch"), so hours and days stay the
bureau's own on every engine.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphfraud.atomic import atomic_path, remove
from graphfraud.csvfile import ROW, read_csv
from graphfraud.display import visible
from graphfraud.errors import EncodingError, InputError, MappingError, MissingFileError, OutputError
from graphfraud.graph import give_back_memory, isin
from graphfraud.schema import (
    DATE,
    EARLIEST_DATE,
    ENUM,
    KEYS,
    LATEST_DATE,
    NUMBER,
    REQUIRED_TABLES,
    TABLES,
    TIMESTAMP,
    VALUE_ALIASES,
    VALUE_MISSING,
    canonical_header,
)
from graphfraud.settings import mapping_settings
from graphfraud.vocabulary import CHINA_ZONE

SUFFIXES = (".csv", ".txt", ".parquet", ".xlsx")
MAPPING_FILES = ("mapping.toml", "mapping.yaml", "mapping.yml")  # a folder's own mapping file, by these names
NA_TOKENS = ("", "NA", "N/A", "NULL", "null", "None", "nan", "NaN", "-")
MAX_HEADERS_SHOWN = 12     # an error lists at most this many of a file's headers, each cut to HEADER_SHOWN characters
HEADER_SHOWN = 40
_EPOCH = np.datetime64("1970-01-01T00:00:00", "s")


@dataclass
class TableResult:
    """One input table: accepted rows (canonical + derived columns), rejected rows, where they came from."""

    name: str
    frame: pd.DataFrame
    rejects: pd.DataFrame
    files: list[Path]
    encoding: str | None
    rows_read: int
    origin: pd.DataFrame | None = None  # per accepted row, where it came from: _file (category), _row
    columns: dict[str, str] = field(default_factory=dict)  # canonical column → the source header it was read from
    ignored: list[str] = field(default_factory=list)       # source headers that are no column of the table
    released: int | None = None  # the number of accepted rows, once their frame was let go (InputSet.release)

    @property
    def accepted(self) -> int:
        """How many rows were accepted (also after ``InputSet.release``)."""
        return len(self.frame) if self.released is None else self.released


@dataclass
class InputSet:
    """All tables read from one folder."""

    tables: dict[str, TableResult] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)  # files of the folder that hold no table (not read)

    def accepted(self, name: str) -> pd.DataFrame:
        table = self.tables.get(name)
        return table.frame if table is not None else pd.DataFrame(columns=[c.name for c in TABLES[name]])

    @property
    def total_accepted(self) -> int:
        return sum(t.accepted for t in self.tables.values())

    def release(self) -> None:
        """Let the accepted rows go, keeping their count, rejects and everything the load summary says: once the
        graph frames are built (they share these rows' memory) and the claims compared with the stored ones, a
        load needs no more of them, and freed they leave room for the database while it is written. Each frame
        becomes an empty one with the same columns."""
        for table in self.tables.values():
            if table.released is None:
                table.released = len(table.frame)
                table.frame = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in table.frame.dtypes.items()})
                table.origin = None

    @property
    def total_rejected(self) -> int:
        return sum(len(t.rejects) for t in self.tables.values())


# -- mapping --------------------------------------------------------------

def read_mapping(path: Path) -> dict[str, dict[str, Any]]:
    """Read a TOML or YAML mapping file, checked by the settings model (``settings.mapping_file``).

    Tables not named in it use the built-in aliases. A misspelt setting or column
    is a one-line MappingError naming the file, the table and the key.
    """
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(text) or {}
        else:
            data = tomllib.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise MappingError(f"{path.name}: not valid YAML{where}: {problem}") from exc
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MappingError(f"{path.name}: cannot read mapping file: {detail}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"{path.name}: a mapping file holds one table per input table (claims, patients, …)")
    return mapping_settings(data, path.name, MappingError)


def _inside(directory: Path, path: Path) -> None:
    """Refuse ``path`` when it resolves outside ``directory``: a link (to a file, or a linked folder on its way)
    pointing elsewhere. A folder's files, its own mapping file included, stay inside it; where a link points is not
    shown."""
    if not path.resolve().is_relative_to(directory.resolve()):
        shown = path.relative_to(directory).as_posix() if path.is_relative_to(directory) else path.name
        raise InputError(f"{shown}: a link to a file outside the input folder {directory.name!r}; "
                         "a folder's files must be inside it (copy the file in instead)")


def _find_mapping(directory: Path) -> Path | None:
    """The folder's own mapping file, which must be inside it (never a link out of it)."""
    for name in MAPPING_FILES:
        if (directory / name).is_file():
            _inside(directory, directory / name)
            return directory / name
    return None


# -- reading --------------------------------------------------------------

def _table_files(directory: Path, table: str, spec: dict[str, Any]) -> list[Path]:
    patterns = spec.get("files") or [f"{table}{s}" for s in SUFFIXES] + [f"{table}_*{s}" for s in SUFFIXES] + [f"{table}-*{s}" for s in SUFFIXES]
    found: list[Path] = []
    for pattern in patterns:
        for path in sorted(directory.glob(pattern)):
            if path.is_file() and path not in found:
                _inside(directory, path)  # a glob never leaves the folder (no "..", no absolute path), nor may a link
                found.append(path)
    return found


def table_files(directory: Path, table: str, mapping: Path | None = None) -> list[Path]:
    """The files in ``directory`` that hold ``table``: by the default names, or the mapping file's ``files`` globs."""
    mapping = mapping or _find_mapping(directory)
    spec = read_mapping(mapping).get(table, {}) if mapping else {}
    return _table_files(directory, table, spec)


def _read_csv(path: Path, sep: str = ",") -> tuple[pd.DataFrame, str]:
    """A CSV file as text, each row numbered; rows in the wrong encoding or with the wrong number of fields
    carry their reason in ``_problem`` (``graphfraud.csvfile``)."""
    return read_csv(path, sep)


def _read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file as text columns; binary columns are decoded as UTF-8, else GB18030, else refused."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"{path.name}: not a readable Parquet file ({type(exc).__name__})") from exc
    columns = {}
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            values = column.to_pylist()
            for encoding in ("utf-8", "gb18030"):
                try:
                    columns[name] = ["" if v is None else v.decode(encoding) for v in values]
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise EncodingError(f"{path.name}: column {visible(str(name))[:HEADER_SHOWN]!r} holds bytes that are "
                                    "neither UTF-8 nor GB18030/GBK text")
        else:
            series = column.to_pandas()
            columns[name] = series.astype(object).where(series.notna(), "").astype(str)
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def _read_xlsx(path: Path, sheet: str | int) -> pd.DataFrame:
    """One sheet of an XLSX workbook as text; a missing sheet or a damaged workbook is one clear line."""
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path.name}: not a readable XLSX workbook ({type(exc).__name__})") from exc
    with book:
        names = book.sheet_names
        if (isinstance(sheet, str) and sheet not in names) or (isinstance(sheet, int) and sheet >= len(names)):
            shown = ", ".join(repr(visible(n)) for n in names[:MAX_HEADERS_SHOWN])
            raise InputError(f"{path.name}: no sheet {sheet!r} (the workbook has {shown}); set sheet in the mapping file")
        try:
            frame = pd.read_excel(book, sheet_name=sheet, dtype=str)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
            raise InputError(f"{path.name}: sheet {sheet!r} cannot be read ({type(exc).__name__})") from exc
    return frame.fillna("")


_ROW_COLUMNS = ("_row", "_problem", "_extra")  # what the CSV reader adds beside a file's own columns


def _read_file(path: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, str | None, pd.DataFrame]:
    """A file's columns as text, its encoding, and per row: ``_row`` (header = row 1), ``_problem`` (a reason the
    whole row is rejected: its encoding, its number of fields; else empty) and, for CSV rows with more fields than
    the header, ``_extra`` (those fields)."""
    suffix = path.suffix.lower()
    encoding: str | None
    if suffix in (".csv", ".txt"):
        frame, encoding = _read_csv(path, sep=spec.get("separator", ","))
        rows = frame[[c for c in _ROW_COLUMNS if c in frame]]
        return frame.drop(columns=list(rows.columns)), encoding, rows
    if suffix == ".parquet":
        frame, encoding = _read_parquet(path), None
    elif suffix == ".xlsx":
        frame, encoding = _read_xlsx(path, spec.get("sheet", 0)), None
    else:
        raise InputError(f"{path.name}: unsupported file type {suffix} (use CSV, Parquet or XLSX)")
    rows = pd.DataFrame({"_row": np.arange(2, len(frame) + 2), "_problem": ""}, index=frame.index)
    return frame, encoding, rows


# -- validation -----------------------------------------------------------

class _Problems:
    """Reasons per row, gathered column by column."""

    def __init__(self, index: pd.Index) -> None:
        self.reason = pd.Series("", index=index, dtype=object)
        self.column = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, column: str, reason: str, named: bool = True) -> None:
        """Add ``reason`` to the rows of ``mask``, as ``column: reason`` (``named``) or as it is (a whole-row reason)."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        first = mask & (self.reason == "")
        self.column[first] = column
        self.reason[mask & ~first] = self.reason[mask & ~first] + "; "
        self.reason[mask] = self.reason[mask] + (f"{column}: {reason}" if named else reason)

    @property
    def bad(self) -> pd.Series:
        return self.reason != ""




def _parse_times(values: pd.Series, date_only: bool) -> pd.Series:
    """Parse ISO-like timestamps/dates (also ``YYYY/MM/DD``, ``YYYYMMDD``, with or without seconds)."""
    text = values.str.strip().str.replace("/", "-", regex=False).str.replace(" ", "T", n=1, regex=False)
    compact = text.str.fullmatch(r"\d{8}")
    text = text.where(~compact, text.str[:4] + "-" + text.str[4:6] + "-" + text.str[6:8])
    # Times are local (China has one zone). A value that carries an offset ("…Z", "+08:00") is converted to
    # local time first, so a file that mixes the two, or several offsets, reads right instead of failing.
    offset = pd.Series(False, index=text.index)
    longer = text.str.len() > 16  # only "YYYY-MM-DDTHH:MM" and longer can carry an offset
    if longer.any():
        tail = text[longer]
        offset[longer] = tail.str.contains(r"T.*(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False)
    # microseconds, not pandas' nanoseconds: a year like 2999 or 1600 must parse (and be rejected by range), not overflow
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if (~offset).any():
        parsed[~offset] = pd.to_datetime(text[~offset], format="ISO8601", errors="coerce")
    if offset.any():
        aware = pd.to_datetime(text[offset], format="ISO8601", errors="coerce", utc=True)
        parsed[offset] = aware.dt.tz_convert(CHINA_ZONE).dt.tz_localize(None)
    if date_only:
        parsed = parsed.dt.normalize()
    return parsed


_EARLIEST, _LATEST = pd.Timestamp(EARLIEST_DATE), pd.Timestamp(LATEST_DATE) + pd.Timedelta(days=1)
_RANGE = f"outside {EARLIEST_DATE}…{LATEST_DATE} (a placeholder for 'no date' belongs in the mapping's na)"
_DATE_LIKE = r"[+-]?\d{4,}(?:[-/]?\d{1,2}){2}(?:[T ].*)?"


def _out_of_range(values: pd.Series, parsed: pd.Series, present: pd.Series) -> pd.Series:
    """Rows whose date/time lies outside EARLIEST_DATE…LATEST_DATE, whether pandas parsed it or gave up on its year."""
    far = parsed.notna() & ((parsed < _EARLIEST) | (parsed >= _LATEST))
    unparsed = present & parsed.isna()
    if unparsed.any():  # an older pandas gives NaT for years beyond its nanosecond range
        text = values[unparsed].str.strip()
        year = pd.to_numeric(text.str.extract(r"^([+-]?\d{4,})", expand=False), errors="coerce")
        beyond = text.str.fullmatch(_DATE_LIKE, na=False) & ((year < _EARLIEST.year) | (year > _LATEST.year - 1))
        far[unparsed] = beyond.fillna(False).astype(bool)
    return far


_CANONICAL = {True: r"\d{4}-\d{2}-\d{2}", False: r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"}


def _iso(values: pd.Series, parsed: pd.Series, date_only: bool) -> pd.Series:
    """Parsed times as ISO text (``2026-01-31T09:30:00``, or ``2026-01-31``); missing stays missing.

    Values already written that way are kept as they are (formatting tens of millions of
    times is most of the validation time), the rest are formatted from what was parsed.
    """
    as_is = values.str.fullmatch(_CANONICAL[date_only], na=False) & parsed.notna()
    out = values.where(as_is, None)
    redo = parsed.notna() & ~as_is
    if redo.any():
        out[redo] = parsed[redo].dt.strftime("%Y-%m-%d" if date_only else "%Y-%m-%dT%H:%M:%S")
    return out


def _epoch(parsed: pd.Series) -> pd.Series:
    seconds = (parsed.values.astype("datetime64[s]") - _EPOCH).astype("int64")
    return pd.Series(seconds, index=parsed.index).where(parsed.notna()).astype("Int64")


def _validate(table: str, raw: pd.DataFrame, spec: dict[str, Any], source: pd.DataFrame,
              claim_ids: pd.Index | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (accepted canonical frame with derived columns, rejects with source values and reasons,
    the file and row of each accepted row). ``claim_ids`` are the folder's accepted claims: an item row
    whose claim is not among them is rejected."""
    problems = _Problems(raw.index)
    whole_row = source["_problem"].astype(str)
    for reason in whole_row[whole_row != ""].unique():  # the row's encoding, its number of fields
        problems.add(whole_row == reason, ROW, reason, named=False)
    out = pd.DataFrame(index=raw.index)
    na = set(NA_TOKENS) | set(spec.get("na", []))
    value_maps = spec.get("values", {})
    for column in TABLES[table]:
        # fillna: a column only some of the files have is missing (not the text "nan") in the others' rows
        values = (_stripped(raw[column.name].fillna("").astype(str)) if column.name in raw
                  else pd.Series("", index=raw.index))
        missing = values.isin(na)
        if column.name in VALUE_MISSING:  # a code that means "not known" in this column only (sex 0, 9)
            missing |= values.str.lower().isin(VALUE_MISSING[column.name])
        if column.required:
            problems.add(missing, column.name, "required value is missing")
        present = ~missing
        if column.kind == NUMBER:
            # commas only as thousands separators ("1,234.50"); "12,5" is not read as 125
            grouped = values.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", na=False)
            plain = values.where(~grouped, values.str.replace(",", "", regex=False)) if grouped.any() else values
            number = pd.to_numeric(plain.where(present), errors="coerce").astype("float64")
            problems.add(present & number.isna(), column.name, "not a number")
            infinite = np.isinf(number)  # "inf", "-Infinity", "1e309"
            problems.add(infinite, column.name, "not a finite number")
            finite = number.where(~infinite)
            if column.minimum is not None:
                problems.add(finite < column.minimum, column.name, f"below {column.minimum:g}")
            if column.maximum is not None:
                problems.add(finite > column.maximum, column.name, f"above {column.maximum:,.0f}"
                             if column.maximum >= 10_000 else f"above {column.maximum:g}")
            number = finite
            out[column.name] = number.round(6 if column.name in ("lat", "lon") else 2)
        elif column.kind in (TIMESTAMP, DATE):
            parsed = _parse_times(values.where(present, ""), date_only=column.kind == DATE)
            far = _out_of_range(values, parsed, present)
            problems.add(present & parsed.isna() & ~far, column.name, "not a date/time (expected ISO 8601, e.g. 2026-01-31T09:30:00)")
            problems.add(far, column.name, _RANGE)
            parsed = parsed.where(~far)
            out[column.name] = _iso(values, parsed, date_only=column.kind == DATE)
            out[f"_{column.name}_parsed"] = parsed
        elif column.kind == ENUM:
            mapping = {a.lower(): a for a in column.allowed}
            mapping.update({str(k).strip().lower(): v for k, v in VALUE_ALIASES.get(column.name, {}).items()})
            mapping.update({str(k).strip().lower(): v for k, v in value_maps.get(column.name, {}).items()})
            mapped = values.str.lower().map(mapping)
            problems.add(present & mapped.isna(), column.name, f"must be one of {', '.join(column.allowed)}")
            out[column.name] = mapped.where(present, None)
        else:
            if column.name in value_maps:
                values = values.map({str(k): str(v) for k, v in value_maps[column.name].items()}).fillna(values)
            out[column.name] = values.where(present, None)

    # Rules across columns.
    key = list(KEYS[table])
    if len(key) == 1:
        duplicate = out[key[0]].notna() & out[key[0]].duplicated(keep="first")
        problems.add(duplicate, key[0], "duplicate id (an earlier row has it)")
    elif table == "items":
        duplicate = out[key].notna().all(axis=1) & out[key].duplicated(keep="first")
        problems.add(duplicate, "line_id", "duplicate line (an earlier row has this claim_id and line_id)")
    else:
        named = out["purchase_id"].notna()
        by_id = named & out[["provider_id", "purchase_id"]].duplicated(keep="first")
        problems.add(by_id, "purchase_id", "duplicate purchase (an earlier row has this provider_id and purchase_id)")
        same = ~named & out[key].duplicated(keep="first")
        problems.add(same, ROW, "duplicate purchase (an earlier row says the same: provider, item, code, date, "
                                "quantity and supplier)", named=False)
    if table == "items" and claim_ids is not None:
        problems.add(out["claim_id"].notna() & ~isin(out["claim_id"], claim_ids), "claim_id",
                     "no accepted claim with this id in the folder (an item loads with its claim)")
    if table == "items":
        out["line_key"] = line_keys(out["claim_id"], out["line_id"])
    if table == "purchases":
        out["purchased_epoch"] = _epoch(out["_purchased_at_parsed"])
        out["purchase_key"] = purchase_keys(out)
    if table == "claims":
        problems.add(out["fund_paid"] > out["amount"] + 0.005, "fund_paid", "greater than amount")
        problems.add(out["_discharge_date_parsed"] < out["_admit_date_parsed"], "discharge_date", "before admit_date")
        out["ts_epoch"] = _epoch(out["_ts_parsed"])
        out["admit_epoch"] = _epoch(out["_admit_date_parsed"])
        out["discharge_epoch"] = _epoch(out["_discharge_date_parsed"])
    if table == "patients":
        born = out["_birth_date_parsed"]
        problems.add(out["_death_date_parsed"] < born, "death_date", "before birth_date")
        out["birth_year"] = born.dt.year.astype("Int64")
        out["death_epoch"] = _epoch(out["_death_date_parsed"])
    out = out.drop(columns=[c for c in out.columns if c.startswith("_")])

    bad = problems.bad
    rejects = source.loc[bad].drop(columns="_problem")
    rejects["_column"] = problems.column[bad]
    rejects["_reason"] = problems.reason[bad]
    origin = pd.DataFrame({"_file": source.loc[~bad, "_file"].astype("category"),
                           "_row": source.loc[~bad, "_row"].astype("int64")}).reset_index(drop=True)
    return _kept(out, ~bad), rejects.reset_index(drop=True), origin


def _stripped(values: pd.Series) -> pd.Series:
    """``values`` without surrounding whitespace: the column itself when no value has any (the usual case), so
    the accepted rows share the text read instead of holding a second copy of it."""
    stripped = values.str.strip()
    return values if (stripped.str.len() == values.str.len()).all() else stripped


def _kept(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """The rows of ``frame`` that ``keep`` marks, numbered from 0; taken column by column (each column leaves
    ``frame`` as it is taken), so a table with rejected rows is not held twice."""
    if keep.all():
        return frame.reset_index(drop=True)
    mask = keep.to_numpy(dtype=bool)
    kept = {name: frame.pop(name)[mask].reset_index(drop=True) for name in list(frame.columns)}
    return pd.DataFrame(kept, index=pd.RangeIndex(int(mask.sum())))


def line_keys(claim_ids: pd.Series, line_ids: pd.Series) -> pd.Series:
    """The key of an item line: its claim and its line number (``CL001/3``)."""
    return claim_ids.astype(str) + "/" + line_ids.astype(str)


_KEY_ROWS = 250_000  # purchase keys are made this many rows at a time (their digests are Python strings)


def purchase_keys(frame: pd.DataFrame) -> pd.Series:
    """The key of a purchase row: ``provider/purchase_id`` when the export numbers its purchases, else
    ``provider/`` + a digest of all the row says, so the same row delivered again is the same purchase.

    Made in slices of ``_KEY_ROWS`` rows: the text digested and the digests are Python strings, which for
    millions of purchases at once took more memory than the purchases themselves."""
    if len(frame) > _KEY_ROWS:
        return pd.concat([_purchase_keys(frame.iloc[start:start + _KEY_ROWS])
                          for start in range(0, len(frame), _KEY_ROWS)])
    return _purchase_keys(frame)


def _purchase_keys(frame: pd.DataFrame) -> pd.Series:
    named = frame["purchase_id"].notna()
    key = frame["provider_id"].astype(str) + "/" + frame["purchase_id"].astype(str)
    if (~named).any():
        parts = frame.loc[~named, ["item_code", "trace_code", "purchased_at", "quantity", "supplier"]]
        text = None
        for column in parts.columns:  # column by column: a row-wise join takes minutes at millions of rows
            values = parts[column].astype(object).where(parts[column].notna(), "").astype(str)
            text = values if text is None else text + "\x1f" + values
        assert text is not None  # the five columns above
        digest = [hashlib.sha1(t.encode("utf-8")).hexdigest()[:16] for t in text]
        key[~named] = frame.loc[~named, "provider_id"].astype(str) + "/#" + pd.Series(digest, index=text.index)
    return key


def _apply_mapping(table: str, frame: pd.DataFrame, spec: dict[str, Any], path: Path) -> pd.DataFrame:
    """Rename source headers to canonical names, then fill constants and copies."""
    return _mapped(table, frame, spec, path)[0]


def _mapped(table: str, frame: pd.DataFrame, spec: dict[str, Any], path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The file's columns under canonical names, and which source header each canonical column came from."""
    explicit = spec.get("columns", {})
    missing_src = [src for src in explicit.values() if src not in frame.columns]
    if missing_src:
        raise MappingError(f"{path.name}: mapped column(s) {', '.join(map(repr, missing_src))} not in the file "
                           f"({headers_found(table, frame.columns, spec)})")
    renamed: dict[str, str] = {src: canon for canon, src in explicit.items()}
    for header in frame.columns:
        if header in renamed:
            continue
        canon = canonical_header(table, header)
        if canon and canon not in renamed.values() and canon not in explicit:
            renamed[header] = canon
    canon_frame = pd.DataFrame({canon: frame[src] for src, canon in renamed.items()}, index=frame.index)
    for canon, value in spec.get("constants", {}).items():
        canon_frame[canon] = str(value)
    for canon, other in spec.get("copy", {}).items():
        if other in canon_frame:
            canon_frame[canon] = canon_frame[other]
    return canon_frame, {canon: src for src, canon in renamed.items()}


def headers_found(table: str, columns: Any, spec: dict[str, Any]) -> str:
    """A file's headers for an error message, never a value from its rows.

    When no header is a name we know (the table's columns and aliases, or the mapping's), the first row is
    most likely data — a file saved without its header row — so it is not shown, only counted. Otherwise at
    most MAX_HEADERS_SHOWN headers are listed, each cut short and with control characters made visible,
    so a garbage file still gives one short line.
    """
    names = [str(c) for c in columns]
    mapped = {str(v) for v in spec.get("columns", {}).values()}
    if not any(canonical_header(table, n) or n in mapped for n in names):
        return (f"none of its {len(names)} column(s) has a known name: the file seems to have no header row "
                "(its first row must name the columns)")
    shown = [visible(n if len(n) <= HEADER_SHOWN else n[:HEADER_SHOWN] + "…") for n in names[:MAX_HEADERS_SHOWN]]
    more = f", … ({len(names) - MAX_HEADERS_SHOWN} more)" if len(names) > MAX_HEADERS_SHOWN else ""
    return f"found: {', '.join(shown)}{more}"


def _read_table(directory: Path, table: str, spec: dict[str, Any],
                claim_ids: pd.Index | None = None) -> TableResult | None:
    files = _table_files(directory, table, spec)
    if not files:
        return None
    raws, sources, encodings = [], [], set()
    columns: dict[str, str] = {}
    ignored: list[str] = []
    known = {c.name for c in TABLES[table]}
    for path in files:
        source, encoding, rows = _read_file(path, spec)
        encodings.add(encoding)
        raw, used = _mapped(table, source, spec, path)
        for canon, src in used.items():
            if canon in known:
                columns.setdefault(canon, str(src))
        taken = {str(src) for canon, src in used.items() if canon in known}
        ignored.extend(h for h in map(str, source.columns) if h not in taken and h not in ignored)
        missing = [c.name for c in TABLES[table] if c.required and c.name not in raw]
        if missing:
            raise InputError(f"{path.name}: missing required column {', '.join(map(repr, missing))} "
                             f"({headers_found(table, source.columns, spec)}; name it in a mapping file, see examples/mappings)")
        source = source.copy()
        if "_extra" in rows:
            source["_extra"] = rows["_extra"]
        source["_file"] = path.name
        source["_row"] = rows["_row"]
        source["_problem"] = rows["_problem"]
        raws.append(raw)
        sources.append(source)
    raw = pd.concat(raws, ignore_index=True)
    source = pd.concat(sources, ignore_index=True)
    if "_extra" in source:
        source["_extra"] = source["_extra"].fillna("")
    frame, rejects, origin = _validate(table, raw, spec, source, claim_ids)
    encoding = next(iter(encodings)) if len(encodings) == 1 else ",".join(sorted(str(e) for e in encodings))
    return TableResult(table, frame, rejects, files, encoding, rows_read=len(raw), origin=origin,
                       columns={c.name: columns[c.name] for c in TABLES[table] if c.name in columns}, ignored=ignored)



def unmatched_files(directory: Path, read: list[Path], mapping: Path | None = None) -> list[str]:
    """Files in ``directory`` (not its subfolders) that no table reads: named in the load summary, never
    passed over in silence. The folder's own mapping file and hidden files (``.…``) are not data."""
    used = {p.name for p in read} | set(MAPPING_FILES)
    if mapping is not None and Path(mapping).parent.resolve() == directory.resolve():
        used.add(Path(mapping).name)
    return sorted(p.name for p in directory.iterdir()
                  if p.name not in used and not p.name.startswith(".") and (p.is_file() or p.is_symlink()))


def read_input(directory: Path, mapping: Path | None = None) -> InputSet:
    """Read and validate every known table in ``directory``; ``claims`` must be there."""
    directory = Path(directory)
    if not directory.is_dir():
        raise MissingFileError(f"{directory}: not a folder")
    mapping = mapping or _find_mapping(directory)
    specs = read_mapping(mapping) if mapping else {}
    result = InputSet()
    for table in TABLES:  # claims first: the items of a claim that is not accepted are rejected with it
        claims = result.tables.get("claims")
        claim_ids = pd.Index(claims.frame["claim_id"]) if claims is not None and table == "items" else None
        found = _read_table(directory, table, specs.get(table, {}), claim_ids)
        if found is not None:
            result.tables[table] = found
        give_back_memory()  # what reading this table freed, for the next tables and the database
    for table in REQUIRED_TABLES:
        if table not in result.tables:
            raise MissingFileError(
                f"{directory}: no {table} file (expected {table}.csv, .parquet or .xlsx, or files named in a mapping file)"
            )
    result.unmatched = unmatched_files(directory, [p for t in result.tables.values() for p in t.files], mapping)
    return result


def write_rejects(input_set: InputSet, out_dir: Path) -> tuple[list[Path], list[Path]]:
    """Write each table's rejected rows to ``out_dir/<table>.csv`` (UTF-8 with BOM, so Excel shows Chinese).

    Returns (files written, files removed). A table read without rejects this time has its old rejects file
    removed: the file always describes the rows as they are now, so rows fixed since the last load do not
    linger there as if still rejected. Tables not read this time keep theirs.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: is a file; rejected rows go into a folder (give a folder for the rejects)")
    try:
        return _write_rejects(input_set, out_dir)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the rejected rows there ({exc.strerror or type(exc).__name__})") from exc


def _write_rejects(input_set: InputSet, out_dir: Path) -> tuple[list[Path], list[Path]]:
    written, removed = [], []
    for name, table in input_set.tables.items():
        path = out_dir / f"{name}.csv"
        if table.rejects.empty:
            if remove(path):
                removed.append(path)
            continue
        with atomic_path(path) as tmp:
            table.rejects.to_csv(tmp, index=False, encoding="utf-8-sig")
        written.append(path)
    return written, removed
