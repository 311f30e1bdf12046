"""The calendar and the claims under construction: column chunks that every stage appends to.

Times are local epoch seconds of 2025. A claim carries the index of the ring
that planted it as ``tag`` (-1 for legitimate care), and ``posthumous`` marks
the few legitimate claims settled after the patient's death (a final hospital
stay), which the writer keeps when it drops claims after death. A claim a
planted group gave one box of a known drug carries the drug's catalogue index
(``drug``, ``graphfraud.generate.drugs``; -1: the writer draws the items of
a pharmacy sale), the planted box (``box``: the same number on two claims is
the same box, settled twice) and whether its provider bought that box in
(``bought``: a box that came back, or a swapped one, was not).
"""

from __future__ import annotations

import numpy as np

START = 1735689600  # 2025-01-01 00:00 local time, as local epoch seconds
DAY = 86_400
DAYS = 365
YEAR = 2025
OUT, INP, PHA = 0, 1, 2
VISIT_TYPES = np.array(["outpatient", "inpatient", "pharmacy"], dtype=object)
SPRING_FESTIVAL_DAY = 28                      # 2025-01-29
WINTER_HOLIDAY = (12, 53)                     # students at home 13 January – 23 February
SUMMER_HOLIDAY = (185, 242)                   # and 5 July – 31 August


def at(day, hour, minute=0, second=0) -> np.ndarray:
    """Epoch seconds of a day index (0 = 1 January 2025) and a local time."""
    return (START + np.asarray(day, np.int64) * DAY + np.asarray(hour, np.int64) * 3600
            + np.asarray(minute, np.int64) * 60 + np.asarray(second, np.int64))


def cents(values) -> np.ndarray:
    return np.round(values, 2)


def weekday(day) -> np.ndarray:
    """0 Monday … 6 Sunday (1 January 2025 was a Wednesday)."""
    return (np.asarray(day, np.int64) + 2) % 7


class Claims:
    """Column chunks of claims."""

    COLUMNS = ("patient", "card", "provider", "doctor", "ts", "amount", "vtype", "dx", "admit", "terminal", "tag", "posthumous",
               "drug", "box", "bought")

    def __init__(self) -> None:
        self.chunks: dict[str, list[np.ndarray]] = {c: [] for c in self.COLUMNS}

    def add(self, patient, provider, ts, amount, vtype, dx, *, doctor=-1, admit=-1, terminal=0, tag=-1, card=None,
            posthumous=False, drug=-1, box=-1, bought=True) -> None:
        if np.size(patient) == 0 or np.size(ts) == 0:
            return
        n = max(np.size(x) for x in (patient, provider, ts, amount, vtype, dx, doctor, admit, terminal,
                                     card if card is not None else 0, drug, box))
        patient = np.broadcast_to(np.asarray(patient, np.int64), n)
        values = {
            "patient": patient,
            "card": patient if card is None else np.broadcast_to(np.asarray(card, np.int64), n),
            "provider": np.broadcast_to(np.asarray(provider, np.int64), n),
            "doctor": np.broadcast_to(np.asarray(doctor, np.int64), n),
            "ts": np.broadcast_to(np.asarray(ts, np.int64), n),
            "amount": np.broadcast_to(np.asarray(amount, float), n),
            "vtype": np.broadcast_to(np.asarray(vtype, np.int8), n),
            "dx": np.broadcast_to(np.asarray(dx, object), n),
            "admit": np.broadcast_to(np.asarray(admit, np.int64), n),
            "terminal": np.broadcast_to(np.asarray(terminal, np.int64), n),
            "tag": np.broadcast_to(np.asarray(tag, np.int64), n),
            "posthumous": np.broadcast_to(np.asarray(posthumous, bool), n),
            "drug": np.broadcast_to(np.asarray(drug, np.int16), n),
            "box": np.broadcast_to(np.asarray(box, np.int64), n),
            "bought": np.broadcast_to(np.asarray(bought, bool), n),
        }
        for key, value in values.items():
            self.chunks[key].append(np.array(value))

    def count(self) -> int:
        return int(sum(len(a) for a in self.chunks["patient"]))

    def columns(self) -> dict[str, np.ndarray]:
        return {k: (np.concatenate(v) if v else np.array([])) for k, v in self.chunks.items()}
