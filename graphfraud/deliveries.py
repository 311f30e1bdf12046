"""A generated data set cut into two deliveries, the way a bureau sends settlements day after day.

Scheduled jobs need data that changes between runs in a known way. This takes
a data set written by ``graphfraud.generate`` (with its ``truth.json``) and
writes two delivery folders:

* ``day-1/``: every table, and every claim except those that arrive later
  (with its items; purchases all arrive on day 1);
* ``day-2/``: ``claims.csv`` (and ``items.csv``: an item travels with its claim) with the settlements of the last ``last_days``
  days of ordinary care, **all** ring claims of the planted rings named as
  ``new`` (the ring appears), and the ring claims of the last-recruited share
  of each ring named as ``grown`` (the ring gains members).

The choice of what arrives on day 2 comes from the truth file only (which
claims belong to which planted ring, and when each ring member first acted),
never from what the detector finds. ``deliveries.json`` records what changed:
the new rings and, per grown ring, the patients it gains.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from graphfraud.atomic import atomic_path, write_text_atomic
from graphfraud.errors import InputError

DEFAULT_LAST_DAYS = 14      # ordinary settlements of the last two weeks arrive on day 2
DEFAULT_GROW_SHARE = 1 / 3  # a grown ring's last-recruited third arrives on day 2
SIDE_TABLES = ("patients", "cards", "providers", "doctors", "purchases")


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def split_deliveries(
    source: Path,
    out: Path,
    new: list[str],
    grown: list[str],
    grow_share: float = DEFAULT_GROW_SHARE,
    last_days: int = DEFAULT_LAST_DAYS,
) -> dict[str, Any]:
    """Write ``out/day-1`` and ``out/day-2`` from the generated data set in ``source``; return the change truth.

    ``new`` and ``grown`` are planted ring ids of ``source/truth.json`` (``T001``…).
    """
    source, out = Path(source), Path(out)
    truth = json.loads((source / "truth.json").read_text(encoding="utf-8"))
    planted = {r["ring_id"]: r for r in truth["rings"]}
    unknown = sorted((set(new) | set(grown)) - set(planted))
    if unknown:
        raise InputError(f"{source / 'truth.json'}: no planted ring {', '.join(unknown)}")
    if set(new) & set(grown):
        raise InputError("a ring cannot be both new and grown on day 2")
    claims = pd.read_csv(source / "claims.csv", dtype=str, keep_default_na=False)
    ts = pd.to_datetime(claims["ts"])
    ring_claims = {c for r in truth["rings"] for c in r["claims"]}
    later = set()
    for ring_id in new:
        later.update(planted[ring_id]["claims"])
    added: dict[str, list[str]] = {}
    for ring_id in grown:
        ring = planted[ring_id]
        mine = claims[claims["claim_id"].isin(ring["claims"])]
        first_act = ts[mine.index].groupby(mine["patient_id"]).min().sort_values(kind="stable")
        patients = [p for p in first_act.index if p in set(ring["patients"])]
        k = max(1, math.ceil(len(patients) * grow_share))
        if len(patients) - k < 3:
            raise InputError(f"planted ring {ring_id} is too small to grow (it needs 3 patients left on day 1)")
        joiners = sorted(patients[-k:])
        added[ring_id] = joiners
        later.update(mine.loc[mine["patient_id"].isin(joiners), "claim_id"])
    cutoff = ts.max().normalize() - pd.Timedelta(days=last_days - 1)
    recent = (ts >= cutoff) & ~claims["claim_id"].isin(ring_claims)
    day2 = claims["claim_id"].isin(later) | recent

    day1_dir, day2_dir = out / "day-1", out / "day-2"
    for folder in (day1_dir, day2_dir):
        folder.mkdir(parents=True, exist_ok=True)
    _write_csv(claims[~day2], day1_dir / "claims.csv")
    for table in SIDE_TABLES:
        if (source / f"{table}.csv").is_file():
            shutil.copyfile(source / f"{table}.csv", day1_dir / f"{table}.csv")
    _write_csv(claims[day2], day2_dir / "claims.csv")
    if (source / "items.csv").is_file():
        items = pd.read_csv(source / "items.csv", dtype=str, keep_default_na=False)
        later_items = items["claim_id"].isin(claims.loc[day2, "claim_id"])
        _write_csv(items[~later_items], day1_dir / "items.csv")
        _write_csv(items[later_items], day2_dir / "items.csv")
    changes = {
        "source": str(source),
        "deliveries": [
            {"name": "day-1", "claims": int((~day2).sum()),
             "rings": sorted(set(planted) - set(new))},
            {"name": "day-2", "claims": int(day2.sum()), "from": cutoff.strftime("%Y-%m-%d"),
             "new": sorted(new), "grown": added},
        ],
    }
    write_text_atomic(out / "deliveries.json", json.dumps(changes, ensure_ascii=False, indent=1))
    return changes
