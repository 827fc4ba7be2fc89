"""``regulator.text`` over whole Arrow columns: the same rules as RE2 regular expressions.

The scalar functions in ``regulator.text`` parse one value in tens of microseconds; a million entity
rows would take most of a minute. These do the same normalisation with Arrow's vectorised string
kernels (seconds). ``tests/linkage/test_textvec.py`` holds them to the scalar results on the demo
world's name and address variants, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..text import (
    BRACKET_FORMS,
    CITIES,
    CN_SUFFIXES,
    DIRECTIONS,
    EN_SUFFIXES,
    GROUND_FLOOR_UNITS,
    PROVINCES,
    STREET_TYPES,
    UNIT_WORDS,
)

CJK = "一-鿿"
_PROV = "|".join(sorted(PROVINCES, key=len, reverse=True))
_CITY = "|".join(sorted(set(CITIES), key=len, reverse=True))
_REGION = (f"(?:(?:{_PROV})(?:省|市|自治区|特别行政区|壮族自治区|回族自治区|维吾尔自治区)?)?"
           f"(?:(?:{_CITY})市?)?(?:[{CJK}]{{1,4}}?(?:新区|区|县))?")
_PLACE = (f"(?:{_PROV}|{_CITY}|中国|[{CJK}]{{1,5}}(?:自治区|特别行政区)|[{CJK}]{{1,7}}(?:省|市|区|县))")
_FORMS = "|".join(sorted(BRACKET_FORMS, key=len, reverse=True))
_PUNCT = r"[\s\.,;:\"`~!@#$%^&*_+=|\\/<>?\-–—·•、，。；：“”‘’（）()\[\]{}【】《》]+"
_EN_SUFFIX = "|".join(sorted(EN_SUFFIXES, key=len, reverse=True))
_CN_SUFFIX = "|".join(v for v, _ in CN_SUFFIXES)


def _sub(values: pa.Array, pattern: str, replacement: str) -> pa.Array:
    return pc.replace_substring_regex(values, pattern=pattern, replacement=replacement)


def _blank_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def masked(values: pa.Array, mask: pa.Array, fn) -> dict[str, pa.Array]:  # noqa: ANN001
    """Run ``fn`` (Array -> {name: Array}) on the rows where ``mask`` holds; null elsewhere."""
    mask = pc.fill_null(mask, False)
    part = fn(pc.filter(values, mask))
    return {key: pc.replace_with_mask(pa.nulls(len(values), type=col.type), mask, col) for key, col in part.items()}


#: characters NFKC may change (full-width forms, compatibility ideographs, enclosed and letterlike
#: symbols, ligatures, super/subscripts): only values holding one are normalised (NFKC is the slow step)
_COMPAT = "[\u00a0-\u00bf\u2000-\u2bff\u3000-\u33ff\uf900-\ufaff\ufb00-\ufe4f\uff00-\uffef]"


def fold(values: pa.Array) -> pa.Array:
    """NFKC, lower case, whitespace collapsed (``text.fold``); blank becomes null."""
    compat = pc.fill_null(pc.match_substring_regex(values, _COMPAT), False)
    values = pc.if_else(compat, masked(values, compat, lambda v: {"v": pc.utf8_normalize(v, form="NFKC")})["v"],
                        values)
    values = pc.utf8_lower(values)
    return _blank_to_null(pc.utf8_trim_whitespace(_sub(values, r"\s+", " ")))


def _field(struct: pa.Array, name: str) -> pa.Array:
    """A group of ``extract_regex``; null where the row did not match or the group captured nothing."""
    child = pc.struct_field(struct, name)
    return _blank_to_null(pc.if_else(pc.is_valid(struct), child, pa.scalar(None, pa.string())))


def _bracket_places(text: pa.Array) -> dict[str, pa.Array]:
    """The first bracketed place after the start of a name, and the name without bracketed places."""
    place = _field(pc.extract_regex(text, rf"^.+?[(\[](?P<place>{_PLACE})[)\]]"), "place")
    return {"place": place, "text": _sub(text, rf"(.)[(\[]{_PLACE}[)\]]", r"\1")}


def _region_prefix(text: pa.Array) -> dict[str, pa.Array]:
    """The region a name starts with (深圳市, 广东省深圳市福田区 ...) and the rest, if two characters remain."""
    prefix = pc.extract_regex(text, rf"^(?P<region>{_REGION})(?P<rest>.{{2,}})$")
    return {"region": _field(prefix, "region"), "rest": _field(prefix, "rest")}


def _english_suffix(compact: pa.Array) -> dict[str, pa.Array]:
    """Trailing legal-form words (Co., Ltd, Inc ...) split off and written canonically."""
    english = pc.extract_regex(compact, rf"^(?P<core>.*?)(?P<suffix>(?:\s+(?:{_EN_SUFFIX}))+)$")
    suffix = _field(english, "suffix")
    for variant, canonical in EN_SUFFIXES.items():
        if variant != canonical:
            suffix = _sub(suffix, rf"\b{variant}\b", canonical)
    return {"core": _field(english, "core"), "suffix": suffix, "hit": pc.is_valid(english)}


def _chinese_suffix(compact: pa.Array) -> dict[str, pa.Array]:
    """The legal suffix at the end (有限责任公司 -> 有限公司), or the parent's suffix inside a branch name."""
    chinese = pc.replace_substring(compact, " ", "")
    cn = pc.extract_regex(chinese, rf"^(?P<core>.+?)(?P<suffix>{_CN_SUFFIX})$")
    suffix = _field(cn, "suffix")
    for variant, canonical in CN_SUFFIXES:
        if variant != canonical:
            suffix = _sub(suffix, f"^{variant}$", canonical)
    in_middle = _sub(_sub(chinese, "股份有限公司", "股份公司"), "有限责任公司", "有限公司")
    return {"core": pc.if_else(pc.is_valid(cn), _field(cn, "core"), in_middle), "suffix": suffix}


