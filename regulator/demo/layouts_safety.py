"""Files of MEE (GBK CSV, violations in a second file), MEM (JSON lines) and FIRE (XLSX)."""

from __future__ import annotations

from .layout import LICENCE_STATUS_CN, LIST_CN, PENALTY_CN, SEVERITY_CN, Col, FileSpec

_TRUE = {"True": "属实", "False": "不属实"}

# --- MEE: GBK-encoded CSV, dates 2023/5/1, violations in mee_violations.csv keyed by 检查记录号
_MEE = dict(agency="MEE", fmt="csv", encoding="gbk", date_style="slash")
_MEE_ID = (Col("单位名称", "name", "unit name as typed"),
           Col("社会信用代码", "uscc", "unified social credit code as typed (may be empty or mistyped)"))
MEE_FILES = [
    FileSpec(**_MEE, name="mee_inspections", view="inspection", key="HJ{year}-{seq:05d}",
             yields=("inspection",),
             about="Environmental inspections; violations are in mee_violations.csv.", columns=(
                 Col("检查记录号", "source_key", "inspection number; key of mee_violations.csv"),
                 *_MEE_ID,
                 Col("单位地址", "site_address", "site address as typed"),
                 Col("检查时间", "inspection_date", "date", kind="date"),
                 Col("检查类别", "selection_reason", "why inspected", vocab={
                     "random_draw": "双随机", "risk_ranking": "重点监管", "complaint": "信访投诉",
                     "follow_up": "复查", "licence": "许可核查"}),
                 Col("专项行动", "inspection_type", "campaign flag", vocab={
                     "routine": "", "complaint": "", "follow_up": "", "licence": "", "special": "专项执法"}),
                 Col("抽查概率", "selection_probability", "draw probability when known", kind="number"),
                 Col("检查结论", "result", "conclusion", vocab={
                     "pass": "未发现环境违法问题", "pass_with_conditions": "发现一般问题，责令改正",
                     "fail": "发现环境违法问题"}),
                 Col("执法人员", "inspectors", "two officers, ','-separated", kind="list", sep=","),
                 Col("问题数量", "n_violations", "number of problems found", kind="number"),
             )),
    FileSpec(**_MEE, name="mee_violations", view="violation", key="", yields=("violation",),
             about="Problems found at MEE inspections, one row each.", columns=(
                 Col("问题编号", "source_key", "problem number: 检查记录号-NN"),
                 Col("检查记录号", "inspection_source_key", "the inspection (mee_inspections.csv)"),
                 Col("问题代码", "code", "violation code HB-NN"),
                 Col("问题描述", "description", "description"),
                 Col("严重程度", "severity", "severity", vocab=SEVERITY_CN),
             )),
    FileSpec(**_MEE, name="mee_permits", view="licence", key="@licence_number", yields=("licence",),
             about="Pollutant discharge permits (排污许可证); the number embeds the holder's code.", columns=(
                 Col("许可证编号", "source_key", "permit number: USCC + 3-digit sequence + P/V"),
                 *_MEE_ID,
                 Col("生产经营场所地址", "site_address", "site address as typed"),
                 Col("行业类别", "industry", "industry label"),
                 Col("管理类别", "major", "management class", vocab={"True": "重点管理",
                                                                 "False": "简化管理"}),
                 Col("发证日期", "issue_date", "issue date", kind="date"),
                 Col("有效期至", "expiry_date", "valid until", kind="date"),
                 Col("许可状态", "status", "status", vocab=LICENCE_STATUS_CN),
             )),
    FileSpec(**_MEE, name="mee_penalties", view="enforcement", key="HJAJ{year}{seq:05d}",
             yields=("enforcement",), about="Environmental penalty decisions.", columns=(
                 Col("案件编号", "source_key", "case number"),
                 Col("处罚决定书文号", "decision_number", "decision number 深环罚〔YYYY〕N号"),
                 *_MEE_ID,
                 Col("违法行为", "facts", "violation"),
                 Col("处罚依据", "legal_basis", "legal basis"),
                 Col("处罚种类", "penalty_type", "penalty", vocab=PENALTY_CN),
                 Col("罚款金额（元）", "amount", "amount in yuan", kind="number"),
                 Col("决定日期", "decision_date", "decision date", kind="date"),
             )),
    FileSpec(**_MEE, name="mee_complaints", view="complaint", key="XF{year}{seq:06d}", yields=("complaint",),
             about="Pollution complaints (信访); most give only the address of the source.", columns=(
                 Col("信访编号", "source_key", "complaint number"),
                 Col("受理日期", "received_date", "date received", kind="date"),
                 Col("投诉类型", "category_name", "kind of pollution"),
                 Col("被投诉对象", "name", "named polluter (often empty)"),
                 Col("污染源地址", "site_address", "address of the source"),
                 Col("投诉内容", "content", "complaint text"),
                 Col("办理结果", "substantiated", "finding", vocab=_TRUE),
             )),
    FileSpec(**_MEE, name="mee_serious_list", view="list_entry", key="HJSX{seq:05d}", yields=("list_entry",),
             about="Entities MEE put on the serious-illegal list.", columns=(
                 Col("序号", "source_key", "entry number"), *_MEE_ID,
                 Col("名单类型", "list_type", "list", vocab=LIST_CN),
                 Col("列入日期", "added_date", "date listed", kind="date"),
                 Col("列入事由", "reason", "reason"),
                 Col("移出日期", "removed_date", "date removed", kind="date"),
             )),
]

