"""Interactive graphs (pyvis / vis-network): ring graphs and entity neighbourhoods, offline and escaped.

One picture for two kinds of graph. A **ring graph** shows a ring's members
(red border) and the places and doctors its evidence mentions without
implicating them (grey), with edges from the evidence: card → provider for
claims, patient → card for holding, doctor → provider where the doctor wrote
the scripts; evidence edges are red. A **neighbourhood graph** shows what lies
within a few hops of one entity (``graphfraud.neighbourhood``), every node in
its type's colour and shape, ring members with a red border, and claim edges
red where a ring's evidence names their claims.

Both are a :class:`Graph` of typed nodes and edges with tooltip facts and
claim times; pyvis turns it into vis-network nodes and edges, and the
templates in ``viz/templates`` render it as a page that needs no network
(vis-network's JavaScript inlined) or as a fragment of a workbench page. A
time filter on the page hides claim edges outside the chosen dates. Values
never reach the page as HTML: the template escapes text, the data travels as
JSON, and tooltips are built as text nodes. Graphs beyond ``max_nodes`` are
cut with a note saying what was left out.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from graphfraud.atomic import write_text_atomic
from graphfraud.detect.tally import ring_claims
from graphfraud.resources import data_dir
from graphfraud.vocabulary import MEMBER_KINDS, Kind
from graphfraud.words import catalogue, word

DEFAULT_MAX_NODES = 300
GRAPH_HEIGHT = "680px"
KINDS = (*MEMBER_KINDS, Kind.RING, Kind.CLAIM, Kind.PHONE, Kind.ADDRESS)   # node kinds, in the legend's order
VIS_JS = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")  # inside the pyvis package
DAY = 86_400


# -- data files -------------------------------------------------------------
@cache
def styles() -> dict[str, Any]:
    """Node look by type: colour and shape (``viz/styles.json``); the words are in graphfraud/words.toml."""
    return json.loads((data_dir("viz") / "styles.json").read_text(encoding="utf-8"))


@cache
def options() -> dict[str, Any]:
    """vis-network options (``viz/options.json``)."""
    return json.loads((data_dir("viz") / "options.json").read_text(encoding="utf-8"))


def kind_name(kind: str, lang: str = "zh") -> str:
    """The legend's name of an entity type."""
    return word(f"kind.{kind}", lang, kind)


def count_of(kind: str, n: int, lang: str = "zh") -> str:
    """"12 cards" / "1 card" / "12 张医保卡" (English words take a plural only for more than one)."""
    key = f"count.{kind}"
    if lang == "en" and n == 1 and f"{key}_one" in catalogue():
        key += "_one"
    return word(key, lang).format(n=f"{n:,}")


def family_name(family: str, lang: str = "zh") -> str:
    """A pattern family as a tag or in a title (the code itself when unknown)."""
    return word(f"family.{family}", lang, family)


def role_name(role: str | None, lang: str = "zh") -> str:
    """A ring member's role in words (the code itself when unknown)."""
    if not role:
        return ""
    return word(f"role.{role}", lang, role)


@cache
def vis_js() -> str:
    """vis-network's JavaScript as shipped inside pyvis (inlined in offline pages, served by the workbench)."""
    path = resources.files("pyvis").joinpath(*VIS_JS)
    return path.read_text(encoding="utf-8")


@cache
def asset(name: str) -> str:
    """A file of ``viz/templates`` (graph.js, graph.css)."""
    return (data_dir("viz") / "templates" / name).read_text(encoding="utf-8")


# -- the graph --------------------------------------------------------------
@dataclass
class Node:
    """One entity on the graph; ``tip`` rows are (label, value) pairs shown as text in its tooltip."""

    kind: str
    ident: str
    label: str
    tip: list[tuple[str, Any]] = field(default_factory=list)
    member: bool = False     # a ring member: red border
    focus: bool = False      # the entity the graph is about: black border, larger
    context: bool = False    # named by evidence but not implicated (ring graphs): grey
    href: str | None = None  # the workbench page of the entity (double-click)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ident}"