def company_names(values: pa.Array) -> dict[str, pa.Array]:
    """norm (canonical name), core (trade name) and city of each name, spaces removed (for matching)."""
    text = _sub(fold(values), "['’`´]", "")
    text = _sub(_sub(text, rf"([{CJK}])\s+", r"\1"), rf"\s+([{CJK}])", r"\1")
    text = _sub(text, rf"[(\[](?:{_FORMS})[)\]]", "")
    brackets = masked(text, pc.match_substring_regex(text, r"[(\[]"), _bracket_places)
    text = pc.coalesce(brackets["text"], text)
    starts = pc.match_substring_regex(text, rf"^(?:{_PROV}|{_CITY}|[{CJK}]{{1,4}}(?:新区|区|县))")
    prefix = masked(text, starts, lambda v: _region_prefix(v))
    text = pc.coalesce(prefix["rest"], text)
    region = pc.binary_join_element_wise(pc.fill_null(prefix["region"], ""),
                                         pc.fill_null(brackets["place"], ""), "")
    city = _blank_to_null(pc.fill_null(_field(pc.extract_regex(region, f"(?P<city>{_CITY})"), "city"), ""))
    compact = pc.utf8_trim_whitespace(_sub(text, _PUNCT, " "))
    ascii_ = pc.string_is_ascii(compact)
    compact = pc.if_else(ascii_, _sub(compact, "^the ", ""), compact)
    english = masked(compact, pc.match_substring(compact, " "), _english_suffix)
    chinese = masked(compact, pc.invert(ascii_), _chinese_suffix)
    is_english = pc.fill_null(english["hit"], False)
    core = pc.if_else(is_english, english["core"], pc.if_else(ascii_, compact, chinese["core"]))
    suffix = pc.if_else(is_english, english["suffix"], pc.if_else(ascii_, "", pc.fill_null(chinese["suffix"], "")))
    core = _blank_to_null(pc.replace_substring(pc.fill_null(core, ""), " ", ""))
    norm = _blank_to_null(pc.binary_join_element_wise(pc.fill_null(core, ""),
                                                      pc.replace_substring(pc.fill_null(suffix, ""), " ", ""), ""))
    return {"norm": norm, "core": pc.coalesce(core, norm), "city": city}


_CN_ADMIN = (f"^(?:(?:{_PROV})(?:省|市|自治区|特别行政区|壮族自治区|回族自治区|维吾尔自治区)?)?(?:(?:{_CITY})市?)?"
             f"(?:[{CJK}]{{1,4}}?(?:新区|区|县))?(?:[{CJK}]{{1,4}}?(?:街道|镇|乡))?")
_CN_SITE = r"^(?P<street>.*?(?:大道|大街|公路|路|街|道|巷|村))(?P<num>\d+)(?:-\d+)?号(?P<unit>.*)$"
_TYPES = "|".join(sorted(STREET_TYPES, key=len, reverse=True))
_STOPS = "|".join(sorted(UNIT_WORDS, key=len, reverse=True))
_DIRS = "|".join(sorted(DIRECTIONS, key=len, reverse=True))


def _chinese_addresses(text: pa.Array) -> dict[str, pa.Array]:
    text = _sub(text, r"[\s,，、.。#＃\-–—()（）:：;；]+", "")
    admin = pc.match_substring_regex(text, rf"^(?:{_PROV}|{_CITY}|[{CJK}]{{1,4}}(?:新区|区|县|街道|镇|乡))")
    text = pc.coalesce(masked(text, admin, lambda v: {"v": _sub(v, f"{_CN_ADMIN}(.+)$", r"\1")})["v"], text)
    text = _sub(_sub(pc.replace_substring(text, "座", "栋"), "号铺", "铺"), "室$", "")
    site = pc.extract_regex(text, _CN_SITE)
    street, num, unit = _field(site, "street"), _field(site, "num"), _field(site, "unit")
    site_text = pc.binary_join_element_wise(street, num, "号", "")
    return {"norm": text, "site": pc.coalesce(site_text, text), "street": street, "lo": num, "hi": num,
            "unit": pc.if_else(pc.is_valid(site), unit, pa.scalar("", pa.string()))}


