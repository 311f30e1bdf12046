"""graphfraud.toml and job.toml are read strictly: a key the tool does not know is refused by name, never ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphfraud.config import load_settings
from graphfraud.errors import ConfigError
from graphfraud.job.config import engine_settings, load_job_config

REPO = Path(__file__).resolve().parent.parent


def _settings(tmp_path: Path, text: str, name: str = "graphfraud.toml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_settings(config_file=tmp_path / name, env={}, cwd=tmp_path)


@pytest.mark.parametrize("text, message", [
    ('[engin]\nname = "neo4j"\n', "graphfraud.toml: unknown key 'engin' (did you mean engine? known: accounts, case, detect, embedded, engine, load, neo4j)"),
    ("[accounts]\none_time_password_hours = 0\n", "graphfraud.toml: [accounts] one_time_password_hours must be a whole number from 1 to 720"),
    ("[accounts]\nsession_idle_minutes = \"30\"\n", "graphfraud.toml: [accounts] session_idle_minutes must be a whole number"),
    ("[accounts]\nidle_minutes = 30\n", "graphfraud.toml: unknown key 'accounts.idle_minutes' (did you mean"),
    ("[load]\nbatch_sise = 5000\n", "graphfraud.toml: unknown key 'load.batch_sise' (did you mean batch_size? known: batch_size, "),
    ("[detect]\nmin_patiens = 4\n", "graphfraud.toml: unknown key 'detect.min_patiens' (did you mean min_patients? known: "),
    ("[detect.impossible_travl]\nmax_kmh = 900\n", "graphfraud.toml: unknown key 'detect.impossible_travl' (did you mean impossible_travel? "),
    ("[detect.impossible_travel]\nmax_khm = 900\n",
     "graphfraud.toml: unknown key 'detect.impossible_travel.max_khm' (did you mean max_kmh? known: full_kmh, max_hours, max_kmh, min_km)"),
    ('engine = "neo4j"\n', "graphfraud.toml: 'engine' must be a table ([engine])"),
    ("[detect]\nimpossible_travel = 900\n", "graphfraud.toml: 'detect.impossible_travel' must be a table ([detect.impossible_travel])"),
    ("[detect\n", "graphfraud.toml: not valid TOML: "),
])
def test_a_misspelt_or_misplaced_setting_is_refused_in_one_line_naming_it(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _settings(tmp_path, text)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)


def test_every_known_setting_and_motif_parameter_is_taken(tmp_path: Path) -> None:
    settings = _settings(tmp_path, (
        '[engine]\nname = "embedded"\n[embedded]\npath = "db"\nbuffer_pool = "1G"\n'
        '[neo4j]\nuri = "bolt://127.0.0.1:7687"\nuser = "neo4j"\npassword = "x"\ndatabase = "neo4j"\nhome = "/opt/neo4j"\n'
        '[load]\nbatch_size = 5000\nworkers = 2\nbulk_threshold = 10\nimport_memory = "2G"\n'
        '[detect]\nseed = 1\nresolution = "auto"\nobjective = "modularity"\ncommunities = "igraph"\nclaims_per_part = 10\n'
        "min_patients = 3\npatient_threshold = 0.5\ncontext_seed = 0.35\nmin_entity_patients = 2\nmax_fdr = 0.1\n"
        "null_runs = 0\nnull_seed = 1\n"
        "[detect.impossible_travel]\nmax_kmh = 900\nfull_kmh = 1000\n[detect.misfit_care]\nfemale_only = []\n"
        "[accounts]\none_time_password_hours = 24\nsession_hours = 8\nsession_idle_minutes = 15\n"))
    assert (settings.accounts.one_time_password_hours, settings.accounts.session_hours,
            settings.accounts.session_idle_minutes) == (24, 8, 15)
    assert settings.detect["impossible_travel"] == {"max_kmh": 900, "full_kmh": 1000} and settings.detect["null_runs"] == 0


def test_every_motif_takes_the_parameters_its_header_declares(tmp_path: Path) -> None:
    from graphfraud.detect.evidence import motif_names
    from graphfraud.detect.thresholds import defaults

    lines = []
    for name in motif_names():
        lines.append(f"[detect.{name}]")
        lines.extend(f"{key} = {value!r}".replace("'", '"') for key, value in defaults(name).items()
                     if isinstance(value, (int, float, str)))
    assert set(_settings(tmp_path, "\n".join(lines) + "\n").detect) == set(motif_names())


def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)


def test_the_settings_the_docs_show_are_accepted(tmp_path: Path) -> None:
    blocks = _toml_blocks((REPO / "docs" / "detection.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 3
    for block in blocks:
        _settings(tmp_path, block)


def test_the_deployed_job_file_is_accepted(tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text((REPO / "deploy" / "job.toml").read_text(encoding="utf-8"), encoding="utf-8")
    load_job_config(job, env={})
    assert engine_settings(job, env={}).engine == "neo4j"


def test_a_job_file_refuses_a_misspelt_graphfraud_table_but_takes_its_own(tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text('[job]\ninbox = "in"\n[alerts]\nmin_score = 0.5\n[bundles]\nredact = true\n'
                   '[detect.impossible_travel]\nmax_kmh = 900\n', encoding="utf-8")
    assert engine_settings(job, env={}).detect == {"impossible_travel": {"max_kmh": 900}}
    job.write_text('[job]\ninbox = "in"\n[engin]\nname = "embedded"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^job.toml: unknown key 'engin' \(did you mean engine\? known: accounts, alerts, bundles, "):
        engine_settings(job, env={})
    with pytest.raises(ConfigError, match=r"^graphfraud\.toml: unknown key 'job'"):
        _settings(tmp_path, '[job]\ninbox = "in"\n')  # the job's tables belong in job.toml only


def test_detection_called_from_python_refuses_a_misspelt_setting_too() -> None:
    from graphfraud.detect.run import check_settings

    check_settings({"resolution": 1.0, "impossible_travel": {"max_kmh": 300}})
    with pytest.raises(ConfigError, match="max_khm"):
        check_settings({"impossible_travel": {"max_khm": 300}})


# --------------------------------------------------------------------------- the settings model: types and sizes

@pytest.mark.parametrize("text, message", [
    ('[load]\nbatch_size = "5000"\n', "graphfraud.toml: [load] batch_size must be a whole number of rows ≥ 1, not '5000'"),
    ("[load]\nbatch_size = 0\n", "graphfraud.toml: [load] batch_size must be a whole number of rows ≥ 1, not 0"),
    ('[load]\nimport_memory = "lots"\n', "graphfraud.toml: [load] import_memory must be a size (write it like 8G"),
    ('[embedded]\nbuffer_pool = "4 parsecs"\n', "graphfraud.toml: [embedded] buffer_pool must be a size (write it"),
    ('[engine]\nname = "neo5j"\n', "graphfraud.toml: [engine] name must be embedded or neo4j, not 'neo5j'"),
    ("[detect]\nmin_patients = 2.5\n", "graphfraud.toml: [detect] min_patients must be a whole number ≥ 0, not 2.5"),
    ('[detect.impossible_travel]\nmax_kmh = "fast"\n', "graphfraud.toml: [detect.impossible_travel] max_kmh must be a number"),
    ("[case]\nappeal_working_days = 400\n", "graphfraud.toml: [case] appeal_working_days must be a whole number of days from 1 to 365"),
    ("[neo4j]\npassword = 123456\n", "graphfraud.toml: [neo4j] password must be a valid string"),
])
def test_a_value_of_the_wrong_type_is_refused_in_one_line_naming_the_table_and_key(tmp_path: Path, text: str,
                                                                                   message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _settings(tmp_path, text)
    said = str(refused.value)
    assert said.startswith(message) and "\n" not in said, said
    assert "123456" not in said  # a password is never shown


def test_sizes_read_as_bytes_and_defaults_are_unchanged(tmp_path: Path) -> None:
    from graphfraud.config import DEFAULT_BATCH_SIZE, DEFAULT_BULK_THRESHOLD, DEFAULT_EMBEDDED_PATH, DEFAULT_LOAD_WORKERS

    settings = _settings(tmp_path, '[embedded]\nbuffer_pool = "4G"\n[load]\nimport_memory = "2G"\n')
    assert settings.buffer_pool == 4 << 30 and settings.import_memory == "2G"
    assert _settings(tmp_path, "[embedded]\nbuffer_pool = 1048576\n").buffer_pool == 1 << 20
    assert load_settings(config_file=tmp_path / "none.toml", env={"GRAPHFRAUD_BUFFER_POOL": "512M"},
                         cwd=tmp_path).buffer_pool == 512 << 20
    plain = _settings(tmp_path, "")
    assert (plain.engine, plain.embedded_path, plain.batch_size, plain.load_workers, plain.bulk_threshold,
            plain.buffer_pool, plain.import_memory, plain.detect, plain.case.appeal_working_days) == (
        "embedded", DEFAULT_EMBEDDED_PATH, DEFAULT_BATCH_SIZE, DEFAULT_LOAD_WORKERS, DEFAULT_BULK_THRESHOLD,
        None, None, {}, 10)


def test_detection_gets_exactly_the_keys_and_values_the_file_gives(tmp_path: Path) -> None:
    settings = _settings(tmp_path, '[detect]\nresolution = 8\nmax_fdr = 0.2\n[detect.impossible_travel]\nmax_kmh = 850.5\n'
                                   '[detect.refill_too_soon]\nchronic = ["E11"]\n')
    assert settings.detect == {"resolution": 8, "max_fdr": 0.2, "impossible_travel": {"max_kmh": 850.5},
                               "refill_too_soon": {"chronic": ["E11"]}}
    assert type(settings.detect["resolution"]) is int


@pytest.mark.parametrize("text, message", [
    ("[bundles]\nredcat = true\n", r"^job.toml: unknown key 'bundles.redcat' \(did you mean redact\? known: dir, "),
    ("[alerts]\nmin_changed_members = 0\n", r"^job.toml: \[alerts\] min_changed_members must be a whole number ≥ 1, not 0$"),
    ("[job]\ndetect_without_new_files = 1\n", r"^job.toml: \[job\] detect_without_new_files must be true or false, not 1$"),
    ('[job]\nactor = "  "\n', r"^job.toml: \[job\] actor must not be empty"),
    ('[alerts.webhook]\nheaders = { Authorization = 1234 }\n', r"^job.toml: \[alerts.webhook\] headers must be a table of name = value$"),
    ("[alerts.webhook]\nretries = -1\n", r"^job.toml: \[alerts.webhook\] retries must be a whole number ≥ 0, not -1$"),
    ("[detect.impossible_travl]\nmax_kmh = 900\n", r"^job.toml: unknown key 'detect.impossible_travl' \(did you mean impossible_travel\?"),
])
def test_every_job_table_refuses_a_misspelt_key_or_a_wrong_type_by_name(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "job.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_job_config(tmp_path / "job.toml", env={})
        engine_settings(tmp_path / "job.toml", env={})


def test_the_example_mapping_file_loads_through_the_model() -> None:
    from graphfraud.ingest import read_mapping

    mapping = read_mapping(REPO / "examples" / "mappings" / "medicare-inpatient.toml")
    assert mapping["claims"]["columns"]["claim_id"] == "ClaimID" and mapping["claims"]["copy"] == {"card_id": "patient_id"}
    assert mapping["claims"]["constants"] == {"visit_type": "inpatient"} and mapping["claims"]["na"] == ["NA"]
    assert set(mapping) == {"claims"} and "sheet" not in mapping["claims"]  # only what the file gives
