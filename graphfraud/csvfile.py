"""Read one CSV file as text so that every row is accounted for: its encoding line by line, its fields row by row.

Bureau exports are UTF-8 or GB18030/GBK, and sometimes both: rows pasted into a
GBK export from a UTF-8 source decode without any error as GB18030 (``北京``
becomes ``鍖椾含``), so one guess for the whole file garbles them in silence. So:

1. a file that is valid UTF-8 as a whole is UTF-8 (the common case, checked in
   large blocks; a BOM is noted);
2. otherwise each line is classed: ASCII (either encoding), valid UTF-8, valid
   GB18030, or neither. The file's encoding is its header's when the header has
   non-ASCII text, else that of most lines. A line in the other encoding, or in
   neither, is rejected with its row number and reason — never decoded wrongly;
   its values, decoded as they were written, stay in the rejects. A header that
   cannot be read, or a file with more unreadable lines than readable ones, is
   refused in one line naming the line;
3. rows are parsed by pyarrow's CSV reader (quoted separators and line breaks
   in cells), which hands back each row whose field count differs from the
   header's: that row is rejected (``expected 9 fields, found 7``), the rest is
   kept.

The frame returned holds the file's columns as text plus ``_row`` (the row as a
spreadsheet shows it: header = row 1), ``_problem`` (why the whole row is
rejected, or empty) and, when some row had more fields than the header,
``_extra`` (those fields, so nothing is lost). Blank lines are skipped and
counted, so row numbers stay those of the file. Messages name the file, the
line and the reason, never a value.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from array import array
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.errors import EncodingError, InputError

UTF8, UTF8_BOM, GB = "utf-8", "utf-8-sig", "gb18030"
ROW = "(row)"       # the _column of a problem with the whole row (its encoding, its number of fields)
BLOCK = 1 << 24     # bytes per validation block and per CSV parse block (a longer row is refused)
_BOM = codecs.BOM_UTF8
_NAMES = {UTF8: "UTF-8", UTF8_BOM: "UTF-8", GB: "GB18030/GBK"}
_MARK = "graphfraud-line-"


def _utf8_throughout(path: Path) -> bool:
    """Whether the whole file is valid UTF-8 (read in blocks, nothing kept)."""
    decoder = codecs.getincrementaldecoder(UTF8)()
    with open(path, "rb") as fh:
        try:
            while block := fh.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


# What a line of a bureau file may hold beyond ASCII when it is really UTF-8: Chinese (ideographs, radicals,
# CJK and fullwidth punctuation, the supplementary ideographs), kana and Hangul, Latin letters with accents,
# punctuation and symbols. GBK bytes that happen to be valid UTF-8 mostly read as something else: GBK "住院" is
# UTF-8 Hebrew and Armenian (U+0080-U+07FF is where two GBK bytes land).
_NOT_BUREAU_TEXT = re.compile("[^\x00-\x7f\u00a0-\u024f\u1e00-\u1eff\u2000-\u2bff\u2e80-\u9fff\uac00-\ud7af"
                              "\uf900-\ufaff\ufe30-\ufe4f\ufeff\uff00-\uffef\U0001f000-\U0001faff"
                              "\U00020000-\U0003ffff]")

# Kinds of line: ASCII (either encoding); UTF-8 only; GB18030 only; both, reading as bureau text in UTF-8 (the
# UTF-8 row of issue 16: "北京" in UTF-8 is "鍖椾含" read as GBK); both, reading as bureau text only in
# GB18030; neither.
ASCII, U_ONLY, G_ONLY, BOTH_U, BOTH_G, NEITHER = "ascii", "utf-8", "gb18030", "both/utf-8", "both/gb18030", "neither"
_VOTES = {U_ONLY: UTF8, BOTH_U: UTF8, G_ONLY: GB, BOTH_G: GB}


def _kind(line: bytes) -> tuple[str, int]:
    """The line's kind, and the offset of the first byte neither encoding reads (else -1)."""
    if line.isascii():
        return ASCII, -1
    as_utf8 = line.decode(UTF8, "replace")  # no exception per line: most lines of a GBK file are not UTF-8
    utf8 = "\ufffd" not in as_utf8
    if not utf8:
        try:
            line.decode(UTF8)
            utf8 = True  # it spells U+FFFD itself
        except UnicodeDecodeError:
            pass
    try:
        line.decode(GB)
    except UnicodeDecodeError as exc:
        return (U_ONLY, -1) if utf8 else (NEITHER, exc.start)
    if not utf8:
        return G_ONLY, -1
    return (BOTH_G, -1) if _NOT_BUREAU_TEXT.search(as_utf8) else (BOTH_U, -1)


