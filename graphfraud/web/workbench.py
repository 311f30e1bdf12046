"""What the workbench pages show, read from the graph: the ring list, a ring's case file, an entity's facts.

Views stay thin: they parse the request and render; everything here takes an
engine and plain values, runs named queries only, and returns plain data the
templates can show. Request strings never become Cypher: filters are applied
to rows in Python, ids travel as parameters.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from graphfraud.case import steps, trail
from graphfraud.case.deadlines import overdue
from graphfraud.case.workflow import STATUSES, label as status_label, next_statuses
from graphfraud.detect.store import claim_facts, stored_ring, stored_rings
from graphfraud.detect.tally import ring_claims, totals
from graphfraud.viz import count_of, family_name, reason_text, role_name
from graphfraud.vocabulary import FAMILIES, MEMBER_KINDS, Kind
from graphfraud.web.i18n import texts

PAGE_SIZE = 50
SCORE_DIGITS = 3   # scores are shown with three decimals, and the score filter compares what is shown
TIMELINE_ROWS = 500
ENTITY_CLAIMS = 200
REASONS_SHOWN = 5
ENTITY_PAGES = (*MEMBER_KINDS, Kind.CLAIM, Kind.PHONE, Kind.ADDRESS)   # a ring's page is its own (views.rings)
_NAMES = {"patient": "explore/nodes_patients", "provider": "explore/nodes_providers", "doctor": "explore/nodes_doctors"}


class Serialised:
    """An engine whose calls run one at a time.

    The embedded engine's connection belongs to one process and is not meant
    to be shared by the server's threads; Neo4j's driver is, so it runs as is.
    """

    def __init__(self, engine) -> None:
        self._engine = engine
        self.name = engine.name
        self.threadsafe = True  # its calls are serialised when the engine's are not
        self.shared_store, self.gds = engine.shared_store, engine.gds
        self._lock = None if engine.threadsafe else threading.RLock()

    def _held(self):
        return self._lock if self._lock is not None else nullcontext()

    def query(self, name: str, params: Mapping[str, Any] | None = None):
        with self._held():
            return self._engine.query(name, dict(params or {}))

    def run(self, cypher: str, params: Mapping[str, Any] | None = None, write: bool = False):
        with self._held():
            return self._engine.run(cypher, dict(params or {}), write=write)

    def close(self) -> None:
        self._engine.close()


def _records(engine, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The query's rows as dicts of plain Python (missing values None: the engine contract)."""
    return engine.query(name, dict(params)).to_dict("records")


# -- the ring list ------------------------------------------------------------
@dataclass(frozen=True)
class RingFilter:
    """The ring list's filters, read from the query string; values outside the known ones are ignored."""

    pattern: str | None = None
    city: str | None = None
    min_score: float | None = None
    status: str | None = None
    assignee: str | None = None   # a username; "me" in the query string is the signed-in user ("my cases")
    overdue: bool = False          # only cases whose appeal deadline has passed

    @classmethod
    def parse(cls, params: Mapping[str, str], me: str | None = None) -> RingFilter:
        pattern = params.get("pattern") or None
        status = params.get("status") or None
        city = (params.get("city") or "").strip()[:100] or None
        assignee = (params.get("assignee") or "").strip()[:40] or None
        if assignee == "me":
            assignee = me
        try:
            score = float(params.get("min_score") or "nan")
        except ValueError:
            score = math.nan
        return cls(pattern=pattern if pattern in FAMILIES else None, city=city,
                   min_score=score if 0.0 <= score <= 1.0 else None,
                   status=status if status in STATUSES else None, assignee=assignee,
                   overdue=params.get("overdue") == "1")

    def keeps(self, ring: Mapping[str, Any]) -> bool:
        return ((self.pattern is None or self.pattern in ring["patterns"])
                and (self.city is None or self.city in ring["cities"])
                and (self.min_score is None or round(float(ring["score"] or 0), SCORE_DIGITS) >= self.min_score)
                and (self.status is None or ring["status"] == self.status)
                and (self.assignee is None or ring.get("assignee") == self.assignee)
                and (not self.overdue or overdue(ring["status"], ring.get("due"), datetime.now(trail.CHINA).date())))

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for paging links)."""
        out = {"pattern": self.pattern, "city": self.city, "status": self.status, "assignee": self.assignee,
               "overdue": "1" if self.overdue else None,
               "min_score": None if self.min_score is None else f"{self.min_score:g}"}
        return {k: v for k, v in out.items() if v}


def all_rings(engine) -> list[dict[str, Any]]:
    """Every stored ring's headline with its status and motif list (for the outcomes per motif)."""
    rings = stored_rings(engine)
    for r in rings:
        r["status"] = r.get("status") or "new"
        r["motifs"] = [m for m in (r.get("motifs") or "").split(", ") if m]
    return rings