# --- MEM: JSON lines, snake_case keys, dates 20230501, hazards as a list
_MEM = dict(agency="MEM", fmt="jsonl", encoding="utf-8", date_style="compact")
_MEM_ID = (Col("credit_code", "uscc", "unified social credit code as typed"),
           Col("company_name", "name", "name as typed"))
MEM_FILES = [
    FileSpec(**_MEM, name="mem_inspections", view="inspection", key="AJ{year}{seq:07d}",
             yields=("inspection",
                     "violation"), about="Work-safety inspections; hazards found are a JSON list.",
             columns=(
                 Col("record_id", "source_key", "inspection id"), *_MEM_ID,
                 Col("address", "site_address", "site address as typed"),
                 Col("legal_person", "rep_name", "legal representative (may be empty)"),
                 Col("contact_phone", "phone", "contact phone (may be empty)"),
                 Col("check_date", "inspection_date", "date, yyyymmdd", kind="date"),
                 Col("check_type", "inspection_type", "kind of inspection", vocab={
                     "routine": "ROUTINE", "complaint": "COMPLAINT", "follow_up": "RECHECK",
                     "licence": "LICENSING",
                     "special": "CAMPAIGN"}),
                 Col("selection", "selection_reason", "why inspected", vocab={
                     "random_draw": "RANDOM", "risk_ranking": "RISK", "complaint": "COMPLAINT",
                     "follow_up": "RECHECK", "licence": "LICENSING"}),
                 Col("selection_prob", "selection_probability", "probability of selection, null if unknown",
                     kind="number"),
                 Col("result", "result", "result", vocab={"pass": "PASS",
                                                          "pass_with_conditions": "CONDITIONAL",
                                                         "fail": "FAIL"}),
                 Col("inspectors", "inspectors", "two inspectors", kind="list"),
                 Col("hazards", "codes", "hazard codes AQ-NNN found", kind="list"),
                 Col("hazard_levels", "severitys", "level of each hazard, same order", kind="list", vocab={
                     "minor": "general", "serious": "major", "critical": "critical"}),
                 Col("recheck_of", "previous_key", "record_id of the inspection followed up"),
             )),
    FileSpec(**_MEM, name="mem_licences", view="licence", key="@licence_number", yields=("licence",),
             about="Hazardous chemicals business licences.", columns=(
                 Col("licence_no", "source_key", "licence number 粤深危化经字〔YYYY〕NNNNNN号"), *_MEM_ID,
                 Col("address", "site_address", "premises"),
                 Col("issue_date", "issue_date", "issue date", kind="date"),
                 Col("valid_until", "expiry_date", "expiry date", kind="date"),
                 Col("status", "status", "status", vocab={"valid": "VALID", "expired": "EXPIRED",
                                                         "cancelled": "CANCELLED", "revoked": "REVOKED"}),
             )),
    FileSpec(**_MEM, name="mem_penalties", view="enforcement", key="@decision_number",
             yields=("enforcement",),
             about="Work-safety penalty decisions.", columns=(
                 Col("decision_no", "source_key", "decision number 深应急罚〔YYYY〕N号"), *_MEM_ID,
                 Col("legal_person", "rep_name", "legal representative"),
                 Col("violation", "facts", "violation"), Col("basis", "legal_basis", "legal basis"),
                 Col("penalty", "penalty_type", "penalty type", vocab={k: k.upper() for k in PENALTY_CN}),
                 Col("amount_yuan", "amount", "amount in yuan", kind="number"),
                 Col("decision_date", "decision_date", "decision date", kind="date"),
                 Col("inspection_id", "inspection_source_key", "record_id of the inspection"),
             )),
    FileSpec(**_MEM, name="mem_serious_list", view="list_entry", key="AQSX{seq:05d}", yields=("list_entry",),
             about="Entities MEM put on the serious-illegal list.", columns=(
                 Col("entry_id", "source_key", "entry id"), *_MEM_ID,
                 Col("listed_on", "added_date", "date listed", kind="date"), Col("reason", "reason",
                                                                                 "reason"),
                 Col("removed_on", "removed_date", "date removed", kind="date"),
             )),
]

