"""An entity's neighbourhood, hop by hop: what an investigator sees when following a lead outward.

From any id — patient, card, provider, doctor, claim, ring, phone or address
— the neighbourhood grows one hop at a time. Each hop runs set-based named
queries (``cypher/explore/``) from the whole frontier at once: cards a patient
holds, providers where cards paid claims, cards seen at a provider, doctors
whose scripts were settled there, patients sharing a phone or an address,
rings the entities belong to and the members of those rings. There is never
a variable-length path: a busy pharmacy two hops out would otherwise pull in
half the province.

The graph is capped at ``max_nodes``, applied per hop: each hop keeps the
strongest new neighbours (ring memberships and holdings first, then by the
number of claims linking them) until the cap is reached and records what it
left out, so a page says "hop 2: 1,234 cards more not shown" instead of
freezing. Claims can be limited to a time window (``since``/``until``).
Once the nodes are chosen, the edges among them are read with their facts
(claim counts, amounts, times, diagnoses, claim ids) for the graph's tooltips
and time filter.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphfraud.engines.base import Engine
from graphfraud.errors import InputError
from graphfraud.vocabulary import MEMBER_KINDS, Kind

KINDS = (*MEMBER_KINDS, Kind.RING, Kind.PHONE, Kind.ADDRESS)   # what a hop can reach
START_KINDS = (*KINDS, Kind.CLAIM)                              # what a neighbourhood can start from
DEFAULT_HOPS = 2
MAX_HOPS = 4
DEFAULT_MAX_NODES = 300
MIN_MAX_NODES = 10
ROW_LIMIT = 5_000        # rows one hop query may return (the note says "over" when it is reached)
EDGE_ROW_LIMIT = 20_000  # claim edges read among the chosen nodes
ALL_TIME = (-(2**62), 2**62)

Key = tuple[str, str]


@dataclass(frozen=True)
class Step:
    """One way to go a hop outward: from nodes of ``src`` kind, by a named query, to nodes of ``dst`` kind.

    Lower ``rank`` is kept first when a hop must be cut: holding a card or
    sharing a phone says more about a person than one visit to a busy place.
    """

    src: str
    dst: str
    query: str
    rank: int


STEPS = (
    Step("patient", "card", "explore/patient_cards", 0),
    Step("card", "patient", "explore/card_holders", 0),
    Step("patient", "phone", "explore/patient_phones", 1),
    Step("phone", "patient", "explore/phone_patients", 1),
    Step("patient", "address", "explore/patient_addresses", 1),
    Step("address", "patient", "explore/address_patients", 1),
    Step("doctor", "provider", "explore/doctor_workplaces", 1),
    Step("provider", "doctor", "explore/provider_staff", 1),
    Step("card", "provider", "explore/card_providers", 2),
    Step("provider", "card", "explore/provider_cards", 2),
    Step("doctor", "provider", "explore/doctor_providers", 2),
    Step("provider", "doctor", "explore/provider_doctors", 2),
)
RING_RANK = 0


@dataclass
class Link:
    """An edge among the chosen nodes, with the facts of the claims behind it (claim edges)."""

    kind: str  # holds, phone, address, works_at, claims, wrote, member, claim_of
    src: Key
    dst: Key
    claims: int = 0
    amount: float = 0.0
    fund_paid: float | None = None
    first: str | None = None
    last: str | None = None
    times: list[int] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)
    role: str | None = None


@dataclass
class LeftOut:
    """What one hop could not show: how many nodes of each kind, and whether a query hit its row limit."""

    hop: int
    kinds: dict[str, int]
    more: bool = False


@dataclass
class Neighbourhood:
    """The nodes (with the hop they were reached at), edges and facts around one entity."""

    start: Key
    hops: int
    max_nodes: int
    since: str | None
    until: str | None
    nodes: dict[Key, int] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    facts: dict[Key, dict[str, Any]] = field(default_factory=dict)
    left_out: list[LeftOut] = field(default_factory=list)
    edges_cut: int = 0  # claim-edge rows not read because EDGE_ROW_LIMIT was reached (0 = none)

    def ids(self, kind: str) -> list[str]:
        return sorted(i for k, i in self.nodes if k == kind)


def epoch_window(since: str | date | None, until: str | date | None) -> tuple[int, int]:
    """Claim-time bounds as "local epoch" seconds: from the start of ``since`` to the end of ``until`` (inclusive).

    Times are stored as the local settlement time read as if it were UTC, so a
    day is a day of the bureau's calendar on every engine.
    """
    lo, hi = ALL_TIME
    days: list[date | None] = []
    for name, value in (("since", since), ("until", until)):
        if value in (None, ""):
            days.append(None)
            continue
        try:
            days.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise InputError(f"--{name} {value!r}: not a date (use YYYY-MM-DD)") from None
    if days[0]:
        lo = calendar.timegm(days[0].timetuple())
    if days[1]:
        hi = calendar.timegm(days[1].timetuple()) + 86_400
    if lo >= hi:
        raise InputError(f"the time window is empty: since {since} is after until {until}")
    return lo, hi


def _rows(engine: Engine, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The query's rows as dicts of plain Python (missing values None: the engine contract)."""
    return engine.query(name, params).to_dict("records")