@dataclass
class Edge:
    """One edge; ``days`` are its claims' days (epoch days) for the page's time filter."""

    src: str
    dst: str
    kind: str
    tip: list[tuple[str, Any]] = field(default_factory=list)
    evidence: bool = False
    claims: int = 0
    days: list[int] = field(default_factory=list)
    tally: bool = False  # counted in the filter's "n of m claims" (one edge kind per claim, not doctor edges too)


@dataclass
class Graph:
    """A graph ready to render: title lines, nodes, edges and notes on what was left out."""

    title: str
    subtitle: list[str]
    nodes: list[Node]
    edges: list[Edge]
    notes: list[str] = field(default_factory=list)
    lang: str = "zh"

    def node_count(self) -> int:
        return len(self.nodes)


def tip_rows(pairs: Iterable[tuple[str, Any]], lang: str) -> list[tuple[str, str]]:
    """Tooltip rows with translated labels, empty values dropped, numbers formatted."""
    rows = []
    for key, value in pairs:
        if value is None or value in ("", []):
            continue
        if isinstance(value, float):
            value = f"{value:,.2f}"
        elif isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:,}"
        rows.append((word(f"graph.{key}", lang, key), str(value)))
    return rows


# -- rendering --------------------------------------------------------------
def _vis(graph: Graph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The graph as vis-network nodes and edges, assembled by pyvis."""
    from pyvis.network import Network

    look = styles()
    net = Network(directed=True)
    for n in graph.nodes:
        style = look["context"] if n.context else look.get(n.kind, look["context"])
        border = look["focus_border"] if n.focus else (look["member_border"] if n.member else style["color"])
        extra: dict[str, Any] = {"tip": n.tip, "keep": n.member or n.focus, "kind": n.kind}
        if n.href:
            extra["href"] = n.href
        net.add_node(n.key, label=n.label, shape=style["shape"],
                     color={"background": style["color"], "border": border,
                            "highlight": {"background": style["color"], "border": border}},
                     borderWidth=4 if n.focus else (3 if n.member else 1),
                     size=24 if n.focus else (18 if n.member else 12), **extra)
    for e in graph.edges:
        colour = look["evidence_edge"] if e.evidence else (look["plain_edge"] if e.claims else look["link_edge"])
        net.add_edge(e.src, e.dst, color=colour, value=max(1, e.claims), tip=e.tip, days=e.days, tally=e.tally,
                     dashes=e.kind in ("member", "phone", "address"))
    return net.nodes, net.edges


def fragment(graph: Graph, height: str = GRAPH_HEIGHT) -> dict[str, Any]:
    """What ``_graph.html`` needs to draw the graph (legend, notes, time range, data).

    The element id comes from the graph's content, so the same graph renders to the same bytes (case bundles
    are byte-identical when exported twice) and two different graphs on one page do not collide.
    """
    lang = graph.lang
    nodes, edges = _vis(graph)
    days = sorted({d for e in graph.edges for d in e.days})
    kinds = [k for k in KINDS if any(n.kind == k and not n.context for n in graph.nodes)]
    legend = [{"label": kind_name(k, lang), "color": styles()[k]["color"], "shape": styles()[k]["shape"]} for k in kinds]
    if any(n.context for n in graph.nodes):
        legend.append({"label": word("graph.legend_context", lang), "color": styles()["context"]["color"], "shape": "dot"})
    texts = {k: word(f"graph.{k}", lang) for k in ("legend_member", "legend_focus", "legend_evidence", "time_filter", "from",
                                                   "to", "reset", "claims_in_range")}
    return {
        "gid": "gf-" + hashlib.sha1(json.dumps([graph.title, [n.key for n in graph.nodes]], ensure_ascii=False)
                                    .encode("utf-8")).hexdigest()[:10],
        "legend": legend,
        "notes": graph.notes,
        "texts": texts,
        "hint": word("graph.open_hint", lang) if any(n.href for n in graph.nodes) else "",
        "height": height,
        "days": ({"lo": days[0], "hi": days[-1], "first": _iso_day(days[0]), "last": _iso_day(days[-1])} if days else None),
        "data": {"nodes": nodes, "edges": edges, "options": options(), "texts": texts},
    }


def _iso_day(day: int) -> str:
    return datetime.fromtimestamp(day * DAY, tz=UTC).strftime("%Y-%m-%d")


def environment():
    """Jinja environment over ``viz/templates`` with autoescaping on."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_dir("viz") / "templates")),
                              autoescape=True, trim_blocks=False, lstrip_blocks=False)


