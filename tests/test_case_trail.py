"""The case trail: review steps in the bureaus' order, who/when/note kept, nothing edited in place."""

from __future__ import annotations

import pytest

from graphfraud.case import trail
from graphfraud.errors import InputError


def _ring(engine, ring_id: str = "R-TEST01") -> str:
    engine.query("rings/upsert_ring", {"rows": [{
        "ring_id": ring_id, "patterns": '["gang"]', "score": 0.9, "amount_at_risk": 1000.0, "summary": "admission_wave",
        "seen": "2026-11-01T00:00:00+08:00", "run_id": "run-1", "size": 5, "details": "{}",
        "expected_false": 0.01}]})
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


def test_of_two_steps_checked_against_the_same_trail_the_second_write_is_refused(engine) -> None:
    """Two reviewers (two processes) both checked their step against the trail at the same state: the write is
    conditional on that state in one statement, so the second is refused with a clear error and writes nothing."""
    ring = _ring(engine)
    seen = trail.stored_state(engine, ring)
    assert seen == ("new", 0)
    first = trail.record(engine, ring, "status", "zhang", to_status="first_review", after=seen)
    assert first.seq == 1
    with pytest.raises(trail.MovedMeanwhile, match="moved to 'first_review' meanwhile") as second:
        trail.record(engine, ring, "status", "wang", to_status="dismissed", after=seen)
    assert second.value.status == "first_review"
    # the statement itself refuses a write whose condition no longer holds (no row back, nothing created)
    stale = engine.query("case/record_event", {
        "ring_id": ring, "event_id": f"{ring}#1", "seq": 1, "from_status": "new", "action": "status",
        "to_status": "dismissed", "actor": "wang", "at": "2026-11-02T10:00:00+08:00", "note": "", "assignee": None,
        "due": None, "details": "{}"})
    assert stale.empty
    assert [(e.seq, e.actor, e.to_status) for e in trail.history(engine, ring)] == [(1, "zhang", "first_review")]
    assert trail.current_status(engine, ring) == "first_review"


class _Interleaved:
    """An engine on which another process records a step right after this one has read the trail for its check
    (the moment between a four-eyes check and its write)."""

    def __init__(self, engine, ring_id: str) -> None:
        self.engine, self.ring_id, self.name, self.done = engine, ring_id, engine.name, False

    def query(self, name: str, params=None):
        frame = self.engine.query(name, params)
        if name == "case/history" and not self.done:
            self.done = True
            trail.record(self.engine, self.ring_id, "status", "li", "另一进程", to_status="second_review")
        return frame


def test_a_step_whose_trail_moved_between_its_check_and_its_write_is_refused(engine) -> None:
    from graphfraud.accounts.store import User
    from graphfraud.case import steps

    ring = _ring(engine)
    trail.record(engine, ring, "status", "zhang", to_status="first_review")
    chen = User(username="chen", role="investigator")
    with pytest.raises(steps.MovedMeanwhile, match="second_review"):
        steps.take_step(_Interleaved(engine, ring), ring, chen, "status", to_status="second_review",
                        expected="first_review")
    assert [(e.actor, e.to_status) for e in trail.history(engine, ring)] == [("zhang", "first_review"),
                                                                             ("li", "second_review")]


def test_two_connections_writing_the_same_step_at_once_store_one(neo4j) -> None:
    """Neo4j: two connections pass the condition at the same moment; the event id's key constraint refuses one."""
    import threading

    from conftest import open_test_neo4j

    ring = _ring(neo4j)
    other = open_test_neo4j()
    start, results = threading.Barrier(2), {}

    def write(name: str, engine) -> None:
        start.wait()
        try:
            results[name] = trail.record(engine, ring, "status", name, to_status="first_review", after=("new", 0)).seq
        except trail.MovedMeanwhile as exc:
            results[name] = exc

    try:
        threads = [threading.Thread(target=write, args=(n, e)) for n, e in (("zhang", neo4j), ("chen", other))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        other.close()
    assert sorted(type(v).__name__ for v in results.values()) == ["MovedMeanwhile", "int"]
    assert len(trail.history(neo4j, ring)) == 1