def _values(value: list[Any] | None) -> list[Any]:
    """A collected list with its nulls dropped (a missing list is empty)."""
    return [v for v in value or () if v is not None]


def find(engine: Engine, ident: str) -> list[str]:
    """The kinds of entity ``ident`` names (exact match on each key), in the order of START_KINDS."""
    found = {r["kind"] for r in engine.query("entity/find", {"id": ident}).to_dict("records")}
    return [k for k in START_KINDS if k in found]


def resolve(engine: Engine, ident: str, kind: str | None = None) -> str:
    """The one kind ``ident`` names; an unknown id, or an id naming several kinds without ``kind``, is refused."""
    kinds = find(engine, ident)
    if kind is not None:
        if kind not in START_KINDS:
            raise InputError(f"unknown kind {kind!r}; known: {', '.join(START_KINDS)}")
        if kind not in kinds:
            raise InputError(f"no {kind} with id {ident!r} in the graph")
        return kind
    if not kinds:
        raise InputError(f"no patient, card, provider, doctor, claim, ring, phone or address has the id {ident!r}")
    if len(kinds) > 1:
        raise InputError(f"the id {ident!r} names a {' and a '.join(kinds)}; say which with --kind")
    return kinds[0]


def neighbourhood(engine: Engine, kind: str, ident: str, hops: int = DEFAULT_HOPS, max_nodes: int = DEFAULT_MAX_NODES,
                  since: str | date | None = None, until: str | date | None = None) -> Neighbourhood:
    """The entity's neighbourhood out to ``hops`` hops, at most ``max_nodes`` nodes, claims within the window."""
    if kind not in START_KINDS:
        raise InputError(f"unknown kind {kind!r}; known: {', '.join(START_KINDS)}")
    if not 1 <= hops <= MAX_HOPS:
        raise InputError(f"--hops {hops}: choose 1 to {MAX_HOPS}")
    if max_nodes < MIN_MAX_NODES:
        raise InputError(f"--max-nodes {max_nodes}: at least {MIN_MAX_NODES}")
    lo, hi = epoch_window(since, until)
    window = {"since": lo, "until": hi}
    nb = Neighbourhood(start=(kind, ident), hops=hops, max_nodes=max_nodes,
                       since=str(since) if since else None, until=str(until) if until else None)
    if kind not in find(engine, ident):
        raise InputError(f"no {kind} with id {ident!r} in the graph")
    nb.nodes[(kind, ident)] = 0
    frontier: list[Key] = [(kind, ident)]
    first_hop = 1
    if kind == "claim":
        claim = _rows(engine, "entity/claim", {"id": ident})[0]
        nb.facts[(kind, ident)] = claim
        frontier = [(k, claim[k.id_column]) for k in MEMBER_KINDS if claim.get(k.id_column)]
        for key in frontier:
            nb.nodes.setdefault(key, 1)
        first_hop = 2
    for hop in range(first_hop, hops + 1):
        if not frontier:
            break
        frontier = _hop(engine, nb, frontier, hop, window)
    _links(engine, nb, window)
    _facts(engine, nb)
    return nb


def _hop(engine: Engine, nb: Neighbourhood, frontier: list[Key], hop: int, window: dict[str, int]) -> list[Key]:
    """Add the strongest new neighbours of ``frontier`` within the node budget; return them (the next frontier)."""
    by_kind: dict[str, list[str]] = {k: sorted(i for kk, i in frontier if kk == k) for k in KINDS}
    seen: dict[str, list[str]] = {k: nb.ids(k) for k in KINDS}
    best: dict[Key, tuple[int, int]] = {}
    more = False

    def offer(key: Key, rank: int, weight: Any) -> None:
        score = (rank, -int(weight or 0))
        if key not in best or score < best[key]:
            best[key] = score

    for step in STEPS:
        if not by_kind[step.src]:
            continue
        rows = _rows(engine, step.query, {"ids": by_kind[step.src], "seen": seen[step.dst], "limit": ROW_LIMIT, **window})
        more = more or len(rows) >= ROW_LIMIT
        for r in rows:
            offer((step.dst, str(r["dst"])), step.rank, r["weight"])
    if any(by_kind[k] for k in MEMBER_KINDS):
        params = {k.plural: by_kind[k] for k in MEMBER_KINDS}
        for r in _rows(engine, "explore/entity_rings", {**params, "seen": seen["ring"]}):
            offer(("ring", str(r["dst"])), RING_RANK, r["weight"])
    if by_kind["ring"]:
        # ids of different kinds may coincide (a card number equal to a patient number), so the members
        # already shown are skipped here by kind and id rather than by id in the query
        for r in _rows(engine, "explore/ring_members", {"ids": by_kind["ring"], "seen": []}):
            key = (str(r["kind"]), str(r["dst"]))
            if key not in nb.nodes:
                offer(key, RING_RANK, r["weight"])
    ordered = sorted(best, key=lambda k: (best[k], k))
    room = max(0, nb.max_nodes - len(nb.nodes))
    kept, dropped = ordered[:room], ordered[room:]
    for key in kept:
        nb.nodes[key] = hop
    if dropped or more:
        nb.left_out.append(LeftOut(hop=hop, kinds=dict(Counter(k for k, _ in dropped)), more=more))
    return kept


