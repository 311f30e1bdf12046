"""Motif thresholds: documented defaults, overridable per motif in ``graphfraud.toml``.

Every value here is a query parameter of the motif of the same name
(``cypher/motifs/<name>.cypher``) or of its refinement in
``graphfraud.detect.motifs``. Override any of them under ``[detect.<motif>]``::

    [detect.impossible_travel]
    max_kmh = 200
"""

from __future__ import annotations

from typing import Any, Mapping

from graphfraud import icd

DEFAULTS: dict[str, dict[str, Any]] = {
    "impossible_travel": {
        "max_hours": 12,        # only pairs of claims this close in time
        "min_km": 300,          # and at least this far apart
        "max_kmh": 250,         # faster than this door to door is impossible (flights included)
    },
    "displaced_card": {"min_claims": 2},        # hospital/clinic claims in one city not the holder's home
    "two_place_card": {"week_s": 7 * 86400, "min_claims": 2},  # far uses in the same or a neighbouring week as a use at home
    "far_pharmacy": {"min_claims": 2, "min_share": 0.5},  # share of the card's pharmacy spending
    "misfit_care": {
        "female_only": icd.sex_limited("F"),
        "male_only": icd.sex_limited("M"),
        "pregnancy": ["O80", "O26"],
        "max_pregnancy_age": 55,
        "newborn": ["P07"],
    },
    "terminal_sequence": {"min_cards": 3, "max_gap_s": 300},
    "after_death": {"grace_days": 3},           # settlement can lag a death by a few days
    "round_amounts": {"unit": 50, "min_amount": 100, "min_claims": 2, "min_share": 0.6},
    "off_hours": {"start_hour": 21, "end_hour": 7, "min_claims": 2, "min_share": 0.5},
    "card_burst": {"min_cards": 5, "rate_factor": 4.0},
    "refill_too_soon": {"chronic": ["I10", "E11", "I25", "J45"], "min_refills": 4, "max_mean_days": 14},
    "admission_wave": {"window_days": 2, "min_patients": 4, "rate_factor": 3.0},
    "split_admission": {"max_gap_days": 3},
    "co_admission": {"window_days": 2, "max_group": 6},
    # one number for ≥ min_patients patients at ≥ min_addresses addresses, ≥ min_alone of them alone at theirs
    "shared_phone": {"min_patients": 4, "min_addresses": 3, "min_alone": 2},
    # the same phone rule; then patients one doctor admitted within `within_days` of ≥ min_recruits of that phone's patients
    "beside_recruits": {"min_patients": 4, "min_addresses": 3, "min_alone": 2, "within_days": 1, "min_recruits": 2},
    # high-value scripts (≥ amount_factor × average purchase) at one pharmacy: share of the doctor's,
    # and lift over that pharmacy's share of the doctor's ordinary scripts
    "doctor_funnel": {"min_scripts": 8, "min_share": 0.6, "lift_share": 0.2, "min_lift": 3.0, "amount_factor": 3.0},
    "co_visit": {"bucket_s": 1800, "max_group": 12, "min_days": 3},
}

# Parameters used by the Python refinement step only (not sent to the engine).
PYTHON_ONLY = {"terminal_sequence": {"max_gap_s"}, "co_visit": {"min_days"}, "doctor_funnel": {"amount_factor"},
               "impossible_travel": {"max_hours", "min_km", "max_kmh"}, "two_place_card": {"week_s", "min_claims"}}


def params_for(name: str, overrides: Mapping[str, Mapping[str, Any]] | None = None,
               baseline: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Query parameters of motif ``name`` ("impossible_travel" or "motifs/impossible_travel")."""
    motif = name.split("/")[-1]
    values = refine_params(motif, overrides)
    if motif == "doctor_funnel":
        average = float((baseline or {}).get("pharmacy_avg") or 100.0)
        values["min_amount"] = values["amount_factor"] * average
    for key in PYTHON_ONLY.get(motif, ()):
        values.pop(key, None)
    return values


def refine_params(name: str, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """All parameters of motif ``name``, including those its Python refinement uses."""
    motif = name.split("/")[-1]
    values = dict(DEFAULTS.get(motif, {}))
    values.update((overrides or {}).get(motif, {}))
    return values
