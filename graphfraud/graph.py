"""Turn validated input tables into the node and relationship frames of the graph model.

Pure pandas, engine-independent: both engines load exactly these frames, which
is what makes their graphs (and so their rings) the same. Entities that appear
only in claims (a provider missing from providers.csv, a card without a cards
row) still become nodes, so no claim loses an end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from graphfraud.model import NODES

# Large Chinese cities, to read a patient's home city from the start of an address
# when no provider city matches (addresses look like "杭州市西湖区文三路123号").
_CITY_PREFIX = re.compile(r"^(?:[^省市]{2,7}省)?([^省市区县]{2,6}?)市")


@dataclass
class GraphFrames:
    """Nodes by label and relationships by type, as DataFrames ready for an engine."""

    nodes: dict[str, pd.DataFrame] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], pd.DataFrame] = field(default_factory=dict)  # (type, from, to) → src,dst[,props]
    # The writer may let each table go once it is written (``in_write_order``): a load's frames, which nothing
    # reads afterwards, so their memory is freed table by table instead of being held to the end of the write.
    release: bool = False

    def rows(self) -> int:
        return sum(len(f) for f in self.nodes.values()) + sum(len(f) for f in self.rels.values())

    def in_write_order(self) -> Iterator[tuple[str | tuple[str, str, str], pd.DataFrame]]:
        """Every table, (label or (type, from, to), frame): the nodes in their order, each followed by the
        relationships whose ends are then written (or are not among these frames), so a claim's links go in
        right after the claims and the claims' memory, shared with their links, can go before the items'.

        With ``release`` each table leaves these frames as it is handed out.
        """
        pending = list(self.rels)
        written: set[str] = set()
        for label in list(self.nodes):
            yield label, (self.nodes.pop(label) if self.release else self.nodes[label])
            written.add(label)
            ready = [k for k in pending if all(end in written or end not in self.nodes for end in k[1:])]
            for key in ready:
                pending.remove(key)
                yield key, (self.rels.pop(key) if self.release else self.rels[key])
        for key in pending:
            yield key, (self.rels.pop(key) if self.release else self.rels[key])


def give_back_memory() -> None:
    """Return freed memory to the system: Arrow's allocator keeps what it freed for its own next use, the C
    library the freed pieces of its heap, and neither would go to the next table's numbers or to the embedded
    database, which allocate elsewhere. A load calls this between its tables (at 10^6 claims the two held
    ~450 MiB freed, at its end)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, from the symbols the process already has (``find_library`` would start a
    program); None with another C library, which returns freed memory itself."""
    import ctypes

    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None


def isin(values: pd.Series, allowed: pd.Series | pd.Index) -> pd.Series:
    """``values.isin(allowed)``, by Arrow when both are text: pandas makes a Python object of each allowed value
    first, which for 10^6 claim ids took 25 s and 270 MB; Arrow takes a second and nothing. Same answer (a
    missing value is in ``allowed`` when a missing value is)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        return values.isin(allowed)
    column = pa.array(values.array)
    try:
        known = pa.array(allowed.array if isinstance(allowed.array, pd.arrays.ArrowStringArray)
                         else allowed.to_numpy(dtype=object), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        known = None
    if known is None or not (pa.types.is_string(known.type) or pa.types.is_large_string(known.type)
                             or pa.types.is_null(known.type)):
        return values.isin(allowed)  # not all text: pandas decides, value by value
    if isinstance(known, pa.ChunkedArray):
        known = known.combine_chunks()
    hit = pc.is_in(column, value_set=known.cast(column.type))
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _present(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(False, index=frame.index)
    values = frame[column]
    return values.notna() & (values.astype(str).str.strip() != "")


def _conform(label: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the model's columns (adding missing ones as empty), one row per key, nulls as None."""
    node = NODES[label]
    out = pd.DataFrame(index=frame.index)
    for name, kind in node.properties:
        if name in frame:
            col = frame[name]
        else:
            col = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        if kind == "INT64":
            if col.dtype != "Int64":    # a validated column already is: converting it again copies it
                col = pd.to_numeric(col, errors="coerce").astype("Int64")
        elif kind == "DOUBLE":
            if col.dtype != "float64":
                col = pd.to_numeric(col, errors="coerce").astype("float64")
        else:
            col = col.astype("str")  # vectorised; numbers from XLSX become their text, missing stays missing
            blank = (col.str.len() == 0) | col.str.isspace()   # no stripped copy of the column to compare
            if blank.any():       # else the column stays the input's own (at 10^7, GiBs not copied)
                col = col.where(~blank)
        out[name] = col
    # only where rows go: a filter copies every column even when it keeps them all
    keyless = out[node.key].isna()
    if keyless.any():
        out = out[~keyless]
    twice = out.duplicated(subset=[node.key], keep="first")
    if twice.any():
        out = out[~twice]
    return out.reset_index(drop=True)


def home_city(address: pd.Series, known_cities: list[str]) -> pd.Series:
    """Home city read from the start of an address: a known provider city, else the ``…市`` prefix."""
    address = address.fillna("").astype(str)
    result = pd.Series([None] * len(address), index=address.index, dtype=object)
    for city in sorted({c for c in known_cities if c}, key=len, reverse=True):
        bare = city.removesuffix("市")
        hit = result.isna() & (address.str.startswith(bare) | address.str.contains(f"省{bare}", regex=False))
        result[hit] = city
    rest = result.isna() & (address != "")
    if rest.any():
        parsed = address[rest].str.extract(_CITY_PREFIX, expand=False) + "市"
        result[rest] = parsed.where(parsed.notna(), None)
    return result


def _ids(values: pd.Series) -> set[str]:
    """The distinct non-blank ids in ``values`` (distinct first: iterating tens of millions of strings is slow)."""
    distinct = pd.Series(values.dropna().unique()).astype(str)
    return set(distinct[distinct.str.strip() != ""])


def _rel(node: pd.DataFrame, src: str, dst: str) -> pd.DataFrame:
    """One relationship per row of a conformed node frame that has both ends (rows are unique: one end is its key)."""
    keep = node[src].notna() & node[dst].notna()
    out = (node[[src, dst]] if keep.all() else node.loc[keep, [src, dst]]).astype(str)   # the node's own columns when all have both
    out.columns = ["src", "dst"]
    return out.reset_index(drop=True)


def build(tables: dict[str, pd.DataFrame]) -> GraphFrames:
    """Build graph frames from canonical tables (``claims`` plus any of patients, cards, providers, doctors)."""
    empty = pd.DataFrame()
    claims = tables.get("claims", empty)
    patients = tables.get("patients", empty)
    cards = tables.get("cards", empty)
    providers = tables.get("providers", empty)
    doctors = tables.get("doctors", empty)
    items = tables.get("items", empty)
    purchases = tables.get("purchases", empty)
    g = GraphFrames()

    # Providers: the table, then ids seen only in claims, doctors or purchases.
    prov = providers.copy()
    seen = (_ids(claims.get("provider_id", pd.Series(dtype=object))) | _ids(doctors.get("provider_id", pd.Series(dtype=object)))
            | _ids(purchases.get("provider_id", pd.Series(dtype=object))))
    extra = sorted(seen - _ids(prov.get("provider_id", pd.Series(dtype=object))))
    if extra:
        inferred = pd.DataFrame({"provider_id": extra})
        if "visit_type" in claims:
            pharm = _ids(claims.loc[claims["visit_type"] == "pharmacy", "provider_id"])
            inferred["type"] = [("pharmacy" if p in pharm else None) for p in extra]
        prov = pd.concat([prov, inferred], ignore_index=True)
    g.nodes["Provider"] = _conform("Provider", prov)

    # Patients: the table (with home city), then holders and claimants seen elsewhere.
    pats = patients.copy()
    if len(pats):
        cities = list(g.nodes["Provider"]["city"].dropna().unique())
        pats["home_city"] = home_city(pats.get("address", pd.Series(index=pats.index, dtype=object)), cities)
    ids = _ids(claims.get("patient_id", pd.Series(dtype=object))) | _ids(cards.get("patient_id", pd.Series(dtype=object)))
    extra = sorted(ids - _ids(pats.get("patient_id", pd.Series(dtype=object))))
    if extra:
        pats = pd.concat([pats, pd.DataFrame({"patient_id": extra})], ignore_index=True)
    g.nodes["Patient"] = _conform("Patient", pats)

    # Cards: the table; cards seen only in claims are held by the claim's patient.
    card_rows = cards.rename(columns={"patient_id": "holder_id"}).copy() if len(cards) else pd.DataFrame(columns=["card_id", "holder_id"])
    if "card_id" in claims:
        from_claims = claims.loc[_present(claims, "card_id"), ["card_id", "patient_id"]].rename(columns={"patient_id": "holder_id"})
        from_claims = from_claims.drop_duplicates(subset=["card_id"])  # first claim names the holder, as before
        from_claims = from_claims[~isin(from_claims["card_id"], card_rows["card_id"])]
        card_rows = pd.concat([card_rows, from_claims], ignore_index=True)
    g.nodes["Card"] = _conform("Card", card_rows)

    docs = doctors.copy()
    if "doctor_id" in claims:
        extra = sorted(_ids(claims["doctor_id"]) - _ids(docs.get("doctor_id", pd.Series(dtype=object))))
        if extra:
            docs = pd.concat([docs, pd.DataFrame({"doctor_id": extra})], ignore_index=True)
    g.nodes["Doctor"] = _conform("Doctor", docs)

    g.nodes["Claim"] = _conform("Claim", claims)
    people = g.nodes["Patient"]
    g.nodes["Phone"] = _conform("Phone", people.loc[_present(people, "phone"), ["phone"]].drop_duplicates())
    g.nodes["Address"] = _conform("Address", people.loc[_present(people, "address"), ["address"]].drop_duplicates())

    c = g.nodes["Claim"]
    g.rels[("HOLDS", "Patient", "Card")] = _rel(g.nodes["Card"], "holder_id", "card_id")
    g.rels[("PAID", "Card", "Claim")] = _rel(c, "card_id", "claim_id")
    g.rels[("FOR", "Claim", "Patient")] = _rel(c, "claim_id", "patient_id")
    g.rels[("AT", "Claim", "Provider")] = _rel(c, "claim_id", "provider_id")
    g.rels[("BY", "Claim", "Doctor")] = _rel(c, "claim_id", "doctor_id")
    g.rels[("WORKS_AT", "Doctor", "Provider")] = _rel(g.nodes["Doctor"], "doctor_id", "provider_id")
    g.rels[("HAS_PHONE", "Patient", "Phone")] = _rel(g.nodes["Patient"], "patient_id", "phone")
    g.rels[("LIVES_AT", "Patient", "Address")] = _rel(g.nodes["Patient"], "patient_id", "address")
    if len(items) or len(purchases):
        _drug_frames(g, items, purchases)
    return g


def _drug_frames(g: GraphFrames, items: pd.DataFrame, purchases: pd.DataFrame) -> None:
    """Items, boxes, lines and purchases with their links, from the items and purchases tables.

    A line carries its claim's provider, patient, card and time (the item of a claim that is not in this
    load has none of them: validation keeps such items out). A box is known by its trace code, from a sale
    or a purchase; an item by its code, named by the first line that names it.
    """
    claims = g.nodes["Claim"]
    lines = items.drop(columns=[c for c in ("provider_id", "patient_id", "card_id", "ts_epoch") if c in items])
    if len(lines):
        # the claim's columns taken by position: a merge would copy every column of the lines as well
        at = pd.Index(claims["claim_id"]).get_indexer(lines["claim_id"])
        found = at >= 0
        hit = pd.Series(found, index=lines.index)
        for column in ("provider_id", "patient_id", "card_id", "ts_epoch"):
            taken = claims[column].take(np.where(found, at, 0))
            taken.index = lines.index
            lines[column] = taken.where(hit)
        lines["split_pack"] = pd.to_numeric(lines.get("split_pack"), errors="coerce").astype("Int64")
    line_nodes = _conform("Line", lines)
    del lines
    buys = _conform("Purchase", purchases)
    # one row per box, from its first sale, else its first purchase (boxes bought in and never sold), each
    # picked by a mask before anything is copied: at 10^7 every intermediate copy of the boxes was ~300 MiB
    first_sale = line_nodes["trace_code"].notna() & ~line_nodes["trace_code"].duplicated()
    sold = line_nodes.loc[first_sale, ["trace_code", "item_code"]]
    unsold = (buys["trace_code"].notna() & ~buys["trace_code"].duplicated()
              & ~isin(buys["trace_code"], sold["trace_code"]))
    boxes = _conform("Box", pd.concat([sold, buys.loc[unsold, ["trace_code", "item_code"]]], ignore_index=True))
    del sold
    # each item named by the first line that names it: distinct pairs first (24 drugs, not 10^7 lines), named ones first
    named = line_nodes[["item_code", "item_name"]].drop_duplicates().rename(columns={"item_name": "name"})
    named = named.iloc[np.argsort(named["name"].isna().to_numpy(), kind="stable")]
    g.nodes["Item"] = _conform("Item", pd.concat([named, buys[["item_code"]].drop_duplicates()], ignore_index=True))
    g.nodes["Box"], g.nodes["Line"], g.nodes["Purchase"] = boxes, line_nodes, buys
    g.rels[("HAS_LINE", "Claim", "Line")] = _rel(line_nodes, "claim_id", "line_key")
    g.rels[("DISPENSED", "Line", "Box")] = _rel(line_nodes, "line_key", "trace_code")
    g.rels[("OF", "Box", "Item")] = _rel(g.nodes["Box"], "trace_code", "item_code")
    g.rels[("PURCHASED", "Provider", "Purchase")] = _rel(buys, "provider_id", "purchase_key")
    g.rels[("BROUGHT_IN", "Purchase", "Box")] = _rel(buys, "purchase_key", "trace_code")