def ring_cities(engine) -> dict[str, list[str]]:
    """Each stored ring's cities (its providers' and its patients' home cities)."""
    cities: dict[str, set[str]] = defaultdict(set)
    for r in _records(engine, "rings/cities", {}):
        if r["city"]:
            cities[r["ring_id"]].add(str(r["city"]))
    return {k: sorted(v) for k, v in cities.items()}


SORTS = ("ring_id", "score", "status", "size", "amount_at_risk", "last_seen", "assignee", "due")


def sort_of(params: Mapping[str, str]) -> tuple[str, bool]:
    """The list's order from the query string (``sort``, ``desc=0|1``): by score, highest first, unless asked."""
    key = params.get("sort") or "score"
    key = key if key in SORTS else "score"
    desc = params.get("desc", "1" if key in ("score", "amount_at_risk", "size", "last_seen") else "0") != "0"
    return key, desc


def _sorted(rings: list[dict[str, Any]], key: str, desc: bool) -> list[dict[str, Any]]:
    """Rings in the order asked; empty values last either way, ties by score, then the least likely by chance, then id."""
    def value(r: Mapping[str, Any]) -> Any:
        v = r.get(key)
        if key == "status":
            v = list(STATUSES).index(v) if v in STATUSES else None
        return v

    present = [r for r in rings if value(r) not in (None, "")]
    missing = [r for r in rings if value(r) in (None, "")]
    present.sort(key=lambda r: (-(r.get("score") or 0), _or_inf(r.get("expected_false")), r["ring_id"]))
    present.sort(key=value, reverse=desc)
    return present + missing


def _or_inf(value: Any) -> float:
    """A number to sort by, a missing one (a ring stored before it was kept) last."""
    return math.inf if value is None or value != value else float(value)


def ring_rows(engine, flt: RingFilter, sort: tuple[str, bool] = ("score", True)) -> tuple[list[dict[str, Any]], int, Counter, list[str]]:
    """Every stored ring passing the filters, in the order asked, ready to show or export; also the total count,
    the counts per status and every city (for the filter's choices)."""
    rings = stored_rings(engine)
    cities = ring_cities(engine)
    for r in rings:
        r["status"] = r.get("status") or "new"
        r["cities"] = cities.get(r["ring_id"], [])
        r["motif_list"] = [m for m in (r.get("motifs") or "").split(", ") if m]
    kept = _sorted([r for r in rings if flt.keeps(r)], *sort)
    return kept, len(rings), Counter(r["status"] for r in rings), sorted({c for r in rings for c in r["cities"]})


