"""Files of NHC (UTF-8 CSV, CamelCase), TAX (GB18030 CSV) and HRSS (UTF-8 tab-separated)."""

from __future__ import annotations

from .layout import LICENCE_STATUS_CN, PENALTY_CN, Col, FileSpec

# --- NHC: UTF-8 CSV without BOM, CamelCase headers, ISO date-times, results coded 1/2/0
_NHC = dict(agency="NHC", fmt="csv", encoding="utf-8", date_style="isotime")
_NHC_ID = (Col("UnitName", "name", "unit name as typed"), Col("CreditCode", "uscc", "code as typed"))
NHC_FILES = [
    FileSpec(**_NHC, name="nhc_inspections", view="inspection", key="{year}{seq:06d}", yields=(
        "inspection", "violation"), about="Health supervision of public places and clinics.", columns=(
            Col("RecordId", "source_key", "record id (year + sequence)"), *_NHC_ID,
            Col("UnitAddress", "site_address", "address as typed"),
            Col("CheckTime", "inspection_date", "date and time of the visit, ISO 8601", kind="date"),
            Col("CheckCategory", "inspection_type", "kind", vocab={
                "routine": "Routine", "complaint": "Complaint", "follow_up": "Recheck",
                "licence": "Licensing",
                "special": "Campaign"}),
            Col("SamplingMode", "selection_reason", "selection", vocab={
                "random_draw": "Random", "risk_ranking": "RiskBased", "complaint": "Complaint",
                "follow_up": "Recheck", "licence": "Licensing"}),
            Col("SamplingProbability", "selection_probability", "probability of selection", kind="number"),
            Col("CheckResult", "result", "result code", vocab={"pass": "1", "pass_with_conditions": "2",
                                                              "fail": "0"}),
            Col("ProblemCodes", "codes", "violation codes WSnnnn, '|'-separated", kind="list", sep="|"),
            Col("Inspectors", "inspectors", "two inspectors, '/'-separated", kind="list", sep="/"),
        )),
    FileSpec(**_NHC, name="nhc_licences", view="licence", key="@licence_number", yields=("licence",),
             about="Public-place hygiene licences and medical institution licences.", columns=(
                 Col("LicenceNo", "source_key", "licence number"),
                 Col("LicenceType", "licence_name", "licence kind (Chinese)"), *_NHC_ID,
                 Col("LegalPerson", "rep_name", "legal representative (may be empty)"),
                 Col("Address", "site_address", "address"),
                 Col("IssueDate", "issue_date", "issue date", kind="date"),
                 Col("ExpireDate", "expiry_date", "expiry date", kind="date"),
                 Col("Status", "status", "status", vocab={k: k.capitalize() for k in LICENCE_STATUS_CN}),
             )),
    FileSpec(**_NHC, name="nhc_penalties", view="enforcement", key="@decision_number",
             yields=("enforcement",),
             about="Health penalty decisions.", columns=(
                 Col("CaseNo", "source_key", "decision number 深卫健罚〔YYYY〕N号"), *_NHC_ID,
                 Col("Violation", "facts", "violation"), Col("LegalBasis", "legal_basis", "legal basis"),
                 Col("PenaltyType", "penalty_type", "penalty", vocab={
                     "warning": "Warning", "fine": "Fine", "confiscation": "Confiscation",
                     "suspension": "Suspension", "licence_revocation": "LicenceRevocation"}),
                 Col("FineAmount", "amount", "amount in yuan", kind="number"),
                 Col("DecisionDate", "decision_date", "decision date", kind="date"),
             )),
    FileSpec(**_NHC, name="nhc_serious_list", view="list_entry", key="WSSX{seq:05d}", yields=("list_entry",),
             about="Entities NHC put on the serious-illegal list.", columns=(
                 Col("EntryId", "source_key", "entry id"), *_NHC_ID,
                 Col("ListedDate", "added_date", "date listed", kind="date"), Col("Reason", "reason",
                                                                                  "reason"),
                 Col("RemovedDate", "removed_date", "date removed", kind="date"),
             )),
]

# --- TAX: GB18030 CSV, taxpayer id (USCC, or the old 15-digit number), dates 2023.05.01
_TAX = dict(agency="TAX", fmt="csv", encoding="gb18030", date_style="dot")
_TAX_ID = (Col("纳税人识别号", "uscc", "taxpayer id: the USCC, or the 15-digit tax registration number "
               "(region + organisation code) for older taxpayers"),
           Col("纳税人名称", "name", "taxpayer name as typed"))
