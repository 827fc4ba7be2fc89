"""The agencies of the demo city, what each supervises, and their violation and licence catalogues."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

AGENCIES: list[dict[str, str]] = [
    {"code": "SAMR", "name": "市场监督管理局", "name_en": "Administration for Market Regulation",
     "domain": "market"},
    {"code": "MEE", "name": "生态环境局", "name_en": "Bureau of Ecology and Environment",
     "domain": "environment"},
    {"code": "MEM", "name": "应急管理局", "name_en": "Emergency Management Bureau", "domain": "work_safety"},
    {"code": "FIRE", "name": "消防救援支队", "name_en": "Fire and Rescue Detachment", "domain": "fire"},
    {"code": "NHC", "name": "卫生健康委员会", "name_en": "Health Commission", "domain": "health"},
    {"code": "TAX", "name": "税务局", "name_en": "Taxation Bureau", "domain": "tax"},
    {"code": "HRSS", "name": "人力资源和社会保障局", "name_en": "Human Resources and Social Security Bureau",
     "domain": "labour"},
]
AGENCY_CODES = [a["code"] for a in AGENCIES]

ALL = None  # coverage marker: every industry


@dataclass(frozen=True)
class AgencyPlan:
    """How one agency supervises: whom, how often, how it targets, and how strict it is."""

    code: str
    industries: tuple[str, ...] | None
    entity_types: tuple[str, ...]
    random_rate: tuple[float, float]  # annual draw probability: (high-risk stratum, other stratum)
    ranking_rate: float  # annual share of the population picked by the agency's risk ranking
    ranking_probability_known: bool  # True: Poisson sampling with recorded probabilities; False: top-k
    severity_scale: float  # multiplies the expected number of violations found
    inspectors: int
    decision_prefix: str
    special: tuple[tuple[str, ...], float] | None = None  # (industries, annual probability) of a campaign
    licence_inspections: bool = True
    extra: dict = field(default_factory=dict)


_EMPLOYERS = ("company", "branch", "partnership")
PLANS: dict[str, AgencyPlan] = {
    p.code: p
    for p in [
        AgencyPlan("SAMR", ALL, ("company", "branch", "sole_trader", "partnership"), (0.06, 0.03), 0.02, True,
                   1.0, 40, "深市监罚"),
        AgencyPlan("MEE", ("manufacturing", "chemicals", "auto_repair", "construction", "catering", "clinic"),
                   _EMPLOYERS + ("sole_trader",), (0.10, 0.06), 0.04, False, 1.0, 20, "深环罚"),
        AgencyPlan("MEM", ("chemicals", "manufacturing", "construction", "logistics"), _EMPLOYERS,
                   (0.10, 0.06), 0.05, True, 0.9, 20, "深应急罚", special=(("chemicals",), 0.25)),
        AgencyPlan("FIRE", ("catering", "hotel", "entertainment", "chemicals", "manufacturing", "logistics",
                            "property", "food_retail"), _EMPLOYERS + ("sole_trader",), (0.08, 0.04), 0.04,
                   False, 1.0, 30, "深消行罚决字", special=(("entertainment", "hotel"), 0.25)),
        AgencyPlan("NHC", ("hotel", "beauty", "entertainment", "clinic"), _EMPLOYERS + ("sole_trader",),
                   (0.12, 0.08), 0.04, True, 0.9, 12, "深卫健罚"),
        AgencyPlan("TAX", ALL, _EMPLOYERS, (0.015, 0.01), 0.01, False, 0.8, 10, "深税稽罚",
                   licence_inspections=False),
        AgencyPlan("HRSS", ALL, _EMPLOYERS, (0.04, 0.02), 0.02, False, 0.8, 15, "深人社监罚",
                   licence_inspections=False),
    ]
}

# agency code | severity | description | law (short name) | article | industries ("-": any it covers)
_VIOLATION_TABLE = """
SAMR SP-001|minor|从业人员未持有效健康证明从事接触直接入口食品工作|食品安全法|第一百二十六条|food
SAMR SP-004|minor|未按规定查验记录食品原料进货信息|食品安全法|第一百二十六条|food
SAMR SP-007|minor|餐具饮具未按规定清洗消毒|食品安全法|第一百二十六条|food
SAMR SP-009|minor|未按要求贮存食品，生熟未分开|食品安全法|第一百三十二条|food
SAMR SP-012|serious|经营超过保质期的食品|食品安全法|第一百二十四条|food
SAMR SP-014|critical|经营腐败变质、霉变生虫的食品|食品安全法|第一百二十四条|food
SAMR SP-017|critical|使用非食品原料生产加工食品|食品安全法|第一百二十三条|food
SAMR SP-020|serious|未取得食品经营许可从事食品经营活动|食品安全法|第一百二十二条|food
SAMR YP-003|serious|未凭处方销售处方药|药品流通监督管理办法|第三十八条|pharmacy
SAMR YP-006|minor|执业药师不在岗|药品管理法|第一百二十六条|pharmacy
SAMR YP-011|critical|销售假药|药品管理法|第一百一十六条|pharmacy
SAMR ZL-002|critical|生产不符合保障人身安全国家标准的产品|产品质量法|第四十九条|manufacturing
SAMR ZL-005|minor|产品标识不符合规定|产品质量法|第五十四条|manufacturing
SAMR ZL-008|serious|以不合格产品冒充合格产品|产品质量法|第五十条|manufacturing
SAMR JY-003|minor|未在经营场所醒目位置悬挂营业执照|市场主体登记管理条例|第四十八条|-
SAMR JY-006|minor|未按规定明码标价|价格法|第四十二条|-
SAMR JY-009|serious|发布虚假广告|广告法|第五十五条|-
SAMR JY-012|serious|虚假宣传，误导消费者|反不正当竞争法|第二十条|-
SAMR JY-015|critical|销售侵犯注册商标专用权的商品|商标法|第六十条|-
MEE HB-01|serious|超标排放大气污染物|大气污染防治法|第九十九条|-
MEE HB-03|critical|未依法取得排污许可证排放污染物|排污许可管理条例|第三十三条|-
MEE HB-05|minor|餐饮油烟净化设施未正常使用|大气污染防治法|第一百一十八条|catering
MEE HB-07|serious|危险废物未按规定贮存、转移|固体废物污染环境防治法|第一百一十二条|-
MEE HB-09|critical|通过暗管逃避监管排放水污染物|水污染防治法|第八十三条|-
MEE HB-12|minor|环境管理台账记录不规范|排污许可管理条例|第三十七条|-
MEE HB-14|serious|未依法报批环境影响评价文件擅自开工建设|环境影响评价法|第三十一条|-
MEE HB-16|minor|夜间施工噪声扰民|噪声污染防治法|第七十七条|construction
MEE HB-18|serious|挥发性有机物废气未收集处理|大气污染防治法|第一百零八条|auto_repair,manufacturing
MEM AQ-101|minor|未按规定开展安全生产教育和培训|安全生产法|第九十七条|-
MEM AQ-104|minor|未建立事故隐患排查治理制度|安全生产法|第一百零一条|-
MEM AQ-112|serious|特种作业人员未持证上岗|安全生产法|第九十七条|-
MEM AQ-118|serious|安全设备未经常性维护、保养和定期检测|安全生产法|第九十九条|-
MEM AQ-125|serious|未对重大危险源登记建档并进行监控|安全生产法|第一百零一条|chemicals
MEM AQ-131|critical|危险化学品未按规定储存|危险化学品安全管理条例|第八十条|chemicals
MEM AQ-137|critical|未取得危险化学品经营许可证经营危险化学品|危险化学品安全管理条例|第七十七条|chemicals
MEM AQ-150|critical|生产经营场所与员工宿舍设在同一建筑物内|安全生产法|第一百零五条|-
FIRE XF01|minor|消防设施、器材未保持完好有效|消防法|第六十条|-
FIRE XF03|serious|占用、堵塞、封闭疏散通道、安全出口|消防法|第六十条|-
FIRE XF07|minor|埋压、圈占、遮挡消火栓|消防法|第六十条|-
FIRE XF09|critical|未经消防安全检查擅自投入使用、营业|消防法|第五十八条|entertainment,hotel,catering
FIRE XF11|serious|人员密集场所门窗设置影响逃生的障碍物|消防法|第六十条|-
FIRE XF13|minor|电气线路敷设不符合消防技术标准|消防法|第六十六条|-
FIRE XF15|critical|易燃易爆危险品场所与居住场所设在同一建筑物内|消防法|第六十一条|-
NHC WS0101|minor|从业人员未取得有效健康合格证明|公共场所卫生管理条例实施细则|第三十八条|-
NHC WS0203|minor|公共用品用具未按规定清洗消毒|公共场所卫生管理条例实施细则|第三十六条|-
NHC WS0307|serious|未取得公共场所卫生许可证擅自营业|公共场所卫生管理条例实施细则|第三十五条|-
NHC WS0402|minor|室内空气质量不符合卫生标准|公共场所卫生管理条例实施细则|第三十六条|-
NHC WS0601|serious|超出核准登记的诊疗科目开展诊疗活动|医疗机构管理条例|第四十六条|clinic
NHC WS0604|critical|使用非卫生技术人员从事医疗卫生技术工作|医疗机构管理条例|第四十七条|-
NHC WS0702|serious|医疗废物未按规定分类收集、暂存|医疗废物管理条例|第四十六条|clinic
TAX SW001|minor|未按照规定期限办理纳税申报|税收征收管理法|第六十二条|-
TAX SW004|minor|未按照规定设置、保管账簿或者记账凭证|税收征收管理法|第六十条|-
TAX SW008|minor|未按规定开具发票|发票管理办法|第三十五条|-
TAX SW012|serious|偷税，少缴应纳税款|税收征收管理法|第六十三条|-
TAX SW015|critical|虚开增值税专用发票|发票管理办法|第三十七条|-
TAX SW019|serious|逃避追缴欠税|税收征收管理法|第六十五条|-
TAX SW023|critical|骗取出口退税|税收征收管理法|第六十六条|trade
HRSS LD-01|minor|未与劳动者订立书面劳动合同|劳动合同法|第八十二条|-
HRSS LD-03|serious|未按时足额支付劳动报酬|劳动合同法|第八十五条|-
HRSS LD-05|critical|拖欠农民工工资|保障农民工工资支付条例|第五十五条|-
HRSS LD-07|serious|未依法为职工缴纳社会保险费|社会保险法|第八十六条|-
HRSS LD-09|minor|违反规定延长劳动者工作时间|劳动保障监察条例|第二十五条|-
HRSS LD-11|critical|非法使用童工|禁止使用童工规定|第六条|manufacturing
HRSS LD-13|minor|未按规定建立职工名册|劳动合同法实施条例|第三十三条|-
"""
_SCOPES = {"food": "catering,food_retail,hotel", "-": ""}


def law_title(short: str) -> str:
    """Full title of a law from its short name: national laws carry 中华人民共和国."""
    national = short.endswith("法") and not short.endswith("办法")
    return f"《中华人民共和国{short}》" if national else f"《{short}》"


def _parse_violations(table: str) -> pd.DataFrame:
    rows = []
    for line in table.strip().splitlines():
        head, severity, description, law, article, scope = line.split("|")
        agency, code = head.split()
        rows.append({"agency": agency, "code": code, "severity": severity, "description": description,
                     "legal_basis": law_title(law) + article, "scope": _SCOPES.get(scope, scope)})
    return pd.DataFrame(rows)


VIOLATION_CATALOGUE = _parse_violations(_VIOLATION_TABLE)
SEVERITIES = ("minor", "serious", "critical")

# licence type, agency, Chinese name, industries: probability of holding it, validity in years (0: none)
LICENCE_TYPES = [
    ("food_business", "SAMR", "食品经营许可证", {"catering": 0.95, "food_retail": 0.9, "hotel": 0.5}, 5),
    ("drug_retail", "SAMR", "药品经营许可证", {"pharmacy": 0.97}, 5),
    ("hazardous_chemicals", "MEM", "危险化学品经营许可证", {"chemicals": 0.85}, 3),
    ("pollutant_discharge", "MEE", "排污许可证",
     {"manufacturing": 0.35, "chemicals": 0.6, "auto_repair": 0.4}, 5),
    ("public_place_hygiene", "NHC", "公共场所卫生许可证",
     {"hotel": 0.9, "beauty": 0.8, "entertainment": 0.8}, 4),
    ("medical_institution", "NHC", "医疗机构执业许可证", {"clinic": 0.98}, 5),
    ("fire_safety_opening", "FIRE", "公众聚集场所投入使用、营业前消防安全检查合格证",
     {"entertainment": 0.85, "hotel": 0.6, "catering": 0.15}, 0),
]

# agency, category code, Chinese category, industries: annual rate per entity, share naming the entity
COMPLAINT_TYPES = [
    ("SAMR", "food_safety", "食品安全", {"catering": 0.03, "food_retail": 0.02, "hotel": 0.01}),
    ("SAMR", "price", "价格收费", {"beauty": 0.02, "hotel": 0.01, "auto_repair": 0.015, "clinic": 0.01}),
    ("SAMR", "false_advertising", "虚假宣传",
     {"beauty": 0.015, "pharmacy": 0.01, "tech": 0.003, "trade": 0.002}),
    ("SAMR", "prepaid_card", "预付卡消费", {"beauty": 0.02, "entertainment": 0.01}),
    ("MEE", "cooking_fumes", "餐饮油烟", {"catering": 0.015}),
    ("MEE", "noise", "噪声扰民", {"construction": 0.03, "entertainment": 0.01, "manufacturing": 0.005}),
    ("MEE", "odour", "废气异味", {"chemicals": 0.03, "manufacturing": 0.015, "auto_repair": 0.02}),
    ("MEE", "wastewater", "污水排放", {"manufacturing": 0.01, "chemicals": 0.015}),
    ("HRSS", "wage_arrears", "拖欠工资", {"construction": 0.05, "manufacturing": 0.02, "catering": 0.008,
                                       "logistics": 0.008, "beauty": 0.005}),
    ("HRSS", "social_insurance", "未缴社保", {"manufacturing": 0.006, "logistics": 0.006, "tech": 0.002,
                                          "trade": 0.002}),
]
