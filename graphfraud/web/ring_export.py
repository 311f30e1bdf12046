"""The ring list as a file: CSV (UTF-8 with BOM, opens right in Excel on Chinese Windows) or XLSX.

The same rows as the list page with the same filters and order, every page of
them. A cell that a spreadsheet would read as a formula (starting with ``=``,
``+``, ``-``, ``@``) is written with a leading apostrophe, so a hostile name
cannot run in the investigator's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from graphfraud.web.i18n import texts

COLUMNS = ("ring_id", "score", "patterns", "status", "size", "amount_at_risk", "cities", "motifs", "last_seen",
           "assignee", "due")
_HEADERS = {"ring_id": "ring", "patterns": "pattern", "size": "patients", "due": "appeal_due"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def rows(rings: Sequence[Mapping[str, Any]], lang: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the list in ``lang`` (patterns, statuses and motifs as words)."""
    t = texts(lang)
    sep = "、" if lang == "zh" else "; "
    header = [t[_HEADERS.get(k, k)] for k in COLUMNS]
    out = []
    for r in rings:
        out.append([_safe(v) for v in (
            r["ring_id"], round(float(r.get("score") or 0), 3), sep.join(t.get(p, p) for p in r.get("patterns", [])),
            t.get("status_" + (r.get("status") or "new"), r.get("status")), r.get("size"),
            round(float(r.get("amount_at_risk") or 0), 2), sep.join(r.get("cities", [])),
            sep.join(r.get("motif_titles") or r.get("motif_list") or []), (r.get("last_seen") or "")[:10],
            r.get("assignee") or "", r.get("due") or "")])
    return header, out


def csv_bytes(rings: Sequence[Mapping[str, Any]], lang: str) -> bytes:
    header, body = rows(rings, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in body)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rings: Sequence[Mapping[str, Any]], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, body = rows(rings, lang)
    book = Workbook()
    sheet = book.active
    sheet.title = texts(lang)["rings"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