def ring_list(engine, flt: RingFilter, page: int = 1, lang: str = "zh",
              sort: tuple[str, bool] = ("score", True)) -> dict[str, Any]:
    """The rings that pass the filters in the order asked (highest score first by default), one page of them,
    with counts per status."""
    kept, total, status_counts, cities = ring_rows(engine, flt, sort)
    pages = max(1, math.ceil(len(kept) / PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = kept[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    for r in shown:
        r["motif_titles"] = [motif_title(m, lang) for m in r["motif_list"]]
    return {
        "rings": shown, "matched": len(kept), "total": total, "sort": sort[0], "desc": sort[1],
        "page": page, "pages": pages, "status_counts": status_counts, "all_cities": cities,
    }


# -- a ring's case file -------------------------------------------------------
def motif_title(name: str, lang: str) -> str:
    from graphfraud.detect.evidence import motif

    try:
        m = motif(name)
    except KeyError:
        return name
    return m.title_zh if lang == "zh" else m.title


def names_of(engine, members: list[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Names (and cities) of the patients, providers and doctors among ``members``."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, name in _NAMES.items():
        ids = sorted({m["id"] for m in members if m["type"] == kind})
        if ids:
            for r in _records(engine, name, {"ids": ids}):
                out[(kind, str(r["id"]))] = r
    return out


def _weeks(days: list[date]) -> list[dict[str, Any]]:
    """Evidence claims per week (Monday first), every week from the first to the last shown, empty ones too."""
    if not days:
        return []
    start = min(days) - timedelta(days=min(days).weekday())
    counts = Counter((d - start).days // 7 for d in days)
    weeks = max(counts) + 1
    return [{"start": (start + timedelta(weeks=i)).isoformat(), "count": counts.get(i, 0)} for i in range(weeks)]


def _day(ts: Any) -> date | None:
    try:
        return datetime.fromisoformat(str(ts)).date()
    except ValueError:
        return None


def summary(ring: Mapping[str, Any], claims: int, amount: float, lang: str) -> str:
    """The ring in plain words (who, which pattern, how much, when, how sure)."""
    t_size = ring.get("size") or {}
    size = {k: t_size.get(k, sum(1 for m in ring["members"] if m["type"] == k)) for k in MEMBER_KINDS}
    period = ring.get("period") or {}
    parts = [count_of(k, size[k], lang) for k in MEMBER_KINDS if size[k]]
    if lang == "zh":
        members = "、".join(parts[:-1]) + " 和 " + parts[-1] if len(parts) > 1 else "".join(parts)
        patterns = "、".join(family_name(p, lang) for p in ring["patterns"])
    else:
        members = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
        patterns = ", ".join(family_name(p, lang) for p in ring["patterns"])
    return texts(lang)["summary_text"].format(
        members=members, patterns=patterns,
        claims=f"{claims:,}", amount=f"{amount:,.2f}", first=(period.get("first") or "—")[:10],
        last=(period.get("last") or "—")[:10], score=f"{float(ring['score']):.3f}",
        first_seen=(ring.get("first_seen") or "—")[:10], last_seen=(ring.get("last_seen") or "—")[:10])


def _link_ids(ring: Mapping[str, Any]) -> dict[str, str]:
    """Every id the ring's evidence sentences may name → its kind (for linking them in the text)."""
    out: dict[str, str] = {}
    for ev in ring["evidence"]:
        for kind in MEMBER_KINDS:
            for x in ev.get(kind.plural, []) or []:
                out.setdefault(str(x), kind)
    for m in ring["members"]:
        out.setdefault(str(m["id"]), m["type"])
    return out


def ordered_members(members: list[Mapping[str, Any]], facts: Mapping[str, Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Members as an investigator reads them: the places first (the key pharmacy or institution), then doctors,
    then each patient followed by the cards they hold; cards whose holder is no member last."""
    holder = {str(f.get("card_id")): str(f.get("patient_id")) for f in facts.values() if f.get("card_id")}
    cards_of: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    patients = {m["id"] for m in members if m["type"] == "patient"}
    loose: list[Mapping[str, Any]] = []
    for m in members:
        if m["type"] == "card":
            (cards_of[holder[m["id"]]] if holder.get(m["id"]) in patients else loose).append(m)
    out = sorted((m for m in members if m["type"] == "provider"), key=lambda m: m["id"])
    out += sorted((m for m in members if m["type"] == "doctor"), key=lambda m: m["id"])
    for p in sorted((m for m in members if m["type"] == "patient"), key=lambda m: (str(m.get("role") or ""), m["id"])):
        out.append(p)
        out.extend(sorted(cards_of.get(p["id"], []), key=lambda m: m["id"]))
    return out + sorted(loose, key=lambda m: m["id"])


def ring_case(engine, ring_id: str, lang: str) -> dict[str, Any] | None:
    """Everything the ring page shows; None when there is no such ring."""
    ring = stored_ring(engine, ring_id)
    if ring is None:
        return None
    if "patterns" not in ring or "score" not in ring:  # stored by a version that kept no details: headline only
        head = _records(engine, "case/ring", {"ring_id": ring_id})[0]
        ring.setdefault("patterns", json.loads(head.get("patterns") or "[]"))
        ring.setdefault("score", head.get("score") or 0.0)
        ring.setdefault("amount_at_risk", None)
    claim_ids = sorted({c for ev in ring["evidence"] for c in ev["claims"]})
    facts = claim_facts(engine, claim_ids)
    reasons: dict[str, list[str]] = defaultdict(list)
    by_motif: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for ev in ring["evidence"]:
        ev["text"] = reason_text(ev, lang)
        by_motif[ev["motif"]].append(ev)
        for c in ev["claims"]:
            if ev["motif"] not in reasons[c]:
                reasons[c].append(ev["motif"])
    motifs = []
    for name, rows in sorted(by_motif.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        details = list(dict.fromkeys(ev["text"] for ev in rows))
        motifs.append({"motif": name, "title": motif_title(name, lang), "rows": rows, "row_count": len(rows),
                       "claims": len(ring_claims(ring, facts, (c for ev in rows for c in ev["claims"]))),
                       "family": rows[0].get("family", ""),
                       "reasons": details, "shown": REASONS_SHOWN})
    own = ring_claims(ring, facts)    # the ring's claims: one rule for the summary, the graph and the timeline
    sums = totals(own, facts)
    timeline = [facts[c] for c in own]
    for f in timeline:
        f["motifs"] = [motif_title(m, lang) for m in reasons.get(f["claim_id"], [])]
    outside = len([c for c in claim_ids if c in facts]) - len(own)
    amount = sums.fund_paid
    names = names_of(engine, ring["members"])
    places = sorted({str(x) for ev in ring["evidence"] for x in ev.get("providers", [])})
    place_names = {str(r["id"]): r.get("name") for r in _records(engine, "explore/nodes_providers", {"ids": places})} \
        if places else {}
    members = [{**m, "role_name": role_name(m.get("role"), lang), "name": (names.get((m["type"], m["id"])) or {}).get("name"),
                "city": (names.get((m["type"], m["id"])) or {}).get("city")} for m in ordered_members(ring["members"], facts)]
    status = ring.get("status") or "new"
    return {
        "ring": ring, "status": status, "status_label": status_label(status, lang), "members": members,
        "motifs": motifs, "summary": summary(ring, len(timeline), amount, lang),
        "timeline": timeline[:TIMELINE_ROWS], "timeline_cut": len(timeline) > TIMELINE_ROWS, "claims_total": sums.claims,
        "claims_outside": outside, "totals": sums,
        "weeks": _weeks([d for d in (_day(f.get("ts")) for f in timeline) if d]),
        "trail": trail.history(engine, ring_id), "next": list(next_statuses(status)), "facts": facts,
        "place_names": place_names, "link_ids": _link_ids(ring),
    }


# -- search -------------------------------------------------------------------
SEARCH_LIMIT = 20


def search(engine, q: str) -> list[dict[str, Any]]:
    """Patients, providers and doctors whose name holds ``q``, and entities whose id starts with it (20 a kind)."""
    rows = _records(engine, "entity/search", {"q": q, "q_upper": q.upper(), "limit": SEARCH_LIMIT})
    return sorted(rows, key=lambda r: (ENTITY_ORDER.index(r["kind"]) if r["kind"] in ENTITY_ORDER else 9, str(r["id"])))


ENTITY_ORDER = (Kind.PATIENT, Kind.PROVIDER, Kind.DOCTOR, Kind.CARD, Kind.RING)


# -- an entity ----------------------------------------------------------------
def entity(engine, kind: str, ident: str) -> dict[str, Any] | None:
    """An entity's facts (with claim totals), its rings and its latest claims; None when it is not in the graph."""
    if kind not in ENTITY_PAGES:
        return None
    rows = _records(engine, f"entity/{kind}", {"id": ident})
    if not rows:
        return None
    facts = rows[0]
    rings = []
    if kind in MEMBER_KINDS:
        for r in _records(engine, "entity/rings_of", {"id": ident}):
            if r["kind"] == kind:
                r["patterns"] = json.loads(r["patterns"] or "[]")
                r["status"] = r.get("status") or "new"
                rings.append(r)
        rings.sort(key=lambda r: -(r.get("score") or 0))
    claims: list[dict[str, Any]] = []
    if kind in MEMBER_KINDS:
        claims = _records(engine, f"entity/claims_{kind}", {"id": ident, "limit": ENTITY_CLAIMS})
    items = _records(engine, "entity/claim_items", {"id": ident}) if kind == "claim" else []
    return {"kind": kind, "id": ident, "facts": facts, "rings": rings, "claims": claims, "lines": items,
            "claims_total": int(facts.get("claims") or 0) if kind != "claim" else 0}


def box(engine, code: str) -> dict[str, Any] | None:
    """A box's trail by its traceability code: how it came in, and each line that sold it, in time order, with
    what that line is (sold, a piece of a split box, handed back, a second scan, or settled again — and after
    which sale); None when no box has the code."""
    from graphfraud.detect.boxes import steps

    rows = _records(engine, "entity/box", {"id": code})
    if not rows:
        return None
    sales = _records(engine, "entity/box_sales", {"id": code})
    lines = [(s["claim_id"], -1 if float(s.get("quantity") or 0) < 0 else 1, int(s.get("split_pack") or 0) == 1,
              s["provider_id"]) for s in sales]
    for sale, (step, before) in zip(sales, steps(lines)):
        sale["step"] = step
        sale["after"] = sales[before]["claim_id"] if before is not None else None
        sale["days_after"] = (round((int(sale["ts_epoch"] or 0) - int(sales[before]["ts_epoch"] or 0)) / 86_400, 1)
                              if before is not None else None)
    facts = rows[0]
    facts["item_name"] = facts.get("item_name") or next((s["item_name"] for s in sales if s.get("item_name")), None)
    return {"facts": facts, "sales": sales, "purchases": _records(engine, "entity/box_purchases", {"id": code}),
            "again": sum(1 for s in sales if s["step"] == "again")}


MovedMeanwhile = steps.MovedMeanwhile   # the ring moved between showing the form and submitting it


def iter_pages(page: int, pages: int) -> Iterator[int]:
    """Page numbers to link around the current one."""
    yield from range(max(1, page - 3), min(pages, page + 3) + 1)
