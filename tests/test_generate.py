"""The generator: the same seed gives the same files, the truth matches the data, people are well-formed fakes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graphfraud.errors import ConfigError
from graphfraud.generate import LOOKALIKE_KINDS, RING_SHAPES, generate

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("difficulty", ["burst", "stealth"])
def test_the_same_seed_writes_the_same_files_and_another_seed_does_not(tmp_path: Path, difficulty: str) -> None:
    generate(tmp_path / "a", claims=5_000, seed=3, difficulty=difficulty)
    generate(tmp_path / "b", claims=5_000, seed=3, difficulty=difficulty)
    generate(tmp_path / "c", claims=5_000, seed=4, difficulty=difficulty)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a")["claims.csv"] != _digests(tmp_path / "c")["claims.csv"]


def test_every_shape_and_look_alike_is_planted_and_the_truth_points_at_real_rows(tmp_path: Path) -> None:
    generate(tmp_path, claims=5_000, seed=5, difficulty="stealth")
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    claims = pd.read_csv(tmp_path / "claims.csv", dtype=str)
    patients = set(pd.read_csv(tmp_path / "patients.csv", dtype=str)["patient_id"])
    assert {r["shape"] for r in truth["rings"]} == set(RING_SHAPES)
    assert {g["kind"] for g in truth["lookalikes"]} == set(LOOKALIKE_KINDS)
    assert {r["family"] for r in truth["rings"]} == {"card_lending", "pharmacy_cashout", "gang"}
    for ring in truth["rings"]:
        assert set(ring["patients"]) <= patients
        assert set(ring["claims"]) <= set(claims["claim_id"])
    assert claims["claim_id"].is_unique


def test_made_up_id_numbers_are_well_formed_and_match_birth_date_and_sex(tmp_path: Path) -> None:
    generate(tmp_path, claims=5_000, seed=6)
    people = pd.read_csv(tmp_path / "patients.csv", dtype=str)
    for row in people.itertuples():
        number = row.id_number
        assert len(number) == 18
        check = "10X98765432"[sum(int(d) * w for d, w in zip(number[:17], WEIGHTS)) % 11]
        assert number[17] == check
        assert number[6:14] == row.birth_date.replace("-", "")
        assert (int(number[16]) % 2 == 1) == (row.sex == "M")


def test_an_unknown_difficulty_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="burst, stealth"):
        generate(tmp_path, claims=1_000, difficulty="hard")
    result = subprocess.run([sys.executable, "-m", "graphfraud", "generate", str(tmp_path / "x"), "--claims", "1000",
                             "--difficulty", "hard"], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr + result.stdout
    assert "burst, stealth" in result.stderr + result.stdout
    assert not (tmp_path / "x").exists()
