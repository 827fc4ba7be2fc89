"""Normalising company names (Chinese and English) and addresses for search and entity resolution.

Hand-written because no library knows Chinese company suffixes (cleanco does not) and token-based
fuzzy matching degrades on Chinese, which has no spaces: we fold width, punctuation and suffix
variants to one canonical form and pull the region out as a field of its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
CITIES = (
    "北京", "天津", "上海", "重庆", "深圳", "广州", "珠海", "汕头", "佛山", "东莞", "中山", "惠州",
    "江门", "湛江", "茂名", "肇庆", "梅州", "汕尾", "河源", "阳江", "清远", "潮州", "揭阳", "云浮",
    "韶关", "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
    "南京", "苏州", "无锡", "常州", "徐州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州",
    "宿迁", "合肥", "芜湖", "蚌埠", "福州", "厦门", "泉州", "漳州", "莆田", "南昌", "赣州", "济南",
    "青岛", "烟台", "潍坊", "临沂", "淄博", "济宁", "郑州", "洛阳", "武汉", "宜昌", "襄阳", "长沙",
    "株洲", "湘潭", "成都", "绵阳", "贵阳", "昆明", "西安", "兰州", "西宁", "银川", "乌鲁木齐",
    "呼和浩特", "南宁", "桂林", "海口", "三亚", "拉萨", "石家庄", "唐山", "保定", "太原", "大同",
    "沈阳", "大连", "长春", "吉林", "哈尔滨", "大庆",
)
_REGION_SUFFIX = "(?:省|市|自治区|特别行政区|壮族自治区|回族自治区|维吾尔自治区)?"
_REGION_RE = re.compile(
    "^(?P<region>(?:(?:" + "|".join(sorted(PROVINCES, key=len, reverse=True)) + ")" + _REGION_SUFFIX + ")?"
    "(?:(?:" + "|".join(sorted(set(CITIES), key=len, reverse=True)) + ")市?)?"
    "(?:[\u4e00-\u9fff]{1,4}?(?:新区|区|县))?)"
)
_BRACKET_REGION_RE = re.compile(r"[(\[](?P<region>[\u4e00-\u9fff]{2,8})[)\]]")
_PUNCT_RE = re.compile(r"[\s\.,;:'\"`~!@#$%^&*_+=|\\/<>?\-–—·•、，。；：“”‘’（）()\[\]{}【】《》]+")

#: variant -> canonical suffix; longest variants first so that 股份有限公司 wins over 有限公司
CN_SUFFIXES = (
    ("股份有限公司", "股份公司"), ("股份公司", "股份公司"),
    ("有限责任公司", "有限公司"), ("有限公司", "有限公司"),
    ("集团公司", "集团"), ("集团", "集团"),
    ("合伙企业", "合伙"), ("个体工商户", "个体"),
)
EN_SUFFIXES = {
    "limited": "ltd", "ltd": "ltd", "company": "co", "co": "co", "corporation": "corp", "corp": "corp",
    "incorporated": "inc", "inc": "inc", "llc": "llc", "plc": "plc", "gmbh": "gmbh",
}
BRANCH_MARKERS = ("分公司", "分店", "分厂", "营业部", "分部", "branch")


@dataclass(frozen=True)
class ParsedName:
    """A company name taken apart: region, core trade name, canonical suffix, branch flag."""

    region: str
    core: str
    suffix: str
    branch: bool
    norm: str


def fold(text: str | None) -> str:
    """NFKC (full-width to half-width), lower case, whitespace collapsed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFKC", str(text)).lower().split())


def _strip_region(text: str) -> tuple[str, str]:
    regions = []
    match = _BRACKET_REGION_RE.search(text)
    if match and match.start() > 0:
        regions.append(match.group("region"))
        text = text[: match.start()] + text[match.end():]
    match = _REGION_RE.match(text)
    if match and match.group("region") and len(match.group("region")) < len(text) - 1:
        regions.insert(0, match.group("region"))
        text = text[match.end():]
    return "".join(regions), text


def parse_company_name(name: str | None) -> ParsedName:
    """Split a Chinese or English company name into region, core, canonical suffix and branch flag."""
    text = fold(name)
    region, text = _strip_region(text)
    branch = any(marker in text for marker in BRANCH_MARKERS)
    compact = _PUNCT_RE.sub(" ", text).strip()
    suffix = ""
    words = compact.split()
    if words and words[-1] in EN_SUFFIXES or (len(words) > 1 and words[-2] in EN_SUFFIXES):
        canon = []
        while words and words[-1] in EN_SUFFIXES:
            canon.insert(0, EN_SUFFIXES[words.pop()])
        suffix = " ".join(canon)
        core = " ".join(words)
    else:
        core = compact.replace(" ", "")
        for variant, canonical in CN_SUFFIXES:
            position = core.rfind(variant)
            if position <= 0:
                continue
            if position + len(variant) == len(core):
                suffix = canonical
                core = core[:position]
            else:  # 某某有限责任公司福田分公司: canonicalise the parent's suffix in place
                core = core[:position] + canonical + core[position + len(variant):]
            break
    core = core.strip()
    norm = (core + (" " if core.isascii() and suffix else "") + suffix).strip()
    return ParsedName(region, core, suffix, branch, norm)


def normalise_name(name: str | None) -> str:
    """The canonical form used for search and matching (region and punctuation folded away)."""
    text = fold(name)
    if not text:
        return ""
    parsed = parse_company_name(text)
    return parsed.norm or _PUNCT_RE.sub("", text)


_ADDRESS_NOISE_RE = re.compile(r"[\s,，、.。#＃\-–—()（）]+")


def normalise_address(address: str | None) -> str:
    """Fold width, spaces and punctuation of an address; unit numbers stay (they tell shops apart)."""
    text = fold(address)
    return _ADDRESS_NOISE_RE.sub("", text)
