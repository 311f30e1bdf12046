"""Motif thresholds: the defaults written in each motif's header, overridable per motif in ``graphfraud.toml``.

Every value is a query parameter of the motif of the same name
(``cypher/motifs/<name>.cypher``, header ``defaults:``) or, when the header
lists it under ``python_only:``, a parameter of its Python refinement
(``graphfraud.detect.refine``). Override any of them under ``[detect.<motif>]``::

    [detect.impossible_travel]
    max_kmh = 900

Code lists too long for a header (the ICD-10 categories limited to one sex)
are computed here from ``graphfraud.icd``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphfraud import icd
from graphfraud.detect.evidence import motif, motif_names

COMPUTED: dict[str, dict[str, Any]] = {
    "misfit_care": {"female_only": icd.sex_limited("F"), "male_only": icd.sex_limited("M")},
}


def defaults(name: str) -> dict[str, Any]:
    """The documented default parameters of motif ``name`` (none for a query that is not a motif)."""
    if name not in motif_names():
        return {}
    return {**dict(motif(name).defaults), **COMPUTED.get(name, {})}


def params_for(name: str, overrides: Mapping[str, Mapping[str, Any]] | None = None,
               baseline: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Query parameters of motif ``name`` ("impossible_travel" or "motifs/impossible_travel")."""
    name = name.split("/")[-1]
    values = refine_params(name, overrides)
    if name == "doctor_funnel":
        average = float((baseline or {}).get("pharmacy_avg") or 100.0)
        values["min_amount"] = values["amount_factor"] * average
    for key in (motif(name).python_only if name in motif_names() else ()):
        values.pop(key, None)
    return values


def refine_params(name: str, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """All parameters of motif ``name``, including those its Python refinement uses."""
    name = name.split("/")[-1]
    values = defaults(name)
    values.update((overrides or {}).get(name, {}))
    return values
