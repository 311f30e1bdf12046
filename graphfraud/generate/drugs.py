"""Drug-level data for the synthetic world: a small catalogue, every pharmacy sale's boxes, and what came in.

Since 2025 every insured drug sale carries the box's traceability code
(药品追溯码): one box, one sale. The writer turns each pharmacy claim into one
to three lines of drugs that fit its diagnosis (a diabetic's sale holds
insulin or metformin), each line one box with its own code, and writes a
purchase (进货) of every box by the pharmacy that sold it, days before the
sale. Planted groups give some claims a known drug and box (``Claims.drug``,
``Claims.box``): a seller's box and the same box settled again at the
pharmacy that bought it back, or a swap pharmacy's boxes that were never
bought in.

Two legitimate look-alikes come with the data:

* **split packs** (拆零): a share of small pharmacy sales sell pieces of a box
  opened at the counter, so two to five sales at one pharmacy carry the same
  code with ``split_pack = 1`` (a tenth of the boxes with the flag left out,
  as exports sometimes do);
* **returns** (退药): a box handed back (a line with quantity −1 on its claim)
  and sold again to another customer of the same pharmacy.

All codes and names are made up; catalogue codes follow the national pattern
(``X`` + ATC group + a serial) so the resale-prone prefixes of
``cypher/motifs/repeat_purchase.cypher`` apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphfraud.generate.claims import DAY, PHA
from graphfraud.generate.planting import Truth

LINES = (1, 2, 3)
LINE_SHARES = (0.6, 0.3, 0.1)      # lines (boxes) per pharmacy sale
SPLIT_SHARE = 0.3                  # of small pharmacy sales (below SPLIT_BELOW CNY), pieces of a split box
SPLIT_BELOW = 40.0
SPLIT_UNFLAGGED = 0.1              # split boxes exported without the split_pack flag
RETURN_SHARE = 0.004               # pharmacy sales whose first box is handed back and sold again
RETURN_WITHIN_DAYS = 60
PURCHASE_LEAD_DAYS = (1, 45)       # a box comes in this many days before its first sale
SUPPLIERS = ("国药控股", "华润医药", "上海医药", "九州通医药", "重庆医药", "南京医药", "英特药业", "柳州医药")


@dataclass(frozen=True)
class Drug:
    code: str
    name: str
    price: float        # a box, CNY
    prone: bool = False  # resale-prone (倒卖高发): insulin, cancer, immunosuppressant, hepatitis-B drugs
    split: bool = False  # sold in pieces at the counter (拆零)


CATALOGUE: tuple[Drug, ...] = (
    Drug("XA10AEG001", "甘精胰岛素注射液", 178.0, prone=True),          # 0
    Drug("XA10ABM002", "门冬胰岛素注射液", 92.5, prone=True),            # 1
    Drug("XA10BAE003", "盐酸二甲双胍片", 18.6, split=True),             # 2
    Drug("XA10BJD004", "司美格鲁肽注射液", 415.0, prone=True),          # 3
    Drug("XC09AAX005", "卡托普利片", 6.8, split=True),                  # 4
    Drug("XC08CAA006", "苯磺酸氨氯地平片", 23.4, split=True),           # 5
    Drug("XC09CAL007", "缬沙坦胶囊", 31.2),                             # 6
    Drug("XC10AAA008", "阿托伐他汀钙片", 46.9),                         # 7
    Drug("XB01ACA009", "硫酸氢氯吡格雷片", 88.0),                       # 8
    Drug("XC01DAI010", "单硝酸异山梨酯片", 21.5, split=True),           # 9
    Drug("XR03ACS011", "沙丁胺醇吸入气雾剂", 27.0),                     # 10
    Drug("XR03BAB012", "布地奈德吸入粉雾剂", 126.0),                    # 11
    Drug("XJ01CAA013", "阿莫西林胶囊", 12.5, split=True),               # 12
    Drug("XR05CBA014", "复方甘草片", 8.2, split=True),                  # 13
    Drug("XN02BEA015", "对乙酰氨基酚片", 9.6, split=True),              # 14
    Drug("XA02BCO016", "奥美拉唑肠溶胶囊", 24.8),                       # 15
    Drug("XM01AEI017", "布洛芬缓释胶囊", 16.4, split=True),             # 16
    Drug("XD07ACM018", "糠酸莫米松乳膏", 32.0),                         # 17
    Drug("XL01XEI019", "甲磺酸伊马替尼片", 1260.0, prone=True),         # 18
    Drug("XL04ADT020", "他克莫司胶囊", 368.0, prone=True),              # 19
    Drug("XJ05AFE021", "恩替卡韦分散片", 156.0, prone=True),            # 20
    Drug("XL02BGL022", "来曲唑片", 212.0, prone=True),                  # 21
    Drug("ZA00AAB023", "复方丹参滴丸", 28.5),                           # 22
    Drug("XG04CAT024", "盐酸坦索罗辛缓释胶囊", 58.0),                   # 23
)
PRONE = np.array([i for i, d in enumerate(CATALOGUE) if d.prone])
CODES = pa.array([d.code for d in CATALOGUE])
NAMES = pa.array([d.name for d in CATALOGUE])
SPLITTABLE = np.array([i for i, d in enumerate(CATALOGUE) if d.split])
# what a pharmacy sale for a diagnosis holds (ICD-10 category → catalogue indices); the rest: GENERAL
BY_DIAGNOSIS = {"I10": (4, 5, 6, 7), "E11": (2, 1, 0, 3, 7), "I25": (7, 8, 9, 22), "J45": (10, 11),
                "J06": (12, 13, 14), "K29": (15,), "M54": (16,), "L30": (17,)}
GENERAL = (12, 13, 14, 15, 16, 22, 23)
SWAP_DRUGS = (7, 8, 11, 23)        # what a swap pharmacy bills its goods as: dear enough, common enough
CODE_FACTOR, CODE_OFFSET, CODE_SPACE = 982_451_653, 271_828_182_845_904_523, 10 ** 18


def trace_codes(boxes: np.ndarray) -> pa.Array:
    """20-digit traceability codes of box numbers: a bijection, so two boxes never share a code."""
    values = (np.asarray(boxes, np.int64) * CODE_FACTOR + CODE_OFFSET) % CODE_SPACE
    text = pc.cast(pa.array(values, pa.int64()), pa.string())
    return pc.binary_join_element_wise("81", pc.utf8_lpad(text, 18, "0"), "")


def _pools() -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Pools of drugs as a padded table: diagnosis category → row, rows of catalogue indices, their lengths."""
    rows = [GENERAL] + list(BY_DIAGNOSIS.values())
    width = max(len(r) for r in rows)
    table = np.array([list(r) + [r[0]] * (width - len(r)) for r in rows], np.int64)
    return {dx: i + 1 for i, dx in enumerate(BY_DIAGNOSIS)}, table, np.array([len(r) for r in rows])


