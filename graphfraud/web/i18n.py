"""The workbench's words in Chinese (the default) and English.

Graph words, roles, pattern families and visit types come from
``viz/labels.json`` (shared with the offline graph pages); review statuses
from ``graphfraud.case.workflow``; motif names from the motif files' titles.
This module holds the rest: what the pages themselves say.
"""

from __future__ import annotations

from functools import cache

from graphfraud.case.workflow import STATUSES
from graphfraud.viz import labels

LANGS = ("zh", "en")

PAGE_TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "app": "医保基金监管 · 团伙线索工作台",
        "rings": "团伙线索", "search": "查找", "search_hint": "输入参保人、医保卡、机构、医师、结算单或团伙编号",
        "search_none": "没有编号为“{q}”的对象（需与编号完全一致）。",
        "search_many": "编号“{q}”对应多个对象，请选择：",
        "lang_switch": "English", "lang_other": "en",
        "filter": "筛选", "clear_filters": "清除", "pattern": "模式", "city": "城市", "min_score": "评分不低于",
        "status": "状态", "any": "全部", "score": "评分", "amount_at_risk": "涉及基金（元）", "members": "成员",
        "patients": "参保人", "cards": "医保卡", "providers": "医药机构", "doctors": "医师", "cities": "城市",
        "period": "时间", "last_seen": "最近检测", "first_seen": "首次发现", "motifs": "可疑行为",
        "ring_count": "共 {n} 个团伙线索（按评分从高到低）", "no_rings": "没有符合条件的团伙。",
        "no_rings_at_all": "图中还没有团伙：先运行 graphfraud detect。",
        "page": "第 {page} / {pages} 页", "prev": "上一页", "next": "下一页",
        "ring": "团伙", "summary": "概要", "why": "为什么是团伙", "evidence": "证据明细", "graph": "关系图",
        "timeline": "时间线", "trail": "办案记录", "members_title": "成员",
        "summary_text": "该团伙有 {members}。主要模式：{patterns}。"
                        "证据涉及 {claims} 笔结算，基金支付 {amount} 元，时间 {first} 至 {last}。"
                        "可疑评分 {score}（0–1，越高越可疑）。首次发现于 {first_seen}，最近一次检测于 {last_seen}。",
        "why_rows": "{rows} 条证据，{claims} 笔结算", "and_more": "另有 {n} 条……",
        "motif": "可疑行为", "detail": "说明", "claims": "结算笔数",
        "download_graph": "下载离线关系图（HTML）", "open_neighbourhood": "查看其关系网",
        "timeline_note": "每一格为一周内的证据结算笔数。", "timeline_cut": "只列出最早的 {n} 笔结算。",
        "ts": "结算时间", "claim": "结算单", "patient": "参保人", "card": "医保卡", "provider": "医药机构",
        "doctor": "医师", "visit_type": "就诊类型", "diagnosis": "诊断", "amount": "金额（元）",
        "fund_paid": "基金支付（元）", "role": "角色", "name": "名称", "type": "类型", "id": "编号",
        "trail_empty": "还没有办案记录。", "seq": "序号", "at": "时间", "actor": "经办人", "action": "操作",
        "step": "状态变更", "note": "备注", "from_to": "状态",
        "action_status": "状态变更", "action_note": "备注", "action_export": "导出", "action_reopened": "重新打开",
        "next_step": "下一步", "note_only": "只添加备注（状态不变）", "record": "记录",
        "actor_required": "请填写经办人。", "closed": "此案已办结（已移送），不能再变更状态。",
        "recorded": "已记录：{what}。", "moved_meanwhile": "该团伙的状态已被他人改为“{status}”，请核对后再操作。",
        "csrf_failed": "表单已过期，请刷新页面后重试。",
        "embedded_note": "办案记录保存在本机文件夹 {path} 的嵌入式数据库中，仅供单人使用；多人共享办案记录请使用 Neo4j。",
        "neo4j_note": "办案记录保存在 Neo4j（{uri}），所有稽核人员共享，只追加、不修改。",
        "facts": "基本信息", "rings_of": "所属团伙", "no_rings_of": "不属于任何团伙。",
        "its_claims": "结算记录", "claims_cut": "显示最近 {n} 笔（共 {total} 笔）。", "no_claims": "没有结算记录。",
        "claim_totals": "结算 {claims} 笔，金额 {amount} 元，基金支付 {fund} 元，时间 {first} 至 {last}",
        "hops": "跳数", "since": "起始日期", "until": "截止日期", "max_nodes": "节点上限", "apply": "更新关系图",
        "sex": "性别", "birth_date": "出生日期", "death_date": "死亡日期", "phone": "电话", "address": "地址",
        "holder": "持卡人", "specialty": "科室", "works_at": "执业机构", "lat_lon": "坐标",
        "admit_date": "入院日期", "discharge_date": "出院日期", "terminal_id": "终端编号",
        "patients_here": "登记的参保人数",
        "not_found": "找不到 {what}。", "error": "出错了", "back": "返回团伙列表",
        "unauthorized": "需要访问令牌：请用管理员给出的链接（带 ?token=…）打开，或在请求头中携带令牌。",
        "bad_host": "请求的主机名不是本工作台的地址：请用启动时给出的地址打开（其他名称需 graphfraud serve --allow-host 名称）。",
        "bad_origin": "拒绝：该请求来自其他网站。",
        "engine_down": "数据库不可用：{reason}",
        "bad_input": "输入有误：{reason}",
        "kind_claim": "结算单", "kind_phone": "电话", "kind_address": "地址",
        "yes": "是", "none": "—",
        "box": "药品追溯码", "box_trail": "追溯码轨迹（一盒药只能结算一次）", "drug_items": "药品明细",
        "item_code": "医保目录编码", "item_name": "药品名称", "quantity": "数量", "unit_price": "单价",
        "trace_code": "追溯码", "split_pack": "拆零", "box_sales": "该码销售次数", "line": "明细",
        "bought_in": "购进记录", "purchased_at": "购进日期", "supplier": "供应商", "no_purchase": "没有任何机构购进过这盒药的记录。",
        "sales": "销售记录", "step": "说明", "step_sold": "售出", "step_piece": "拆零续售（同一药店）",
        "step_returned": "退药（回到药店）", "step_rescan": "同一结算重复扫码",
        "step_again": "再次结算：{days} 天前已在 {claim} 售出", "again_count": "这盒药被再次结算 {n} 次。",
    },
    "en": {
        "app": "Fund supervision · ring workbench",
        "rings": "Rings", "search": "Find", "search_hint": "id of a patient, card, provider, doctor, claim or ring",
        "search_none": "Nothing has the id “{q}” (ids must match exactly).",
        "search_many": "The id “{q}” names several things; choose one:",
        "box": "Box", "box_trail": "The box's trail (one box, one sale)", "drug_items": "Items",
        "item_code": "Item code", "item_name": "Drug", "quantity": "Quantity", "unit_price": "Unit price",
        "trace_code": "Trace code", "split_pack": "Split pack", "box_sales": "Sales of this box", "line": "Line",
        "bought_in": "Bought in", "purchased_at": "Date", "supplier": "Supplier", "no_purchase": "No provider bought this box in.",
        "sales": "Sales", "step": "What", "step_sold": "sold", "step_piece": "another piece of a split box (same pharmacy)",
        "step_returned": "handed back (on the shelf again)", "step_rescan": "scanned twice on one claim",
        "step_again": "settled again: sold {days} days earlier on {claim}", "again_count": "This box was settled again {n} time(s).",
        "lang_switch": "中文", "lang_other": "zh",
        "filter": "Filter", "clear_filters": "Clear", "pattern": "Pattern", "city": "City", "min_score": "Score at least",
        "status": "Status", "any": "any", "score": "Score", "amount_at_risk": "Fund at risk (CNY)", "members": "Members",
        "patients": "Patients", "cards": "Cards", "providers": "Providers", "doctors": "Doctors", "cities": "Cities",
        "period": "Period", "last_seen": "Last seen", "first_seen": "First seen", "motifs": "Suspicious behaviour",
        "ring_count": "{n} rings (highest score first)", "no_rings": "No ring matches.",
        "no_rings_at_all": "No rings in the graph yet: run graphfraud detect first.",
        "page": "page {page} of {pages}", "prev": "previous", "next": "next",
        "ring": "Ring", "summary": "Summary", "why": "Why this is a ring", "evidence": "Evidence", "graph": "Graph",
        "timeline": "Timeline", "trail": "Case trail", "members_title": "Members",
        "summary_text": "This ring has {members}. Main pattern: {patterns}. "
                        "Its evidence covers {claims} claims with {amount} CNY paid by the fund, from {first} to {last}. "
                        "Score {score} (0–1, higher is more suspicious). First found {first_seen}; last seen by detection {last_seen}.",
        "why_rows": "{rows} evidence rows, {claims} claims", "and_more": "and {n} more…",
        "motif": "Behaviour", "detail": "Detail", "claims": "Claims",
        "download_graph": "Download the offline graph (HTML)", "open_neighbourhood": "See its neighbourhood",
        "timeline_note": "Each bar is one week's evidence claims.", "timeline_cut": "Only the first {n} claims are listed.",
        "ts": "Time", "claim": "Claim", "patient": "Patient", "card": "Card", "provider": "Provider",
        "doctor": "Doctor", "visit_type": "Visit", "diagnosis": "Diagnosis", "amount": "Amount (CNY)",
        "fund_paid": "Fund paid (CNY)", "role": "Role", "name": "Name", "type": "Type", "id": "Id",
        "trail_empty": "No steps recorded yet.", "seq": "#", "at": "When", "actor": "Investigator", "action": "Action",
        "step": "Status change", "note": "Note", "from_to": "Status",
        "action_status": "status change", "action_note": "note", "action_export": "export", "action_reopened": "reopened",
        "next_step": "Next step", "note_only": "Add a note only (status unchanged)", "record": "Record",
        "actor_required": "Say who you are (investigator).", "closed": "This case is closed (referred); its status cannot change.",
        "recorded": "Recorded: {what}.", "moved_meanwhile": "Someone else moved this ring to “{status}” meanwhile; check and try again.",
        "csrf_failed": "The form has expired: reload the page and try again.",
        "embedded_note": "The case trail is kept in the embedded database in the folder {path} on this computer, for one user; Neo4j gives the shared trail.",
        "neo4j_note": "The case trail is kept in Neo4j ({uri}), shared by every investigator, append-only.",
        "facts": "Facts", "rings_of": "Rings", "no_rings_of": "Not a member of any ring.",
        "its_claims": "Claims", "claims_cut": "The latest {n} of {total} claims.", "no_claims": "No claims.",
        "claim_totals": "{claims} claims, {amount} CNY, fund paid {fund} CNY, from {first} to {last}",
        "hops": "Hops", "since": "From", "until": "To", "max_nodes": "Node cap", "apply": "Update graph",
        "sex": "Sex", "birth_date": "Born", "death_date": "Died", "phone": "Phone", "address": "Address",
        "holder": "Holder", "specialty": "Specialty", "works_at": "Works at", "lat_lon": "Location",
        "admit_date": "Admitted", "discharge_date": "Discharged", "terminal_id": "Terminal",
        "patients_here": "Patients registered",
        "not_found": "{what} not found.", "error": "Error", "back": "Back to the rings",
        "unauthorized": "An access token is needed: open the link you were given (with ?token=…) or send the token in a header.",
        "bad_host": "Unknown host name: open the workbench at the address it was started on (another name needs graphfraud serve --allow-host NAME).",
        "bad_origin": "Refused: this request comes from another site.",
        "engine_down": "The database is unavailable: {reason}",
        "bad_input": "Bad input: {reason}",
        "kind_claim": "Claim", "kind_phone": "Phone", "kind_address": "Address",
        "yes": "yes", "none": "—",
    },
}


@cache
def texts(lang: str) -> dict[str, str]:
    """Every word a page may use in ``lang``: the page texts, the graph labels and the status names."""
    lang = lang if lang in LANGS else "zh"
    out = dict(labels()[lang])
    out.update({f"status_{k}": v[lang] for k, v in STATUSES.items()})
    out.update(PAGE_TEXTS[lang])
    return out
