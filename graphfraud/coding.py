"""Which diagnosis coding a delivery uses, so a load can say when a motif will find nothing to check.

The misfit-care motif (care that does not fit the holder's sex or age, 人证不符)
reads ICD-10 codes (``O80``, ``N40``…). A bureau export or a foreign extract
in ICD-9 (``250.00``, ``V22.1``, the US Medicare example) would silently leave
that motif with nothing to match: the load says so instead.
"""

from __future__ import annotations

import re

import pandas as pd

ICD9_NUMERIC = re.compile(r"^[0-9]{3}")   # ICD-9's V and E codes look like ICD-10 ones; its numeric codes cannot
SAMPLE = 20_000


def icd9_note(diagnoses: pd.Series) -> str | None:
    """A sentence for the load summary when most diagnosis codes read as ICD-9 rather than ICD-10; else None."""
    codes = diagnoses.dropna().astype(str).str.strip().str.upper()
    codes = codes[codes != ""]
    if codes.empty:
        return None
    codes = codes.sample(SAMPLE, random_state=0) if len(codes) > SAMPLE else codes
    icd9 = codes.map(lambda c: bool(ICD9_NUMERIC.match(c))).mean()
    if icd9 >= 0.5:
        return (f"diagnosis codes look like ICD-9 ({icd9:.0%} of them, e.g. 250.00), not ICD-10: the motif "
                "misfit_care (care that does not fit the holder's sex or age) reads ICD-10 and will find nothing "
                "to check in these claims")
    return None
