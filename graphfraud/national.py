"""The national medical-insurance platform's field names (国家医保信息平台接口字段), recognised without a mapping.

Bureaus export settlements, people, institutions, fee details (费用明细) and the
drug-trace and purchase (进销存) records in the platform's own field names:
``setl_id``, ``psn_no``, ``mdtrt_cert_no``, ``fixmedins_code``, ``setl_time``,
``medfee_sumamt``, ``med_type``, ``drug_trac_codg``… These tables map each name
to its canonical column per input table; ``graphfraud.schema`` merges them into
the built-in aliases, so a folder exported in national names loads exactly as
its canonical copy does.

The names of the settlement, person, institution, fee-detail and trace
interfaces are fixed nationally; those of doctors, diagnoses, admission and
discharge dates and purchases vary more between provinces, so the common
spellings of each are listed. A header is compared like any other (case,
spaces and underscores ignored), and when two headers of one file mean the
same column the left-most wins (``mdtrt_id``, the visit id, is deliberately
not an alias of ``claim_id``: a settlement export carries both).

Codes are translated where the platform's dictionaries differ from the
contract's values: ``med_type`` (医疗类别) 11–16 are outpatient care (普通门诊,
挂号, 急诊, 门诊慢特病, 特药, 中医), 21–28 inpatient stays, 41 a purchase at a
designated pharmacy (定点药店购药), 51 maternity outpatient and 52 maternity
inpatient care (生育); ``gend`` (性别, GB/T 2261.1) 1 male, 2 female, 0 and 9
(unknown, not stated) missing; ``fixmedins_type`` 1 a medical institution, 2 a
retail pharmacy; ``trdn_flag`` (拆零标志) 0/1.
"""

from __future__ import annotations

# Names used in every table that has the column.
_EVERY = {
    "psn_no": "patient_id",
    "mdtrt_cert_no": "card_id",
    "fixmedins_code": "provider_id",
}

NATIONAL: dict[str, dict[str, str]] = {
    "claims": {
        **_EVERY,
        "setl_id": "claim_id",
        "setl_time": "ts",
        "medfee_sumamt": "amount",
        "fund_pay_sumamt": "fund_paid",
        "med_type": "visit_type",
        # less settled across provinces: the common spellings
        "atddr_no": "doctor_id", "dr_codg": "doctor_id", "dr_code": "doctor_id", "bilg_dr_codg": "doctor_id",
        "dscg_maindiag_code": "diagnosis", "main_diag_code": "diagnosis", "diag_code": "diagnosis",
        "dise_codg": "diagnosis", "dise_no": "diagnosis",
        "adm_time": "admit_date", "adm_date": "admit_date", "begntime": "admit_date", "begndate": "admit_date",
        "dscg_time": "discharge_date", "dscg_date": "discharge_date", "endtime": "discharge_date",
        "enddate": "discharge_date",
        "trml_no": "terminal_id", "trml_codg": "terminal_id",
    },
    "patients": {
        **_EVERY,
        "psn_name": "name",
        "gend": "sex",
        "brdy": "birth_date",
        "tel": "phone", "mob": "phone",
        "addr": "address", "live_addr": "address",
        "die_date": "death_date", "dead_date": "death_date",
        "certno": "id_number",
    },
    "cards": dict(_EVERY),
    "providers": {
        **_EVERY,
        "fixmedins_name": "name",
        "fixmedins_type": "type",
    },
    "doctors": {
        **_EVERY,
        "dr_codg": "doctor_id", "dr_code": "doctor_id", "atddr_no": "doctor_id", "prac_psn_codg": "doctor_id",
        "dr_name": "name", "prac_psn_name": "name",
        "dept_name": "specialty",
    },
    "items": {
        "setl_id": "claim_id",
        "feedetl_sn": "line_id",
        "med_list_codg": "item_code",
        "med_list_name": "item_name", "medins_list_name": "item_name", "fixmedins_hilist_name": "item_name",
        "hilist_name": "item_name",
        "cnt": "quantity", "sel_retn_cnt": "quantity",
        "pric": "unit_price", "finl_trns_pric": "unit_price",
        "det_item_fee_sumamt": "amount",
        "drug_trac_codg": "trace_code", "drug_trac_code": "trace_code",
        "trdn_flag": "split_pack",
    },
    "purchases": {
        "fixmedins_code": "provider_id",
        "med_list_codg": "item_code",
        "drug_trac_codg": "trace_code", "drug_trac_code": "trace_code",
        "purc_retn_stoin_time": "purchased_at", "purc_stoin_time": "purchased_at", "stoin_time": "purchased_at",
        "purc_time": "purchased_at",
        "purc_retn_cnt": "quantity", "purc_cnt": "quantity",
        "spler_name": "supplier",
        "fixmedins_bchno": "purchase_id",
    },
}

# Platform codes → canonical values, per canonical column (compared after trimming, ignoring case).
MED_TYPE = {
    **dict.fromkeys(("11", "12", "13", "14", "15", "16", "51"), "outpatient"),
    **dict.fromkeys(("21", "22", "23", "24", "25", "26", "27", "28", "52"), "inpatient"),
    "41": "pharmacy",
}
CODES: dict[str, dict[str, str]] = {
    "visit_type": MED_TYPE,
    "sex": {"1": "M", "2": "F"},
    "type": {"1": "hospital", "2": "pharmacy"},
    "split_pack": {"0": "0", "1": "1"},
}

# Platform codes that mean "no value" for a column (GB/T 2261.1: 0 unknown, 9 not stated).
MISSING: dict[str, tuple[str, ...]] = {"sex": ("0", "9")}
