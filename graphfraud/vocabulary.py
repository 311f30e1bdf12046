"""The words every part shares: the China time zone, the languages shown, the ring families, the entity kinds.

One spelling each, so that a page, a bundle and a detection run cannot disagree
about what "zh" or "gang" or "provider" or the bureau's clock means. What
these words say to people, in Chinese and English, is ``graphfraud.words``.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from enum import StrEnum

# China Standard Time, UTC+8 all year (no daylight saving since 1991): the bureaus' own clock.
CHINA = timezone(timedelta(hours=8))
CHINA_ZONE = "Asia/Shanghai"     # its IANA name, for pandas' tz_convert of times written with an offset


class Language(StrEnum):
    """What pages, graphs and bundles are written in (``--lang``, ``?lang=``); Chinese first (the default)."""

    ZH = "zh"
    EN = "en"


LANGUAGES = tuple(Language)

# The pattern families of the contract (design.md), in report order; drug_resale added by issue 17.
FAMILIES = ("card_lending", "pharmacy_cashout", "gang", "drug_resale")


def language(value: str | None) -> str:
    """``value`` when it is a language graphfraud writes, else the default (Chinese)."""
    return value if value in LANGUAGES else LANGUAGES[0]


class Kind(StrEnum):
    """What an id names: one kind of entity an investigator can look at, spelt once, in the singular.

    A member is equal to its value (``Kind.PROVIDER == "provider"``), so the kinds written in rings.json
    (``members[].type``), URLs (``/entity/provider/…``) and query rows stay plain strings. The plural, which
    names input tables, evidence columns and query parameters (``providers``), comes from :attr:`plural`
    rather than from adding an "s" (``address`` → ``addresses``).
    """

    PATIENT = "patient"
    CARD = "card"
    PROVIDER = "provider"
    DOCTOR = "doctor"
    CLAIM = "claim"
    RING = "ring"
    PHONE = "phone"
    ADDRESS = "address"

    @property
    def plural(self) -> str:
        """The kind in the plural: ``patients``, ``addresses``."""
        return "addresses" if self is Kind.ADDRESS else self.value + "s"

    @property
    def label(self) -> str:
        """The node label of the graph model: ``Patient``."""
        return self.value.capitalize()

    @property
    def id_column(self) -> str:
        """The column naming one of a ring member kind on a claim and in the input tables: ``patient_id``."""
        return f"{self.value}_id"


# What a ring's members are (rings.json ``members[].type``), in the order reports list them.
MEMBER_KINDS = (Kind.PATIENT, Kind.CARD, Kind.PROVIDER, Kind.DOCTOR)
