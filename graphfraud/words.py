"""Every word graphfraud shows people, in Chinese and English: one catalogue (``words.toml``), one lookup.

The workbench's pages, graph pages, case bundles, the review chain and job alerts take their words from
``graphfraud/words.toml``: one entry per word, its Chinese and English side by side
(``appeal = { zh = "机构申诉", en = "Appeal by the institution" }``), in sections named for what the words
name — entity kinds, ring roles, review statuses, … — or, where one surface words a thing its own way on
purpose, for that surface (``page``, ``graph``, ``bundle.*``). A key is the section and the word::

    >>> word("status.appeal", "en")
    'Appeal by the institution'
    >>> word("bundle.role.recruit", "zh")
    '被招募住院人员'

What a motif is called and what one row of its evidence says stay in the motif's ``.cypher`` header
(queries are data: ``graphfraud.detect.evidence``); the plain-words explanation a bundle prints is here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graphfraud.vocabulary import LANGUAGES, language

CATALOGUE = Path(__file__).with_name("words.toml")


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every word by its key (``section.word``), each in every language, read once.

    An entry without both languages, or with one that is not text, is refused by name: a word shown in
    one language only would fall back to nothing on the other's pages.
    """
    with CATALOGUE.open("rb") as fh:
        data = tomllib.load(fh)
    words: dict[str, Mapping[str, str]] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for name, value in table.items():
            key = prefix + name
            if not isinstance(value, dict):
                raise ValueError(f"{CATALOGUE.name}: {key} is neither a word nor a section")
            if not set(value) & set(LANGUAGES):
                walk(key + ".", value)
            elif set(value) != set(LANGUAGES) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError(f"{CATALOGUE.name}: {key} needs {' and '.join(LANGUAGES)}, each a string")
            else:
                words[key] = MappingProxyType(value)

    walk("", data)
    return MappingProxyType(words)


def word(key: str, lang: str, default: str | None = None) -> str:
    """The word ``key`` (``section.word``) in ``lang`` (the default language for one graphfraud does not write).

    ``default`` is for keys made from data — a role, a visit type, a motif the catalogue may not know —
    and is what shows then (usually the code itself). Without it an unknown key is a KeyError: a key
    written in the code and missing here is a mistake to find, not to show.
    """
    entry = catalogue().get(key)
    if entry is None:
        if default is None:
            raise KeyError(f"no word {key!r} in {CATALOGUE.name}")
        return default
    return entry[language(lang)]


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def once_in(log10_chance: Any, superscript: bool = True) -> str:
    """How rarely chance makes a ring this strong, from ``significance.chance_log10``: "10¹²" (once in 10¹² runs),
    or the plain count of runs when it is small ("40"); "—" without a null. ``superscript=False`` writes "10^12"
    for a font with no superscript digits (the bundle's embedded CJK font has none)."""
    try:
        x = -float(log10_chance)
    except (TypeError, ValueError):
        return "—"
    if x < 3:
        return f"{max(1, round(10 ** x)):,}"
    return "10" + (str(int(x)).translate(SUPERSCRIPT) if superscript else f"^{int(x)}")


def chance(significance: Mapping[str, Any] | None, lang: str, superscript: bool = True) -> str | None:
    """The sentence a ring page and a case bundle print about a ring's significance; None without a null."""
    sig = significance or {}
    if sig.get("chance_log10") is None:
        return None
    text = word("chance.once", lang).format(n=once_in(sig["chance_log10"], superscript))
    return text + (f"（{word('chance.beyond', lang)}）" if language(lang) == "zh" else f" ({word('chance.beyond', lang)})") \
        if sig.get("beyond_null") else text


def section(name: str, lang: str) -> dict[str, str]:
    """The words of one section in ``lang``, by their name in it: ``section("status", "en")["appeal"]``."""
    prefix, lang = name + ".", language(lang)
    return {key[len(prefix):]: entry[lang] for key, entry in catalogue().items()
            if key.startswith(prefix) and "." not in key[len(prefix):]}