TAX_FILES = [
    FileSpec(**_TAX, name="tax_inspections", view="inspection", key="深税检〔{year}〕{seq}号",
             yields=("inspection", "violation"), about="Tax inspections; violation codes inline.", columns=(
                 Col("检查文书号", "source_key", "inspection document number"), *_TAX_ID,
                 Col("法定代表人姓名", "rep_name", "legal representative"),
                 Col("检查日期", "inspection_date", "date", kind="date"),
                 Col("检查方式", "selection_reason", "selection", vocab={
                     "random_draw": "随机抽查", "risk_ranking": "风险应对", "complaint": "举报",
                     "follow_up": "复查", "licence": "其他"}),
                 Col("抽查概率", "selection_probability", "draw probability", kind="number"),
                 Col("检查结论", "result", "conclusion", vocab={
                     "pass": "无问题", "pass_with_conditions": "有问题已整改", "fail": "有违法行为"}),
                 Col("违法事项", "codes", "violation codes SWnnn, ','-separated", kind="list", sep=","),
             )),
    FileSpec(**_TAX, name="tax_penalties", view="enforcement", key="@decision_number",
             yields=("enforcement",),
             about="Tax penalty decisions; the representative's ID number is masked.", columns=(
                 Col("处罚决定书文号", "source_key", "decision number 深税稽罚〔YYYY〕N号"), *_TAX_ID,
                 Col("法定代表人姓名", "rep_name", "legal representative"),
                 Col("法定代表人身份证号", "rep_id_masked", "masked resident ID (first 4 and last 4 digits)"),
                 Col("违法事实", "facts", "facts"), Col("处罚依据", "legal_basis", "legal basis"),
                 Col("处罚类型", "penalty_type", "penalty", vocab=PENALTY_CN),
                 Col("罚款金额", "amount", "amount in yuan", kind="number"),
                 Col("处罚日期", "decision_date", "decision date", kind="date"),
             )),
    FileSpec(**_TAX, name="tax_blacklist", view="list_entry", key="SWSX{year}{seq:05d}",
             yields=("list_entry",),
             about="Major tax violation cases (重大税收违法失信主体).", columns=(
                 Col("案件编号", "source_key", "case number"), *_TAX_ID,
                 Col("注册地址", "address", "registered address as typed"),
                 Col("法定代表人姓名", "rep_name", "legal representative"),
                 Col("法定代表人身份证号", "rep_id_masked", "masked resident ID"),
                 Col("列入日期", "added_date", "date listed", kind="date"),
                 Col("主要违法事实", "reason", "reason"),
                 Col("撤出日期", "removed_date", "date removed", kind="date"),
             )),
]

# --- HRSS: UTF-8 tab-separated text, dates 2023/05/01, violations as text only (no codes)
_HRSS = dict(agency="HRSS", fmt="tsv", encoding="utf-8", date_style="slash0")
_HRSS_ID = (Col("用人单位名称", "name", "employer name as typed"),
            Col("统一社会信用代码", "uscc", "code as typed"))
HRSS_FILES = [
    FileSpec(**_HRSS, name="hrss_inspections", view="inspection", key="LJ{year}{seq:06d}",
             yields=("inspection",
                     "violation"), about="Labour inspections; violations as text only.", columns=(
                 Col("案件编号", "source_key", "case number"), *_HRSS_ID,
                 Col("法定代表人", "rep_name", "legal representative"), Col("联系电话", "phone", "phone"),
                 Col("单位地址", "address", "registered address as typed"),
                 Col("检查日期", "inspection_date", "date", kind="date"),
                 Col("检查来源", "selection_reason", "selection", vocab={
                     "random_draw": "随机抽查", "risk_ranking": "重点检查", "complaint": "投诉举报",
                     "follow_up": "复查", "licence": "其他"}),
                 Col("抽查概率", "selection_probability", "draw probability", kind="number"),
                 Col("是否存在违法行为", "result", "violation found?", vocab={
                     "pass": "否", "pass_with_conditions": "是（已整改）", "fail": "是"}),
                 Col("违法行为", "descriptions", "violations found, '；'-separated text", kind="list",
                     sep="；"),
             )),
    FileSpec(**_HRSS, name="hrss_complaints", view="complaint", key="LT{year}{seq:06d}",
             yields=("complaint",),
             about="Labour complaints, mostly wage arrears.", columns=(
                 Col("投诉编号", "source_key", "complaint number"),
                 Col("投诉日期", "received_date", "date received", kind="date"),
                 Col("投诉类型", "category_name", "category"),
                 Col("被投诉单位", "name", "employer named (may be empty)"),
                 Col("被投诉单位地址", "site_address", "workplace address"),
                 Col("涉及人数", "workers", "workers involved (wage arrears)", kind="number"),
                 Col("涉及金额（元）", "amount_owed", "amount owed, yuan", kind="number"),
                 Col("投诉内容", "content", "complaint text"),
                 Col("处理结果", "substantiated", "finding", vocab={"True": "属实", "False": "不属实"}),
             )),
    FileSpec(**_HRSS, name="hrss_penalties", view="enforcement", key="@decision_number",
             yields=("enforcement",),
             about="Labour penalty decisions.", columns=(
                 Col("决定书文号", "source_key", "decision number 深人社监罚〔YYYY〕N号"), *_HRSS_ID,
                 Col("法定代表人", "rep_name", "legal representative"), Col("联系电话", "rep_phone",
                                                                       "mobile"),
                 Col("违法事实", "facts", "facts"), Col("处罚依据", "legal_basis", "legal basis"),
                 Col("处罚类型", "penalty_type", "penalty", vocab=PENALTY_CN),
                 Col("罚款金额（元）", "amount", "amount in yuan", kind="number"),
                 Col("决定日期", "decision_date", "decision date", kind="date"),
             )),
    FileSpec(**_HRSS, name="hrss_blacklist", view="list_entry", key="QXSX{year}{seq:05d}",
             yields=("list_entry",),
             about="Wage-arrears blacklist (拖欠农民工工资失信联合惩戒对象名单).", columns=(
                 Col("序号", "source_key", "entry number"), *_HRSS_ID,
                 Col("法定代表人", "rep_name", "legal representative"),
                 Col("法定代表人身份证号", "rep_id_masked", "masked resident ID"),
                 Col("列入日期", "added_date", "date listed", kind="date"), Col("列入事由", "reason",
                                                                            "reason"),
                 Col("移出日期", "removed_date", "date removed", kind="date"),
             )),
]