@dataclass
class DrugData:
    """The items and purchases of one world, as Arrow tables."""

    items: pa.Table
    purchases: pa.Table


def draw(cols: dict[str, np.ndarray], rng: np.random.Generator, truth: Truth, claim_ids: pa.Array,
         prov_ids: pa.Array) -> DrugData:
    """Items for every pharmacy sale and every planted box, purchases for every box a provider bought in.

    ``cols`` are the written claims in their order (``claim_ids`` their ids), ``prov_ids`` the providers' ids.
    Split packs and returns are recorded in ``truth`` as look-alike groups (``split_pack``, ``return``).
    """
    drug_col, box_col = cols["drug"].astype(np.int64), cols["box"].astype(np.int64)
    planted = np.flatnonzero(drug_col >= 0)
    ordinary = np.flatnonzero((cols["vtype"] == PHA) & (drug_col < 0))
    # lines of ordinary sales: how many, which drugs (by diagnosis), what each costs (the claim's amount split)
    k = rng.choice(LINES, size=len(ordinary), p=LINE_SHARES)
    # look-alikes are drawn from legitimate care only: never a planted claim, never a ring member's sale
    legit = (cols["tag"][ordinary] < 0) & ~np.isin(cols["patient"][ordinary], truth.ring_patients())
    small = (cols["amount"][ordinary] < SPLIT_BELOW) & legit
    split_sale = small & (rng.random(len(ordinary)) < SPLIT_SHARE)
    k = np.where(split_sale, 1, k)
    owner = np.repeat(ordinary, k)                               # claim of each line
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    line_no = np.arange(len(owner)) - np.repeat(first, k) + 1
    index, table, lengths = _pools()
    codes, inverse = np.unique(cols["dx"][owner].astype(str), return_inverse=True)  # few distinct diagnoses
    pool = np.array([index.get(str(c)[:3], 0) for c in codes], np.int64)[inverse.ravel()]
    drug = table[pool, (rng.random(len(owner)) * lengths[pool]).astype(np.int64)]
    weights = rng.uniform(0.5, 1.5, len(owner))
    share = weights / np.bincount(np.repeat(np.arange(len(ordinary)), k), weights)[np.repeat(np.arange(len(ordinary)), k)]
    amount = np.round(cols["amount"][owner] * share, 2)
    quantity = np.ones(len(owner))
    split = np.repeat(split_sale, k).astype(np.int8)
    box = np.arange(len(owner), dtype=np.int64)                  # ordinary boxes: one per line
    flag = split.astype(object)                                  # the split_pack column as written ("" unflagged)
    _split_boxes(cols, rng, truth, owner, split, drug, quantity, box, flag)
    returns = _returns(cols, rng, truth, owner, line_no, split, drug, box, np.repeat(legit, k))
    # planted boxes: one line each, numbered after the ordinary ones
    planted_box = len(owner) + box_col[planted]
    all_owner = np.concatenate([owner, planted, owner[returns]])
    all_line = np.concatenate([line_no, np.ones(len(planted), np.int64), line_no[returns] + 10])
    all_drug = np.concatenate([drug, drug_col[planted], drug[returns]])
    all_qty = np.concatenate([quantity, np.ones(len(planted)), -quantity[returns]])
    all_amount = np.concatenate([amount, np.round(cols["amount"][planted], 2), -amount[returns]])
    all_box = np.concatenate([box, planted_box, box[returns]])
    all_flag = np.concatenate([flag, np.zeros(len(planted), np.int8).astype(object), flag[returns]])
    order = np.lexsort((all_line, all_owner))
    all_owner, all_line, all_drug, all_qty, all_amount, all_box, all_flag = (
        a[order] for a in (all_owner, all_line, all_drug, all_qty, all_amount, all_box, all_flag))
    price = np.where(all_qty != 0, np.round(np.abs(all_amount / all_qty), 4), 0.0)
    flag_text = pa.array(all_flag.astype(str))          # "0", "1", or "" (a split box exported without its flag)
    items = pa.table({
        "claim_id": pc.take(claim_ids, pa.array(all_owner)),
        "line_id": pa.array(all_line.astype(str)),
        "item_code": pc.take(CODES, pa.array(all_drug)),
        "item_name": pc.take(NAMES, pa.array(all_drug)),
        "quantity": pa.array(all_qty),
        "unit_price": pa.array(price),
        "amount": pa.array(all_amount),
        "trace_code": trace_codes(all_box),
        "split_pack": pc.if_else(pc.equal(flag_text, ""), pa.scalar(None, pa.string()), flag_text),
    })
    # purchases: each box bought in once, by the provider of its first sale, days before it
    bought = np.concatenate([np.ones(len(owner), bool), cols["bought"][planted].astype(bool), np.zeros(int(returns.size), bool)])
    seller_of = np.concatenate([owner, planted, owner[returns]])
    sold_box = np.concatenate([box, planted_box, box[returns]])
    sold_drug = np.concatenate([drug, drug_col[planted], drug[returns]])
    keep = bought & (np.concatenate([quantity, np.ones(len(planted)), -quantity[returns]]) > 0)
    ts = cols["ts"][seller_of]
    first_sale = np.lexsort((ts, sold_box))
    boxes_sorted = sold_box[first_sale]
    is_first = np.concatenate([[True], boxes_sorted[1:] != boxes_sorted[:-1]]) if len(boxes_sorted) else np.array([], bool)
    pick = first_sale[is_first & keep[first_sale]]
    provider = cols["provider"][seller_of[pick]]
    lead = rng.integers(PURCHASE_LEAD_DAYS[0], PURCHASE_LEAD_DAYS[1] + 1, len(pick))
    day = (ts[pick] - lead * DAY).astype("datetime64[s]").astype("datetime64[D]").astype(str)
    supplier = np.array(SUPPLIERS, object)[(provider * 7 + rng.integers(0, 2, len(pick))) % len(SUPPLIERS)]
    order = np.lexsort((sold_box[pick], day, provider))
    purchases = pa.table({
        "provider_id": pc.take(prov_ids, pa.array(provider[order])),
        "item_code": pc.take(CODES, pa.array(sold_drug[pick][order])),
        "trace_code": trace_codes(sold_box[pick][order]),
        "purchased_at": pa.array(day[order]),
        "quantity": pa.array(np.ones(len(pick))),
        "supplier": pa.array(supplier[order].astype(str)),
    })
    return DrugData(items, purchases)


