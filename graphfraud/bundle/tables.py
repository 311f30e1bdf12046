"""The evidence tables: claims, members, timeline, evidence rows and (drug-level data) items, as CSV and XLSX.

The same rows feed the PDF, so the report and the tables never disagree.
CSV files are UTF-8 with a BOM (Excel on Chinese Windows opens them right);
the workbook has one sheet per table and fixed document times (see
:func:`graphfraud.bundle.archive.normalise_xlsx`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from graphfraud.bundle import wording as w
from graphfraud.bundle.case import CaseData, paid
from graphfraud.viz import reason_text
from graphfraud.vocabulary import MEMBER_KINDS
from graphfraud.words import word

Table = tuple[list[str], list[dict[str, Any]]]   # column keys, rows

CLAIM_KEYS = ["ts", "claim_id", "patient_id", "card_id", "provider_id", "provider_name", "doctor_id", "visit_type",
              "diagnosis", "amount", "fund_paid", "counted", "motifs"]
MEMBER_KEYS = ["type", "id", "role", "name", "sex", "birth_date", "id_number", "phone", "address", "city",
               "death_date", "holder_id", "provider_id", "specialty", "claims", "amount"]
TIMELINE_KEYS = ["date", "claims", "amount", "fund_paid", "patients", "providers", "motifs"]
EVIDENCE_KEYS = ["no", "motif", "family", "statement", "detail", "patients", "providers", "doctors", "claims", "amount"]
ITEM_KEYS = ["claim_id", "line_id", "item_code", "item_name", "quantity", "unit_price", "amount", "trace_code",
             "split_pack", "box_sales"]


def _visit(visit_type: Any, lang: str) -> str:
    code = str(visit_type or "")
    return word(f"visit.{code}", lang, code)


def _yes_no(yes: bool, lang: str) -> str:
    return word("bundle.answer.yes" if yes else "bundle.answer.no", lang)


def _motifs_of(case: CaseData) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for ev in case.ring.get("evidence", []):
        for c in ev["claims"]:
            if ev["motif"] not in out[c]:
                out[c].append(ev["motif"])
    return out


def claim_rows(case: CaseData, lang: str) -> Table:
    """Every evidence claim, in time order, with the place's name and the patterns it shows."""
    motifs = _motifs_of(case)
    providers = case.facts.get("provider", {})
    rows = []
    for cid in case.claim_ids():
        c = case.claims[cid]
        rows.append({
            "ts": c.get("ts") or "", "claim_id": cid, "patient_id": c.get("patient_id") or "",
            "card_id": c.get("card_id") or "", "provider_id": c.get("provider_id") or "",
            "provider_name": providers.get(str(c.get("provider_id")), {}).get("name") or "",
            "doctor_id": c.get("doctor_id") or "", "visit_type": _visit(c.get("visit_type"), lang),
            "diagnosis": c.get("diagnosis") or "", "amount": round(float(c.get("amount") or 0), 2),
            "fund_paid": round(float(c["fund_paid"]), 2) if c.get("fund_paid") is not None else "",
            "counted": _yes_no(case.counted(cid), lang),
            "motifs": "、".join(w.motif_title(m, lang) for m in sorted(motifs.get(cid, []))) if lang == "zh"
            else "; ".join(w.motif_title(m, lang) for m in sorted(motifs.get(cid, []))),
        })
    return CLAIM_KEYS, rows


def member_totals(case: CaseData) -> dict[tuple[str, str], tuple[int, float]]:
    """Per member: evidence claims and their fund share, counting member patients' claims only (as detection does)."""
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0.0])
    for cid in case.ring_claims():
        c = case.claims[cid]
        for kind in MEMBER_KINDS:
            if c.get(kind.id_column):
                t = totals[(kind, str(c[kind.id_column]))]
                t[0] += 1
                t[1] += paid(c)
    return {k: (v[0], round(v[1], 2)) for k, v in totals.items()}


