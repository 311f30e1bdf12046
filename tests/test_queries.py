"""Every .cypher file parses, takes parameters only, and runs on a real engine."""

from __future__ import annotations

import re

import pytest

from graphfraud import queries
from graphfraud.detect.evidence import motif
from graphfraud.detect.partition import whole
from graphfraud.detect.thresholds import params_for
from graphfraud.resources import data_dir
from graphfraud.vocabulary import Kind

ROOT = data_dir("cypher")
ALL = sorted(str(p.relative_to(ROOT))[: -len(".cypher")] for p in ROOT.rglob("*.cypher") if p.name.count(".") == 1)

SAMPLE = {
    "rings/cards_of": {"patients": ["P000001"]},
    "rings/claims": {"claims": ["CL00000001"]},
    "rings/clear_members": {"ring_ids": ["R-NONE"]},
    "rings/upsert_ring": {"rows": [{"ring_id": "R-TEST", "patterns": "[]", "score": 0.5, "amount_at_risk": 1.0,
                                     "summary": "", "seen": "2026-01-01T00:00:00+08:00", "run_id": "t", "size": 0,
                                     "details": "{}", "expected_false": 0.01}]},
    "rings/stored": {"ring_id": "R-TEST"},
    "case/ring": {"ring_id": "R-TEST"},
    "case/history": {"ring_id": "R-TEST"},
    "case/record_event": {"ring_id": "R-TEST", "event_id": "R-TEST#1", "seq": 1, "action": "note", "from_status": "new",
                          "to_status": "new", "actor": "t", "at": "2026-01-01T00:00:00+08:00", "note": "", "details": "{}",
                          "assignee": None, "due": None},
    "users/add": {"username": "u1", "display_name": "用户", "role": "analyst", "password_hash": "$argon2id$x",
                  "must_change": 0, "stamp": "s", "at": "2026-01-01T00:00:00+08:00", "expires": "",
                  "event_id": "e1", "actor": "graphfraud", "action": "created", "detail": "role analyst"},
    "users/update": {"username": "u1", "display_name": "用户", "role": "analyst", "password_hash": "$argon2id$x",
                     "disabled": 1, "must_change": 0, "stamp": "s2", "at": "2026-01-01T00:00:00+08:00",
                     "expires": "", "previous": "s", "event_id": "e2", "actor": "admin", "action": "disabled",
                     "detail": ""},
    "users/rehash": {"username": "u1", "stamp": "s2", "password_hash": "$argon2id$y"},
    "users/one": {"username": "u1"},
    "entity/search": {"q": "p0000", "q_upper": "P0000", "limit": 5},
    "rings/member_patient": {"rows": [{"ring_id": "R-TEST", "id": "P000001", "role": "r"}]},
    "rings/member_card": {"rows": [{"ring_id": "R-TEST", "id": "C000001", "role": "r"}]},
    "rings/member_provider": {"rows": [{"ring_id": "R-TEST", "id": "H0001", "role": "r"}]},
    "rings/member_doctor": {"rows": [{"ring_id": "R-TEST", "id": "D00001", "role": "r"}]},
    "bundle/patients": {"patients": ["P000001"]},
    "bundle/cards": {"cards": ["C000001"]},
    "bundle/providers": {"providers": ["H0001"]},
    "bundle/doctors": {"doctors": ["D00001"]},
}
_HOP = {"seen": [], "since": 0, "until": 2**62, "limit": 100}
_KEPT = {"patients": ["P000001"], "cards": ["C000001"], "providers": ["H0001"], "doctors": ["D00001"]}
SAMPLE.update({f"explore/{name}": {"ids": [ident], **_HOP} for name, ident in {
    "patient_cards": "P000001", "card_holders": "C000001", "patient_phones": "P000001", "phone_patients": "13800000000",
    "patient_addresses": "P000001", "address_patients": "x", "card_providers": "C000001", "provider_cards": "H0001",
    "doctor_providers": "D00001", "doctor_workplaces": "D00001", "provider_doctors": "H0001", "provider_staff": "H0001",
}.items()})
SAMPLE.update({
    "explore/entity_rings": {**_KEPT, "seen": []},
    "explore/ring_members": {"ids": ["R-NONE"], "seen": []},
    "explore/edges_holds": {"patients": ["P000001"], "cards": ["C000001"]},
    "explore/edges_phones": {"patients": ["P000001"], "phones": ["x"]},
    "explore/edges_addresses": {"patients": ["P000001"], "addresses": ["x"]},
    "explore/edges_works_at": {"doctors": ["D00001"], "providers": ["H0001"]},
    "explore/edges_claims": {"cards": ["C000001"], "providers": ["H0001"], **_HOP},
    "explore/edges_wrote": {"doctors": ["D00001"], "providers": ["H0001"], **_HOP},
    "explore/edges_members": {**_KEPT, "rings": ["R-NONE"]},
    **{f"explore/nodes_{k}": {"ids": ["x"]} for k in ("patients", "cards", "providers", "doctors", "rings")},
    **{f"entity/{k}": {"id": "P000001"} for k in ("find", "patient", "card", "provider", "doctor", "claim", "phone",
                                                   "address", "rings_of")},
    **{f"entity/claims_{k}": {"id": "P000001", "limit": 10} for k in ("patient", "card", "provider", "doctor")},
    "refine/burst_claims": {"providers": ["Y0001"], "hours": [480000]},
    "refine/card_days": {"cards": ["C000001"]},
    "bundle/items": {"claims": ["CL00000001"]},
    **{f"entity/{k}": {"id": "81000000000000000001"} for k in ("box", "box_sales", "box_purchases", "claim_items")},
    "refine/provider_profile": {"unit": 50, "min_amount": 100, "start_hour": 21, "end_hour": 7},
})


