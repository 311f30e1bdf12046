"""The ring as a still picture (graph.png, also printed in the PDF): who holds which card, where the cards were used.

Same look as the interactive graph (``viz/styles.json``): patients, cards,
providers and doctors by colour and shape, members with a red border, places
the evidence mentions without implicating them in grey, red edges for
evidence claims. The layout is a seeded spring layout and the PNG carries no
timestamp, so the same ring gives the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Iterable
from typing import Any

from graphfraud.bundle.case import CaseData
from graphfraud.bundle.fonts import cjk_font
from graphfraud.resources import data_dir
from graphfraud.vocabulary import MEMBER_KINDS
from graphfraud.words import word

WIDTH, HEIGHT, SCALE = 1600, 1150, 2    # drawn at SCALE× and shrunk, for smooth lines
MAX_NODES = 150
LAYOUT_SEED = 7
Node = tuple[str, str]


def graph_of(case: CaseData) -> tuple[list[Node], dict[tuple[Node, Node], dict[str, Any]], int]:
    """Nodes (members first) and edges of the picture, capped at MAX_NODES; also the uncapped node count."""
    members = {(m["type"], m["id"]) for m in case.ring["members"]}
    nodes: set[Node] = set(members)
    edges: dict[tuple[Node, Node], dict[str, Any]] = {}
    holders = {cid: f.get("holder_id") for cid, f in case.facts.get("card", {}).items()}
    for (kind, ident) in sorted(members):
        holder = holders.get(ident) if kind == "card" else None
        if holder and ("patient", holder) in members:
            edges[(("patient", holder), (kind, ident))] = {"claims": 0, "evidence": False}
    for cid in case.ring_claims():           # the ring's own claims, by the one rule of detect.tally
        c = case.claims[cid]
        card, patient = ("card", str(c.get("card_id"))), ("patient", str(c.get("patient_id")))
        payer = card if card in members else patient if patient in members else None
        if payer is None or not c.get("provider_id"):
            continue
        provider = ("provider", str(c["provider_id"]))
        nodes.add(provider)
        e = edges.setdefault((payer, provider), {"claims": 0, "evidence": True})
        e["claims"] += 1
        doctor = ("doctor", str(c.get("doctor_id")))
        if c.get("doctor_id") and doctor in members:
            edges.setdefault((doctor, provider), {"claims": 0, "evidence": True})["claims"] += 1
    ordered = sorted(nodes, key=lambda n: (n not in members, n))
    kept = ordered[:MAX_NODES]
    kept_set = set(kept)
    return kept, {k: v for k, v in sorted(edges.items()) if k[0] in kept_set and k[1] in kept_set}, len(ordered)


def _layout(nodes: list[Node], edges: dict[tuple[Node, Node], dict[str, Any]]) -> dict[Node, tuple[float, float]]:
    """Where each node is drawn: the connected ones by a seeded spring layout, members with no edge in the
    picture (a patient whose evidence is a co-admission, say) in a row below it — left to the spring layout,
    they fly to the corners and squeeze everyone else into the middle."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    alone = [n for n in nodes if g.degree(n) == 0]
    linked = [n for n in nodes if g.degree(n) > 0]
    pos: dict[Node, tuple[float, float]] = {}
    if len(linked) == 1:
        pos[linked[0]] = (0.5, 0.5)
    elif linked:
        spring = nx.spring_layout(g.subgraph(linked), seed=LAYOUT_SEED, iterations=200, k=1.6 / len(linked) ** 0.5)
        xs, ys = [float(p[0]) for p in spring.values()], [float(p[1]) for p in spring.values()]
        span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        pos = {n: ((float(x) - min(xs)) / span_x, (float(y) - min(ys)) / span_y) for n, (x, y) in spring.items()}
    row = 1.15 if linked else 0.5
    for i, n in enumerate(alone):
        pos[n] = ((i + 0.5) / len(alone), row)
    return {n: (round(x, 6), round(y, 6)) for n, (x, y) in pos.items()}


