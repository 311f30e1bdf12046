"""The words every part shares: the China time zone, the languages shown, the ring families.

One spelling each, so that a page, a bundle and a detection run cannot disagree
about what "zh" or "gang" or the bureau's clock means.
"""

from __future__ import annotations

from datetime import timedelta, timezone

# China Standard Time, UTC+8 all year (no daylight saving since 1991): the bureaus' own clock.
CHINA = timezone(timedelta(hours=8))
CHINA_ZONE = "Asia/Shanghai"     # its IANA name, for pandas' tz_convert of times written with an offset

LANGUAGES = ("zh", "en")         # what pages, graphs and bundles are written in; Chinese first (the default)

# The pattern families of the contract (design.md), in report order; drug_resale added by issue 17.
FAMILIES = ("card_lending", "pharmacy_cashout", "gang", "drug_resale")


def language(value: str | None) -> str:
    """``value`` when it is a language graphfraud writes, else the default (Chinese)."""
    return value if value in LANGUAGES else LANGUAGES[0]