def member_rows(case: CaseData, lang: str) -> Table:
    """Every member with its role and what the graph knows of it (personal facts for people)."""
    totals = member_totals(case)
    rows = []
    for kind in MEMBER_KINDS:
        for m in sorted(case.members(kind), key=lambda m: m["id"]):
            f = case.facts.get(kind, {}).get(m["id"], {})
            n, amount = totals.get((kind, m["id"]), (0, 0.0))
            rows.append({
                "kind": kind, "type": word(f"kind.{kind}", lang), "id": m["id"],
                "role": word(f"bundle.role.{m.get('role') or ''}", lang, m.get("role") or ""),
                "name": f.get("name") or "",
                "sex": word(f"bundle.sex.{f['sex']}", lang, str(f["sex"])) if f.get("sex") else "",
                "birth_date": f.get("birth_date") or "", "id_number": f.get("id_number") or "",
                "phone": f.get("phone") or "", "address": f.get("address") or "",
                "city": (f.get("city") or "") if kind in ("patient", "provider") else "",
                "death_date": f.get("death_date") or "", "holder_id": f.get("holder_id") or "",
                "provider_id": f.get("provider_id") or "" if kind == "doctor" else "",
                "specialty": f.get("specialty") or "", "claims": n, "amount": amount,
            })
    return MEMBER_KEYS, rows


def timeline_rows(case: CaseData, lang: str) -> Table:
    """The ring's claims day by day (the one rule: :mod:`graphfraud.detect.tally`): how many, how much, who, where."""
    motifs = _motifs_of(case)
    days: dict[str, dict[str, Any]] = {}
    for cid in case.ring_claims():
        c = case.claims[cid]
        day = str(c.get("ts") or "")[:10] or "—"
        d = days.setdefault(day, {"claims": 0, "amount": 0.0, "fund_paid": 0.0, "patients": set(), "providers": set(), "motifs": set()})
        d["claims"] += 1
        d["amount"] += float(c.get("amount") or 0)
        d["fund_paid"] += paid(c)
        if c.get("patient_id"):
            d["patients"].add(str(c["patient_id"]))
        if c.get("provider_id"):
            d["providers"].add(str(c["provider_id"]))
        d["motifs"].update(motifs.get(cid, []))
    sep = "、" if lang == "zh" else "; "
    rows = [{
        "date": day, "claims": d["claims"], "amount": round(d["amount"], 2), "fund_paid": round(d["fund_paid"], 2),
        "patients": " ".join(sorted(d["patients"])), "providers": " ".join(sorted(d["providers"])),
        "motifs": sep.join(w.motif_title(m, lang) for m in sorted(d["motifs"])),
    } for day, d in sorted(days.items())]
    return TIMELINE_KEYS, rows


def when(ts: Any, seconds: bool = False) -> str:
    """A stored time (ISO) as people write it: ``2025-11-19 17:05``."""
    if not ts:
        return "—"
    return str(ts).replace("T", " ")[: 19 if seconds else 16]


def _listed(ids: list[str], lang: str, limit: int = 8) -> str:
    if len(ids) <= limit:
        return "、".join(ids) if lang == "zh" else ", ".join(ids)
    shown = ("、" if lang == "zh" else ", ").join(ids[:limit])
    return f"{shown} 等 {len(ids)} 个" if lang == "zh" else f"{shown} and {len(ids) - limit} more"


def statement(case: CaseData, ev: dict[str, Any], lang: str) -> str:
    """One evidence row in plain words, from its entities and its claims' facts (language of the report)."""
    claims = [case.claims[c] for c in ev["claims"] if c in case.claims]
    cards = sorted({str(c["card_id"]) for c in claims if c.get("card_id")})
    times = sorted(str(c["ts"]) for c in claims if c.get("ts"))
    total = sum(float(c.get("amount") or 0) for c in claims)
    if lang != "zh":
        return ev.get("detail") or w.motif_title(ev["motif"], lang)
    parts = []
    for label, ids in (("参保人", ev.get("patients") or []), ("医保卡", cards), ("机构", ev.get("providers") or []),
                       ("医师", ev.get("doctors") or [])):
        if ids:
            parts.append(f"{label} {_listed(list(ids), lang)}")
    span = f"，{when(times[0])} 至 {when(times[-1])}" if times else ""
    why = f"{ev['detail_zh']}。" if ev.get("detail_zh") else ""
    return f"{why}{'；'.join(parts)}：{len(claims)} 笔结算{span}，合计 {w.money(total)} 元。"