def page(graph: Graph) -> str:
    """The graph as one self-contained HTML page (no network needed)."""
    scripts = {"vis_js": vis_js(), "graph_js": asset("graph.js")}
    for name, text in scripts.items():
        if "</script" in text.lower():  # would end the inline script early
            raise ValueError(f"{name} cannot be inlined: it contains '</script'")
    return environment().get_template("graph.html").render(
        lang=graph.lang, title=graph.title, subtitle=graph.subtitle, g=fragment(graph, height="78vh"),
        css=Markup(asset("graph.css")), vis_js=Markup(scripts["vis_js"]), graph_js=Markup(scripts["graph_js"]))


def write_page(graph: Graph, out: Path) -> Path:
    """Write the graph's offline page to ``out`` (crash-safe: ``graphfraud.atomic``); return the path."""
    return write_text_atomic(out, page(graph))


# -- ring graphs ------------------------------------------------------------
def _day(epoch: Any) -> int | None:
    try:
        return int(epoch) // DAY
    except (TypeError, ValueError):
        return None


def reason_text(ev: dict[str, Any], lang: str) -> str:
    """An evidence row's reason in the graph's language (English when a stored ring has no Chinese one)."""
    return (ev.get("detail_zh") if lang == "zh" else None) or ev.get("detail") or ""


def _fmt_score(score: Any) -> str:
    try:
        return f"{float(score):.3f}"
    except (TypeError, ValueError):
        return str(score)