def _claim_link(kind: str, r: dict[str, Any], src: Key, dst: Key) -> Link:
    return Link(kind=kind, src=src, dst=dst, claims=int(r["claims"] or 0), amount=float(r["amount"] or 0.0),
                fund_paid=None if r.get("fund_paid") is None else float(r["fund_paid"]), first=r.get("first"),
                last=r.get("last"), times=sorted(int(t) for t in _values(r.get("times"))),
                claim_ids=sorted(str(c) for c in _values(r.get("claim_ids"))),
                diagnoses=sorted({str(d) for d in _values(r.get("diagnoses"))}))


def _links(engine: Engine, nb: Neighbourhood, window: dict[str, int]) -> None:
    """Read the edges among the chosen nodes (never beyond them)."""
    ids: dict[str, list[str]] = {k: nb.ids(k) for k in KINDS}
    if ids["patient"] and ids["card"]:
        for r in _rows(engine, "explore/edges_holds", {"patients": ids["patient"], "cards": ids["card"]}):
            nb.links.append(Link("holds", ("patient", r["src"]), ("card", r["dst"])))
    if ids["patient"] and ids["phone"]:
        for r in _rows(engine, "explore/edges_phones", {"patients": ids["patient"], "phones": ids["phone"]}):
            nb.links.append(Link("phone", ("patient", r["src"]), ("phone", r["dst"])))
    if ids["patient"] and ids["address"]:
        for r in _rows(engine, "explore/edges_addresses", {"patients": ids["patient"], "addresses": ids["address"]}):
            nb.links.append(Link("address", ("patient", r["src"]), ("address", r["dst"])))
    if ids["doctor"] and ids["provider"]:
        for r in _rows(engine, "explore/edges_works_at", {"doctors": ids["doctor"], "providers": ids["provider"]}):
            nb.links.append(Link("works_at", ("doctor", r["src"]), ("provider", r["dst"])))
        rows = _rows(engine, "explore/edges_wrote", {"doctors": ids["doctor"], "providers": ids["provider"],
                                                     "limit": EDGE_ROW_LIMIT, **window})
        nb.edges_cut = max(nb.edges_cut, EDGE_ROW_LIMIT if len(rows) >= EDGE_ROW_LIMIT else 0)
        nb.links.extend(_claim_link("wrote", r, ("doctor", r["src"]), ("provider", r["dst"])) for r in rows)
    if ids["card"] and ids["provider"]:
        rows = _rows(engine, "explore/edges_claims", {"cards": ids["card"], "providers": ids["provider"],
                                                      "limit": EDGE_ROW_LIMIT, **window})
        nb.edges_cut = max(nb.edges_cut, EDGE_ROW_LIMIT if len(rows) >= EDGE_ROW_LIMIT else 0)
        nb.links.extend(_claim_link("claims", r, ("card", r["src"]), ("provider", r["dst"])) for r in rows)
    if ids["ring"] and any(ids[k] for k in MEMBER_KINDS):
        params = {k.plural: ids[k] for k in MEMBER_KINDS}
        for r in _rows(engine, "explore/edges_members", {**params, "rings": ids["ring"]}):
            nb.links.append(Link("member", (str(r["kind"]), r["src"]), ("ring", r["dst"]), role=r.get("role")))
    if nb.start[0] == "claim":
        claim = nb.facts[nb.start]
        for k in MEMBER_KINDS:
            if claim.get(k.id_column) and (k, claim[k.id_column]) in nb.nodes:
                nb.links.append(Link("claim_of", nb.start, (k, claim[k.id_column])))


_NODE_FACTS = {"patient": "explore/nodes_patients", "card": "explore/nodes_cards", "provider": "explore/nodes_providers",
               "doctor": "explore/nodes_doctors", "ring": "explore/nodes_rings"}


def _facts(engine: Engine, nb: Neighbourhood) -> None:
    """Facts for the nodes' labels and tooltips (names, types, cities, ring scores)."""
    for kind, name in _NODE_FACTS.items():
        ids = nb.ids(kind)
        if ids:
            for r in _rows(engine, name, {"ids": ids}):
                nb.facts[(kind, str(r["id"]))] = r