def test_every_query_has_a_title_and_no_pasted_values() -> None:
    assert len(ALL) > 20
    for name in ALL:
        q = queries.load(name)
        assert q.meta.get("title"), name
        assert not re.search(r"\{\s*\w+\s*\}", q.text.replace("{", " {")) or "$" in q.text, name


@pytest.mark.parametrize("folder", ["motifs", "baseline", "rings", "case", "bundle", "explore", "entity", "partition",
                                    "refine", "users"])
def test_every_query_runs_on_the_engine(small_graph, folder: str) -> None:
    engine = small_graph  # holding the small data
    for name in [n for n in ALL if n.startswith(folder + "/")]:
        if folder == "motifs" and motif(name.split("/")[-1]).source:
            assert not queries.load(name).text, f"{name} reads another motif's rows and has no query of its own"
            continue
        params = SAMPLE.get(name) or params_for(name, baseline={"pharmacy_avg": 120.0})
        if folder == "motifs":
            params.update(whole(engine, motif(name.split("/")[-1]).partition))
        elif "$part_lo" in queries.load(name).text:   # a norm read in the run's provider slices: the whole range
            params.update(whole(engine, Kind.PROVIDER))
        frame = engine.query(name, params)
        if folder == "bundle" and name != "bundle/items":
            assert len(frame) == 1 and frame["id"][0] == next(iter(params.values()))[0], name
        if folder == "motifs":
            assert {"patients", "claims"} <= set(frame.columns) or motif(name.split("/")[-1]).refine, name


def test_every_motif_reason_names_only_columns_the_query_returns(embedded_small) -> None:
    from graphfraud.detect.motifs import collect

    evidence = collect(embedded_small)
    assert {ev.motif for ev in evidence} >= {"round_amounts", "after_death", "terminal_sequence"}
    for ev in evidence:
        assert "{" not in ev.reason, (ev.motif, ev.reason)
        assert "{" not in ev.reason_zh and re.search(r"[\u4e00-\u9fff]", ev.reason_zh), (ev.motif, ev.reason_zh)


def test_every_motif_explains_itself_in_chinese_from_the_same_facts() -> None:
    from graphfraud.detect.evidence import motif, motif_names

    for name in motif_names():
        m = motif(name)
        assert re.search(r"[\u4e00-\u9fff]", m.reason_zh), name
        english = set(re.findall(r"\{(\w+)", m.reason))
        assert {k for k in re.findall(r"\{(\w+)", m.reason_zh) if not k.endswith("_zh")} <= english, name


def test_every_motif_header_names_kinds_of_entity_and_a_misspelt_one_is_refused_with_its_place() -> None:
    from graphfraud.detect.evidence import kinds, motif_names
    from graphfraud.vocabulary import MEMBER_KINDS

    for name in motif_names():
        m = motif(name)
        assert set(m.implicates) | set(m.links) | set(m.peer_place) <= set(MEMBER_KINDS), name
    assert kinds("patients cards none", "here") == (Kind.PATIENT, Kind.CARD)
    with pytest.raises(ValueError, match=r"motifs/x: implicates: 'provders' is no kind of entity"):
        kinds("patients provders", "motifs/x: implicates")
