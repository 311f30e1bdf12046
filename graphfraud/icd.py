"""ICD-10 diagnoses the tool knows by name, and who they can plausibly apply to.

One table serves three purposes: the generator draws diagnoses from it, the
"care that does not fit the holder" motif takes its sex and age limits as
query parameters, and explanations show the Chinese name next to the code.
Limits are on the three-character category (``O80`` covers ``O80.0``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnosis:
    code: str
    name: str
    sex: str = ""          # "F" or "M" when only one sex can have it
    min_age: int = 0
    max_age: int = 120


DIAGNOSES: tuple[Diagnosis, ...] = (
    Diagnosis("J06.9", "急性上呼吸道感染"),
    Diagnosis("J20.9", "急性支气管炎"),
    Diagnosis("K29.7", "胃炎"),
    Diagnosis("M54.5", "腰痛"),
    Diagnosis("R51", "头痛"),
    Diagnosis("L30.9", "皮炎"),
    Diagnosis("H10.9", "结膜炎"),
    Diagnosis("I10", "原发性高血压", min_age=18),
    Diagnosis("E11.9", "2型糖尿病", min_age=18),
    Diagnosis("I25.1", "动脉粥样硬化性心脏病", min_age=30),
    Diagnosis("J45.9", "哮喘"),
    Diagnosis("M17.9", "膝关节病", min_age=35),
    Diagnosis("I63.9", "脑梗死", min_age=30),
    Diagnosis("K80.2", "胆囊结石", min_age=18),
    Diagnosis("J18.9", "肺炎"),
    Diagnosis("N18.6", "终末期肾病", min_age=10),
    Diagnosis("Z00.0", "一般医学检查"),
    Diagnosis("O80", "单胎顺产", sex="F", min_age=14, max_age=55),
    Diagnosis("O26.9", "妊娠相关情况", sex="F", min_age=14, max_age=55),
    Diagnosis("N76.0", "急性阴道炎", sex="F"),
    Diagnosis("N40", "前列腺增生", sex="M", min_age=40),
    Diagnosis("C61", "前列腺恶性肿瘤", sex="M", min_age=35),
    Diagnosis("P07.3", "早产儿", max_age=1),
)

BY_CODE = {d.code: d for d in DIAGNOSES}

# Common background diagnoses by visit type (codes into DIAGNOSES) and their weights.
OUTPATIENT = (("J06.9", 30), ("K29.7", 12), ("M54.5", 10), ("R51", 6), ("L30.9", 6), ("H10.9", 5),
              ("I10", 12), ("E11.9", 8), ("J20.9", 8), ("J45.9", 3))
PHARMACY = (("J06.9", 25), ("I10", 22), ("E11.9", 16), ("K29.7", 10), ("I25.1", 8), ("M54.5", 8),
            ("L30.9", 6), ("J45.9", 5))
INPATIENT = (("J18.9", 20), ("I63.9", 14), ("K80.2", 12), ("M17.9", 10), ("I25.1", 14), ("E11.9", 8),
             ("J20.9", 10), ("K29.7", 6))
CHRONIC = ("I10", "E11.9", "I25.1", "J45.9")


def category(code: str) -> str:
    """The three-character ICD-10 category of a code (``O80.0`` → ``O80``)."""
    return code.split(".")[0][:3]


def sex_limited(sex: str) -> list[str]:
    """Categories only the given sex can have (parameters for the misfit-care motif)."""
    return sorted({category(d.code) for d in DIAGNOSES if d.sex == sex})


def age_limited() -> list[tuple[str, int, int]]:
    """(category, min_age, max_age) for categories with a hard age limit beyond adulthood."""
    return sorted({(category(d.code), d.min_age, d.max_age) for d in DIAGNOSES if d.max_age < 120 or d.min_age >= 35})


def name(code: str | None) -> str:
    """Chinese name of a diagnosis code, or the code itself when unknown."""
    if not code:
        return ""
    d = BY_CODE.get(code) or next((x for x in DIAGNOSES if category(x.code) == category(code)), None)
    return d.name if d else code
