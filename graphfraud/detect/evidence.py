"""Run the motif library and turn its rows into evidence: who, which claims, why.

Each motif is one query in ``cypher/motifs/``; its header says its family, its
kind (``indicator``: the row is suspicious in itself; ``link``: the row ties
entities together and matters only next to indicators), which entity types it
implicates, its weight, and the sentence that explains a row. Two motifs
(``terminal_sequence``, ``co_visit``) return candidate groups that are refined
here, because finding runs of consecutive swipes needs ordered scans the
shared Cypher subset lacks; ``impossible_travel`` returns each candidate card's
claims, paired here by time, and ``two_place_card`` each candidate card's uses,
matched here week by week (both needed self-joins of every card's claims in
Cypher, which at 10^7 claims outgrew the embedded engine's memory).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from graphfraud import queries
from graphfraud.detect.partition import Partitioner
from graphfraud.detect.thresholds import params_for, refine_params

ENTITY_COLUMNS = ("patients", "cards", "providers", "doctors")
FAMILIES = ("card_lending", "pharmacy_cashout", "gang")


@dataclass
class Evidence:
    """One row of one motif: the entities it involves, the claims behind it, and why it matters."""

    motif: str
    family: str
    kind: str                       # "indicator" or "link"
    weight: float
    implicates: tuple[str, ...]     # entity columns whose members this row implicates
    links: tuple[str, ...]          # entity columns the projection ties the row's patients to
    peer_group: bool                # patients flagged by this motif at one place raise each other
    peer_place: tuple[str, ...]     # entity columns that make up that place (default: first implicated)
    patients: list[str]
    cards: list[str]
    providers: list[str]
    doctors: list[str]
    claims: list[str]
    facts: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    reason_zh: str = ""             # the same sentence in Chinese, for the workbench and reports

    def entities(self, kind: str) -> list[str]:
        return getattr(self, kind)


@dataclass(frozen=True)
class Motif:
    name: str
    title: str
    title_zh: str
    family: str
    kind: str
    weight: float
    implicates: tuple[str, ...]
    links: tuple[str, ...]
    peer_group: bool
    peer_place: tuple[str, ...]
    reason: str
    reason_zh: str
    partition: str | None = None    # "cards" / "providers": the query runs once per id range (detect.partition)


def motif_names() -> list[str]:
    return [n.split("/")[-1] for n in queries.names("motifs")]


def motif(name: str) -> Motif:
    meta = queries.load(f"motifs/{name}").meta
    return Motif(
        name=name, title=meta.get("title", name), title_zh=meta.get("title_zh", meta.get("title", name)), family=meta.get("family", ""), kind=meta.get("kind", "indicator"),
        weight=float(meta.get("weight", 0.5)), implicates=tuple(meta.get("implicates", "patients cards").split()),
        links=tuple(x for x in meta.get("links", "providers doctors").split() if x != "none"),
        peer_group=meta.get("peer_group", "yes") != "no",
        peer_place=tuple(meta.get("peer_place", "").split()),
        reason=meta.get("reason", name),
        reason_zh=meta.get("reason_zh", meta.get("reason", name)),
        partition=meta.get("partition") or None,
    )


def run_motif(engine, m: Motif, params: Mapping[str, Any], parts: Partitioner) -> pd.DataFrame:
    """The motif's rows over the whole graph: one query, or one per id range for a partitioned motif."""
    frames = []
    for extra in parts.params(m.partition):
        frames.append(engine.query(f"motifs/{m.name}", {**params, **extra}))
        engine.release_memory()
    frames = [f for f in frames if len(f)] or frames[:1]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _ids(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    out: list[str] = []
    for v in value:
        if v is None or (isinstance(v, float) and math.isnan(v)):
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


def reasons(m: Motif, facts: Mapping[str, Any]) -> tuple[str, str]:
    """The row's reason in English and in Chinese, filled from the same facts."""
    zh_facts = dict(facts)
    if "sex" in facts:
        zh_facts["sex_zh"] = SEX_ZH.get(str(facts["sex"]), str(facts["sex"]))
    return _format(m.reason, facts), _format(m.reason_zh, zh_facts)


def _plain(value: Any) -> Any:
    """A fact as a plain Python value; whole floats become ints so both engines word a reason alike."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    return value


def _rows_to_evidence(m: Motif, frame: pd.DataFrame) -> list[Evidence]:
    """One evidence row per query row. Entity lists are sorted: ``collect`` order varies between engines,
    threads and partitions, and the projection numbers its nodes in the order it meets them."""
    out: list[Evidence] = []
    fact_columns = [c for c in frame.columns if c not in ENTITY_COLUMNS and c != "claims"]
    for row in frame.to_dict("records"):
        facts = {c: _plain(row[c]) for c in fact_columns}
        ev = Evidence(
            motif=m.name, family=m.family, kind=m.kind, weight=m.weight, implicates=m.implicates, links=m.links, peer_group=m.peer_group, peer_place=m.peer_place,
            patients=sorted(_ids(row.get("patients"))), cards=sorted(_ids(row.get("cards"))),
            providers=sorted(_ids(row.get("providers"))), doctors=sorted(_ids(row.get("doctors"))),
            claims=sorted(_ids(row.get("claims"))), facts=facts,
        )
        ev.reason, ev.reason_zh = reasons(m, facts)
        out.append(ev)
    return out


def _refined(m: Motif, facts: dict[str, Any], patients: Iterable[Any], cards: Iterable[Any],
             providers: Iterable[Any], claims: Iterable[Any]) -> Evidence:
    """One evidence row found by a Python refinement, worded from its facts like a query row."""
    ev = Evidence(
        motif=m.name, family=m.family, kind=m.kind, weight=m.weight, implicates=m.implicates, links=m.links,
        peer_group=m.peer_group, peer_place=m.peer_place, patients=sorted(_ids(patients)), cards=sorted(_ids(cards)),
        providers=sorted(_ids(providers)), doctors=[], claims=sorted(_ids(claims)), facts=facts,
    )
    ev.reason, ev.reason_zh = reasons(m, facts)
    return ev


def _sequences(m: Motif, frame: pd.DataFrame, max_gap_s: int, min_cards: int,
               relevant: Callable[[Iterable[str]], bool]) -> list[Evidence]:
    """Runs of swipes on one terminal where each follows the previous within max_gap_s."""
    out: list[Evidence] = []
    for row in frame.to_dict("records"):
        if not relevant(row["patient_list"]):
            continue
        swipes = sorted(zip(row["times"], row["card_list"], row["patient_list"], row["claim_list"]))
        run: list[tuple] = []
        for swipe in swipes + [None]:
            if swipe is not None and run and swipe[0] - run[-1][0] <= max_gap_s:
                run.append(swipe)
                continue
            cards = {s[1] for s in run}
            if len(cards) >= min_cards:
                minutes = (run[-1][0] - run[0][0]) / 60
                facts = {"terminal": row["terminal"], "provider": row["provider"], "n_cards": len(cards),
                         "minutes": minutes, "start": int(run[0][0])}
                out.append(_refined(m, facts, (s[2] for s in run), (s[1] for s in run), [row["provider"]], (s[3] for s in run)))
            run = [swipe] if swipe is not None else []
    return out


def _co_visits(m: Motif, frame: pd.DataFrame, min_days: int, bucket_s: int,
               relevant: Callable[[Iterable[str]], bool]) -> list[Evidence]:
    """Pairs of patients seen together (same provider, same half hour) on at least min_days days."""
    days: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    claims: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in frame.to_dict("records"):
        if not relevant(row["patient_list"]):
            continue
        patients = sorted(set(row["patient_list"]))
        day = int(row["bucket"]) * bucket_s // 86_400
        for i, a in enumerate(patients):
            for b in patients[i + 1:]:
                key = (a, b, row["provider"])
                days[key].add(day)
                claims[key].update(row["claim_list"])
    out = []
    for key in sorted(days):
        if len(days[key]) >= min_days:
            a, b, provider = key
            facts = {"pair": f"{a}, {b}", "provider": provider, "n_days": len(days[key])}
            out.append(_refined(m, facts, [a, b], [], [provider], claims[key]))
    return out


_EARTH_KM = 12742.0  # Earth's diameter: the haversine distance is diameter × asin(√h)


def _km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    h = (math.sin(math.radians(lat_b - lat_a) / 2) ** 2
         + math.cos(math.radians(lat_a)) * math.cos(math.radians(lat_b)) * math.sin(math.radians(lon_b - lon_a) / 2) ** 2)
    return _EARTH_KM * math.asin(math.sqrt(h))


def _round_up(x: float, digits: int) -> float:
    """Round halves up, as Cypher's round() does (Python's round() goes to even: 2.605 h would read 2.6)."""
    scale = 10 ** digits
    return math.floor(x * scale + 0.5) / scale


def _travels(m: Motif, frame: pd.DataFrame, max_hours: float, min_km: float, max_kmh: float) -> list[Evidence]:
    """Pairs of one card's claims in different cities, closer in time than any journey between them allows.

    Claims are ordered by time (ties by claim id); a pair is the earlier and the later claim, at most
    ``max_hours`` apart, at least ``min_km`` apart and faster than ``max_kmh``. Places without a
    city or coordinates (sent as '' and -999) pair with nothing.
    """
    out: list[Evidence] = []
    for row in frame.to_dict("records"):
        uses = sorted(zip(row["times"], row["claim_list"], row["provider_list"], row["city_list"], row["lats"], row["lons"]))
        for i, (ts_a, claim_a, prov_a, city_a, lat_a, lon_a) in enumerate(uses):
            if not city_a or lat_a <= -999 or lon_a <= -999:
                continue
            for ts_b, claim_b, prov_b, city_b, lat_b, lon_b in uses[i + 1:]:
                if ts_b - ts_a > max_hours * 3600:
                    break
                if not city_b or city_b == city_a or lat_b <= -999 or lon_b <= -999:
                    continue
                km, hours = _km(lat_a, lon_a, lat_b, lon_b), (ts_b - ts_a) / 3600.0
                if km < min_km or km <= max_kmh * hours:
                    continue
                facts = {"card": row["card"], "holder": row["holder"], "city_a": city_a, "city_b": city_b,
                         "km": _plain(_round_up(km, 1)), "hours": _plain(_round_up(hours, 2))}
                out.append(_refined(m, facts, [row["holder"]], [row["card"]], [prov_a, prov_b], [claim_a, claim_b]))
    return out


def _two_places(m: Motif, frame: pd.DataFrame, week_s: int, min_claims: int) -> list[Evidence]:
    """A card used at one provider away from home, each time in the same or a neighbouring week as a use at home.

    Per candidate card: the weeks (fixed buckets of ``week_s`` seconds) it was used in its
    holder's home city, then for each provider in another city with at least ``min_claims`` uses,
    the uses that fall in or next to such a week; at least ``min_claims`` of them make a row.
    """
    out: list[Evidence] = []
    for row in frame.to_dict("records"):
        uses = list(zip(row["times"], row["claim_list"], row["provider_list"], row["city_list"]))
        home_weeks = {ts // week_s for ts, _, _, city in uses if city == row["home_city"]}
        if not home_weeks:
            continue
        away: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for ts, claim, provider, city in uses:
            if city and city != row["home_city"]:
                away[(provider, city)].append((ts, claim))
        for (provider, city), far in sorted(away.items()):
            if len(far) < min_claims:
                continue
            near = [claim for ts, claim in far if {ts // week_s - 1, ts // week_s, ts // week_s + 1} & home_weeks]
            if len(near) >= min_claims:
                facts = {"card": row["card"], "holder": row["holder"], "home_city": row["home_city"],
                         "provider": provider, "city": city, "n": len(near)}
                out.append(_refined(m, facts, [row["holder"]], [row["card"]], [provider], near))
    return out


Progress = Callable[[str], None]


REFINED = ("terminal_sequence", "co_visit")


def collect(engine, overrides: Mapping[str, Mapping[str, Any]] | None = None,
            progress: Progress | None = None, only: Iterable[str] | None = None) -> list[Evidence]:
    """Run every motif (or ``only`` these) on the engine and return all evidence, in a stable order.

    The two motifs refined in Python (sequences, co-visits) are refined last, and only
    for groups holding a patient the indicator motifs already found suspicious: a
    group of unsuspicious patients can pass no suspicion on, and expanding every
    half hour of every clinic into pairs is what would dominate memory at scale.
    """
    from graphfraud.detect.projection import RELEVANT, suspicion  # (projection imports this module)

    baseline_frame = engine.query("baseline/amounts")
    baseline = {k: _plain(v) for k, v in baseline_frame.iloc[0].to_dict().items()} if len(baseline_frame) else {}
    evidence: list[Evidence] = []
    deferred: list[tuple[Motif, pd.DataFrame, dict[str, Any]]] = []
    parts = Partitioner(engine, overrides)
    for name in (list(only) if only else motif_names()):
        m = motif(name)
        frame = run_motif(engine, m, params_for(name, overrides, baseline), parts)
        if name in REFINED:
            deferred.append((m, frame, refine_params(name, overrides)))
        else:
            extra = refine_params(name, overrides)
            if name == "impossible_travel":
                rows = _travels(m, frame, float(extra["max_hours"]), float(extra["min_km"]), float(extra["max_kmh"]))
            elif name == "two_place_card":
                rows = _two_places(m, frame, int(extra["week_s"]), int(extra["min_claims"]))
            else:
                rows = _rows_to_evidence(m, frame)
            rows.sort(key=lambda e: (e.claims, e.patients, e.providers, e.doctors, e.reason))
            evidence.extend(rows)
        if progress:
            progress(name)
    s = suspicion(evidence)

    def relevant(patients: Iterable[str]) -> bool:
        return any(s.get(p, 0.0) >= RELEVANT for p in patients)

    for m, frame, extra in deferred:
        if m.name == "terminal_sequence":
            rows = _sequences(m, frame, int(extra["max_gap_s"]), int(extra["min_cards"]), relevant)
        else:
            rows = _co_visits(m, frame, int(extra["min_days"]), int(extra["bucket_s"]), relevant)
        rows.sort(key=lambda e: (e.claims, e.patients, e.providers, e.doctors, e.reason))
        evidence.extend(rows)
    return evidence