def _split_boxes(cols, rng, truth: Truth, owner, split, drug, quantity, box, flag) -> None:
    """Group each pharmacy's split-pack sales, in time order, into boxes of two to five sales: one code, one drug."""
    lines = np.flatnonzero(split == 1)
    if not len(lines):
        return
    provider, ts = cols["provider"][owner[lines]], cols["ts"][owner[lines]]
    lines = lines[np.lexsort((ts, provider))]
    provider = cols["provider"][owner[lines]]
    start = 0
    by_place: dict[tuple[int, str], list[int]] = {}
    while start < len(lines):
        size = int(rng.integers(2, 6))
        end = start + 1
        while end < len(lines) and end - start < size and provider[end] == provider[start]:
            end += 1
        group = lines[start:end]
        d = int(SPLITTABLE[rng.integers(0, len(SPLITTABLE))])
        drug[group] = d
        box[group] = box[group[0]]
        quantity[group] = rng.choice([2, 4, 6, 10, 12], len(group))
        unflagged = len(group) > 1 and rng.random() < SPLIT_UNFLAGGED
        if unflagged:
            flag[group] = ""
        if len(group) > 1:
            key = (int(provider[start]), "unflagged" if unflagged else "flagged")
            by_place.setdefault(key, []).extend(int(p) for p in cols["patient"][owner[group]])
        start = end
    for (place, variant), patients in sorted(by_place.items()):
        truth.lookalike("split_pack", patients, [place], variant=variant)


