"""Interactive ring graphs (pyvis): offline, escaped, with a legend and a cap on size.

A ring graph shows the ring's members (red border) and the places and doctors
its evidence mentions without implicating them (grey), with edges from the
evidence: card → provider for claims (count, amount, dates, diagnoses in the
tooltip), patient → card for holding, doctor → provider where the doctor wrote
the scripts. Evidence edges are red. JavaScript is inlined (bureau networks
are closed), every value shown is HTML-escaped, and graphs beyond ``max_nodes``
are cut with a note saying what was left out.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from graphfraud.resources import data_dir

DEFAULT_MAX_NODES = 300


def _style() -> dict[str, Any]:
    return json.loads((data_dir("viz") / "styles.json").read_text(encoding="utf-8"))


def _options() -> str:
    return (data_dir("viz") / "options.json").read_text(encoding="utf-8")


def _offline(page: str) -> str:
    """Drop what pyvis's template fetches from the internet even with inlined resources.

    Its template links Bootstrap from a CDN (only cosmetic) and keeps a
    commented-out node_modules script tag; bureau networks are closed, so a page
    must not reach out at all.
    """
    page = re.sub(r"<!-- <link rel=\"stylesheet\" href=\"\.\./node_modules.*?-->", "", page, flags=re.S)
    page = re.sub(r"<link\s+href=\"https://[^>]*/>", "", page, flags=re.S)
    page = re.sub(r"<script\s+src=\"https://[^>]*>\s*</script>", "", page, flags=re.S)
    return page


def _tooltip(lines: list[tuple[str, Any]]) -> str:
    """A tooltip as HTML in which every value is escaped (the page renders tooltips as HTML)."""
    return "<br>".join(f"<b>{html.escape(str(k))}</b>: {html.escape(str(v))}" for k, v in lines if v not in (None, ""))


def ring_graph(ring: dict[str, Any], claims: dict[str, dict[str, Any]], out: Path,
               max_nodes: int = DEFAULT_MAX_NODES, lang: str = "zh") -> Path:
    """Write the interactive graph of one ring (a ``rings.json`` entry) to ``out``; return the path."""
    from pyvis.network import Network

    style = _style()
    members = {(m["type"], m["id"]): m.get("role", "") for m in ring["members"]}
    evidence_claims = {c for ev in ring["evidence"] for c in ev["claims"]}
    reasons: dict[str, list[str]] = defaultdict(list)
    for ev in ring["evidence"]:
        for c in ev["claims"]:
            if len(reasons[c]) < 3:
                reasons[c].append(ev["detail"])

    nodes: dict[tuple[str, str], dict[str, Any]] = {}

    def add(kind: str, ident: str) -> None:
        key = (kind, ident)
        if key in nodes:
            return
        role = members.get(key)
        look = style[kind] if role is not None else style["context"]
        nodes[key] = {"kind": kind, "id": ident, "role": role, "look": look, "member": role is not None}

    for (kind, ident) in members:
        add(kind, ident)
    edges: dict[tuple[tuple[str, str], tuple[str, str]], dict[str, Any]] = {}

    def tally(a: tuple[str, str], b: tuple[str, str], cid: str, c: dict[str, Any], why: list[str]) -> None:
        """Add one claim to the edge a → b (claims, amount, times, diagnoses, reasons)."""
        for key in (a, b):
            add(*key)
        e = edges.setdefault((a, b), {"claims": [], "amount": 0.0, "ts": [], "dx": set(), "why": []})
        e["claims"].append(cid)
        e["amount"] += float(c.get("amount") or 0)
        e["ts"].append(str(c.get("ts") or ""))
        if c.get("diagnosis"):
            e["dx"].add(str(c["diagnosis"]))
        e["why"].extend(why)

    holder_of: dict[str, str] = {}
    for cid in sorted(evidence_claims):
        c = claims.get(cid)
        if not c or (("card", c.get("card_id")) not in members and ("patient", c.get("patient_id")) not in members):
            continue
        holder_of[c["card_id"]] = c["patient_id"]
        payer = ("card", c["card_id"]) if ("card", c["card_id"]) in members else ("patient", c["patient_id"])
        provider = ("provider", c["provider_id"])
        tally(payer, provider, cid, c, reasons.get(cid, []))
        if c.get("doctor_id"):
            tally(("doctor", c["doctor_id"]), provider, cid, c, [])
    for m in ring["members"]:
        holder = holder_of.get(m["id"]) if m["type"] == "card" else None
        if holder and ("patient", holder) in nodes:
            edges.setdefault((("patient", holder), ("card", m["id"])),
                             {"claims": [], "amount": 0.0, "ts": [], "dx": set(), "why": [], "holds": True})

    kept = sorted(nodes, key=lambda k: (not nodes[k]["member"], k))[:max_nodes]
    left_out = len(nodes) - len(kept)
    kept_set = set(kept)
    label = lang if lang in ("zh", "en") else "zh"
    net = Network(height="760px", width="100%", directed=True, cdn_resources="in_line", bgcolor="#ffffff")
    net.set_options(_options())
    for key in kept:
        n = nodes[key]
        title = _tooltip([("id", n["id"]), ("type", n["look"][label]), ("role", n["role"] or "—")])
        net.add_node(f"{key[0]}:{key[1]}", label=html.escape(n["id"]), title=title, color={
            "background": n["look"]["color"], "border": style["member_border"] if n["member"] else n["look"]["color"]},
            shape=n["look"]["shape"], borderWidth=3 if n["member"] else 1, size=18 if n["member"] else 12)
    for (a, b), e in sorted(edges.items()):
        if a not in kept_set or b not in kept_set:
            continue
        times = sorted(t for t in e["ts"] if t)
        title = _tooltip([
            ("claims", len(e["claims"])), ("amount CNY", f"{e['amount']:,.2f}"),
            ("from", times[0] if times else ""), ("to", times[-1] if times else ""),
            ("diagnoses", ", ".join(sorted(e["dx"]))), ("why", " / ".join(dict.fromkeys(e["why"]))[:600]),
        ]) if not e.get("holds") else _tooltip([("holds", "持卡")])
        evidence = bool(e["why"])
        net.add_edge(f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", title=title, value=max(1, len(e["claims"])),
                     color=style["evidence_edge"] if evidence else style["plain_edge"])
    legend = " ".join(
        f'<span style="color:{html.escape(style[k]["color"])}">&#9679;</span> {html.escape(style[k][label])}'
        for k in ("patient", "card", "provider", "doctor", "context"))
    note = (f" — {left_out} nodes left out (graph capped at {max_nodes})" if left_out else "")
    heading = (f'<div style="font-size:15px;font-weight:normal">{html.escape(ring["ring_id"])} · '
               f'{html.escape(", ".join(ring["patterns"]))} · score {html.escape(str(ring["score"]))}{html.escape(note)}'
               f'<br>{legend}</div>')
    net.heading = heading
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(_offline(net.generate_html()), encoding="utf-8")
    os.replace(tmp, out)
    return out
