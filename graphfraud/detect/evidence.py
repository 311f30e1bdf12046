"""What detection talks about: motifs (from their ``.cypher`` headers) and the evidence rows they yield.

This module is the leaf of ``graphfraud.detect``: it imports nothing else from
the package, and every other detect module builds on its two types.

A motif's whole description lives in the header of its file in
``cypher/motifs/`` — family, kind (``indicator``: the row is suspicious in
itself; ``link``: the row ties entities together and matters only next to
indicators), its *line* of evidence (independent lines corroborate each
other; two motifs of one line do not), weight, the entity types it
implicates, its default thresholds, the roles it gives, whether its rows bring
the other patients they hold into a ring (``joins``), which Python refinement completes it, and the sentence that explains a row in English and
Chinese. Nothing about a motif is kept anywhere else.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

from graphfraud import queries
from graphfraud.vocabulary import Kind

_BY_PLURAL = {k.plural: k for k in Kind}


def kinds(words: str, where: str) -> tuple[Kind, ...]:
    """The kinds a header names in the plural (``implicates: patients cards``; ``none`` for none).

    Headers speak of evidence columns, which hold lists and so are plural; the code speaks of kinds.
    A word that names no kind is a mistake in the header, refused with its place.
    """
    out = []
    for word in words.split():
        if word == "none":
            continue
        if word not in _BY_PLURAL:
            raise ValueError(f"{where}: {word!r} is no kind of entity (one of {', '.join(sorted(_BY_PLURAL))})")
        out.append(_BY_PLURAL[word])
    return tuple(out)

# Lines of evidence whose rows alone can never make a patient suspicious: being away from home
# is what movers, students, retirees with their children and referrals do; one phone for people at
# several addresses is what care homes, companies and children registering their parents do; one drug
# bought again and again at several places (hoarding) is what a chronic patient buying for a relative
# (家庭共济), stocking up before a trip, or a care-home resident seen by several counters does — it
# corroborates a seller whose boxes came back, never accuses anyone alone (measured: as a line that is
# not weak, it gave two care-home residents "their own" evidence and made the home a false ring).
WEAK_LINES = frozenset({"displacement", "phone", "hoarding"})

NO_THROUGH: Mapping[str, str] = MappingProxyType({})   # one shared, read-only "none" for the millions of rows without


@dataclass(slots=True)
class Evidence:
    """One row of one motif: the entities it involves, the claims behind it, and why it matters.

    Slotted, and its reasons worded from its facts when asked: 10^7 claims make millions of rows,
    and most are never shown to anyone.
    """

    motif: str
    family: str
    kind: str                       # "indicator" or "link"
    weight: float
    implicates: tuple[Kind, ...]    # kinds whose members in this row it implicates
    links: tuple[Kind, ...]         # kinds the projection ties the row's patients to
    peer_group: bool                # patients flagged by this motif at one place raise each other
    peer_place: tuple[Kind, ...]    # kinds that make up that place (default: first implicated)
    patients: list[str]
    cards: list[str]
    providers: list[str]
    doctors: list[str]
    claims: list[str]
    facts: dict[str, Any] = field(default_factory=dict)
    line: str = ""                  # the motif's line of evidence
    strength: float = 1.0           # how far this row departs from its own null, in (0, 1]; scales the weight
    through: Mapping[str, str] = field(default_factory=lambda: NO_THROUGH)  # claim → the patient whose box that claim settled again

    def entities(self, kind: Kind) -> list[str]:
        """The row's ids of ``kind`` (its column of that kind, named in the plural)."""
        return getattr(self, kind.plural)

    @property
    def reason(self) -> str:
        """Why this row matters, in English, from its facts."""
        return reasons(motif(self.motif), self.facts)[0]

    @property
    def reason_zh(self) -> str:
        """The same sentence in Chinese, for the workbench and reports."""
        return reasons(motif(self.motif), self.facts)[1]

    @property
    def value(self) -> float:
        """The suspicion this row can lend: the motif's weight scaled by the row's own strength."""
        return self.weight * self.strength


PART_ROWS = ("claims", "lines")   # what a partitioned motif's parts are sized by (detect.partition)


