"""SAMR's files: UTF-8 CSV with a byte-order mark, Chinese headers, ISO dates, violations inline."""

from __future__ import annotations

from .layout import LICENCE_STATUS_CN, LIST_CN, PENALTY_CN, Col, FileSpec

_STATUS = {"active": "存续", "revoked": "吊销", "cancelled": "注销"}
_ROLE = {"shareholder": "股东", "director": "董事", "manager": "经理", "supervisor": "监事"}
_TYPE = {"routine": "日常检查", "complaint": "投诉举报核查", "follow_up": "跟踪复查",
         "licence": "许可现场核查",
         "special": "专项检查"}
_REASON = {"random_draw": "双随机抽取", "risk_ranking": "风险分级", "complaint": "投诉举报",
           "follow_up": "复查",
           "licence": "许可核查"}
_RESULT = {"pass": "合格", "pass_with_conditions": "基本合格", "fail": "不合格"}
_TRUE = {"True": "属实", "False": "不属实"}

_BOM = dict(agency="SAMR", fmt="csv", encoding="utf-8-sig", date_style="iso")
_ID = (Col("统一社会信用代码", "uscc", "unified social credit code as typed (may be empty or mistyped)"),
       Col("企业名称", "name", "entity name as typed (variants: brackets, region prefix, suffix, typos)"))

