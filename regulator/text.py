"""Normalising company names (Chinese and English), addresses and person names for search and linkage.

Hand-written because no library knows Chinese company suffixes (cleanco does not) and token-based
fuzzy matching degrades on Chinese, which has no spaces: we fold width, punctuation and suffix
variants to one canonical form and pull the region out as a field of its own. Address parsing
(usaddress, libpostal) is likewise English-only or needs a 2 GB model: the small rule set here splits
Chinese and US street addresses into the premises (road + number) and the unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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


def _first_characters(words: tuple[str, ...]) -> str:
    """A lookahead that lets the regex skip a long alternation of place names at their first character."""
    return "(?=[" + "".join(sorted({w[0] for w in words})) + "])"


_REGION_RE = re.compile(
    "^(?P<region>(?:" + _first_characters(PROVINCES) + "(?:" + "|".join(sorted(PROVINCES, key=len, reverse=True))
    + ")" + _REGION_SUFFIX + ")?"
    "(?:" + _first_characters(CITIES) + "(?:" + "|".join(sorted(set(CITIES), key=len, reverse=True)) + ")市?)?"
    "(?:[\u4e00-\u9fff]{1,4}?(?:新区|区|县))?)"
)
_BRACKET_RE = re.compile(r"[(\[](?P<inner>[\u4e00-\u9fff]{2,8})[)\]]")
_PUNCT_RE = re.compile(r"[\s\.,;:\"`~!@#$%^&*_+=|\\/<>?\-–—·•、，。；：“”‘’（）()\[\]{}【】《》]+")
_APOSTROPHES = frozenset("'’`´")
_APOSTROPHE_RE = re.compile(f"[{''.join(sorted(_APOSTROPHES))}]")
_CJK_SPACE_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])")
#: legal forms written in brackets after the name: a form, not a region and not part of the trade name
BRACKET_FORMS = {"个体工商户": "个体", "有限合伙": "有限合伙", "普通合伙": "普通合伙",
                 "特殊普通合伙": "特殊普通合伙", "个人独资": "个人独资"}
_PLACE_SUFFIXES = ("省", "市", "区", "县", "自治区", "特别行政区")

#: variant -> canonical suffix; longest variants first so that 股份有限公司 wins over 有限公司
CN_SUFFIXES = (
    ("股份有限公司", "股份公司"), ("股份公司", "股份公司"),
    ("有限责任公司", "有限公司"), ("有限公司", "有限公司"),
    ("集团公司", "集团"), ("集团", "集团"),
    ("合伙企业", "合伙"), ("个体工商户", "个体"),
)
EN_SUFFIXES = {
    "limited": "ltd", "ltd": "ltd", "company": "co", "co": "co", "corporation": "corp", "corp": "corp",
    "incorporated": "inc", "inc": "inc", "llc": "llc", "plc": "plc", "gmbh": "gmbh", "llp": "llp",
}
BRANCH_MARKERS = ("分公司", "分店", "分厂", "营业部", "分部", "branch")
_BRANCH_RE = re.compile("|".join(BRANCH_MARKERS))


@dataclass(frozen=True)
class ParsedName:
    """A company name taken apart: region, core trade name, canonical suffix, branch flag."""

    region: str
    core: str
    suffix: str
    branch: bool
    norm: str
    #: a legal form written in brackets, e.g. 个体 for （个体工商户）
    form: str = ""


def fold(text: str | None) -> str:
    """NFKC (full-width to half-width), lower case, whitespace collapsed."""
    if not text:
        return ""
    text = str(text)
    # NFKC's full pass over a name with full-width brackets cost ten times its quick check; the brackets
    # replaced by their decomposition first, the name passes the quick check and comes out the same
    if not unicodedata.is_normalized("NFKC", text):
        text = text.replace("（", "(").replace("）", ")")
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def names_only_a_place(text: str | None) -> bool:
    """Whether ``text`` is nothing but a region (深圳, 深圳市, 广东省深圳市福田区, 福田区): what names lose first
    when they are normalised, so that a search for it alone finds no name by its core."""
    squeezed = _NOISE_RE.sub("", fold(text))
    match = _REGION_RE.match(squeezed)
    return bool(squeezed) and match is not None and match.end() == len(squeezed)


def _is_place(text: str) -> bool:
    return text in PROVINCES or text in CITIES or text == "中国" or text.endswith(_PLACE_SUFFIXES)


def _strip_brackets(text: str) -> tuple[str, str, str]:
    """Remove bracketed regions and legal forms after the start; returns (regions, form, text)."""
    if "(" not in text and "[" not in text:  # most names: nothing to look for
        return "", "", text
    regions, form = [], ""
    for match in reversed(list(_BRACKET_RE.finditer(text))):
        inner = match.group("inner")
        if inner in BRACKET_FORMS:
            form = BRACKET_FORMS[inner]
        elif match.start() > 0 and _is_place(inner):
            regions.insert(0, inner)
        else:
            continue
        text = text[: match.start()] + text[match.end():]
    return "".join(regions), form, text


def _strip_region(text: str) -> tuple[str, str, str]:
    bracketed, form, text = _strip_brackets(text)
    regions = [bracketed] if bracketed else []
    match = _REGION_RE.match(text)
    if match and match.group("region") and len(match.group("region")) < len(text) - 1:
        regions.insert(0, match.group("region"))
        text = text[match.end():]
    return "".join(regions), form, text


def parse_company_name(name: str | None) -> ParsedName:
    """Split a Chinese or English company name into region, core, canonical suffix and branch flag."""
    return ParsedName(*company_name_parts(name))


def company_name_parts(name: str | None) -> tuple[str, str, str, bool, str, str]:
    """``parse_company_name``'s fields as a tuple, for callers that parse thousands of names a request."""
    text = fold(name)
    if _APOSTROPHES.intersection(text):  # the substitutions cost more than the rest when there is nothing to do
        text = _APOSTROPHE_RE.sub("", text)
    if " " in text:
        text = _CJK_SPACE_RE.sub("", text)
    region, form, text = _strip_region(text)
    branch = _BRANCH_RE.search(text) is not None
    # letters and digits only (most Chinese names): nothing for the regex to replace, no space to strip
    compact = text if text.isalnum() else _PUNCT_RE.sub(" ", text).strip()
    if compact.startswith("the ") and compact.isascii():
        compact = compact[4:]
    suffix = ""
    words = compact.split()
    if words and words[-1] in EN_SUFFIXES or (len(words) > 1 and words[-2] in EN_SUFFIXES):
        canon = []
        while words and words[-1] in EN_SUFFIXES:
            canon.insert(0, EN_SUFFIXES[words.pop()])
        suffix = " ".join(canon)
        core = " ".join(words)
    elif compact.isascii():  # an English name without a legal suffix: words stay words
        core = compact
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
    return region, core, suffix, branch, norm, form