def evidence_rows(case: CaseData, lang: str) -> Table:
    """The ring's evidence rows: which pattern, in plain words, and the claims behind each."""
    rows = []
    for i, ev in enumerate(case.ring.get("evidence", []), start=1):
        claims = [case.claims[c] for c in ev["claims"] if c in case.claims]
        rows.append({
            "no": i, "motif": w.motif_title(ev["motif"], lang),
            "family": word(f"bundle.family.{ev.get('family') or ''}", lang, ev.get("family") or ""),
            "statement": statement(case, ev, lang),
            "detail": reason_text(ev, lang),
            "patients": " ".join(ev.get("patients") or []), "providers": " ".join(ev.get("providers") or []),
            "doctors": " ".join(ev.get("doctors") or []), "claims": " ".join(ev["claims"]),
            "amount": round(sum(float(c.get("amount") or 0) for c in claims), 2),
        })
    return EVIDENCE_KEYS, rows


def item_rows(case: CaseData, lang: str) -> Table:
    """The drugs and boxes of the evidence claims: each line with its traceability code and how often that box
    was sold (a box sold twice is a box settled again, unless split or returned)."""
    rows = []
    for item in case.items:
        split = item.get("split_pack")
        rows.append({
            "claim_id": item["claim_id"], "line_id": item.get("line_id") or "", "item_code": item.get("item_code") or "",
            "item_name": item.get("item_name") or "", "quantity": item.get("quantity") if item.get("quantity") is not None else "",
            "unit_price": round(float(item["unit_price"]), 2) if item.get("unit_price") is not None else "",
            "amount": round(float(item["amount"]), 2) if item.get("amount") is not None else "",
            "trace_code": item.get("trace_code") or "",
            "split_pack": "" if split is None else _yes_no(int(split) == 1, lang),
            "box_sales": int(item.get("box_sales") or 0) if item.get("trace_code") else "",
        })
    return ITEM_KEYS, rows


def heading(table: str, key: str, lang: str) -> str:
    """A column's heading in ``table`` (claims, members, timeline, evidence, history, items): words in Chinese,
    the column's own name in English."""
    return word(f"bundle.column.{table}.{key}", lang, key)


def all_tables(case: CaseData, lang: str) -> dict[str, Table]:
    """The bundle's tables; ``items`` only for a ring whose evidence claims have lines (drug-level data)."""
    tables = {"claims": claim_rows(case, lang), "members": member_rows(case, lang),
              "timeline": timeline_rows(case, lang), "evidence": evidence_rows(case, lang)}
    if case.items:
        tables["items"] = item_rows(case, lang)
    return tables


def cell_text(value: Any, money: bool = False) -> str:
    """A cell as text: amounts with two decimals (thousands separated for people when ``money``)."""
    if isinstance(value, float):
        return w.money(value) if money else f"{value:.2f}"
    return str(value)


def csv_bytes(name: str, table: Table, lang: str) -> bytes:
    """One table as CSV (UTF-8 with BOM, headers in the report's language)."""
    keys, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([heading(name, k, lang) for k in keys])
    for row in rows:
        writer.writerow([cell_text(row.get(k, "")) for k in keys])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(tables: dict[str, Table], lang: str, created: str) -> bytes:
    """All tables in one workbook, one sheet each, header row frozen, same bytes for the same rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from graphfraud.bundle.archive import normalise_xlsx

    book = Workbook()
    book.remove(book.active)
    for name, (keys, rows) in tables.items():
        sheet = book.create_sheet(word(f"bundle.sheet.{name}", lang))
        sheet.append([heading(name, k, lang) for k in keys])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(k, "") for k in keys])
        for i, key in enumerate(keys, start=1):
            if rows and isinstance(rows[0].get(key), float):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "#,##0.00"
        sheet.freeze_panes = "A2"
        for i, key in enumerate(keys, start=1):
            width = max([len(heading(name, key, lang)) * 2] + [len(str(r.get(key, ""))) for r in rows[:200]])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(60, max(8, width + 2))
    book.properties.creator = "graphfraud"
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise_xlsx(buffer.getvalue(), created)
