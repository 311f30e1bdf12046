"""The input contract as data: canonical tables and columns, header aliases, value aliases.

Bureau exports name the same column many ways (结算流水号, 就诊流水号, ClaimID,
setl_id…). The built-in aliases below cover the common Chinese and English
headers and the national platform's field names (``graphfraud.national``); any
other naming goes through a mapping file (see ``graphfraud.ingest``).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphfraud.national import CODES, MISSING, NATIONAL

TEXT, NUMBER, TIMESTAMP, DATE, ENUM = "text", "number", "timestamp", "date", "enum"

# Dates and times outside this range are rejected with their row: no settlement, birth or death falls there, and
# placeholders such as 9999-12-31 ("no date") or 1600-01-01 would otherwise reach age and interval rules as real
# dates (or overflow pandas' nanosecond times). A bureau whose exports mean "no date" by such a value lists it in
# the mapping's ``na``. Both ends are inclusive.
EARLIEST_DATE = "1880-01-01"
LATEST_DATE = "2100-12-31"

# The largest amount (CNY) one claim can plausibly carry: 10^8, far beyond any real settlement (the costliest
# inpatient stays run to millions). A larger value — 1e30, or 1e309 read as infinity — is a broken export;
# its row is rejected rather than let it swamp every amount at risk. Numbers must be finite in every column.
MAX_AMOUNT = 100_000_000.0

# The most units one item line or one purchase row can plausibly carry (either sign: a negative quantity is a
# return — a box handed back at the counter, or a purchase sent back to the supplier).
MAX_QUANTITY = 1_000_000.0


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


TABLES: dict[str, tuple[Column, ...]] = {
    "claims": (
        Column("claim_id", required=True),
        Column("patient_id", required=True),
        Column("card_id", required=True),
        Column("provider_id", required=True),
        Column("doctor_id"),
        Column("ts", TIMESTAMP, required=True),
        Column("amount", NUMBER, required=True, minimum=0, maximum=MAX_AMOUNT),
        Column("fund_paid", NUMBER, minimum=0, maximum=MAX_AMOUNT),
        Column("visit_type", ENUM, required=True, allowed=("outpatient", "inpatient", "pharmacy")),
        Column("diagnosis"),
        Column("admit_date", DATE),
        Column("discharge_date", DATE),
        Column("terminal_id"),
    ),
    "patients": (
        Column("patient_id", required=True),
        Column("name"),
        Column("sex", ENUM, allowed=("M", "F")),
        Column("birth_date", DATE),
        Column("phone"),
        Column("address"),
        Column("death_date", DATE),
        Column("id_number"),
    ),
    "cards": (Column("card_id", required=True), Column("patient_id", required=True)),
    "providers": (
        Column("provider_id", required=True),
        Column("name"),
        Column("type", ENUM, allowed=("hospital", "clinic", "pharmacy")),
        Column("city"),
        Column("lat", NUMBER, minimum=-90, maximum=90),
        Column("lon", NUMBER, minimum=-180, maximum=180),
    ),
    "doctors": (
        Column("doctor_id", required=True),
        Column("name"),
        Column("provider_id"),
        Column("specialty"),
    ),
    # One row per box or line of a claim (费用明细): what was sold, at what price, which box (追溯码).
    "items": (
        Column("claim_id", required=True),
        Column("line_id", required=True),
        Column("item_code", required=True),
        Column("item_name"),
        Column("quantity", NUMBER, required=True, minimum=-MAX_QUANTITY, maximum=MAX_QUANTITY),
        Column("unit_price", NUMBER, minimum=0, maximum=MAX_AMOUNT),
        Column("amount", NUMBER, minimum=-MAX_AMOUNT, maximum=MAX_AMOUNT),
        Column("trace_code"),
        Column("split_pack", ENUM, allowed=("0", "1")),
    ),
    # What a pharmacy or hospital bought in (进货): one row per box (with its trace code) or per batch.
    "purchases": (
        Column("provider_id", required=True),
        Column("item_code", required=True),
        Column("trace_code"),
        Column("purchased_at", DATE, required=True),
        Column("quantity", NUMBER, required=True, minimum=-MAX_QUANTITY, maximum=MAX_QUANTITY),
        Column("supplier"),
        Column("purchase_id"),
    ),
}

REQUIRED_TABLES = ("claims",)
# The columns that identify a row: a second row with the same values is rejected as a duplicate. A purchase
# without a purchase_id is identified by all it says (the same box or batch bought the same day twice is one
# row delivered twice).
KEYS: dict[str, tuple[str, ...]] = {
    "claims": ("claim_id",), "patients": ("patient_id",), "cards": ("card_id",), "providers": ("provider_id",),
    "doctors": ("doctor_id",), "items": ("claim_id", "line_id"),
    "purchases": ("provider_id", "item_code", "trace_code", "purchased_at", "quantity", "supplier", "purchase_id"),
}

# Header aliases: source header (compared case-insensitively, spaces/underscores ignored) → canonical name.
_COMMON = {
    "参保人编号": "patient_id", "个人编号": "patient_id", "人员编号": "patient_id", "参保人id": "patient_id",
    "患者编号": "patient_id", "持卡人编号": "patient_id",
    "医保卡号": "card_id", "社保卡号": "card_id", "卡号": "card_id", "社会保障卡号": "card_id",
    "定点机构编码": "provider_id", "医药机构编码": "provider_id", "机构编码": "provider_id", "定点医药机构编号": "provider_id",
    "医师编码": "doctor_id", "医生编码": "doctor_id", "医师代码": "doctor_id", "医师编号": "doctor_id",
    "姓名": "name", "机构名称": "name", "医师姓名": "name", "医生姓名": "name",
}
ALIASES: dict[str, dict[str, str]] = {
    "claims": {
        **_COMMON,
        "结算流水号": "claim_id", "结算id": "claim_id", "就诊流水号": "claim_id", "结算编号": "claim_id",
        "结算时间": "ts", "交易时间": "ts", "就诊时间": "ts", "结算日期": "ts", "timestamp": "ts",
        "总金额": "amount", "医疗费总额": "amount", "费用总额": "amount", "金额": "amount",
        "基金支付": "fund_paid", "统筹支付": "fund_paid", "基金支付金额": "fund_paid", "统筹基金支付": "fund_paid",
        "就诊类型": "visit_type", "医疗类别": "visit_type", "就医类型": "visit_type",
        "诊断编码": "diagnosis", "主诊断编码": "diagnosis", "疾病编码": "diagnosis", "诊断代码": "diagnosis",
        "入院日期": "admit_date", "出院日期": "discharge_date",
        "终端编号": "terminal_id", "刷卡终端": "terminal_id", "终端号": "terminal_id",
    },
    "patients": {
        **_COMMON,
        "性别": "sex", "出生日期": "birth_date", "联系电话": "phone", "手机号": "phone", "电话": "phone",
        "住址": "address", "联系地址": "address", "地址": "address", "常住地址": "address", "死亡日期": "death_date",
        "身份证号": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number", "证件号码": "id_number",
    },
    "cards": dict(_COMMON),
    "providers": {
        **_COMMON,
        "机构类型": "type", "机构类别": "type", "城市": "city", "所在城市": "city", "所在地市": "city",
        "纬度": "lat", "经度": "lon", "latitude": "lat", "longitude": "lon",
    },
    "doctors": {**_COMMON, "所在机构编码": "provider_id", "执业机构编码": "provider_id", "科室": "specialty", "专业": "specialty"},
    "items": {
        "结算流水号": "claim_id", "结算id": "claim_id", "结算编号": "claim_id",
        "明细流水号": "line_id", "费用明细流水号": "line_id", "明细序号": "line_id", "行号": "line_id",
        "医保目录编码": "item_code", "项目编码": "item_code", "药品编码": "item_code", "医疗目录编码": "item_code",
        "项目名称": "item_name", "药品名称": "item_name", "医保目录名称": "item_name", "通用名": "item_name",
        "数量": "quantity", "单价": "unit_price", "明细项目费用总额": "amount", "金额": "amount", "明细金额": "amount",
        "追溯码": "trace_code", "药品追溯码": "trace_code", "拆零标志": "split_pack", "是否拆零": "split_pack",
    },
    "purchases": {
        "定点机构编码": "provider_id", "医药机构编码": "provider_id", "机构编码": "provider_id", "定点医药机构编号": "provider_id",
        "医保目录编码": "item_code", "项目编码": "item_code", "药品编码": "item_code", "医疗目录编码": "item_code",
        "追溯码": "trace_code", "药品追溯码": "trace_code",
        "进货日期": "purchased_at", "采购日期": "purchased_at", "入库时间": "purchased_at", "采购入库时间": "purchased_at",
        "数量": "quantity", "采购数量": "quantity", "进货数量": "quantity",
        "供应商": "supplier", "供应商名称": "supplier", "批次流水号": "purchase_id", "采购单号": "purchase_id",
    },
}
for _table, _names in NATIONAL.items():  # the national platform's field names, beside the Chinese headers
    ALIASES[_table] = {**ALIASES.get(_table, {}), **_names}

# Value aliases for enum columns (compared after strip/lower-casing).
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "visit_type": {
        "门诊": "outpatient", "普通门诊": "outpatient", "门特": "outpatient", "门慢": "outpatient",
        "住院": "inpatient", "药店购药": "pharmacy", "购药": "pharmacy", "药店": "pharmacy", "定点药店购药": "pharmacy",
    },
    "sex": {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F", "1": "M", "2": "F"},
    "type": {
        "医院": "hospital", "诊所": "clinic", "门诊部": "clinic", "卫生院": "clinic", "社区卫生服务中心": "clinic",
        "药店": "pharmacy", "零售药店": "pharmacy", "定点零售药店": "pharmacy",
    },
    "split_pack": {"是": "1", "否": "0", "y": "1", "n": "0", "yes": "1", "no": "0", "true": "1", "false": "0"},
}
for _column, _codes in CODES.items():  # the national platform's codes (med_type, gend, fixmedins_type, trdn_flag)
    VALUE_ALIASES[_column] = {**VALUE_ALIASES.get(_column, {}), **_codes}

# Values that mean "missing" in one column only (sex 0 unknown, 9 not stated: GB/T 2261.1).
VALUE_MISSING: dict[str, tuple[str, ...]] = {column: tuple(values) for column, values in MISSING.items()}


def normalise_header(header: str) -> str:
    """Header as compared against names and aliases: trimmed, lower-case, no spaces or underscores."""
    return str(header).strip().lstrip("\ufeff").lower().replace(" ", "").replace("_", "")


def canonical_header(table: str, header: str) -> str | None:
    """The canonical column a source header stands for, or None."""
    key = normalise_header(header)
    for column in TABLES[table]:
        if normalise_header(column.name) == key:
            return column.name
    for alias, name in ALIASES.get(table, {}).items():
        if normalise_header(alias) == key:
            return name
    return None