class _Scan:
    """The lines of a file that is not UTF-8 throughout: which encoding each non-ASCII line is in."""

    def __init__(self, path: Path) -> None:
        self.lines = {kind: array("q") for kind in (U_ONLY, G_ONLY, BOTH_U, BOTH_G, NEITHER)}
        self.offsets: dict[int, int] = {}
        self.header: str | None = None  # the kind of the first non-blank line
        self.header_line = 0
        self.bom = False
        with open(path, "rb") as fh:
            for number, line in enumerate(fh, 1):
                if number == 1 and line.startswith(_BOM):
                    self.bom, line = True, line[len(_BOM):]
                kind, offset = _kind(line)
                if self.header is None and line.strip():
                    self.header, self.header_line = kind, number
                if kind != ASCII:
                    self.lines[kind].append(number)
                    if offset >= 0 and len(self.offsets) < 100_000:
                        self.offsets[number] = offset

    def count(self, kind: str) -> int:
        return len(self.lines[kind])


def _refuse(path: Path, what: str, fix: str = "save it as UTF-8 or GBK (GB18030)") -> EncodingError:
    return EncodingError(f"{path.name}: {what}; {fix}")


def _decide(path: Path, scan: _Scan) -> tuple[str, dict[int, str]]:
    """The file's encoding and the lines to reject (number → the encoding they are in, or NEITHER).

    The header decides when it has non-ASCII text, else most lines do. In a UTF-8 file a line that is not UTF-8
    is rejected (a valid UTF-8 line is UTF-8, as in a file that is UTF-8 throughout); in a GB18030 file a line
    that only UTF-8 reads, or that reads as bureau text in UTF-8, is.
    """
    votes = {UTF8: scan.count(U_ONLY) + scan.count(BOTH_U), GB: scan.count(G_ONLY) + scan.count(BOTH_G)}
    unreadable = scan.lines[NEITHER]
    if scan.header == NEITHER:
        raise _refuse(path, f"line {scan.header_line} (the header row) is neither UTF-8 nor GB18030/GBK text")
    if unreadable and len(unreadable) > votes[UTF8] + votes[GB]:
        raise _refuse(path, f"neither UTF-8 nor GB18030/GBK text ({len(unreadable):,} line(s) neither encoding "
                            f"reads, the first is line {unreadable[0]})")
    majority = UTF8 if votes[UTF8] > votes[GB] else GB
    encoding = _VOTES.get(scan.header or ASCII, majority)
    other = GB if encoding == UTF8 else UTF8
    if encoding != majority and votes[other] > votes[encoding]:
        raise _refuse(path, f"line {scan.header_line} (the header row) is {_NAMES[encoding]} text but most lines "
                            f"are {_NAMES[other]}", "save the whole file in one encoding")
    wrong = (G_ONLY,) if encoding == UTF8 else (U_ONLY, BOTH_U)
    odd = {n: (UTF8 if kind in (U_ONLY, BOTH_U) else GB) for kind in wrong for n in scan.lines[kind]}
    odd.update(dict.fromkeys(unreadable, NEITHER))
    return encoding, odd


def _reason(kind: str, encoding: str, offset: int | None) -> str:
    if kind == NEITHER:
        at = f" (byte {offset + 1} of the line)" if offset is not None else ""
        return f"the line holds bytes that are neither UTF-8 nor GB18030/GBK text{at}"
    garbled = " (read as GBK it would be garbled)" if encoding == GB else ""
    return f"the line is {_NAMES[kind]} text in a {_NAMES[encoding]} file{garbled}: save the whole file in one encoding"