def ring_graph_data(ring: dict[str, Any], claims: dict[str, dict[str, Any]], max_nodes: int = DEFAULT_MAX_NODES,
                    lang: str = "zh", href=None) -> Graph:
    """The graph of one ring (a ``rings.json`` entry) from its evidence claims' facts.

    ``href(kind, id)``, when given, links nodes to workbench pages.
    """
    members = {(m["type"], m["id"]): m.get("role", "") for m in ring["members"]}
    reasons: dict[str, list[str]] = defaultdict(list)
    for ev in ring["evidence"]:
        for c in ev["claims"]:
            text = reason_text(ev, lang)
            if len(reasons[c]) < 3 and text not in reasons[c]:
                reasons[c].append(text)

    found: dict[tuple[str, str], None] = {}
    for key in members:
        found[key] = None
    edges: dict[tuple[tuple[str, str], tuple[str, str], str], dict[str, Any]] = {}

    def tally(a: tuple[str, str], b: tuple[str, str], kind: str, cid: str, c: dict[str, Any], why: list[str]) -> None:
        found.setdefault(a)
        found.setdefault(b)
        e = edges.setdefault((a, b, kind), {"claims": [], "amount": 0.0, "fund": 0.0, "ts": [], "days": [], "dx": set(), "why": []})
        e["claims"].append(cid)
        e["amount"] += float(c.get("amount") or 0)
        e["fund"] += float(c.get("fund_paid") or 0)
        e["ts"].append(str(c.get("ts") or ""))
        day = _day(c.get("ts_epoch"))
        if day is not None:
            e["days"].append(day)
        if c.get("diagnosis"):
            e["dx"].add(str(c["diagnosis"]))
        e["why"].extend(why)

    holder_of: dict[str, str] = {}
    for cid in ring_claims(ring, claims):   # the ring's claims only (graphfraud.detect.tally): the summary's number
        c = claims[cid]
        holder_of[c["card_id"]] = c["patient_id"]
        payer = ("card", c["card_id"]) if ("card", c["card_id"]) in members else ("patient", c["patient_id"])
        tally(payer, ("provider", c["provider_id"]), "claims", cid, c, reasons.get(cid, []))
        if c.get("doctor_id"):
            tally(("doctor", c["doctor_id"]), ("provider", c["provider_id"]), "wrote", cid, c, [])
    for m in ring["members"]:
        holder = holder_of.get(m["id"]) if m["type"] == "card" else None
        if holder and ("patient", holder) in found:
            edges.setdefault((("patient", holder), ("card", m["id"]), "holds"), {"holds": True})

    ordered = sorted(found, key=lambda k: (k not in members, k))
    kept = ordered[:max_nodes]
    left_out = len(ordered) - len(kept)
    kept_set = set(kept)
    nodes = []
    for kind, ident in kept:
        role = members.get((kind, ident))
        nodes.append(Node(kind=kind, ident=ident, label=ident, member=role is not None, context=role is None,
                          tip=tip_rows([("id", ident), ("type", kind_name(kind, lang)), ("role", role_name(role, lang) or "—")], lang),
                          href=href(kind, ident) if href else None))
    out_edges = []
    for (a, b, kind), e in sorted(edges.items()):
        if a not in kept_set or b not in kept_set:
            continue
        if e.get("holds"):
            out_edges.append(Edge(f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", "holds", tip_rows([("edge_holds", "✓")], lang)))
            continue
        times = sorted(t for t in e["ts"] if t)
        why = " / ".join(dict.fromkeys(e["why"]))
        out_edges.append(Edge(
            f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", kind, evidence=bool(e["why"]), claims=len(e["claims"]),
            days=sorted(e["days"]), tally=kind == "claims",
            tip=tip_rows([("type", word(f"graph.edge_{kind}", lang)), ("claims", len(e["claims"])), ("amount", e["amount"]),
                          ("fund_paid", e["fund"]), ("first", times[0] if times else ""), ("last", times[-1] if times else ""),
                          ("diagnoses", ", ".join(sorted(e["dx"]))), ("why", why[:600])], lang)))
    notes = [word("graph.nodes_left_out", lang).format(n=left_out, cap=max_nodes)] if left_out else []
    patterns = ", ".join(family_name(p, lang) for p in ring.get("patterns", []))
    subtitle = [f"{patterns} · {word('graph.score', lang)} {_fmt_score(ring.get('score'))}"]
    return Graph(title=f"{word('graph.ring_graph', lang)} {ring['ring_id']}", subtitle=subtitle, nodes=nodes,
                 edges=out_edges, notes=notes, lang=lang)


def ring_graph(ring: dict[str, Any], claims: dict[str, dict[str, Any]], out: Path,
               max_nodes: int = DEFAULT_MAX_NODES, lang: str = "zh") -> Path:
    """Write the interactive offline graph of one ring (a ``rings.json`` entry) to ``out``; return the path."""
    return write_page(ring_graph_data(ring, claims, max_nodes=max_nodes, lang=lang), out)


# -- neighbourhood graphs ---------------------------------------------------
def _short(text: str, n: int = 14) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _node_tip(kind: str, ident: str, facts: dict[str, Any], hop: int, lang: str) -> list[tuple[str, str]]:
    from graphfraud.case.workflow import label as status_label

    f = facts
    rows: list[tuple[str, Any]] = [("id", ident), ("type", kind_name(kind, lang))]
    if kind == "patient":
        rows += [("name", f.get("name")), ("sex", word(f"sex.{f['sex']}", lang, f["sex"]) if f.get("sex") else None),
                 ("birth_date", f.get("birth_date")), ("city", f.get("city")), ("death_date", f.get("death_date"))]
    elif kind == "card":
        rows += [("holder", f.get("holder_id"))]
    elif kind == "provider":
        rows += [("name", f.get("name")), ("type", word(f"provider_type.{f['type']}", lang, f["type"]) if f.get("type") else None),
                 ("city", f.get("city"))]
    elif kind == "doctor":
        rows += [("name", f.get("name")), ("specialty", f.get("specialty")), ("works_at", f.get("provider_id"))]
    elif kind == "ring":
        patterns = json.loads(f["patterns"]) if isinstance(f.get("patterns"), str) and f["patterns"].startswith("[") else []
        rows += [("score", _fmt_score(f.get("score")) if f.get("score") is not None else None),
                 ("patterns", ", ".join(family_name(p, lang) for p in patterns)),
                 ("status", status_label(f.get("status") or "new", lang)), ("amount_at_risk", f.get("amount_at_risk")),
                 ("size", f.get("size"))]
    elif kind == "claim":
        rows += [("ts", f.get("ts")), ("amount", f.get("amount")), ("fund_paid", f.get("fund_paid")),
                 ("visit_type", word(f"visit.{f['visit_type']}", lang, f["visit_type"]) if f.get("visit_type") else None),
                 ("diagnosis", f.get("diagnosis"))]
    rows.append(("hop", hop))
    return tip_rows(rows, lang)


def _node_label(kind: str, ident: str, facts: dict[str, Any]) -> str:
    if kind == "provider" and facts.get("name"):
        return _short(str(facts["name"]), 16)
    if kind == "address":
        return _short(ident, 12)
    return ident


def neighbourhood_graph(nb, lang: str = "zh", rings: dict[str, dict[str, Any]] | None = None, href=None,
                        generated: str | None = None) -> Graph:
    """The graph of a :class:`graphfraud.neighbourhood.Neighbourhood`.

    ``rings`` (ring id → stored ring) mark claim edges their evidence names
    and give the reasons; ``href(kind, id)`` links nodes to workbench pages.
    """
    reasons: dict[str, list[str]] = defaultdict(list)
    for ring in (rings or {}).values():
        for ev in ring.get("evidence", []):
            for c in ev.get("claims", []):
                text = reason_text(ev, lang)
                if len(reasons[c]) < 3 and text not in reasons[c]:
                    reasons[c].append(text)
    members = {link.src for link in nb.links if link.kind == "member"}
    nodes = []
    for (kind, ident), hop in sorted(nb.nodes.items(), key=lambda kv: (kv[1], kv[0])):
        facts = nb.facts.get((kind, ident), {})
        nodes.append(Node(kind=kind, ident=ident, label=_node_label(kind, ident, facts),
                          tip=_node_tip(kind, ident, facts, hop, lang), member=(kind, ident) in members,
                          focus=(kind, ident) == nb.start, href=href(kind, ident) if href else None))
    edges = []
    for link in nb.links:
        src, dst = f"{link.src[0]}:{link.src[1]}", f"{link.dst[0]}:{link.dst[1]}"
        if link.kind in ("claims", "wrote"):
            why = [r for c in link.claim_ids for r in reasons.get(c, [])]
            shown_ids = ", ".join(link.claim_ids[:8]) + (" …" if len(link.claim_ids) > 8 else "")
            edges.append(Edge(src, dst, link.kind, evidence=bool(why), claims=link.claims,
                              days=[t // DAY for t in link.times], tally=link.kind == "claims",
                              tip=tip_rows([("type", word(f"graph.edge_{link.kind}", lang)), ("claims", link.claims),
                                            ("amount", link.amount), ("fund_paid", link.fund_paid),
                                            ("first", link.first), ("last", link.last),
                                            ("diagnoses", ", ".join(link.diagnoses[:12])),
                                            ("why", " / ".join(dict.fromkeys(why))[:600]),
                                            ("claim_ids", shown_ids)], lang)))
        else:
            edges.append(Edge(src, dst, link.kind,
                              tip=tip_rows([("type", word(f"graph.edge_{link.kind}", lang)), ("role", role_name(link.role, lang))], lang)))
    if not any(e.tally for e in edges):
        # no card on the graph (a doctor's first hop): its claims are the doctor → provider edges, so the
        # "n of m claims" line counts those rather than saying 0 / 0 (each claim is still counted once)
        for e in edges:
            e.tally = e.kind == "wrote"
    notes = []
    for lo in nb.left_out:
        parts = ("、" if lang == "zh" else ", ").join(count_of(k, n, lang) for k, n in sorted(lo.kinds.items()))
        if lo.more:
            parts = f"{word('graph.more_than', lang)} {parts}" if parts else word("graph.more_than", lang)
        notes.append(word("graph.left_out", lang).format(hop=lo.hop, what=parts, cap=nb.max_nodes))
    if nb.edges_cut:
        notes.append(word("graph.edge_rows_cut", lang).format(n=nb.edges_cut))
    kind, ident = nb.start
    subtitle = []
    if nb.since or nb.until:
        subtitle.append(word("graph.window", lang).format(since=nb.since or "…", until=nb.until or "…"))
    if generated:
        subtitle.append(word("graph.generated", lang).format(at=generated))
    title = word("graph.neighbourhood", lang).format(what=f"{kind_name(kind, lang)} {ident}", hops=nb.hops)
    return Graph(title=title, subtitle=subtitle, nodes=nodes, edges=edges, notes=notes, lang=lang)