SAMR_FILES = [
    FileSpec(**_BOM, name="samr_registration", view="registration", key="44030000{seq:08d}",
             yields=("registration",),
             about="Register of market entities (companies, branches, sole traders, "
             "partnerships), one row per entity, with its legal representative.", columns=(
                 Col("主体身份代码", "source_key",
                     "SAMR's internal entity id (PRIPID); key of the persons file"),
                 Col("统一社会信用代码", "uscc", "unified social credit code (valid; empty for a handful)"),
                 Col("企业名称", "name", "registered name, exact"),
                 Col("市场主体类型", "entity_type_cn", "legal form: 有限责任公司, 股份有限公司, …分公司, "
                     "个体工商户, 有限合伙企业, 农民专业合作社, 股份合作企业"),
                 Col("法定代表人（负责人、经营者）", "rep_name", "legal representative; head of a branch; "
                     "operator of a sole trader"),
                 Col("证件号码", "rep_id", "the representative's 18-digit resident ID number"),
                 Col("联系电话", "phone", "contact phone (mobile or 0755 landline)"),
                 Col("住所（经营场所）", "address", "registered address (operating address for branches and "
                     "sole traders)"),
                 Col("所属区", "district", "district of the address"),
                 Col("行业代码", "industry_code", "GB/T 4754-2017 industry code"),
                 Col("行业", "industry", "industry label"),
                 Col("注册资本（万元）", "capital_wan",
                     "registered capital in 10,000 yuan; empty for branches",
                     kind="number"),
                 Col("成立日期", "registration_date", "date of establishment", kind="date"),
                 Col("登记状态", "status", "registration status", vocab=_STATUS),
                 Col("状态变更日期", "status_date", "date of revocation or cancellation", kind="date"),
                 Col("隶属企业统一社会信用代码", "parent_uscc", "parent company's code (branches only)"),
                 Col("登记机关", "authority", "registering office"),
             )),
    FileSpec(**_BOM, name="samr_persons", view="role", key="RY{seq:09d}", yields=("role",),
             about="Shareholders and key personnel of companies and partnerships (legal representatives are "
             "in the register).", columns=(
                 Col("记录编号", "source_key", "record number"),
                 Col("主体身份代码", "pripid", "SAMR's internal entity id: joins to samr_registration"),
                 *_ID,
                 Col("姓名", "person_name", "person's name"),
                 Col("证件号码", "person_id", "resident ID number"),
                 Col("职务", "role", "role in the entity", vocab=_ROLE),
                 Col("出资比例", "share", "share of capital (shareholders only), 0-1", kind="number"),
                 Col("认缴出资额（万元）", "subscribed_wan", "subscribed capital, 10,000 yuan",
                     kind="number"),
             )),
    FileSpec(**_BOM, name="samr_investments", view="investment", key="TZ{seq:08d}", yields=("investment",),
             about="Company shareholdings in other companies.", columns=(
                 Col("记录编号", "source_key", "record number"),
                 Col("投资方统一社会信用代码", "investor_uscc", "investor's code"),
                 Col("投资方名称", "investor_name", "investor's name"),
                 Col("被投资企业统一社会信用代码", "investee_uscc", "investee's code"),
                 Col("被投资企业名称", "investee_name", "investee's name"),
                 Col("持股比例", "share", "share held, 0-1", kind="number"),
                 Col("认缴出资额（万元）", "subscribed_wan", "subscribed capital, 10,000 yuan",
                     kind="number"),
             )),
    FileSpec(**_BOM, name="samr_licences", view="licence", key="XK{year}{seq:06d}", yields=("licence",),
             about="Food business licences (食品经营许可证) and drug retail licences (药品经营许可证).",
             columns=(
                 Col("记录号", "source_key", "record number"),
                 Col("许可证编号", "licence_number", "licence number (JY + 14 digits; 粤CB755…)"),
                 Col("许可证名称", "licence_name", "licence kind"),
                 *_ID,
                 Col("经营场所", "site_address", "premises address as typed"),
                 Col("法定代表人（负责人）", "rep_name", "legal representative (may be empty)"),
                 Col("发证日期", "issue_date", "issue date", kind="date"),
                 Col("有效期至", "expiry_date", "valid until", kind="date"),
                 Col("状态", "status", "status at the end of the period", vocab=LICENCE_STATUS_CN),
             )),
    FileSpec(**_BOM, name="samr_inspections", view="inspection", key="SJ{year}{seq:06d}",
             yields=("inspection", "violation"), about="Inspections (双随机 draws, risk-based, complaints, "
             "follow-ups, licence checks); violations found are listed inline.", columns=(
                 Col("检查编号", "source_key", "inspection number"),
                 *_ID,
                 Col("检查地址", "site_address", "premises inspected, as typed"),
                 Col("检查日期", "inspection_date", "date of the inspection", kind="date"),
                 Col("检查类型", "inspection_type", "kind of inspection", vocab=_TYPE),
                 Col("抽取方式", "selection_reason", "why the entity was inspected", vocab=_REASON),
                 Col("抽取概率", "selection_probability", "probability of being drawn (random draws and "
                     "risk-proportional draws); empty when not known", kind="number"),
                 Col("检查结果", "result", "result", vocab=_RESULT),
                 Col("检查人员1", "inspector_1", "first inspector"),
                 Col("检查人员2", "inspector_2", "second inspector"),
                 Col("发现问题代码", "codes", "violation codes found, ';'-separated (SP-/YP-/ZL-/JY-…)",
                     kind="list", sep=";"),
                 Col("问题描述", "descriptions", "descriptions of the violations, '；'-separated",
                     kind="list",
                     sep="；"),
                 Col("原检查编号", "previous_key", "for follow-ups: the inspection followed up"),
             )),
    FileSpec(**_BOM, name="samr_penalties", view="enforcement", key="@decision_number",
             yields=("enforcement",), about="Administrative penalty decisions (行政处罚).", columns=(
                 Col("行政处罚决定书文号", "source_key", "decision number, e.g. 深市监罚〔2023〕123号"),
                 Col("当事人名称", "name", "party's name as typed"),
                 Col("统一社会信用代码", "uscc", "party's code as typed"),
                 Col("法定代表人", "rep_name", "legal representative"),
                 Col("违法行为类型", "violation_code", "violation code"),
                 Col("违法事实", "facts", "facts"),
                 Col("处罚依据", "legal_basis", "legal basis"),
                 Col("处罚类别", "penalty_type", "penalty", vocab=PENALTY_CN),
                 Col("罚没金额（万元）", "amount_wan", "fine or confiscation, 10,000 yuan", kind="number"),
                 Col("处罚决定日期", "decision_date", "decision date", kind="date"),
                 Col("公示截止日期", "publication_end", "public until", kind="date"),
                 Col("处罚机关", "authority", "deciding authority"),
                 Col("关联检查编号", "inspection_source_key", "inspection that found the violation"),
             )),
    FileSpec(**_BOM, name="samr_credit_lists", view="list_entry", key="MLYC{year}{seq:06d}",
             yields=("list_entry",), about="Abnormal-operations list and SAMR's serious-illegal list.",
             columns=(
                 Col("序号", "source_key", "entry number"),
                 *_ID,
                 Col("名录类型", "list_type", "which list", vocab=LIST_CN),
                 Col("列入日期", "added_date", "date listed", kind="date"),
                 Col("列入原因", "reason", "reason listed"),
                 Col("作出决定机关", "authority", "deciding authority"),
                 Col("移出日期", "removed_date", "date removed (empty while listed)", kind="date"),
                 Col("移出原因", "removed_reason", "reason removed"),
             )),
    FileSpec(**_BOM, name="samr_12315_complaints", view="complaint", key="12315{yyyymmdd}{seq:05d}",
             yields=("complaint",),
             about="Consumer complaints (12315); a few name no business, only a place.",
             columns=(
                 Col("工单编号", "source_key", "ticket number"),
                 Col("登记日期", "received_date", "date received", kind="date"),
                 Col("投诉类别", "category_name", "category"),
                 Col("被投诉方名称", "name",
                     "business complained about, as the consumer wrote it (may be empty)"),
                 Col("被投诉方统一社会信用代码", "uscc", "code, rarely given"),
                 Col("被投诉方地址", "site_address", "address of the business"),
                 Col("诉求内容", "content", "complaint text"),
                 Col("核查结果", "substantiated", "finding", vocab=_TRUE),
             )),
]
