"""The Python halves of the drug-level motifs: a box's sales in order, a pharmacy's stock, a seller's purchases.

Since 2025 every insured drug sale is scanned with its box's traceability code
(药品追溯码): one box, one sale. These refinements read what the queries of
``cypher/motifs/box_resold``, ``unpurchased_code``, ``oversold_item`` and
``repeat_purchase`` return and keep only what departs from ordinary pharmacy
work:

* :func:`resales` follows each box's sales in time order. The pieces of a box
  split at the counter (拆零) are one sale at the pharmacy that opened it; a
  return (a negative quantity) puts the box back on the shelf; a claim that
  scans the same box twice is a slip. Any other sale of a box already sold is
  the box settled again: the buyer before is its seller, the pharmacy that
  settled it again its reseller.
* :func:`against_stock` keeps a card's boxes that the pharmacy never bought in
  only where they are far more common for that card than for the pharmacy's
  other customers (a pharmacy whose purchase records lack codes lacks them for
  everyone).
* :func:`oversold` grades a pharmacy's stock account by the share of an item's
  sales its purchases cannot cover.
* :func:`hoarding` finds a card's busiest window of purchases of one
  resale-prone drug at several places.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pandas as pd

from graphfraud.detect.evidence import Evidence, Motif, plain

DAY = 86_400
PRIOR_SALES = 50   # a pharmacy's own share of unbought boxes is shrunk towards all pharmacies' (worth this many sales)


def _sales(row: Mapping[str, Any]) -> list[tuple]:
    """(time, claim, quantity sign, split, provider, patient, card) of each line of a box, in time order.

    At one time a sale comes before a return (a claim's return line carries the claim's own time).
    """
    lines = zip(row["times"], row["claim_list"], row["quantities"], row["split_list"], row["provider_list"],
                row["patient_list"], row["card_list"])
    out = [(int(t or 0), str(c), -1 if float(q or 0) < 0 else 1, int(s or 0) == 1, p, who, card)
           for t, c, q, s, p, who, card in lines]
    return sorted(out, key=lambda u: (u[0], u[1], -u[2]))


SOLD, PIECE, RETURNED, RESCAN, AGAIN = "sold", "piece", "returned", "rescan", "again"


def steps(lines: list[tuple]) -> list[tuple[str, int | None]]:
    """What each line of one box's trail is, in time order, and for a box settled again the line it was out on.

    ``lines`` are (claim, quantity sign, split, provider) in time order. A line is ``sold`` (the box leaves a
    shelf), ``piece`` (another piece of a box split 拆零 at the pharmacy that opened it), ``returned`` (handed
    back: on the shelf again), ``rescan`` (the same claim scanning the box twice) or ``again``: the box was
    already out on an earlier sale — settled a second time.
    """
    out: list[tuple[str, int | None]] = []
    current: int | None = None      # the line the box is out on (None: on a shelf)
    opened: str | None = None       # the pharmacy that split it
    for i, (claim, sign, split, provider) in enumerate(lines):
        if sign < 0:
            out.append((RETURNED, None))
            current, opened = None, None
            continue
        if current is not None and claim == lines[current][0]:
            out.append((RESCAN, None))
            continue
        if split and opened == provider:
            out.append((PIECE, None))
            continue
        out.append((AGAIN, current) if current is not None else (SOLD, None))
        current, opened = i, (provider if split else None)
    return out


def resales(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx) -> list[Evidence]:
    """Each sale of a box that was already sold and not handed back: one row, about the buyer before (:func:`steps`).

    Not a resale: the next piece of a box split (拆零) at the pharmacy that opened it, a sale after the
    box was returned, the same claim's second scan of the box. A box settled again where it was sold
    before has ``same_place`` of the strength and names no provider: a split box exported without its flag,
    a counter's slip or a code reused there says little about its buyer, and must not tie the counter's
    customers together (measured: two customers of one unflagged split box made a false ring with a
    coincidental admission wave in a no-fraud world).
    """
    same_place = float(params.get("same_place", 0.3))
    out: list[Evidence] = []
    for row in ctx.records(frame):
        name = _first(row.get("names")) or row["item"]
        sales = _sales(row)
        for (step, before_at), sale in zip(steps([(c, q, s, p) for _, c, q, s, p, _, _ in sales]), sales):
            if step != AGAIN or before_at is None or not sales[before_at][5]:  # AGAIN always names its line
                continue
            before, (ts, claim, _, _, provider, _, _) = sales[before_at], sale
            same = before[4] == provider
            facts = {"code": row["code"], "item": name, "seller": before[5], "seller_card": before[6],
                     "first_provider": before[4], "provider": provider,
                     "days": plain(round((ts - before[0]) / DAY, 1)), "same_place": same}
            # at the very place that sold it, the box says little about its buyer and ties no one to the
            # place: a split box exported without its flag, a counter's slip or a code reused there
            out.append(m.evidence([before[5]], [before[6]], [] if same else [provider], [], [before[1], claim], facts,
                                  same_place if same else 1.0, through={claim: before[5]}))
    return out


def _first(values: Any) -> str:
    for v in values or ():
        if isinstance(v, str) and v:
            return v
    return ""


def against_stock(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx) -> list[Evidence]:
    """Rows of unpurchased_code kept where the card's share of unbought boxes at the pharmacy is at least
    ``min_lift`` times the share among the pharmacy's other customers' coded sales (those the motif did not
    flag), shrunk towards all pharmacies' share for a pharmacy with few other sales (empirical Bayes).

    The query gives one row per pharmacy (its coded sales and unbought boxes in all, and the cards past its
    thresholds as aligned lists); each card becomes a row here, at pharmacies that upload purchases."""
    lift_min, min_purchases = float(params["min_lift"]), int(params["min_purchases"])
    stock: dict[str, tuple[int, int]] = {}
    cards: list[dict[str, Any]] = []
    for row in frame.to_dict("records"):
        provider = row["provider"]
        stock[provider] = (int(row["coded"] or 0), int(row["unbought"] or 0))
        if int(row["n_purchases"] or 0) < min_purchases:
            continue
        for card, patient, n, k, claims in zip(row["card_ids"], row["patient_ids"], row["ns"], row["unboughts"],
                                               row["claim_lists"]):
            cards.append({"card": card, "patient": patient, "provider": provider, "n": int(n), "n_unbought": int(k),
                          "n_purchases": int(row["n_purchases"]), "patients": [patient], "cards": [card],
                          "providers": [provider], "doctors": [], "claims": list(claims)})
    found = m.rows(pd.DataFrame(cards, columns=["card", "patient", "provider", "n", "n_unbought", "n_purchases",
                                                "patients", "cards", "providers", "doctors", "claims"]))
    flagged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ev in found:
        flagged[ev.facts["provider"]][0] += int(ev.facts["n"])
        flagged[ev.facts["provider"]][1] += int(ev.facts["n_unbought"])
    # the norm of ordinary sales: flagged cards are left out of it, as they are of each pharmacy's own
    all_n = sum(n for n, _ in stock.values()) - sum(f[0] for f in flagged.values())
    all_k = sum(k for _, k in stock.values()) - sum(f[1] for f in flagged.values())
    prior = (max(0, all_k) + 0.5) / (max(0, all_n) + 1)
    out: list[Evidence] = []
    for ev in found:
        total = stock[ev.facts["provider"]]
        n, k = int(ev.facts["n"]), int(ev.facts["n_unbought"])
        if not n:
            continue
        flagged_n, flagged_k = flagged[ev.facts["provider"]]
        others_n, others_k = max(0, total[0] - flagged_n), max(0, total[1] - flagged_k)
        lift = (k / n) / ((others_k + PRIOR_SALES * prior) / (others_n + PRIOR_SALES))
        if lift >= lift_min:
            ev.facts["lift"] = plain(round(lift, 2))
            out.append(ev)
    return out


def oversold(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx) -> list[Evidence]:
    """One row per card and oversold item, its strength the share of the item's sales the stock cannot cover."""
    out = []
    for ev in m.rows(frame):
        sold, bought = float(ev.facts["sold"] or 0), float(ev.facts["bought"] or 0)
        ev.strength = max(0.0, min(1.0, (sold - max(bought, 0.0)) / sold)) if sold > 0 else 0.0
        out.append(ev)
    return out


