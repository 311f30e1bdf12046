"""How a bundle says things, in Chinese (the default: it goes to a police station) and English.

The words themselves — headings, column names, roles, pattern families and a
plain-words explanation of every motif, written for a reader who is not an
analyst — are the ``bundle.*`` sections of the one catalogue
(``graphfraud/words.toml``). What is here is shared by the PDF, the tables and
the picture: a motif's title and explanation, amounts, the currency, plurals.
"""

from __future__ import annotations

from graphfraud.words import word


def explanation(motif: str, lang: str) -> str:
    """What a motif means in plain words; never the internal key (a motif without words gets its title)."""
    return word(f"bundle.motif.{motif}", lang, "") or motif_title(motif, lang)


def plural(n: int, one: str, many: str) -> str:
    """The English word for ``n`` things (Chinese has no plural)."""
    return one if n == 1 else many


def currency(lang: str) -> str:
    """The unit amounts are printed in (the input contract's amounts are CNY)."""
    return "元" if lang == "zh" else "CNY"


def motif_title(name: str, lang: str) -> str:
    """A motif's title from its query header (``title_zh`` / ``title``)."""
    from graphfraud import queries

    try:
        meta = queries.load(f"motifs/{name}").meta
    except KeyError:
        return name
    return meta.get("title_zh", meta.get("title", name)) if lang == "zh" else meta.get("title", name)


def money(value: float) -> str:
    return f"{value:,.2f}"
