"""errors.py: one tree and one exit-code map, and every command exits by it."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphfraud import errors
from graphfraud.cli import app
from graphfraud.errors import EXIT_CODES, ConfigError, GraphfraudError, exit_code_for


def test_each_error_exits_with_the_status_of_its_nearest_class_in_the_map() -> None:
    assert exit_code_for(ConfigError("x")) == 2
    assert exit_code_for(errors.MappingError("x")) == exit_code_for(errors.InputError("x")) == 2  # input to fix
    assert exit_code_for(errors.JobBusy("x")) == 75  # EX_TEMPFAIL: try again later
    assert exit_code_for(errors.EngineUnavailable("x")) == exit_code_for(errors.DeliveryError("x")) == 1
    assert exit_code_for(GraphfraudError("x")) == 1


def test_every_error_class_is_drawn_in_the_tree_and_every_mapped_status_is_documented() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, GraphfraudError)]
    tree = errors.__doc__ or ""
    assert all(f" {c.__name__} " in tree for c in classes)
    for cls, code in EXIT_CODES.items():
        assert any(line.split()[:1] == [str(code)] and cls.__name__ in line for line in tree.splitlines()), cls


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("setting", [
    "[detect.impossible_travel]\nmax_khm = 900\n",   # an unknown key, refused when the file is read
    "[detect]\nclaims_per_part = 0\n",               # a known key with a value that cannot work
    "[detect\n",                                     # not TOML at all
])
def test_a_bad_setting_exits_the_same_from_detect_and_from_job_run(tmp_path: Path, setting: str) -> None:
    text = ("" if setting.startswith("[detect\n") else "[engine]\nname = \"embedded\"\n") + setting
    (tmp_path / "graphfraud.toml").write_text(text, encoding="utf-8")
    (tmp_path / "job.toml").write_text(text, encoding="utf-8")
    detect = _invoke("detect", "--config", str(tmp_path / "graphfraud.toml"), "--engine", "embedded",
                     "--db", str(tmp_path / "db"), "--out", str(tmp_path / "out"))
    job = _invoke("job", "run", "--config", str(tmp_path / "job.toml"))
    assert detect.exit_code == job.exit_code == EXIT_CODES[ConfigError], (detect.output, job.output)
    assert "Traceback" not in detect.output + job.output
    assert not (tmp_path / "db").exists() and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_misspelt_setting_is_one_line_and_the_same_exit_status_from_detect_and_job_run(tmp_path: Path) -> None:
    """Both commands as a scheduler runs them (own process): same status, the key named on one line, no traceback."""
    import subprocess
    import sys

    text = '[engine]\nname = "embedded"\n[detect.impossible_travel]\nmax_khm = 900\n'
    (tmp_path / "graphfraud.toml").write_text(text, encoding="utf-8")
    (tmp_path / "job.toml").write_text(text, encoding="utf-8")
    runs = {
        "graphfraud.toml": ["detect", "--config", str(tmp_path / "graphfraud.toml"), "--db", str(tmp_path / "db"),
                            "--out", str(tmp_path / "out")],
        "job.toml": ["job", "run", "--config", str(tmp_path / "job.toml")],
    }
    codes = set()
    for name, args in runs.items():
        done = subprocess.run([sys.executable, "-m", "graphfraud", *args], capture_output=True, text=True, timeout=120,
                              cwd=tmp_path)
        said = f"{name}: unknown key 'detect.impossible_travel.max_khm' (did you mean max_kmh? known: "
        lines = [line for line in done.stderr.splitlines() if "max_khm" in line]
        assert len(lines) == 1 and said in lines[0], done.stderr
        assert "Traceback" not in done.stderr + done.stdout
        codes.add(done.returncode)
    assert codes == {EXIT_CODES[ConfigError]}
    assert not (tmp_path / "db").exists() and not (tmp_path / "out").exists()