def normalise_name(name: str | None) -> str:
    """The canonical form used for search and matching (region and punctuation folded away)."""
    text = fold(name)
    if not text:
        return ""
    parsed = parse_company_name(text)
    return parsed.norm or _PUNCT_RE.sub("", text)


_NOISE_RE = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=50_000)  # ingest and the name index parse each name several times in a row
def name_core(name: str | None) -> str:
    """The part of a name that tells entities apart (search's bigrams and similarity): no region, suffix,
    spaces or punctuation."""
    _region, core, _suffix, _branch, norm, _form = company_name_parts(name)
    return _squeeze(core) or _squeeze(norm) or _squeeze(fold(name))


def _squeeze(text: str) -> str:
    """``text`` without spaces, punctuation and underscores: what ``_NOISE_RE`` matches is exactly what is not
    a letter or digit, so text of letters and digits only (most cores) is returned as it is."""
    return text if text.isalnum() else _NOISE_RE.sub("", text)


_ADDRESS_NOISE_RE = re.compile(r"[\s,，、.。#＃\-–—()（）]+")


def normalise_address(address: str | None) -> str:
    """Fold width, spaces and punctuation of an address; unit numbers stay (they tell shops apart)."""
    text = fold(address)
    return _ADDRESS_NOISE_RE.sub("", text)


_PERSON_NOISE_RE = re.compile(r"[\s\.,;:'\"`·•\-_()（）]+")


def normalise_person_name(name: str | None) -> str:
    """A person's name folded for matching: width, case, spaces, dots and the middle dot (·) removed."""
    return _PERSON_NOISE_RE.sub("", fold(name))


@dataclass(frozen=True)
class ParsedAddress:
    """A street address taken apart: the premises (road and number), the unit within them, the number range."""

    site: str
    unit: str
    street: str
    number_lo: int | None
    number_hi: int | None
    norm: str