@dataclass(frozen=True)
class Motif:
    """One motif, as its ``.cypher`` header describes it."""

    name: str
    title: str
    title_zh: str
    family: str
    kind: str
    weight: float
    implicates: tuple[Kind, ...]
    links: tuple[Kind, ...]
    peer_group: bool
    peer_place: tuple[Kind, ...]
    reason: str
    reason_zh: str
    partition: Kind | None = None   # cards / providers: the query runs once per id range (detect.partition)
    part_rows: str = "claims"       # what a part's size counts: the claims or the lines (items) the query scans
    line: str = ""                  # line of evidence (default: the motif's own name)
    defaults: Mapping[str, Any] = field(default_factory=dict)   # thresholds: query and refinement parameters
    python_only: frozenset[str] = frozenset()                   # defaults the refinement uses, not the query
    refine: str | None = None       # the Python refinement that turns query rows into evidence (detect.refine)
    source: str | None = None       # a motif whose rows come from another motif's refinement (no query of its own)
    roles: Mapping[str, str] = field(default_factory=dict)      # member type → role this motif gives
    family_mix: Mapping[str, float] = field(default_factory=dict)  # families a row speaks for, and how much
    first_row: float = 0.75         # share of the weight a single row lends (detect.suspicion.motif_suspicion)
    joins: bool = False             # a row that holds a ring's core brings its other patients in (detect.rings.joined)

    def evidence(self, patients: Any = (), cards: Any = (), providers: Any = (), doctors: Any = (),
                 claims: Any = (), facts: Mapping[str, Any] | None = None, strength: float = 1.0,
                 through: Mapping[str, str] | None = None) -> Evidence:
        """One evidence row of this motif, worded from its facts (entity lists deduplicated and sorted).

        ``through`` ties a claim of the row to a patient other than its own: the claim that settled again
        the box a seller bought ties the pharmacy that made it to the seller (``detect.rings``)."""
        facts = dict(facts or {})
        return Evidence(
            motif=self.name, family=self.family, kind=self.kind, weight=self.weight, implicates=self.implicates,
            links=self.links, peer_group=self.peer_group, peer_place=self.peer_place,
            patients=sorted(ids(patients)), cards=sorted(ids(cards)), providers=sorted(ids(providers)),
            doctors=sorted(ids(doctors)), claims=sorted(ids(claims)), facts=facts, line=self.line,
            strength=max(0.0, min(1.0, float(strength))), through=dict(through) if through else NO_THROUGH,
        )

    def rows(self, frame: Any) -> list[Evidence]:
        """One evidence row per row of this motif's query result (a DataFrame); its other columns are the facts."""
        entity_columns = ("patients", "cards", "providers", "doctors", "claims")
        fact_columns = [c for c in frame.columns if c not in entity_columns]
        return [self.evidence(row.get("patients"), row.get("cards"), row.get("providers"), row.get("doctors"),
                              row.get("claims"), {c: plain(row[c]) for c in fact_columns})
                for row in frame.to_dict("records")]


def motif_names() -> list[str]:
    """Names of the motifs, in file order (the folder is read once)."""
    return list(_motif_names())


@cache
def _motif_names() -> tuple[str, ...]:
    return tuple(n.split("/")[-1] for n in queries.names("motifs"))


def _pairs(text: str, cast=str) -> dict[str, Any]:
    """``a=x b=y`` → {"a": x, "b": y}."""
    out: dict[str, Any] = {}
    for item in text.split():
        key, _, value = item.partition("=")
        out[key] = cast(value)
    return out


@cache
def motif(name: str) -> Motif:
    meta = queries.load(f"motifs/{name}").meta
    defaults = tomllib.loads(f"d = {meta['defaults']}")["d"] if meta.get("defaults") else {}
    return Motif(
        name=name, title=meta.get("title", name), title_zh=meta.get("title_zh", meta.get("title", name)),
        family=meta.get("family", ""), kind=meta.get("kind", "indicator"),
        weight=float(meta.get("weight", 0.5)), implicates=kinds(meta.get("implicates", "patients cards"), f"motifs/{name}: implicates"),
        links=kinds(meta.get("links", "providers doctors"), f"motifs/{name}: links"),
        peer_group=meta.get("peer_group", "yes") != "no",
        peer_place=kinds(meta.get("peer_place", ""), f"motifs/{name}: peer_place"),
        reason=meta.get("reason", name),
        reason_zh=meta.get("reason_zh", meta.get("reason", name)),
        partition=next(iter(kinds(meta.get("partition", ""), f"motifs/{name}: partition")), None),
        part_rows=_part_rows(meta.get("part_rows", "claims"), name),
        line=meta.get("line", name),
        defaults=defaults,
        python_only=frozenset(meta.get("python_only", "").split()),
        refine=meta.get("refine") or None,
        source=meta.get("from") or None,
        roles=_pairs(meta.get("roles", "")),
        family_mix=_pairs(meta.get("family_mix", ""), float) or {meta.get("family", ""): 1.0},
        first_row=float(meta.get("first_row", 0.75)),
        joins=meta.get("joins", "no") == "yes",
    )


def _part_rows(value: str, name: str) -> str:
    if value not in PART_ROWS:
        raise ValueError(f"motifs/{name}: part_rows {value!r}; one of {', '.join(PART_ROWS)}")
    return value


def ids(value: Any) -> list[str]:
    """Distinct, non-empty ids of a list that may be missing or hold None (as engines return them), in first-seen order."""
    out: list[str] = []
    for v in value or ():
        if v is None:
            continue
        s = str(v)
        if s and s not in out:
            out.append(s)
    return out


def _format(template: str, facts: Mapping[str, Any]) -> str:
    try:
        return template.format(**facts)
    except (KeyError, ValueError, IndexError, TypeError):
        return template


SEX_ZH = {"F": "女", "M": "男"}
DAY_KIND_ZH = {"weekday": "工作日", "weekend day": "周末"}


def reasons(m: Motif, facts: Mapping[str, Any]) -> tuple[str, str]:
    """The row's reason in English and in Chinese, filled from the same facts."""
    zh_facts = dict(facts)
    if "sex" in facts:
        zh_facts["sex_zh"] = SEX_ZH.get(str(facts["sex"]), str(facts["sex"]))
    if "day_kind" in facts:
        zh_facts["day_kind_zh"] = DAY_KIND_ZH.get(str(facts["day_kind"]), str(facts["day_kind"]))
    return _format(m.reason, facts), _format(m.reason_zh, zh_facts)


def plain(value: Any) -> Any:
    """A fact as a plain Python value (numpy scalars unwrapped, e.g. from ``round`` of a numpy number); whole
    floats become ints so both engines word a reason alike (an integer property some rows lack comes as a float
    from the embedded engine)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
