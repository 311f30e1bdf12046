"""report.pdf: the case as a printable document, in Chinese (or English), with its font embedded.

Built with fpdf2, which embeds a *subset* of an OpenType font with CFF
outlines (Noto Sans SC, see :mod:`graphfraud.bundle.fonts`): only the glyphs
the report uses travel with it, so a report stays in the tens of kilobytes
and reads the same on any computer. Every page carries the ring id, the data
snapshot id and its page number, so a printed page can be matched to its
bundle. Metadata is fixed (creation date = the detection run's time), so the
same data gives the same bytes apart from the export record the summary
prints (who exported, when: the same record as manifest.json and the trail).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from graphfraud.bundle import wording as w
from graphfraud.bundle.case import CaseData, paid
from graphfraud.bundle.fonts import cjk_font, font_name
from graphfraud.bundle.tables import Table, cell_text, heading, when
from graphfraud.case.workflow import label as status_label
from graphfraud.detect.tally import totals
from graphfraud.vocabulary import MEMBER_KINDS
from graphfraud.words import chance, word

FONT = "cjk"
INK, GREY, ACCENT = (33, 33, 33), (110, 110, 110), (176, 30, 36)
HEAD_FILL = (235, 235, 235)
FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)
# What a Chinese line may not break inside: an id, a number, a date or time (P002103, 12,459.76, 2025-08-27 13:25
# keeps its space as a break), and the closing punctuation that must stay with what it closes
_UNBROKEN = re.compile(r"[A-Za-z0-9_.,:/#%+\-]+[、，。；：）》」]?|.[、，。；：）》」]?", re.DOTALL)


def _created(case: CaseData) -> datetime:
    """The document's fixed date: the detection run's time (when the data was analysed), never 'now'."""
    stamp = case.ring.get("last_seen") or case.ring.get("first_seen")
    try:
        moment = datetime.fromisoformat(str(stamp))
    except (TypeError, ValueError):
        return FALLBACK_DATE
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Report:
    """An fpdf2 document with the report's page furniture and a few writing helpers."""

    def __init__(self, case: CaseData, lang: str, drawn: list[str] | None = None) -> None:
        from fpdf import FPDF
        from fpdf.enums import WrapMode

        self.case, self.lang = case, lang
        self.wrap = WrapMode.CHAR if lang == "zh" else WrapMode.WORD   # Chinese breaks anywhere, English between words
        report = self
        drawn = drawn if drawn is not None else []

        class _Doc(FPDF):
            def cell(self, w=None, h=None, text="", *args, **kwargs):
                drawn.append(str(text))
                return super().cell(w, h, text, *args, **kwargs)

            def multi_cell(self, w, h=None, text="", *args, **kwargs):
                drawn.append(str(text))
                return super().multi_cell(w, h, text, *args, **kwargs)

            def header(self) -> None:
                self.set_font(FONT, size=7.5)
                self.set_text_color(*GREY)
                self.cell(0, 5, f"{report.case.ring_id} · {word('bundle.heading.snapshot', lang)} {report.case.snapshot}"
                          + (" · REDACTED" if report.case.redacted else ""), align="R")
                self.ln(7)
                self.set_text_color(*INK)

            def footer(self) -> None:
                self.set_y(-12)
                self.set_font(FONT, size=7.5)
                self.set_text_color(*GREY)
                self.cell(0, 5, word("bundle.heading.page", lang).format(page=self.page_no(), pages="{nb}"), align="C")
                self.set_text_color(*INK)

        pdf = _Doc(format="A4")
        pdf.set_creation_date(_created(case))
        pdf.set_title(f"{word('bundle.heading.title', lang)} {case.ring_id}")
        pdf.set_creator(case.tool)
        pdf.set_producer(case.tool)
        pdf.set_lang("zh-CN" if lang == "zh" else "en")
        pdf.add_font(FONT, "", str(cjk_font()))
        pdf.set_margins(15, 12, 15)
        pdf.set_auto_page_break(True, margin=16)
        pdf.alias_nb_pages()
        self.pdf = pdf

    def lines(self, text: str, width: float) -> str:
        """``text`` with its line breaks chosen for a Chinese report ``width`` mm wide in the current font:
        anywhere between Chinese characters, never inside an id, a number or a date (fpdf2 breaks Chinese text
        character by character, which cut ``P00210|3`` and ``2|025-08-27`` across lines). English is left to
        fpdf2, which breaks it between words."""
        if self.lang != "zh" or width <= 0:
            return text
        out: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for unit in _UNBROKEN.findall(paragraph):
                size = self.pdf.get_string_width(unit)
                if line and used + size > width:
                    out.append(line.rstrip(" "))
                    line, used = unit.lstrip(" "), self.pdf.get_string_width(unit.lstrip(" "))
                else:
                    line, used = line + unit, used + size
            out.append(line)
        return "\n".join(out)

    def heading(self, key: str) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, size=13)
        pdf.set_text_color(*ACCENT)
        pdf.cell(0, 8, word(f"bundle.heading.{key}", self.lang), new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*ACCENT)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_text_color(*INK)
        pdf.ln(2)

    def subheading(self, text: str) -> None:
        self.pdf.set_font(FONT, size=10.5)
        self.pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str, size: float = 9.5, colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(FONT, size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, size * 0.55, self.lines(text, self.pdf.epw * 0.98), new_x="LMARGIN", new_y="NEXT",
                            wrapmode=self.wrap)
        self.pdf.set_text_color(*INK)
        self.pdf.ln(1)

    def table(self, header: Sequence[str] | None, rows: Sequence[Sequence[Any]], widths: Sequence[float],
              size: float = 8.0) -> None:
        """A bordered table; its heading row (if any) repeats on every page it spans."""
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font(FONT, size=size)
        room = [pdf.epw * wd / sum(widths) * 0.97 - 2 * 0.8 for wd in widths]   # a cell's text width (padding 0.8)
        with pdf.table(col_widths=tuple(widths), text_align="LEFT", line_height=size * 0.5, wrapmode=self.wrap,
                       headings_style=FontFace(emphasis="", fill_color=HEAD_FILL), padding=0.8,
                       first_row_as_headings=header is not None) as table:
            if header is not None:
                row = table.row()
                for h, fits in zip(header, room):
                    row.cell(self.lines(str(h), fits))
            for values in rows:
                row = table.row()
                for v, fits in zip(values, room):
                    row.cell(self.lines(cell_text(v, money=True), fits))
        pdf.ln(2)