_CN_ADMIN_RE = re.compile(
    "^(?:(?:" + "|".join(sorted(PROVINCES, key=len, reverse=True)) + ")" + _REGION_SUFFIX + ")?"
    "(?:(?:" + "|".join(sorted(set(CITIES), key=len, reverse=True)) + ")市?)?"
    "(?:[\u4e00-\u9fff]{1,4}?(?:新区|区|县))?"
    "(?:[\u4e00-\u9fff]{1,4}?(?:街道|镇|乡))?"
)
_CN_SITE_RE = re.compile(r"^(?P<street>.*?(?:大道|大街|公路|路|街|道|巷|村))(?P<num>\d+)(?:-\d+)?号(?P<unit>.*)$")
_CN_NOISE_RE = re.compile(r"[\s,，、.。#＃\-–—()（）:：;；]+")
_US_TAIL_RE = re.compile(r",\s*[a-z]{2}\.?\s+\d{5}(?:-\d{4})?\s*$")
_US_NUMBER_RE = re.compile(r"^(?P<lo>\d+)[a-z]?(?:\s*-\s*0*(?P<hi>\d+)[a-z]?)?\s+")
_US_NOISE_RE = re.compile(r"[^a-z0-9#\s]+")
DIRECTIONS = {"n": "n", "s": "s", "e": "e", "w": "w", "north": "n", "south": "s", "east": "e", "west": "w"}
STREET_TYPES = {
    "ave": "ave", "av": "ave", "avenue": "ave", "st": "st", "street": "st", "rd": "rd", "road": "rd",
    "blvd": "blvd", "boulevard": "blvd", "dr": "dr", "drive": "dr", "pl": "pl", "place": "pl", "ct": "ct",
    "court": "ct", "pkwy": "pkwy", "parkway": "pkwy", "hwy": "hwy", "highway": "hwy", "ln": "ln",
    "lane": "ln", "ter": "ter", "terrace": "ter", "plz": "plz", "plaza": "plz", "sq": "sq", "square": "sq",
    "cir": "cir", "circle": "cir", "way": "way", "row": "row", "trl": "trl",
}
UNIT_WORDS = {"ste", "suite", "unit", "apt", "fl", "flr", "floor", "floors", "bsmt", "basement", "ground",
              "rear", "front", "rm", "room", "bldg", "lobby", "level", "lvl", "concourse", "store", "first",
              "second", "third", "fourth", "fifth", "ll", "mezzanine", "penthouse", "and"}
_ORDINAL_RE = re.compile(r"^\d+(?:st|nd|rd|th)$")
_GLUED_UNIT_RE = re.compile(r"\b(ste|unit|apt|fl|rm)(\d+)\b")


def _chinese_address(text: str) -> ParsedAddress:
    text = _CN_NOISE_RE.sub("", text)
    match = _CN_ADMIN_RE.match(text)
    if match and match.end() < len(text):
        text = text[match.end():]
    text = text.replace("座", "栋").replace("号铺", "铺").removesuffix("室")
    site = _CN_SITE_RE.match(text)
    if not site:
        return ParsedAddress(text, "", "", None, None, text)
    number = int(site.group("num"))
    return ParsedAddress(site.group("street") + site.group("num") + "号", site.group("unit"),
                         site.group("street"), number, number, text)


#: units that name the premises itself (the ground floor, the shop front): "1608 W 59TH ST 1" = "1608 W 59TH ST"
GROUND_FLOOR_UNITS = frozenset({
    "1", "1st", "1 st", "1st fl", "1st flr", "1st floor", "fl 1", "flr 1", "floor 1", "first", "first fl",
    "first floor", "ground", "ground fl", "ground floor", "grnd", "gf", "store front", "storefront", "store",
    "main", "main fl", "main floor", "street level", "1 1"})


def _english_address(text: str) -> ParsedAddress:
    text, tails = _US_TAIL_RE.subn("", text)
    lo = hi = None
    match = _US_NUMBER_RE.match(text + " ")
    if match:
        lo = int(match.group("lo"))
        hi = max(lo, int(match.group("hi"))) if match.group("hi") else lo
        text = text[match.end():] if match.end() <= len(text) else ""
    words = _GLUED_UNIT_RE.sub(r"\1 \2", _US_NOISE_RE.sub(" ", text.replace("#", " # "))).split()
    direction = DIRECTIONS[words.pop(0)] if len(words) > 1 and words[0] in DIRECTIONS else ""
    street, kind, rest = [], "", []
    for i, word in enumerate(words):
        if street and word in STREET_TYPES:
            kind, rest = STREET_TYPES[word], words[i + 1:]
            break
        if street and (word in UNIT_WORDS or word == "#" or word.isdigit() or _ORDINAL_RE.match(word)):
            rest = words[i:]
            break
        street.append(word)
    if tails:  # "... AVE 2 CHICAGO, IL 60647": the words ending the address are the city, not a unit
        while rest and rest[-1].isalpha():
            rest.pop()
    street_name = " ".join(street)
    site = " ".join(x for x in (str(lo) if lo is not None else "", direction, street_name) if x)
    unit = " ".join(w for w in rest if w != "#")
    unit = "" if unit in GROUND_FLOOR_UNITS else unit
    return ParsedAddress(site, unit, street_name, lo, hi, " ".join(x for x in (site, kind, unit) if x))


def parse_address(address: str | None) -> ParsedAddress:
    """Split a Chinese or US street address into premises, unit and number range (folded, canonical words).

    深圳市福田区华富街道深南大道100号A座1201室 -> site 深南大道100号, unit a栋1201;
    3352 N BROADWAY  1 -> site "3352 n broadway", unit "1"; 224-230 N MICHIGAN AVE -> numbers 224..230.
    """
    text = fold(address)
    if not text:
        return ParsedAddress("", "", "", None, None, "")
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return _chinese_address(text)
    return _english_address(text)
