"""Ring graphs: offline pages from a real detect run, members shown, every value escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphfraud.detect.rings import ring_json
from graphfraud.detect.store import claim_facts
from graphfraud.load import load_directory
from graphfraud.viz import ring_graph

HOSTILE = "<img src=x onerror=alert(1)>"


def _facts(engine, ring: dict) -> dict:
    return claim_facts(engine, (c for ev in ring["evidence"] for c in ev["claims"]))


def test_ring_graph_is_offline_and_shows_every_member(embedded_rings, tmp_path: Path) -> None:
    embedded, result = embedded_rings
    ring = ring_json(result.rings[0])
    page = ring_graph(ring, _facts(embedded, ring), tmp_path / "ring.html").read_text(encoding="utf-8")
    assert "new vis.Network" in page
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=[\"']https?:", page)
    for member in ring["members"]:
        assert member["id"] in page
    assert ring["ring_id"] in page


def test_hostile_values_render_as_text(embedded_rings, tmp_path: Path) -> None:
    embedded, result = embedded_rings
    ring = ring_json(result.rings[0])
    ring["ring_id"] = HOSTILE
    ring["patterns"] = [HOSTILE]
    ring["members"].append({"type": "patient", "id": HOSTILE, "role": HOSTILE})
    for ev in ring["evidence"]:
        ev["detail"] = HOSTILE
    page = ring_graph(ring, _facts(embedded, ring), tmp_path / "ring.html").read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page or json.dumps("&lt;img")[1:-1] in page


def _hostile_copy(small_data: Path, tmp_path: Path) -> tuple[Path, str]:
    """The small data set with one patient renamed to a script-like name (as a bad export could hold)."""
    import shutil

    import pandas as pd

    data = tmp_path / "input"
    shutil.copytree(small_data, data, ignore=shutil.ignore_patterns("rejects"))
    patients = pd.read_csv(data / "patients.csv", dtype=str)
    patients.loc[0, "name"] = HOSTILE
    patients.to_csv(data / "patients.csv", index=False)
    return data, patients.loc[0, "patient_id"]


def test_neighbourhood_page_is_offline_with_legend_time_filter_and_a_cap_note(embedded_small, small_data: Path,
                                                                             tmp_path: Path) -> None:
    import pandas as pd

    from graphfraud.neighbourhood import neighbourhood
    from graphfraud.viz import neighbourhood_graph, write_page

    embedded = embedded_small
    claims = pd.read_csv(small_data / "claims.csv", dtype=str)
    busiest = claims[claims["provider_id"].str.startswith("Y")]["provider_id"].value_counts().index[0]  # cards, not staff, fill it
    nb = neighbourhood(embedded, "provider", busiest, hops=2, max_nodes=25)
    graph = neighbourhood_graph(nb, lang="en")
    page = write_page(graph, tmp_path / "n.html").read_text(encoding="utf-8")
    assert "new vis.Network" in page and 'class="gf-from"' in page and 'type="range"' in page
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=[\"']https?:|@import", page)
    assert "graph capped at 25 nodes" in page
    assert ">provider<" in page and ">card<" in page  # legend
    assert len(graph.nodes) == 25 and sum(1 for n in graph.nodes if n.focus) == 1
    assert not list(tmp_path.glob(".*.tmp"))


def test_hostile_names_render_as_text_in_neighbourhood_pages(embedded, small_data: Path, tmp_path: Path) -> None:
    from graphfraud.neighbourhood import neighbourhood
    from graphfraud.viz import neighbourhood_graph, page

    data, patient = _hostile_copy(small_data, tmp_path)
    load_directory(embedded, data)
    html = page(neighbourhood_graph(neighbourhood(embedded, "patient", patient, hops=1)))
    assert HOSTILE not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # inside the JSON data, as text for the tooltip


def test_explore_command_writes_the_neighbourhood_of_any_id(small_data: Path, tmp_path: Path) -> None:
    import pandas as pd
    from typer.testing import CliRunner

    from graphfraud.cli import app

    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["load", str(small_data), "--engine", "embedded", "--db", db]).exit_code == 0
    claim = pd.read_csv(small_data / "claims.csv", dtype=str).iloc[0]
    for ident in (claim["claim_id"], claim["card_id"], claim["provider_id"]):
        out = tmp_path / f"{ident}.html"
        result = runner.invoke(app, ["explore", ident, "--hops", "2", "--out", str(out), "--max-nodes", "40",
                                     "--since", "2025-01-01", "--engine", "embedded", "--db", db])
        assert result.exit_code == 0, result.output
        assert "wrote" in result.output and out.is_file() and ident in out.read_text(encoding="utf-8")
    missing = runner.invoke(app, ["explore", "NO-SUCH-ID", "--out", str(tmp_path / "x.html"), "--engine", "embedded", "--db", db])
    assert missing.exit_code == 2 and "NO-SUCH-ID" in missing.output and not (tmp_path / "x.html").exists()
