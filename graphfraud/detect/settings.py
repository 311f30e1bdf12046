"""The keys ``[detect]`` takes, so that graphfraud.toml and job.toml can refuse a misspelt one by name.

``[detect]`` holds the run's own settings (Leiden's, the parts, the ring
rules of ``rings.RingRules``) and one table per motif, ``[detect.<motif>]``,
whose keys are the parameters that motif's header declares (``defaults:``,
read through ``thresholds.defaults``). Without this check a misspelt
``max_khm`` was sent to the query as a parameter nothing reads, and
``max_kmh`` kept its default in silence. ``graphfraud.config`` does the
checking when it reads the file.
"""

from __future__ import annotations

from dataclasses import fields

from graphfraud.detect.evidence import motif_names
from graphfraud.detect.rings import RingRules
from graphfraud.detect.thresholds import defaults

LEIDEN = ("communities", "objective", "resolution", "seed")  # read by detect.communities (and run's null model)
PARTS = ("claims_per_part",)                                  # read by detect.partition


def known() -> dict[str, tuple[str, ...] | None]:
    """Every key of ``[detect]``: a setting (None) or a motif's table (its parameter names)."""
    keys: dict[str, tuple[str, ...] | None] = dict.fromkeys((*LEIDEN, *PARTS, *(f.name for f in fields(RingRules))))
    keys.update({name: tuple(sorted(defaults(name))) for name in motif_names()})
    return keys