def _first_record(stream: io.TextIOBase, sep: str) -> list[str] | None:
    for record in csv.reader(stream, delimiter=sep):
        if any(field.strip() for field in record):
            return record
    return None


def _unique(names: list[str]) -> list[str]:
    """Header names as pandas makes them: an empty one is ``Unnamed: i``, a repeated one gets ``.1``, ``.2``…"""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        name = name or f"Unnamed: {i}"
        base, n = name, seen.get(name, 0)
        while name in seen:
            n += 1
            name = f"{base}.{n}"
        seen[base] = n
        seen[name] = 0
        out.append(name)
    return out


def _fields(text: str, sep: str) -> list[str]:
    """The fields of one row's text (a row the parser set aside), as the csv module splits them."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error:  # a field over the csv module's size limit
        return [text]
    return [field for row in rows for field in row]


def read_csv(path: Path, sep: str = ",") -> tuple[pd.DataFrame, str]:
    """The file's rows as text with ``_row``, ``_problem`` (and ``_extra``), and the encoding it was read in."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = Path(path)
    with open(path, "rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise _refuse(path, "UTF-16 text (Excel's \"Unicode text\")")
    odd: dict[int, str] = {}
    offsets: dict[int, int] = {}
    if _utf8_throughout(path):
        with open(path, "rb") as fh:
            encoding = UTF8_BOM if fh.read(3) == _BOM else UTF8
    else:
        scan = _Scan(path)
        encoding, odd = _decide(path, scan)
        offsets = scan.offsets
        if encoding == UTF8 and scan.bom:
            encoding = UTF8_BOM
    text_encoding = GB if encoding == GB else UTF8_BOM

    # Lines in the wrong encoding become a marker the parser reads as text; their rows are rebuilt below.
    raw: dict[int, bytes] = {}
    source: Path | io.BytesIO = path
    mark = ("\x01" if sep != "\x01" else "\x02") + _MARK  # not whitespace: str.strip() would take \x1c-\x1f
    if odd:
        buffer = io.BytesIO()
        with open(path, "rb") as fh:
            for number, line in enumerate(fh, 1):
                if number in odd:
                    body = line.rstrip(b"\r\n")
                    raw[number] = body
                    buffer.write(f"{mark}{number}{mark[0]}".encode("ascii") + line[len(body):])
                else:
                    buffer.write(line)
        source = buffer

    def text_stream() -> io.TextIOWrapper:
        # the wrapper returned owns the file: the caller's `with` closes it
        binary = open(path, "rb") if isinstance(source, Path) else io.BytesIO(source.getvalue())  # noqa: SIM115
        return io.TextIOWrapper(binary, encoding=text_encoding, newline="")

    with text_stream() as stream:
        header = _first_record(stream, sep)
    if header is None:
        raise InputError(f"{path.name}: empty file (no header row and no data)")
    width = len(header)
    names = [f"f{i}" for i in range(width)]
    invalid: list[tuple[int | None, int, str]] = []

    def keep_aside(row) -> str:  # pyarrow.csv.InvalidRow: a row whose field count is not the header's
        invalid.append((row.number, row.actual_columns, row.text))
        return "skip"

    if isinstance(source, io.BytesIO):
        source.seek(0)
    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=BLOCK, column_names=names,
                                           encoding="utf8" if encoding != GB else GB),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False,
                                              invalid_row_handler=keep_aside),
            # large_string: what pandas' text columns hold, so the frame takes the parsed text without a copy
            convert_options=pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        long_row = "straddl" in str(exc) or "block size" in str(exc)
        why = (f"a row longer than {BLOCK >> 20} MiB, or a quoted cell that is never closed" if long_row
               else "its rows cannot be split into fields")
        raise InputError(f"{path.name}: not a readable CSV file ({why})") from exc
    frame = table.to_pandas()
    del table  # the frame holds the same buffers; the table itself is not needed past here

    # Row numbers: the parser numbers every row it hands back aside; the kept rows are the others, in order.
    total = len(frame) + len(invalid)
    numbers = np.arange(1, total + 1)
    aside = [n for n, _, _ in invalid]
    if all(n is not None for n in aside):
        kept_numbers = numbers[~np.isin(numbers, np.asarray(aside, dtype=np.int64))]
    else:  # not known (never with one thread): count the kept rows only
        kept_numbers = numbers[: len(frame)]
    if len(kept_numbers) != len(frame):
        kept_numbers = np.arange(1, len(frame) + 1)
    frame["_row"] = kept_numbers
    frame["_problem"] = ""

    # The header is the first row with any text; blank rows (and rows above the header) are skipped.
    blank = pd.Series(True, index=frame.index)
    for name in names:
        blank &= frame[name].str.strip() == ""
        if not blank.any():
            break
    first = frame.index[~blank]
    if len(first) == 0:
        raise InputError(f"{path.name}: empty file (no header row and no data)")
    header_at = first[0]
    columns = _unique([str(v) for v in frame.loc[header_at, names]])
    header_row = int(frame.loc[header_at, "_row"])
    below = ~blank[frame.index > header_at]
    # the usual file has no blank row under its header: a slice, which shares the parsed text, else a copy without them
    frame = frame.iloc[header_at + 1:] if below.all() else frame.loc[(frame.index > header_at) & ~blank]

    pattern = re.compile(re.escape(mark) + r"(\d+)" + re.escape(mark[0]))

    def why_marked(text: str) -> str:
        """The encoding reasons of the lines whose markers ``text`` holds (a line inside a quoted cell)."""
        return "; ".join(f"line {n}: {_reason(odd[int(n)], encoding, offsets.get(int(n)))}"
                         for n in pattern.findall(text))

    def row_of(values: list[str], number: int, problem: str) -> dict[str, object]:
        row: dict[str, object] = dict(zip(names, values[:width] + [""] * (width - len(values))))
        if len(values) > width:
            row["_extra"] = sep.join(values[width:])
        row["_row"], row["_problem"] = number, problem
        return row

    rebuilt: list[dict[str, object]] = []
    lines_at: dict[int, int] = {}  # a line in the wrong encoding → its row number
    for row_number, found, text in invalid:
        number = row_number if row_number is not None else 0
        if number <= header_row or not text.strip():
            continue  # above the header, or a line of spaces (as blank as an empty one)
        whole = pattern.fullmatch(text.rstrip("\r\n"))
        if whole:
            lines_at[int(whole.group(1))] = number
            continue
        problem = f"expected {width} fields, found {found}"
        if mark in text:
            problem += "; " + why_marked(text)
        rebuilt.append(row_of(_fields(text, sep), number, problem))

    if odd:
        has_mark = pd.Series(False, index=frame.index)
        for name in names:
            has_mark |= frame[name].str.contains(mark, regex=False)
        own_rows = []
        for index in frame.index[has_mark]:
            cells = [str(frame.at[index, n]) for n in names]
            whole = pattern.fullmatch(cells[0]) if not any(cells[1:]) else None
            if whole:  # a file of one column: the marker line came back as a row of its own
                lines_at[int(whole.group(1))] = int(frame.at[index, "_row"])
                own_rows.append(index)
            else:
                frame.at[index, "_problem"] = why_marked(" ".join(cells))
        frame = frame.drop(index=own_rows)
        for line_number, number in lines_at.items():
            kind = odd[line_number]
            own = kind if kind != NEITHER else encoding
            rebuilt.append(row_of(_fields(raw[line_number].decode(own, "backslashreplace"), sep), number,
                                  _reason(kind, encoding, offsets.get(line_number))))

    if rebuilt:
        frame = pd.concat([frame, pd.DataFrame(rebuilt)], ignore_index=True)
        frame = frame.sort_values("_row", kind="stable")
        if "_extra" in frame:
            frame["_extra"] = frame["_extra"].fillna("")
    frame = frame.rename(columns=dict(zip(names, columns))).reset_index(drop=True)
    frame["_row"] = frame["_row"].astype("int64")
    return frame, encoding
