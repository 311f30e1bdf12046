"""The word catalogue: every word in both languages, filled in the same way, and every key the code names there."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from graphfraud import words
from graphfraud.vocabulary import LANGUAGES
from graphfraud.web.i18n import texts
from graphfraud.words import catalogue, section, word

REPO = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_word_is_in_both_languages_with_the_same_blanks_to_fill() -> None:
    assert len(catalogue()) > 400
    for key, entry in catalogue().items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry[lang].strip() for lang in LANGUAGES), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key


def test_a_word_is_read_by_its_section_and_name_and_an_unknown_one_is_refused_unless_data_made_the_key() -> None:
    assert word("status.appeal", "zh") == "机构申诉" and word("status.appeal", "en") == "Appeal by the institution"
    assert word("status.appeal", "fr") == "机构申诉"                  # a language graphfraud does not write: Chinese
    assert section("status", "en")["referred"] == "Referred to the police"
    assert section("bundle.column", "en") == {} and section("bundle.column.history", "en")["seq"] == "step"  # its own words
    with pytest.raises(KeyError, match=r"status\.apeal"):
        word("status.apeal", "en")
    assert word("bundle.role.a_role_of_a_newer_version", "zh", "a_role_of_a_newer_version") == "a_role_of_a_newer_version"


@pytest.mark.parametrize(("entry", "problem"), [('x = { zh = "是" }', "x needs zh and en"),
                                                ('x = { zh = "是", en = 1 }', "x needs zh and en"),
                                                ('[a]\nx = "yes"', "a.x is neither a word nor a section")])
def test_an_entry_without_both_languages_is_refused_by_name(tmp_path: Path, monkeypatch, entry: str, problem: str) -> None:
    (tmp_path / "words.toml").write_text(entry + "\n", encoding="utf-8")
    monkeypatch.setattr(words, "CATALOGUE", tmp_path / "words.toml")
    catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match=problem):
            catalogue()
    finally:
        catalogue.cache_clear()


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted((REPO / "graphfraud").rglob("*.py"))]


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    missing, named = [], 0
    sections = {".".join(key.split(".")[:i]) for key in catalogue() for i in range(1, key.count(".") + 1)}
    for path, text in _sources():
        for key in re.findall(r"""\bword\(\s*["']([\w.]+)["']""", text):     # word("graph.score", ...)
            named += 1
            if key not in catalogue():
                missing.append(f"{path.name}: {key}")
        for prefix in re.findall(r"""\bword\(\s*f["']([\w.]+)\.\{""", text):  # word(f"status.{status}", ...)
            if prefix not in sections:
                missing.append(f"{path.name}: {prefix}.*")
    assert missing == [] and named > 30


def test_every_word_a_template_names_is_one_the_pages_have() -> None:
    known = set(texts("zh"))
    missing = []
    for path in sorted((REPO / "graphfraud" / "web" / "templates").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for key in re.findall(r"(?<![\w.])t\.(\w+)", text) + re.findall(r"""(?<![\w.])t\[['"](\w+)['"]\]""", text):
            if key not in known:
                missing.append(f"{path.name}: {key}")
    assert missing == []


def test_trail_notes_of_exports_and_reopenings_are_worded_in_the_pages_language() -> None:
    from graphfraud.case.trail import CaseEvent
    from graphfraud.web.pages import step_note

    def event(action: str, note: str, **details) -> CaseEvent:
        return CaseEvent("e1", 1, action, "dismissed", "new", "graphfraud-job", "2026-12-02T08:00:00+08:00", note, details)

    reopened = event("reopened", "detection run run-1: the dismissed ring grown", run_id="run-1", change="grown")
    assert step_note(reopened, texts("zh")) == "检测批次 run-1：已排除的团伙扩大，重新打开"
    assert step_note(reopened, texts("en")) == "detection run run-1: the dismissed ring grown; reopened"
    exported = event("export", "exported R-1.zip", bundle="R-1.zip", redacted=True)
    assert step_note(exported, texts("zh")) == "案件材料包 R-1.zip（脱敏）"
    typed = event("note", "电话核实中")
    assert step_note(typed, texts("en")) == "电话核实中"