def png_bytes(case: CaseData, lang: str) -> tuple[bytes, int, int]:
    """The picture as PNG bytes, with the number of nodes shown and in all."""
    from PIL import Image, ImageDraw, ImageFont

    style = json.loads((data_dir("viz") / "styles.json").read_text(encoding="utf-8"))
    nodes, edges, total = graph_of(case)
    members = {(m["type"], m["id"]) for m in case.ring["members"]}
    pos = _layout(nodes, edges)
    s = SCALE
    img = Image.new("RGB", (WIDTH * s, HEIGHT * s), "white")
    draw = ImageDraw.Draw(img)
    font_path = str(cjk_font())
    label_font = ImageFont.truetype(font_path, 11 * s)
    title_font = ImageFont.truetype(font_path, 20 * s)
    legend_font = ImageFont.truetype(font_path, 14 * s)
    top, margin = 110 * s, 60 * s
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(n: Node) -> tuple[float, float]:
        x, y = pos[n]
        return (margin + (x - min(xs)) / span_x * (WIDTH * s - 2 * margin),
                top + (y - min(ys)) / span_y * (HEIGHT * s - top - margin))

    for (a, b), e in edges.items():
        colour = style["evidence_edge"] if e["evidence"] else style["plain_edge"]
        width = max(1, min(6, 1 + e["claims"] // 4)) * s
        draw.line([at(a), at(b)], fill=colour, width=width)
    radius = {True: 11 * s, False: 8 * s}
    for n in nodes:
        x, y = at(n)
        member = n in members
        look = style[n[0]] if member else style["context"]
        r = radius[member]
        outline, width = (style["member_border"], 3 * s) if member else (look["color"], 1 * s)
        _mark(draw, look["shape"], x, y, r, look["color"], outline, width)
    for n in nodes:   # labels last, with a white halo, so no edge runs through them
        x, y = at(n)
        draw.text((x, y + radius[n in members] + 2 * s), n[1], fill="#333333", font=label_font, anchor="ma",
                  stroke_width=2 * s, stroke_fill="white")
    patterns = ("、" if lang == "zh" else ", ").join(word(f"bundle.family.{p}", lang, p) for p in case.ring.get("patterns", []))
    draw.text((margin, 24 * s), f"{case.ring_id} · {patterns}", fill="#222222", font=title_font)
    x = margin
    for kind in legend(nodes, members):
        look = style[kind]
        _mark(draw, look["shape"], x + 7 * s, 73 * s, 7 * s, look["color"], look["color"], 1)
        text = word("graph.legend_context" if kind == "context" else f"kind.{kind}", lang)
        draw.text((x + 20 * s, 64 * s), text, fill="#333333", font=legend_font)
        x += int(draw.textlength(text, font=legend_font)) + 50 * s
    if total > len(nodes):
        note = word("bundle.heading.graph_capped", lang).format(shown=len(nodes), total=total).strip()
        draw.text((x, 64 * s), note, fill="#666666", font=legend_font)
    small = img.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    return buffer.getvalue(), len(nodes), total


def legend(nodes: Iterable[Node], members: Collection[Node]) -> list[str]:
    """The kinds the picture's legend names: those of the members drawn, then "context" if a non-member is drawn."""
    drawn = list(nodes)
    present = {n[0] for n in drawn if n in members} | ({"context"} if any(n not in members for n in drawn) else set())
    return [k for k in (*MEMBER_KINDS, "context") if k in present]


def _mark(draw: Any, shape: str, x: float, y: float, r: float, fill: str, outline: str, width: int) -> None:
    """One node's mark centred on (x, y): the shape the interactive graph gives its kind."""
    if shape == "dot":
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=width)
    elif shape == "square":
        draw.rectangle([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=width)
    elif shape == "diamond":
        draw.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill=fill, outline=outline, width=width)
    else:
        draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=fill, outline=outline, width=width)
