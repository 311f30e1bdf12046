"""Zip files that are the same bytes every time: sorted entries, fixed timestamps and attributes, atomic writes.

The bundle and the XLSX inside it are both zip archives. ``zipfile`` stamps
each entry with the current time and the host system; here every entry gets
1980-01-01 00:00, Unix attributes 0644 and the same compression level, so
archives with the same content are byte-identical. Writing goes through
``graphfraud.atomic`` (a hidden temporary file beside the target, synced,
renamed only when complete), so a failure or a crash never leaves a
half-written archive.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from graphfraud.atomic import write_bytes_atomic
from graphfraud.errors import BundleError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
TEXT_SUFFIXES = (".csv", ".json", ".html", ".cypher", ".txt", ".xml", ".rels")


def zip_bytes(files: dict[str, bytes], folder: str = "") -> bytes:
    """An archive of ``files`` (name → content), entries sorted by name, with fixed metadata.

    With ``folder`` every entry sits in that one top-level folder (a bundle unzips into ``R-…/``,
    not loose files among whatever else is in the investigator's downloads).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}" if folder else name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def normalise_xlsx(data: bytes, created: str) -> bytes:
    """An XLSX (a zip) rewritten with fixed entry metadata and fixed document times.

    openpyxl stamps the workbook with the time it was saved (``dcterms:created``
    and ``dcterms:modified`` in ``docProps/core.xml``); both become ``created``
    (an ISO time derived from the data, so the same data gives the same file).
    """
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            part = archive.read(name)
            if name == "docProps/core.xml":
                text = part.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{created}\g<2>", text)
                part = text.encode("utf-8")
            parts[name] = part
    # [Content_Types].xml must stay the first entry for some readers; the rest sorted
    ordered = io.BytesIO()
    with zipfile.ZipFile(ordered, "w") as archive:
        names = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return ordered.getvalue()


def write_atomic(out: Path, data: bytes, before_rename: Callable[[], None] | None = None) -> Path:
    """Write ``data`` to ``out`` through a temporary file in the same folder; nothing is left on failure.

    ``before_rename`` runs once the temporary file is complete and synced (the export
    records itself on the case trail there); if it raises, the temporary file
    is removed and ``out`` is left as it was.
    """
    out = Path(out)
    try:
        return write_bytes_atomic(out, data, before_rename=before_rename)
    except OSError as exc:
        raise BundleError(f"{out}: cannot write the bundle ({exc.strerror or exc})") from exc


def text_parts(name: str, data: bytes) -> Iterator[bytes]:
    """The searchable text of a bundle file: itself for text files, its XML parts for an XLSX."""
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in sorted(archive.namelist()):
                yield archive.read(part)
    elif name.endswith(TEXT_SUFFIXES):
        yield data


def top_folder(names: list[str]) -> str:
    """The one top-level folder every entry of an archive sits in, with its slash ("" when they do not share one)."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return ""
