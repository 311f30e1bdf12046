"""The engine contract (``graphfraud.engines.base``) and the logic around queries, tested on a recording fake.

The fake (``tests/fakes.py``) checks which queries the code asks for and with
which parameters; what the queries return on a real database is pinned by
``tests/test_conformance.py`` on both engines.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import gds
from graphfraud.detect.store import claim_facts
from graphfraud.engines.base import none_for_missing
from graphfraud.errors import ConfigError
from graphfraud.job import history
from graphfraud.web.workbench import Serialised
from tests.fakes import Call, RecordingEngine

# --------------------------------------------------------------------------- none_for_missing


def test_missing_values_become_none_and_complete_columns_keep_their_dtype() -> None:
    frame = pd.DataFrame({
        "n": [1, 2], "x": [1.5, np.nan], "s": pd.array(["a", None], dtype="str"),
        "t": pd.to_datetime(["2025-03-01", None]), "l": [[1, None], None], "ok": ["p", "q"],
    })
    out = none_for_missing(frame)
    assert out["n"].dtype == np.int64 and pd.api.types.is_string_dtype(out["ok"])
    rows = out.to_dict("records")
    assert rows[1] == {"n": 2, "x": None, "s": None, "t": None, "l": None, "ok": "q"}
    assert rows[0]["x"] == 1.5 and rows[0]["s"] == "a" and rows[0]["l"] == [1, None]
    assert not any(isinstance(v, float) and math.isnan(v) for r in rows for v in r.values())


def test_an_empty_frame_is_left_as_it_is() -> None:
    frame = pd.DataFrame({"a": pd.Series([], dtype="float64")})
    assert none_for_missing(frame) is frame and frame["a"].dtype == np.float64


# --------------------------------------------------------------------------- logic on the recording fake


def test_gds_is_refused_on_an_engine_that_declares_no_gds_without_asking_it_anything() -> None:
    engine = RecordingEngine(name="neo4j-lookalike", gds=False)   # the capability decides, not the name
    with pytest.raises(ConfigError, match=r'needs the Neo4j engine.*communities = "igraph"'):
        gds.gds_version(engine)
    assert engine.calls == []


def test_gds_asks_whether_the_server_has_it_before_asking_its_version() -> None:
    without = RecordingEngine({"gds/available": pd.DataFrame({"name": []})}, gds=True)
    with pytest.raises(ConfigError, match=r"no Graph Data Science.*start --gds"):
        gds.gds_version(without)
    assert without.names() == ["gds/available"]   # gds/version would not even compile there

    with_gds = RecordingEngine({"gds/available": pd.DataFrame({"name": ["gds.version"]}),
                                "gds/version": pd.DataFrame({"version": ["2.13.2"]})}, gds=True)
    assert gds.gds_version(with_gds) == "2.13.2"
    assert with_gds.names() == ["gds/available", "gds/version"]


def test_claim_facts_asks_in_sorted_chunks_of_distinct_ids_and_keeps_missing_values_none() -> None:
    def rows(params: dict) -> pd.DataFrame:
        ids = params["claims"]
        return pd.DataFrame({"claim_id": ids, "amount": [100.0] * len(ids),
                             "fund_paid": [np.nan if i == "C3" else 80.0 for i in ids]})

    engine = RecordingEngine({"rings/claims": rows})
    facts = claim_facts(engine, ["C5", "C1", "C3", "C1", "C2", "C4"], chunk=2)
    assert engine.calls == [Call("rings/claims", {"claims": ["C1", "C2"]}), Call("rings/claims", {"claims": ["C3", "C4"]}),
                            Call("rings/claims", {"claims": ["C5"]})]
    assert sorted(facts) == ["C1", "C2", "C3", "C4", "C5"]
    assert facts["C3"]["fund_paid"] is None and facts["C4"]["fund_paid"] == 80.0


def test_a_saved_run_with_missing_values_loads_with_the_defaults() -> None:
    saved = pd.DataFrame([{"run_id": "R1", "started": "2025-03-01T02:00:00+08:00", "finished": None, "engine": None,
                           "outcome": None, "step": "loaded", "attempts": np.nan, "seconds": np.nan, "error": None,
                           "details": None, "delivered": '["a.csv"]', "state": None, "snapshot": None}])
    engine = RecordingEngine({"job/run": saved})
    run = history.load(engine, "R1")
    assert engine.calls == [Call("job/run", {"run_id": "R1"})]
    assert run is not None and (run.engine, run.outcome, run.step, run.attempts, run.seconds) == ("", "running", "loaded", 1, 0.0)
    assert run.finished is None and run.details == {} and run.delivered == ["a.csv"] and run.snapshot is None


def test_the_workbench_serialises_only_an_engine_that_is_not_threadsafe() -> None:
    assert Serialised(RecordingEngine(threadsafe=False))._lock is not None
    shared = Serialised(RecordingEngine(threadsafe=True, shared_store=True, gds=True))
    assert shared._lock is None and shared.threadsafe and shared.shared_store and shared.gds


def test_the_fake_refuses_a_query_it_was_not_given_or_without_its_parameters() -> None:
    engine = RecordingEngine({"job/run": pd.DataFrame()})
    with pytest.raises(AssertionError, match=r"needs \$run_id"):
        engine.query("job/run", {})
    with pytest.raises(AssertionError, match="unexpected query job/history"):
        engine.query("job/history", {"limit": 5})
    with pytest.raises(KeyError):
        engine.query("job/no_such_query")


def test_both_engines_refuse_a_query_missing_a_parameter_it_uses(engine) -> None:
    from graphfraud.errors import EngineError

    with pytest.raises(EngineError, match=r"cards"):
        engine.query("refine/card_days", {})
    assert len(engine.query("refine/card_days", {"cards": ["C-NONE"]})) == 0


# --------------------------------------------------------------------------- the embedded engine's own memory care


def test_the_embedded_engine_renews_its_connection_after_a_motif_query_outside_a_transaction(embedded) -> None:
    from graphfraud.detect.evidence import motif
    from graphfraud.detect.partition import whole
    from graphfraud.detect.thresholds import params_for

    params = params_for("motifs/shared_phone") | whole(embedded, motif("shared_phone").partition)
    first = embedded._conn
    embedded.query("job/unfinished")
    assert embedded._conn is first                      # an ordinary query keeps the connection
    embedded.query("motifs/shared_phone", params)
    assert embedded._conn is not first                  # a motif query leaves a fresh one behind
    with embedded.transaction():
        inside = embedded._conn
        embedded.query("motifs/shared_phone", params)
        assert embedded._conn is inside                 # the transaction lives on its connection