def hoarding(m: Motif, frame: pd.DataFrame, params: Mapping[str, Any], ctx) -> list[Evidence]:
    """A card's busiest ``window_days`` of purchases of one item: at least ``min_purchases`` at ``min_places``."""
    window = float(params["window_days"]) * DAY
    need, places = int(params["min_purchases"]), int(params["min_places"])
    out: list[Evidence] = []
    for row in ctx.records(frame):
        buys = sorted(zip(row["times"], row["claim_list"], row["provider_list"]), key=lambda b: (b[0] or 0, b[1]))
        best: list[tuple] = []
        j = 0
        for i in range(len(buys)):
            while j < len(buys) and (buys[j][0] or 0) - (buys[i][0] or 0) <= window:
                j += 1
            span = buys[i:j]
            if len(span) >= need and len({b[2] for b in span}) >= places and len(span) > len(best):
                best = span
        if not best:
            continue
        facts = {"card": row["card"], "patient": row["patient"], "item": _first(row.get("names")) or row["item"],
                 "item_code": row["item"], "n": len(best), "n_places": len({b[2] for b in best}),
                 "days": plain(round(max(1.0, ((best[-1][0] or 0) - (best[0][0] or 0)) / DAY)))}
        # no providers: where a seller buys (a hospital, a pharmacy) is a place, not an accomplice or a tie
        out.append(m.evidence([row["patient"]], [row["card"]], [], [], [b[1] for b in best], facts))
    return out


REFINEMENTS = {"resales": resales, "against_stock": against_stock, "oversold": oversold, "hoarding": hoarding}