_GROUND_FLOOR = "^(?:" + "|".join(sorted(GROUND_FLOOR_UNITS, key=len, reverse=True)) + ")$"


def _english_addresses(text: pa.Array) -> dict[str, pa.Array]:
    tail = pc.match_substring_regex(text, r",\s*[a-z]{2}\.?\s+\d{5}(?:-\d{4})?\s*$")
    text = _sub(text, r",\s*[a-z]{2}\.?\s+\d{5}(?:-\d{4})?\s*$", "")
    number = pc.extract_regex(pc.binary_join_element_wise(text, " ", ""),
                              r"^(?P<lo>\d+)[a-z]?(?:\s*-\s*0*(?P<hi>\d+)[a-z]?)?\s+(?P<rest>.*)$")
    rest = pc.coalesce(_field(number, "rest"), text)
    rest = _sub(_sub(pc.replace_substring(rest, "#", " # "), r"[^a-z0-9#\s]+", " "), r"\b(ste|unit|apt|fl|rm)(\d+)\b",
                r"\1 \2")
    rest = pc.utf8_trim_whitespace(_sub(rest, r"\s+", " "))
    direction = pc.extract_regex(rest, rf"^(?P<dir>{_DIRS}) (?P<after>\S.*)$")
    dir_ = _field(direction, "dir")
    for long, short in DIRECTIONS.items():
        if long != short:
            dir_ = _sub(dir_, f"^{long}$", short)
    rest = pc.coalesce(_field(direction, "after"), rest)
    split = pc.extract_regex(rest, rf"^(?P<street>\S+(?: \S+)*?)(?: (?:(?P<kind>{_TYPES})(?: (?P<after>.*))?|"
                                   rf"(?P<unit>(?:{_STOPS}|#|\d+|\d+(?:st|nd|rd|th))(?: .*)?)))?$")
    street = pc.coalesce(_field(split, "street"), rest)
    kind, unit = _field(split, "kind"), pc.coalesce(_field(split, "after"), _field(split, "unit"))
    for long, short in STREET_TYPES.items():
        if long != short:
            kind = _sub(kind, f"^{long}$", short)
    unit = pc.replace_substring(pc.fill_null(unit, ""), "#", "")
    unit = pc.if_else(tail, _sub(unit, r"(?:\s*\b[a-z]+)+\s*$", ""), unit)
    unit = pc.utf8_trim_whitespace(_sub(unit, r"\s+", " "))
    # the ground floor or the shop front is the premises itself ("1608 W 59TH ST 1" = "1608 W 59TH ST")
    unit = _sub(unit, _GROUND_FLOOR, "")
    lo = _blank_to_null(_field(number, "lo"))
    hi = pc.coalesce(_blank_to_null(_field(number, "hi")), lo)
    site = pc.utf8_trim_whitespace(_sub(pc.binary_join_element_wise(
        pc.fill_null(lo, ""), pc.fill_null(dir_, ""), pc.fill_null(street, ""), " "), r"\s+", " "))
    norm = pc.utf8_trim_whitespace(_sub(pc.binary_join_element_wise(
        site, pc.fill_null(kind, ""), unit, " "), r"\s+", " "))
    return {"norm": norm, "site": site, "street": street, "lo": lo, "hi": hi, "unit": unit}


def addresses(values: pa.Array) -> dict[str, pa.Array]:
    """norm, site (road + number), street, lo/hi house numbers (float) and unit of each address."""
    text = fold(values)
    chinese = pc.fill_null(pc.match_substring_regex(text, f"[{CJK}]"), False)
    cn = masked(text, chinese, _chinese_addresses)
    en = masked(text, pc.and_(pc.invert(chinese), pc.is_valid(text)), _english_addresses)
    out = {key: pc.if_else(chinese, cn[key], en[key]) for key in cn}
    for key in ("norm", "site", "unit"):
        out[key] = _blank_to_null(pc.replace_substring(out[key], " ", ""))
    out["street"] = _blank_to_null(out["street"])
    lo = pc.cast(out["lo"], pa.float64())
    out["lo"], out["hi"] = lo, pc.max_element_wise(pc.cast(out["hi"], pa.float64()), lo)
    return out


def person_names(values: pa.Array) -> pa.Array:
    """``text.normalise_person_name`` over a column."""
    return _blank_to_null(_sub(fold(values), r"[\s\.,;:'\"`·•\-_()（）]+", ""))