def _export_record(case: CaseData, lang: str) -> str:
    """Who exported this bundle and when (the same record as manifest.json and the case trail)."""
    if not case.exported_by:
        return "—"
    return (f"{case.exported_by}，{case.exported_at.replace('T', ' ')}" if lang == "zh"
            else f"{case.exported_by}, {case.exported_at.replace('T', ' ')}")


def _h(table: str, keys: Sequence[str], lang: str) -> list[str]:
    """Column headings for people: the tables' English keys (``evidence_amount_cny``) read as words."""
    words = [heading(table, k, lang) for k in keys]
    return words if lang == "zh" else [x.replace("_cny", " (CNY)").replace("_", " ") for x in words]


def pdf_bytes(case: CaseData, tables: dict[str, Table], picture: bytes, lang: str,
              drawn: list[str] | None = None) -> bytes:
    """The report as PDF bytes, from the same rows as the CSV/XLSX tables and the same picture as graph.png.

    Every text drawn is appended to ``drawn`` when given, so the redaction check
    can read the PDF's text without a PDF parser.
    """
    r = _Report(case, lang, drawn)
    pdf, ring = r.pdf, case.ring
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.cell(0, 11, word("bundle.heading.title", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 7, case.ring_id, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    status = str(ring.get("status") or "new")
    if status not in ("confirmed", "referred"):
        r.para(word("bundle.heading.draft", lang).format(status=status_label(status, lang)), colour=ACCENT)
    if case.redacted:
        r.para(word("bundle.heading.redacted", lang), colour=ACCENT)

    # 一、案件摘要
    r.heading("summary")
    sep = "、" if lang == "zh" else ", "
    sizes: dict[str, int] = {k: len(case.members(k)) for k in MEMBER_KINDS}
    size_text = (f"参保人 {sizes['patient']} 人，医保卡 {sizes['card']} 张，医药机构 {sizes['provider']} 家，医师 {sizes['doctor']} 人"
                 if lang == "zh" else
                 f"{sizes['patient']} patients, {sizes['card']} cards, {sizes['provider']} providers, {sizes['doctor']} doctors")
    own = totals(case.ring_claims(), case.claims)   # the ring's claims: the number every section and view gives
    outside = len(case.claims) - own.claims
    rows_n = len(ring.get("evidence", []))
    evidence_text = (f"{rows_n} 条疑点证据，涉及团伙成员结算 {own.claims} 笔"
                     + (f"（证据另涉及团伙外人员结算 {outside} 笔，见证据清单，不计入）" if outside else "")
                     if lang == "zh" else
                     f"{rows_n} evidence {w.plural(rows_n, 'row', 'rows')} over {own.claims} of the ring's claims"
                     + (f" (the evidence also names {outside} {w.plural(outside, 'claim', 'claims')} of people "
                        "outside the ring, listed with the evidence claims, not counted)" if outside else ""))
    period = f"{when(case.period[0], seconds=True)} — {when(case.period[1], seconds=True)}"
    summary = [
        (word("bundle.summary.ring_id", lang), case.ring_id),
        (word("bundle.summary.status", lang), status_label(status, lang)),
        (word("bundle.summary.patterns", lang), sep.join(word(f"bundle.family.{p}", lang, p) for p in ring.get("patterns", []))),
        (word("bundle.summary.score", lang), f"{float(ring.get('score') or 0):.3f}"
         + (f" — {said}" if (said := chance(ring.get("significance"), lang, superscript=False)) else "")),
        (word("bundle.summary.size", lang), size_text),
        (word("bundle.summary.amount_at_risk", lang), f"{w.money(float(ring.get('amount_at_risk') or 0))} {w.currency(lang)}"),
        (word("bundle.summary.evidence", lang), evidence_text),
        (word("bundle.heading.period", lang), period),
        (word("bundle.heading.snapshot", lang), case.snapshot),
        (word("bundle.summary.run_id", lang), case.run_id or "—"),
        (word("bundle.summary.first_seen", lang), str(ring.get("first_seen") or "—")),
        (word("bundle.summary.tool", lang), case.tool),
        (word("bundle.summary.export_record", lang), _export_record(case, lang)),
    ]
    r.table(None, summary, (45, 135), size=9)

    # 二、成员及角色
    r.heading("members")
    _, members = tables["members"]
    layouts = {
        "patient": (["id", "name", "role", "sex", "birth_date", "id_number", "phone", "address", "claims", "amount"],
                    (16, 13, 22, 7, 16, 28, 19, 31, 9, 19)),
        "card": (["id", "holder_id", "role", "claims", "amount"], (30, 30, 60, 20, 40)),
        "provider": (["id", "name", "role", "city", "claims", "amount"], (20, 55, 40, 20, 15, 30)),
        "doctor": (["id", "name", "role", "provider_id", "specialty", "claims", "amount"], (20, 20, 40, 25, 30, 15, 30)),
    }
    for kind in MEMBER_KINDS:
        keys, widths = layouts[kind]
        rows = [m for m in members if m["kind"] == kind]
        if not rows:
            continue
        title = word(f"bundle.heading.{kind.plural}", lang)
        r.subheading(f"{title}（{len(rows)}）" if lang == "zh" else f"{title} ({len(rows)})")
        r.table(_h("members", keys, lang), [[m.get(k, "") for k in keys] for m in rows], widths, size=7)

    # 三、疑点说明
    r.heading("patterns")
    by_motif: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ev in ring.get("evidence", []):
        by_motif[ev["motif"]].append(ev)
    for motif in sorted(by_motif, key=lambda m: (-len(by_motif[m]), m)):
        rows = by_motif[motif]
        # the ring's own claims among this pattern's rows (each claim once): never more than the ring's totals
        part = totals(case.ring_claims(c for ev in rows for c in ev["claims"]), case.claims)
        r.subheading(w.motif_title(motif, lang))
        r.para(w.explanation(motif, lang), size=9)
        r.para((f"本团伙中共 {len(rows)} 条，涉及团伙成员 {part.patients} 人、结算 {part.claims} 笔、"
                f"基金支付 {w.money(part.fund_paid)} {w.currency(lang)}。"
                if lang == "zh" else
                f"{len(rows)} {w.plural(len(rows), 'row', 'rows')} in this ring: {part.patients} member "
                f"{w.plural(part.patients, 'patient', 'patients')}, {part.claims} {w.plural(part.claims, 'claim', 'claims')}, "
                f"fund paid {w.money(part.fund_paid)} {w.currency(lang)}."),
               size=8.5, colour=GREY)
    keys, evidence = tables["evidence"]
    r.subheading(word("bundle.heading.evidence_rows", lang))
    r.table(_h("evidence", ["no", "motif", "statement"], lang),
            [[e["no"], e["motif"], e["statement"]] for e in evidence], (10, 40, 130), size=7)

    # 四、涉案金额
    r.heading("amount")
    counted = case.ring_claims()
    at_risk, total = own.fund_paid, own.amount
    r.para(f"涉案金额按团伙成员（参保人）证据结算的基金支付部分计算：共 {len(counted)} 笔，总金额 {w.money(total)} 元，"
            f"其中基金支付 {w.money(at_risk)} 元（检测时记录为 {w.money(float(ring.get('amount_at_risk') or 0))} 元）。"
            if lang == "zh" else
            f"The amount at risk is the fund's share of the ring patients' evidence claims: {len(counted)} claims, "
            f"{w.money(total)} CNY in total, of which the fund paid {w.money(at_risk)} CNY "
            f"(recorded at detection: {w.money(float(ring.get('amount_at_risk') or 0))} CNY).")
    by_visit: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    by_provider: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for c in counted:
        f = case.claims[c]
        for bucket, key in ((by_visit, str(f.get("visit_type") or "")), (by_provider, str(f.get("provider_id") or ""))):
            bucket[key][0] += 1
            bucket[key][1] += float(f.get("amount") or 0)
            bucket[key][2] += paid(f)
    head = [word(f"bundle.column.at_risk.{k}", lang) for k in ("claims", "amount", "fund_paid")]
    r.table([word("bundle.column.at_risk.visit_type", lang), *head],
            [[word(f"visit.{k}", lang, k), int(v[0]), round(v[1], 2), round(v[2], 2)] for k, v in sorted(by_visit.items())],
            (60, 30, 45, 45), size=8)
    names = case.facts.get("provider", {})
    top = sorted(by_provider.items(), key=lambda kv: (-kv[1][2], kv[0]))[:15]
    r.table([word("bundle.column.at_risk.provider", lang), *head],
            [[f"{k} {names.get(k, {}).get('name') or ''}".strip(), int(v[0]), round(v[1], 2), round(v[2], 2)] for k, v in top],
            (60, 30, 45, 45), size=8)

    # 五、时间线
    r.heading("timeline")
    keys, timeline = tables["timeline"]
    r.table(_h("timeline", ["date", "claims", "amount", "fund_paid", "providers", "motifs"], lang),
            [[t["date"], t["claims"], t["amount"], t["fund_paid"], t["providers"], t["motifs"]] for t in timeline],
            (22, 14, 24, 24, 40, 56), size=7)

    # 六、关系图
    r.heading("graph")
    image_w = pdf.w - pdf.l_margin - pdf.r_margin
    if pdf.get_y() + image_w * 0.72 > pdf.h - 20:
        pdf.add_page()
    pdf.image(picture, w=image_w)
    r.para(word("bundle.heading.graph_note", lang), size=8, colour=GREY)

    # 七、证据清单
    r.heading("claims")
    keys, claim_table = tables["claims"]
    shown = ["ts", "claim_id", "patient_id", "card_id", "provider_id", "doctor_id", "visit_type", "diagnosis", "amount",
             "fund_paid", "counted"]
    r.table(_h("claims", shown, lang), [[c[k] for k in shown] for c in claim_table],
            (26, 19, 16, 16, 14, 14, 15, 13, 16, 16, 15), size=6.5)

    # 八、审核记录
    r.heading("history")
    if case.history:
        history_rows: list[list[Any]] = []
        for e in case.history:
            action = word(f"bundle.action.{e['action']}", lang, e["action"])
            if e["action"] in ("status", "reopened"):
                action += f"：{status_label(e['from_status'], lang)} → {status_label(e['to_status'], lang)}" if lang == "zh" \
                    else f": {status_label(e['from_status'], lang)} → {status_label(e['to_status'], lang)}"
            history_rows.append([e["seq"], e["at"], e["actor"], action, e["note"]])
        r.table(_h("history", ["seq", "at", "actor", "action", "note"], lang), history_rows, (10, 34, 24, 50, 62), size=7.5)
    else:
        r.para(word("bundle.heading.no_history", lang))

    # 九、数据来源与核验
    r.heading("provenance")
    r.table(None, [
        (word("bundle.heading.period", lang), period),
        (word("bundle.heading.snapshot", lang), case.snapshot),
        (word("bundle.summary.run_id", lang), case.run_id or "—"),
        (word("bundle.summary.tool", lang), case.tool),
        (word("bundle.heading.font", lang), font_name(cjk_font()) + word("bundle.heading.font_subset", lang)),
    ], (45, 135), size=8.5)
    r.para(word("bundle.heading.verify", lang), size=8.5)

    # 十、经办及签章: the bureau's block for signatures and its seal on the printed referral
    r.heading("signatures")
    r.table(None, [(label, "\n\n") for label in word("bundle.heading.signature_rows", lang).split("|")], (60, 120), size=10)  # room to sign
    return bytes(pdf.output())