def _returns(cols, rng, truth: Truth, owner, line_no, split, drug, box, legit) -> np.ndarray:
    """Lines whose box is handed back on its claim and sold again to the next customer of the same pharmacy.

    Returns the lines handed back; the next sale's first line takes the box (and drug) over.
    """
    whole = np.flatnonzero((split == 0) & (line_no == 1) & legit)
    if not len(whole):
        return np.array([], np.int64)
    provider, ts = cols["provider"][owner[whole]], cols["ts"][owner[whole]]
    order = whole[np.lexsort((ts, provider))]
    chosen = np.flatnonzero(rng.random(len(order) - 1) < RETURN_SHARE) if len(order) > 1 else np.array([], np.int64)
    handed_back: list[int] = []
    taken: set[int] = set()
    by_place: dict[int, list[int]] = {}
    for i in chosen:
        a, b = order[i], order[i + 1]
        if a in taken or b in taken:
            continue
        same = cols["provider"][owner[a]] == cols["provider"][owner[b]]
        soon = cols["ts"][owner[b]] - cols["ts"][owner[a]] <= RETURN_WITHIN_DAYS * DAY
        if not (same and soon) or owner[a] == owner[b]:
            continue
        box[b], drug[b] = box[a], drug[a]
        taken.update((a, b))
        handed_back.append(a)
        by_place.setdefault(int(cols["provider"][owner[a]]), []).extend(
            (int(cols["patient"][owner[a]]), int(cols["patient"][owner[b]])))
    for place, patients in sorted(by_place.items()):
        truth.lookalike("return", patients, [place])
    return np.array(sorted(handed_back), np.int64)


def write(data: DrugData, out_dir: Path, write_table) -> None:
    """Write ``items.csv`` and ``purchases.csv`` with the writer's own CSV function."""
    write_table(data.items, Path(out_dir) / "items.csv")
    write_table(data.purchases, Path(out_dir) / "purchases.csv")
