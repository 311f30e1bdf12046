"""Outcomes feed back: how often each motif's rings were confirmed or dismissed by the investigators.

A ring counts for every motif in its evidence. Confirmed means the case was
confirmed (确认违规) or referred to the police (移送公安, which follows a
confirmation); dismissed means 排除. Rings still under review count for
neither. The confirmation rate is confirmed / (confirmed + dismissed), shown
once a motif has ``MIN_DECISIONS`` decisions — the start of a feedback loop
that ranking may use once there are enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CONFIRMED = ("confirmed", "referred")
DISMISSED = ("dismissed",)
MIN_DECISIONS = 1


@dataclass(frozen=True)
class Outcome:
    """One motif's decided rings so far."""

    motif: str
    confirmed: int = 0
    dismissed: int = 0
    open: int = 0

    @property
    def decided(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def rate(self) -> float | None:
        """Confirmed share of the decided rings; None before ``MIN_DECISIONS`` decisions."""
        return self.confirmed / self.decided if self.decided >= MIN_DECISIONS else None


def count(rings: Iterable[Mapping[str, Any]]) -> dict[str, Outcome]:
    """Per motif, the rings confirmed, dismissed and still open (``rings``: each with ``status`` and ``motifs``)."""
    tally: dict[str, list[int]] = {}
    for ring in rings:
        status = ring.get("status") or "new"
        motifs = ring.get("motifs") or []
        if isinstance(motifs, str):
            motifs = [m for m in motifs.split(", ") if m]
        for m in set(motifs):
            t = tally.setdefault(m, [0, 0, 0])
            t[0 if status in CONFIRMED else 1 if status in DISMISSED else 2] += 1
    return {m: Outcome(m, *t) for m, t in sorted(tally.items())}


def rates(outcomes: Mapping[str, Outcome], lang: str = "zh") -> dict[str, dict[str, Any]]:
    """The outcomes as pages show them: title, counts and the rate (None while undecided), by motif."""
    from graphfraud.detect.evidence import motif as motif_of

    out = {}
    for name, o in outcomes.items():
        try:
            m = motif_of(name)
            title = m.title_zh if lang == "zh" else m.title
        except KeyError:
            title = name
        out[name] = {"motif": name, "title": title, "confirmed": o.confirmed, "dismissed": o.dismissed,
                     "open": o.open, "rate": o.rate}
    return out
