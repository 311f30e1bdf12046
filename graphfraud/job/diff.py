"""What changed between the previous run's rings and this run's: matched by membership, not by position.

Detection already keeps a ring's id while its members overlap (see
``graphfraud.detect.rings``), so a ring found again has the same id. On top of
that, rings are linked across runs by the patients they share: a link counts
when at least ``LINK_MIN_PATIENTS`` patients and at least ``LINK_SHARE`` of
the previous ring's patients are in the current ring. Each current ring is

* ``merged``    — linked from two or more previous rings;
* ``split``     — one of two or more rings a previous ring is linked to;
* ``grown`` / ``shrunk`` / ``changed`` / ``unchanged`` — the same id as a
  previous ring, and members only gained / only lost / both / neither;
* ``new``       — none of the above;

and a previous ring whose id is gone and which is linked to no current ring
has ``disappeared`` (one that went into a merge or split is named in that
change's ``related`` rings instead). Members are compared as typed ids
(``patient:P…``, ``card:C…``, ``provider:…``, ``doctor:…``).

>>> a = RingState("R-1", frozenset({"patient:1", "patient:2", "patient:3"}), 0.9)
>>> b = RingState("R-1", a.members | {"patient:4"}, 0.92)
>>> [c.kind for c in compare({"R-1": a}, {"R-1": b})]
['grown']
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LINK_MIN_PATIENTS = 2
LINK_SHARE = 1 / 3
ALWAYS_MATERIAL = ("new", "merged", "split", "disappeared")


@dataclass(frozen=True)
class RingState:
    """A ring as one run saw it: members, score, families, amount, and its case status."""

    ring_id: str
    members: frozenset[str]
    score: float
    patterns: tuple[str, ...] = ()
    amount_at_risk: float = 0.0
    status: str = "new"
    first_seen: str | None = None

    @property
    def patients(self) -> frozenset[str]:
        return frozenset(m for m in self.members if m.startswith("patient:"))

    @property
    def digest(self) -> str:
        """SHA-256 of the sorted members: equal exactly when the membership is."""
        return hashlib.sha256("\n".join(sorted(self.members)).encode("utf-8")).hexdigest()

    def as_json(self) -> dict[str, Any]:
        return {"members": sorted(self.members), "score": self.score, "patterns": list(self.patterns),
                "amount_at_risk": self.amount_at_risk, "status": self.status, "first_seen": self.first_seen}

    @classmethod
    def from_json(cls, ring_id: str, data: Mapping[str, Any]) -> RingState:
        return cls(ring_id, frozenset(data.get("members", ())), float(data.get("score") or 0.0),
                   tuple(data.get("patterns", ())), float(data.get("amount_at_risk") or 0.0),
                   str(data.get("status") or "new"), data.get("first_seen"))

    @classmethod
    def from_ring(cls, ring) -> RingState:
        """From a ``graphfraud.detect.rings.Ring``."""
        return cls(ring.ring_id, frozenset(f"{m.type}:{m.id}" for m in ring.members), float(ring.score),
                   tuple(ring.patterns), float(ring.amount_at_risk), ring.status or "new", ring.first_seen)


@dataclass(frozen=True)
class Change:
    """One ring's change since the previous run; ``ring`` is its current state (last known when it disappeared)."""

    kind: str
    ring: RingState
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    status_before: str = "new"

    @property
    def ring_id(self) -> str:
        return self.ring.ring_id

    def material(self, min_changed_members: int = 1) -> bool:
        """New, merged, split and disappeared always are; grown/shrunk/changed when enough members moved."""
        if self.kind in ALWAYS_MATERIAL:
            return True
        return self.kind != "unchanged" and len(self.added) + len(self.removed) >= min_changed_members

    def as_json(self) -> dict[str, Any]:
        return {"ring_id": self.ring_id, "kind": self.kind, "score": self.ring.score, "added": list(self.added),
                "removed": list(self.removed), "related": list(self.related), "status_before": self.status_before,
                "digest": self.ring.digest}


def _linked(old: RingState, new: RingState) -> bool:
    shared = len(old.patients & new.patients)
    return shared >= LINK_MIN_PATIENTS and shared >= LINK_SHARE * len(old.patients)


def compare(previous: Mapping[str, RingState], current: Mapping[str, RingState],
            statuses: Mapping[str, str] | None = None) -> list[Change]:
    """Every current ring's change, then every disappeared ring; ``statuses`` are the case statuses before this run."""
    statuses = statuses or {}
    sources: dict[str, list[str]] = {c: [] for c in current}
    targets: dict[str, list[str]] = {p: [] for p in previous}
    for p_id, old in previous.items():
        for c_id, new in current.items():
            if _linked(old, new):
                sources[c_id].append(p_id)
                targets[p_id].append(c_id)
    changes: list[Change] = []
    for c_id in sorted(current):
        ring = current[c_id]
        same = previous.get(c_id)
        split_from = sorted(p for p in sources[c_id] if len(targets[p]) >= 2)
        if len(sources[c_id]) >= 2:
            kind, related = "merged", tuple(sorted(sources[c_id]))
        elif split_from:
            kind, related = "split", tuple(split_from)
        elif same is not None:
            gained, lost = ring.members - same.members, same.members - ring.members
            kind = ("changed" if gained and lost else "grown" if gained else "shrunk" if lost else "unchanged")
            related = ()
        else:
            kind, related = "new", ()
        base: set[str] = set(same.members) if same else set()
        for p in related:
            base |= previous[p].members
        added = tuple(sorted(ring.members - base))
        removed = tuple(sorted(same.members - ring.members)) if same else ()
        changes.append(Change(kind, ring, added, removed, related, statuses.get(c_id, "new")))
    for p_id in sorted(previous):
        if p_id not in current and not targets[p_id]:
            old = previous[p_id]
            changes.append(Change("disappeared", old, (), tuple(sorted(old.members)), (), statuses.get(p_id, old.status)))
    return changes


def counts(changes: list[Change]) -> dict[str, int]:
    """How many rings of each kind of change, in the documented order."""
    order = ("new", "grown", "shrunk", "changed", "merged", "split", "disappeared", "unchanged")
    out = dict.fromkeys(order, 0)
    for c in changes:
        out[c.kind] += 1
    return {k: v for k, v in out.items() if v}


