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
from graphfraud.vocabulary import language

PAGE_TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "app": "医保基金监管 · 团伙线索工作台",
        "rings": "团伙线索", "search": "查找", "search_hint": "姓名、机构名称，或参保人、医保卡、机构、医师、结算单、团伙编号",
        "search_none": "没有编号、名称或编号开头为“{q}”的对象。",
        "search_found": "名称含有或编号以“{q}”开头的对象 {n} 个：", "search_cut": "（每类最多列出 20 个，请输入更多字）",
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
                        "团伙成员的证据结算 {claims} 笔，基金支付 {amount} 元，时间 {first} 至 {last}。"
                        "可疑评分 {score}（0–1，越高越可疑）。首次发现于 {first_seen}，最近一次检测于 {last_seen}。",
        "why_rows": "{rows} 条证据，团伙成员结算 {claims} 笔", "and_more": "另有 {n} 条（展开）",
        "claims_outside": "证据另涉及团伙外人员的结算 {n} 笔（见证据明细），不计入以上数字。",
        "motif": "可疑行为", "detail": "说明", "claims": "结算笔数",
        "download_graph": "下载离线关系图（HTML）", "open_neighbourhood": "查看其关系网",
        "timeline_note": "每一格为一周内团伙成员的证据结算笔数。", "timeline_cut": "只列出最早的 {n} 笔结算。",
        "ts": "结算时间", "claim": "结算单", "patient": "参保人", "card": "医保卡", "provider": "医药机构",
        "doctor": "医师", "visit_type": "就诊类型", "diagnosis": "诊断", "amount": "金额（元）",
        "fund_paid": "基金支付（元）", "role": "角色", "name": "名称", "type": "类型", "id": "编号",
        "trail_empty": "还没有办案记录。", "seq": "序号", "at": "时间", "actor": "操作人", "action": "操作",
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
        "engine_down": "数据库暂时无法完成该请求，请稍后再试；如仍失败，请把参考号 {ref} 告诉系统管理员。",
        "bad_input": "输入有误：{reason}",
        "kind_claim": "结算单", "kind_phone": "电话", "kind_address": "地址",
        "yes": "是", "none": "—",
        "sign_in": "登录", "sign_out": "退出", "username": "用户名", "password": "密码",
        "sign_in_hint": "账号由系统管理员在“用户管理”中或用 graphfraud users add 创建。",
        "sign_in_failed": "用户名或密码不正确，或账号已停用。", "sign_in_locked": "登录失败次数过多，请 5 分钟后再试。",
        "sign_in_first": "请先登录：未登录的请求不会做任何改动。", "change_password_first": "请先修改初始密码。",
        "account": "我的账号", "display_name": "姓名", "user_role": "角色", "must_change": "这是一次性密码：请先设置新密码。",
        "current_password": "当前密码", "new_password": "新密码（至少 10 个字符）", "new_password_again": "再次输入新密码",
        "change_password": "修改密码", "password_changed": "密码已修改。", "current_password_wrong": "当前密码不正确。",
        "passwords_differ": "两次输入的新密码不一致。", "password_same": "新密码不能与当前密码相同。",
        "users": "用户管理", "add_user": "新增用户", "user_state": "状态", "changed": "最近修改",
        "user_active": "正常", "user_disabled": "已停用", "user_must_change": "待修改初始密码",
        "change_role": "改角色", "change_reset": "重置密码", "change_disable": "停用", "change_enable": "启用",
        "one_time_password": "用户 {user} 的一次性密码（只显示这一次，{expires} 前首次登录并修改，逾期失效；本次操作已记入账号日志）：",
        "one_time_expired": "一次性密码已过期：请系统管理员重新重置密码。",
        "account_log": "账号日志（最近 50 条，只追加；全部见 graphfraud users log）", "log_when": "时间", "log_who": "操作人",
        "log_action": "操作", "log_whom": "对象", "log_detail": "说明",
        "acct_created": "创建", "acct_disabled": "停用", "acct_enabled": "启用", "acct_role": "改角色",
        "acct_reset": "重置密码", "acct_password": "本人改密码", "own_account": "本人账号：角色与停用须由另一位管理员操作。",
        "bulk_moved": "状态已变为“{status}”（与您看到的不同）", "bulk_unseen": "未在列表中显示过其状态",
        "users_hint": "新用户和重置密码都得到会过期的一次性密码；停用、改角色或改密码会立即结束该用户的登录；每次变更都记入账号日志。",
        "admins_only": "只有系统管理员可以管理用户。", "supervisors_only": "只有审核负责人可以批量操作。",
        "not_permitted": "不允许：{reason}",
        "no_step_for_you": "以您的角色（{role}）在此状态下没有可做的步骤。",
        "my_cases": "我的案件", "assignee": "经办人", "assign": "分派", "assign_to": "分派给", "nobody": "未分派",
        "action_assign": "分派", "appeal_due": "申诉截止", "overdue": "已逾期", "only_overdue": "只看逾期",
        "cases_of": "分派给 {who} 的案件",
        "bulk": "批量操作（勾选上方团伙）", "bulk_apply": "执行", "bulk_choose": "请勾选团伙并选择操作。",
        "bulk_done": "已处理 {n} 个团伙。", "bulk_skipped": "{n} 个未处理：{which}",
        "export_csv": "导出 CSV", "export_xlsx": "导出 Excel", "appeal_due_word": "申诉截止",
        "bundle_export": "导出案件材料包（移送用）", "bundle_redact": "脱敏", "bundle_lang": "报告语言",
        "export_note": "案件材料包 {name}", "outcomes": "各疑点的确认率", "under_review": "办理中", "confirmation_rate": "确认率",
        "outcomes_note": "确认＝确认违规或移送公安；确认率＝确认 ÷（确认＋排除），每个团伙按其证据中的每种疑点各计一次。",
        "refused_role": "{role}不能把案件改为“{target}”（可由：{allowed}）。",
        "refused_four_eyes": "四眼原则：{actor} 做了本案的初审，“{target}”须由另一人办理。",
        "refused_ability": "{role}不能{ability}。", "refused_disabled": "账号已停用。",
        "ability_note": "添加备注", "ability_export": "导出案件材料包", "ability_assign": "分派案件",
        "ability_bulk": "批量操作", "ability_users": "管理用户",
        "motif_rate": "以往确认率 {rate}%（确认 {confirmed}，排除 {dismissed}）",
        "box": "药品追溯码", "box_trail": "追溯码轨迹（一盒药只能结算一次）", "drug_items": "药品明细",
        "item_code": "医保目录编码", "item_name": "药品名称", "quantity": "数量", "unit_price": "单价",
        "trace_code": "追溯码", "split_pack": "拆零", "box_sales": "该码销售次数", "line": "明细",
        "bought_in": "购进记录", "purchased_at": "购进日期", "supplier": "供应商", "no_purchase": "没有任何机构购进过这盒药的记录。",
        "sales": "销售记录", "sale_step": "说明", "step_sold": "售出", "step_piece": "拆零续售（同一药店）",
        "step_returned": "退药（回到药店）", "step_rescan": "同一结算重复扫码",
        "step_again": "再次结算：{days} 天前已在 {claim} 售出", "again_count": "这盒药被再次结算 {n} 次。",
    },
    "en": {
        "app": "Fund supervision · ring workbench",
        "rings": "Rings", "search": "Find", "search_hint": "a name, or the id of a patient, card, provider, doctor, claim or ring",
        "search_none": "Nothing has “{q}” as its id, in its name, or at the start of its id.",
        "search_found": "{n} matches for “{q}” (names holding it, ids starting with it):", "search_cut": "(at most 20 of each kind: type more)",
        "search_many": "The id “{q}” names several things; choose one:",
        "box": "Box", "box_trail": "The box's trail (one box, one sale)", "drug_items": "Items",
        "item_code": "Item code", "item_name": "Drug", "quantity": "Quantity", "unit_price": "Unit price",
        "trace_code": "Trace code", "split_pack": "Split pack", "box_sales": "Sales of this box", "line": "Line",
        "bought_in": "Bought in", "purchased_at": "Date", "supplier": "Supplier", "no_purchase": "No provider bought this box in.",
        "sales": "Sales", "sale_step": "What", "step_sold": "sold", "step_piece": "another piece of a split box (same pharmacy)",
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
                        "Its members' evidence claims: {claims}, {amount} CNY paid by the fund, from {first} to {last}. "
                        "Score {score} (0–1, higher is more suspicious). First found {first_seen}; last seen by detection {last_seen}.",
        "why_rows": "{rows} evidence rows, {claims} of the ring's claims", "and_more": "{n} more (show)",
        "claims_outside": "The evidence also names {n} claims of people outside the ring (see Evidence); they are not counted above.",
        "motif": "Behaviour", "detail": "Detail", "claims": "Claims",
        "download_graph": "Download the offline graph (HTML)", "open_neighbourhood": "See its neighbourhood",
        "timeline_note": "Each bar is one week of the ring members' evidence claims.", "timeline_cut": "Only the first {n} claims are listed.",
        "ts": "Time", "claim": "Claim", "patient": "Patient", "card": "Card", "provider": "Provider",
        "doctor": "Doctor", "visit_type": "Visit", "diagnosis": "Diagnosis", "amount": "Amount (CNY)",
        "fund_paid": "Fund paid (CNY)", "role": "Role", "name": "Name", "type": "Type", "id": "Id",
        "trail_empty": "No steps recorded yet.", "seq": "#", "at": "When", "actor": "By", "action": "Action",
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
        "engine_down": "The database could not complete this request; try again later, and if it keeps failing, give your administrator the reference {ref}.",
        "bad_input": "Bad input: {reason}",
        "kind_claim": "Claim", "kind_phone": "Phone", "kind_address": "Address",
        "yes": "yes", "none": "—",
        "sign_in": "Sign in", "sign_out": "Sign out", "username": "User name", "password": "Password",
        "sign_in_hint": "Accounts are made by an administrator under “Users” or with graphfraud users add.",
        "sign_in_failed": "Wrong user name or password, or the account is disabled.",
        "sign_in_locked": "Too many failed sign-ins: try again in 5 minutes.",
        "sign_in_first": "Sign in first: a request without a signed-in user changes nothing.",
        "change_password_first": "Change your one-time password first.",
        "account": "My account", "display_name": "Name", "user_role": "Role",
        "must_change": "This is a one-time password: set your own first.",
        "current_password": "Current password", "new_password": "New password (at least 10 characters)",
        "new_password_again": "New password again", "change_password": "Change password",
        "password_changed": "Password changed.", "current_password_wrong": "The current password is wrong.",
        "passwords_differ": "The two new passwords differ.", "password_same": "The new password must differ from the current one.",
        "users": "Users", "add_user": "Add a user", "user_state": "State", "changed": "Last changed",
        "user_active": "active", "user_disabled": "disabled", "user_must_change": "one-time password not changed yet",
        "change_role": "Change role", "change_reset": "Reset password", "change_disable": "Disable", "change_enable": "Enable",
        "one_time_password": "One-time password of {user} (shown only now; it expires {expires} and must be changed at the first sign-in; this is recorded in the account log):",
        "one_time_expired": "This one-time password has expired: ask an administrator to reset the password again.",
        "account_log": "Account log (latest 50, append-only; all of it: graphfraud users log)", "log_when": "When", "log_who": "By",
        "log_action": "Action", "log_whom": "User", "log_detail": "Detail",
        "acct_created": "created", "acct_disabled": "disabled", "acct_enabled": "enabled", "acct_role": "role changed",
        "acct_reset": "password reset", "acct_password": "own password changed", "own_account": "Your own account: another administrator changes its role or disables it.",
        "bulk_moved": "now “{status}” (not what you saw)", "bulk_unseen": "its status was not shown to you",
        "users_hint": "New users and password resets get a one-time password that expires; disabling, a new role or a new password ends that user's sessions at once; every change is in the account log.",
        "admins_only": "only administrators manage users.", "supervisors_only": "only supervisors take bulk actions.",
        "not_permitted": "Not allowed: {reason}",
        "no_step_for_you": "There is no step your role ({role}) may take in this status.",
        "my_cases": "My cases", "assignee": "Assignee", "assign": "Assign", "assign_to": "Assign to", "nobody": "nobody",
        "action_assign": "assignment", "appeal_due": "Appeal due", "overdue": "overdue", "only_overdue": "overdue only",
        "cases_of": "Cases assigned to {who}",
        "bulk": "Bulk action (tick rings above)", "bulk_apply": "Apply", "bulk_choose": "Tick rings and choose an action.",
        "bulk_done": "{n} rings done.", "bulk_skipped": "{n} not done: {which}",
        "export_csv": "Export CSV", "export_xlsx": "Export Excel", "appeal_due_word": "Appeal due",
        "bundle_export": "Export the case bundle (for referral)", "bundle_redact": "redacted", "bundle_lang": "Report language",
        "export_note": "case bundle {name}", "outcomes": "Confirmation rate by behaviour", "under_review": "Under review", "confirmation_rate": "Confirmed",
        "outcomes_note": "Confirmed = confirmed or referred to the police; rate = confirmed ÷ (confirmed + dismissed); a ring counts once for each behaviour in its evidence.",
        "refused_role": "a {role} may not move a case to “{target}” (allowed for: {allowed}).",
        "refused_four_eyes": "four eyes: {actor} took this case's first review, so someone else must take “{target}”.",
        "refused_ability": "a {role} may not {ability}.", "refused_disabled": "the account is disabled.",
        "ability_note": "add notes", "ability_export": "export case bundles", "ability_assign": "assign cases",
        "ability_bulk": "take bulk actions", "ability_users": "manage users",
        "motif_rate": "confirmed {rate}% so far ({confirmed} confirmed, {dismissed} dismissed)",
    },
}


def refused(exc: Exception, lang: str) -> str:
    """Why a step was not allowed, in the page's language (a NotPermitted's code and params; else its message)."""
    from graphfraud.accounts.roles import role_label

    t = texts(lang)
    code = getattr(exc, "code", "")
    params = dict(getattr(exc, "params", {}) or {})
    if not code or f"refused_{code}" not in t:
        return str(exc)
    if "role" in params:
        params["role"] = role_label(params["role"], lang)
    if "target" in params:
        params["target"] = t.get("status_" + params["target"], params["target"])
    if "allowed" in params:
        params["allowed"] = ("、" if lang == "zh" else ", ").join(role_label(r.strip(), lang)
                                                                 for r in params["allowed"].split(",") if r.strip())
    if "ability" in params:
        params["ability"] = t.get("ability_" + params["ability"], params["ability"])
    return t[f"refused_{code}"].format(**params)


@cache
def texts(lang: str) -> dict[str, str]:
    """Every word a page may use in ``lang``: the page texts, the graph labels and the status names."""
    lang = language(lang)
    out = dict(labels()[lang])
    out.update({f"status_{k}": v[lang] for k, v in STATUSES.items()})
    out.update(PAGE_TEXTS[lang])
    return out
