"""The case trail: review steps in the bureaus' order, who/when/note kept, nothing edited in place."""

from __future__ import annotations

import pytest

from graphfraud.case import trail
from graphfraud.errors import InputError


def _ring(engine, ring_id: str = "R-TEST01") -> str:
    engine.query("rings/upsert_ring", {"rows": [{
        "ring_id": ring_id, "patterns": '["gang"]', "score": 0.9, "amount_at_risk": 1000.0, "summary": "admission_wave",
        "seen": "2026-11-01T00:00:00+08:00", "run_id": "run-1", "size": 5, "details": "{}"}]})
    return ring_id


def test_a_case_walks_the_review_chain_and_keeps_every_step(engine) -> None:
    ring = _ring(engine)
    trail.record(engine, ring, "status", "张稽核", "疑似诱导住院", to_status="first_review")
    trail.record(engine, ring, "note", "张稽核", "调取病历")
    trail.record(engine, ring, "status", "李科长", "同意", to_status="second_review")
    trail.record(engine, ring, "status", "李科长", "", to_status="confirmed")

    steps = trail.history(engine, ring)
    assert [(e.seq, e.action, e.from_status, e.to_status, e.actor) for e in steps] == [
        (1, "status", "new", "first_review", "张稽核"),
        (2, "note", "first_review", "first_review", "张稽核"),
        (3, "status", "first_review", "second_review", "李科长"),
        (4, "status", "second_review", "confirmed", "李科长"),
    ]
    assert steps[0].note == "疑似诱导住院" and steps[0].at
    assert trail.current_status(engine, ring) == "confirmed"


def test_a_step_the_chain_does_not_allow_is_refused_and_leaves_no_trace(engine) -> None:
    ring = _ring(engine)
    with pytest.raises(InputError, match="cannot move to 'referred'"):
        trail.record(engine, ring, "status", "张稽核", to_status="referred")
    with pytest.raises(InputError, match="no ring"):
        trail.record(engine, "R-NOSUCH", "note", "张稽核", "x")
    with pytest.raises(InputError, match="actor"):
        trail.record(engine, ring, "note", " ", "x")
    assert trail.history(engine, ring) == []
    assert trail.current_status(engine, ring) == "new"


def test_a_decision_survives_the_next_detection_run(engine) -> None:
    ring = _ring(engine)
    trail.record(engine, ring, "status", "张稽核", to_status="dismissed")
    _ring(engine)  # the next run finds the same ring again
    assert trail.current_status(engine, ring) == "dismissed"
    assert len(trail.history(engine, ring)) == 1
