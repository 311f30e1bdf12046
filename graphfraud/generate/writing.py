"""Writing the world: the input-contract CSV files (items and purchases included) and ``truth.json``.

Claims are sorted by time (then patient) and numbered in that order; claims
after the patient's death are dropped unless a ring planted them or they are
a legitimate final settlement (``posthumous``). Every file is written under a
temporary name and renamed, so a reader never sees half a file. Names and ID
numbers are drawn here (after all care), from the same seeded generator.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphfraud.atomic import atomic_path
from graphfraud.generate import drugs
from graphfraud.generate.claims import INP, PHA, VISIT_TYPES, at
from graphfraud.generate.geography import CITIES
from graphfraud.generate.planting import Truth
from graphfraud.generate.world import PROVIDER_TYPES, SPECIALTIES, World
from graphfraud.vocabulary import MEMBER_KINDS

SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红建文辉力斌宇浩凯秀云飞鹏")
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(text, width, "0"), "")


def _dates(days_since_1900: np.ndarray) -> pa.Array:
    return pa.array((np.datetime64("1900-01-01") + days_since_1900.astype("timedelta64[D]")).astype(str))


def _times(epoch: np.ndarray, fmt: str = "%Y-%m-%dT%H:%M:%S") -> pa.Array:
    return pc.strftime(pa.array(epoch, pa.timestamp("s")), format=fmt)


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(max(n, 1))))


def _id_numbers(w: World) -> pa.Array:
    """18-digit resident ID numbers (made up): district code, birth date, sequence with the sex digit, ISO 7064 check."""
    n = w.n_patients
    codes = np.array([[d[1] for d in c.districts] for c in CITIES], object)
    region = codes[w.city, w.district].astype(str)
    birth = (np.datetime64("1900-01-01") + w.birth_day.astype("timedelta64[D]")).astype(str)
    birth = np.char.replace(birth.astype(str), "-", "")
    seq = (np.arange(n) * 7 % 500) * 2 + (w.sex == "M").astype(int)
    body = np.char.add(np.char.add(region, birth), np.char.zfill(seq.astype(str), 3))
    digits = body.view("<U1").reshape(n, 17).astype(int)
    check = np.array(list("10X98765432"))[(digits * ID_WEIGHTS).sum(axis=1) % 11]
    return pa.array(np.char.add(body, check))


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    s = np.array(SURNAMES, object)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN, object)[rng.integers(0, len(GIVEN), n)]
    g2 = np.where(rng.random(n) < 0.6, np.array(GIVEN, object)[rng.integers(0, len(GIVEN), n)], "")
    return s + g1 + g2


def _write(table: pa.Table, path: Path) -> None:
    # not synced: a generated folder is made again from its seed; the rename keeps a kill from leaving half a file
    with atomic_path(path, durable=False) as tmp:
        pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))


def write(out_dir: Path, world: World, rng: np.random.Generator, cols: dict[str, np.ndarray], truth: Truth,
          header: dict, progress) -> int:
    """Write every file into ``out_dir``; return the number of claims written."""
    w, P = world, world.providers
    death = w.death_day[cols["patient"]]
    keep = (death < 0) | (cols["ts"] < at(death, 0)) | (cols["tag"] >= 0) | cols["posthumous"]
    cols = {k: v[keep] for k, v in cols.items()}
    order = np.lexsort((cols["patient"], cols["ts"]))
    cols = {k: v[order] for k, v in cols.items()}
    n = len(cols["ts"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    pw, cw = _width(w.n_patients, 6), _width(n, 8)
    prov_ids = _ids("H", np.arange(1, len(P) + 1), 4)
    prov_prefix = np.array(["H", "K", "Y"])[P.kind]  # hospital H, clinic K (诊所), pharmacy Y (药店)
    prov_ids = pc.binary_join_element_wise(pa.array(prov_prefix), pc.utf8_slice_codeunits(prov_ids, 1), "")
    doc_ids = _ids("D", np.arange(1, P.n_doctors + 1), 5)
    vtype = cols["vtype"]
    inpatient = vtype == INP
    doctor = cols["doctor"]
    none = pa.scalar(None, pa.string())
    claims_table = pa.table({
        "claim_id": _ids("CL", np.arange(1, n + 1), cw),
        "patient_id": _ids("P", cols["patient"] + 1, pw),
        "card_id": _ids("C", cols["card"] + 1, pw),
        "provider_id": pc.take(prov_ids, pa.array(cols["provider"])),
        "doctor_id": pc.if_else(pa.array(doctor >= 0), pc.take(doc_ids, pa.array(np.maximum(doctor, 0))), none),
        "ts": _times(cols["ts"]),
        "amount": pa.array(np.round(cols["amount"], 2)),
        "fund_paid": pa.array(np.round(cols["amount"] * np.where(inpatient, 0.75, np.where(vtype == PHA, 0.6, 0.5)), 2)),
        "visit_type": pa.array(VISIT_TYPES[vtype].astype(str)),
        "diagnosis": pa.array(cols["dx"].astype(str)),
        "admit_date": pc.if_else(pa.array(inpatient), _times(np.where(inpatient, cols["admit"], 0), "%Y-%m-%d"), none),
        "discharge_date": pc.if_else(pa.array(inpatient), _times(cols["ts"], "%Y-%m-%d"), none),
        "terminal_id": pc.binary_join_element_wise(pc.take(prov_ids, pa.array(cols["provider"])), _ids("-T", cols["terminal"], 1), ""),
    })
    progress("writing", 0, 5)
    _write(claims_table, out_dir / "claims.csv")
    patient_ids = _ids("P", np.arange(1, w.n_patients + 1), pw)
    dead = w.death_day >= 0
    _write(pa.table({
        "patient_id": patient_ids,
        "name": pa.array(_names(rng, w.n_patients).astype(str)),
        "sex": pa.array(w.sex.astype(str)),
        "birth_date": _dates(w.birth_day),
        "phone": pa.array(w.phone.astype(str)),
        "address": pa.array(w.address.astype(str)),
        "death_date": pc.if_else(pa.array(dead), _times(at(np.maximum(w.death_day, 0), 0), "%Y-%m-%d"), none),
        "id_number": _id_numbers(w),
    }), out_dir / "patients.csv")
    _write(pa.table({"card_id": _ids("C", np.arange(1, w.n_patients + 1), pw), "patient_id": patient_ids}), out_dir / "cards.csv")
    _write(pa.table({
        "provider_id": prov_ids,
        "name": pa.array(P.name),
        "type": pa.array([PROVIDER_TYPES[t] for t in P.kind]),
        "city": pa.array([CITIES[c].name for c in P.city]),
        "lat": pa.array(P.lat),
        "lon": pa.array(P.lon),
    }), out_dir / "providers.csv")
    _write(pa.table({
        "doctor_id": doc_ids,
        "name": pa.array(_names(rng, P.n_doctors).astype(str)),
        "provider_id": pc.take(prov_ids, pa.array(P.doc_provider)),
        "specialty": pa.array([SPECIALTIES[s] for s in P.doc_specialty]),
    }), out_dir / "doctors.csv")
    progress("writing", 4, 5)
    drugs.write(drugs.draw(cols, rng, truth, claims_table.column("claim_id").combine_chunks(), prov_ids), out_dir, _write)
    _write_truth(out_dir, truth, header | {"claims": n}, cols["tag"], claims_table.column("claim_id"),
                 prov_ids.to_pylist(), doc_ids.to_pylist(), pw)
    progress("writing", 5, 5)
    return n


def _write_truth(out_dir: Path, truth: Truth, header: dict, tags: np.ndarray, claim_ids: pa.ChunkedArray,
                 prov: list[str], docs: list[str], pw: int) -> None:
    def pid(i) -> str:
        return f"P{int(i) + 1:0{pw}d}"

    def cid(i) -> str:
        return f"C{int(i) + 1:0{pw}d}"

    tagged = np.flatnonzero(tags >= 0)
    ring_claims: dict[int, list[str]] = {}
    for t, c in zip(tags[tagged], pc.take(claim_ids, pa.array(tagged)).to_pylist()):
        ring_claims.setdefault(int(t), []).append(c)
    resolve = {"patient": pid, "card": cid, "provider": lambda i: prov[int(i)], "doctor": lambda i: docs[int(i)]}
    rings = [{
        "ring_id": r.ring_id, "family": r.family, "shape": r.shape,
        **{kind.plural: sorted(resolve[kind](i) for i in r.roles.get(kind, {})) for kind in MEMBER_KINDS},
        "roles": {resolve[kind](i): role for kind, members in r.roles.items() for i, role in members.items()},
        "claims": ring_claims.get(r.tag, []),
    } for r in truth.rings]
    lookalikes = []
    for g in truth.lookalikes:
        group = {"kind": g.kind, "patients": [pid(i) for i in g.patients], "providers": sorted(prov[int(i)] for i in g.providers),
                 "doctors": sorted(docs[int(i)] for i in g.doctors)}
        if g.cards is not None:
            group["cards"] = [cid(i) for i in g.cards]
        if g.away is not None:
            group["registered_elsewhere"] = [pid(i) for i in g.away]
        lookalikes.append(group | g.extra)
    document = header | {"rings": rings, "lookalikes": lookalikes}
    with atomic_path(out_dir / "truth.json", durable=False) as tmp:
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
