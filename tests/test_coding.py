"""The load says when diagnosis codes are ICD-9, which the misfit-care motif cannot read."""

import pandas as pd

from graphfraud.coding import icd9_note


def test_icd9_diagnoses_are_named_and_icd10_ones_pass_silently() -> None:
    assert "ICD-9" in icd9_note(pd.Series(["250.00", "V22.1", "4019", "E880", None, ""]))
    assert "misfit_care" in icd9_note(pd.Series(["250.00", "V22.1"]))
    assert icd9_note(pd.Series(["O80", "N40.1", "E11.9", "I10", "250.00"])) is None
    assert icd9_note(pd.Series([None, ""], dtype=object)) is None
