"""Ring graphs: offline pages from a real detect run, members shown, every value escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphfraud.detect.rings import ring_json
from graphfraud.detect.run import detect
from graphfraud.detect.store import claim_facts
from graphfraud.load import load_directory
from graphfraud.viz import ring_graph

HOSTILE = "<img src=x onerror=alert(1)>"


def _facts(engine, ring: dict) -> dict:
    return claim_facts(engine, (c for ev in ring["evidence"] for c in ev["claims"]))


def test_ring_graph_is_offline_and_shows_every_member(embedded, small_data: Path, tmp_path: Path) -> None:
    load_directory(embedded, small_data)
    ring = ring_json(detect(embedded).rings[0])
    page = ring_graph(ring, _facts(embedded, ring), tmp_path / "ring.html").read_text(encoding="utf-8")
    assert "new vis.Network" in page
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=[\"']https?:", page)
    for member in ring["members"]:
        assert member["id"] in page
    assert ring["ring_id"] in page


def test_hostile_values_render_as_text(embedded, small_data: Path, tmp_path: Path) -> None:
    load_directory(embedded, small_data)
    ring = ring_json(detect(embedded).rings[0])
    ring["ring_id"] = HOSTILE
    ring["patterns"] = [HOSTILE]
    ring["members"].append({"type": "patient", "id": HOSTILE, "role": HOSTILE})
    for ev in ring["evidence"]:
        ev["detail"] = HOSTILE
    page = ring_graph(ring, _facts(embedded, ring), tmp_path / "ring.html").read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page or json.dumps("&lt;img")[1:-1] in page