# --- FIRE: XLSX workbooks, dates 2023年5月1日, hazards inline with '、'
_FIRE = dict(agency="FIRE", fmt="xlsx", encoding="utf-8", date_style="cn")
_FIRE_ID = (Col("单位名称", "name", "unit name as typed"),
            Col("统一社会信用代码", "uscc", "code as typed (often empty)"))
FIRE_FILES = [
    FileSpec(**_FIRE, name="fire_inspections", view="inspection", key="XJ{year}{seq:06d}",
             yields=("inspection",
                     "violation"), about="Fire-safety inspections; hazard codes inline.", columns=(
                 Col("检查记录编号", "source_key", "inspection number"), *_FIRE_ID,
                 Col("单位地址", "site_address", "address as typed"),
                 Col("联系电话", "phone", "contact phone"),
                 Col("检查日期", "inspection_date", "date", kind="date"),
                 Col("检查类型", "inspection_type", "kind of inspection", vocab={
                     "routine": "日常监督检查", "complaint": "举报投诉核查", "follow_up": "复查",
                     "licence": "开业前检查", "special": "专项检查"}),
                 Col("抽查方式", "selection_reason", "selection", vocab={
                     "random_draw": "随机抽查", "risk_ranking": "重点检查", "complaint": "举报",
                     "follow_up": "复查", "licence": "许可"}),
                 Col("检查结果", "result", "result", vocab={"pass": "合格",
                                                        "pass_with_conditions": "限期整改",
                                                          "fail": "不合格"}),
                 Col("隐患编号", "codes", "hazard codes XFnn, '、'-separated", kind="list", sep="、"),
                 Col("监督员", "inspectors", "two officers, space-separated", kind="list", sep=" "),
             )),
    FileSpec(**_FIRE, name="fire_permits", view="licence", key="@licence_number", yields=("licence",),
             about="Fire-safety approvals for public gathering places (no expiry).", columns=(
                 Col("合格证编号", "source_key", "approval number"), *_FIRE_ID,
                 Col("场所地址", "site_address", "address"),
                 Col("发证日期", "issue_date", "issue date", kind="date"),
                 Col("状态", "status", "status", vocab=LICENCE_STATUS_CN),
             )),
    FileSpec(**_FIRE, name="fire_penalties", view="enforcement", key="@decision_number",
             yields=("enforcement",),
             about="Fire-safety penalty decisions.", columns=(
                 Col("决定书文号", "source_key", "decision number 深消行罚决字〔YYYY〕NNNN号"), *_FIRE_ID,
                 Col("违法行为", "facts", "violation"), Col("处罚依据", "legal_basis", "legal basis"),
                 Col("处罚结果", "penalty_type", "penalty", vocab=PENALTY_CN),
                 Col("罚款金额", "amount", "amount in yuan", kind="number"),
                 Col("处罚日期", "decision_date", "decision date", kind="date"),
             )),
    FileSpec(**_FIRE, name="fire_serious_list", view="list_entry", key="XFSX{seq:05d}",
             yields=("list_entry",),
             about="Entities FIRE put on the serious-illegal list.", columns=(
                 Col("序号", "source_key", "entry number"), *_FIRE_ID,
                 Col("列入日期", "added_date", "date listed", kind="date"), Col("列入原因", "reason",
                                                                            "reason"),
                 Col("移出日期", "removed_date", "date removed", kind="date"),
             )),
]
