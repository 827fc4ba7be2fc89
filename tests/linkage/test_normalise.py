"""Normalisation for matching: Chinese and English name variants, addresses with units, people, phones."""

import pytest

from regulator.linkage.features import dice, normalise_district, phone_key
from regulator.text import normalise_name, normalise_person_name, parse_address, parse_company_name


@pytest.mark.parametrize("variant", [
    "深圳市华盛达贸易有限公司", "华盛达贸易有限公司", "华盛达贸易有限责任公司", "深 圳市华盛达贸易有限公司",
    "华盛达贸易（深圳）有限公司", "华盛达贸易[深圳]有限公司", "广东省深圳市华盛达贸易有限公司",
    "深圳市福田区华盛达贸易有限公司",
])
def test_chinese_name_variants_fold_together(variant: str) -> None:
    """Bracket width, region prefix or bracket, suffix variants and stray spaces (even inside 深圳) fold away."""
    assert normalise_name(variant) == "华盛达贸易有限公司"


def test_legal_form_in_brackets_is_a_form_not_a_region() -> None:
    """（个体工商户） and （有限合伙） are legal forms: kept as ``form``, dropped from the matching name."""
    parsed = parse_company_name("深圳市福田区王记小吃店（个体工商户）")
    assert (parsed.core, parsed.region, parsed.form) == ("王记小吃店", "深圳市福田区", "个体")
    assert parse_company_name("深圳市凯创投资合伙企业（有限合伙）").form == "有限合伙"
    assert normalise_name("某某（微信）科技有限公司") == "某某微信科技有限公司"  # not a place: stays


@pytest.mark.parametrize(("variant", "expected"), [
    ("KEVIN'S HAMBURGER HEAVEN", "kevins hamburger heaven"), ("Kevins Hamburger Heaven", "kevins hamburger heaven"),
    ("THE BANANA LEAF", "banana leaf"), ("PANERA, LLC", "panera llc"),
    ("Acme Trading Company Limited", "acme trading co ltd"),
])
def test_english_name_variants(variant: str, expected: str) -> None:
    """Apostrophes, a leading "the", punctuation and suffix spellings fold; words stay words."""
    assert normalise_name(variant) == expected


@pytest.mark.parametrize(("raw", "site", "unit", "lo", "hi"), [
    ("3352 N BROADWAY   1", "3352 n broadway", "", 3352, 3352),
    ("3352 N BROADWAY", "3352 n broadway", "", 3352, 3352),
    ("1050  -01052 W ARGYLE ST 1ST", "1050 w argyle", "", 1050, 1052),
    ("224-230 N MICHIGAN AVE", "224 n michigan", "", 224, 230),
    ("714 N WELLS 1ST", "714 n wells", "", 714, 714),
    ("714 N WELLS 2ND", "714 n wells", "2nd", 714, 714),
    ("3202 N BROADWAY  FIRST (GROUND LEVEL)", "3202 n broadway", "first ground level", 3202, 3202),
    ("3025 W DIVERSEY AVE 2 CHICAGO, IL 60647", "3025 w diversey", "2", 3025, 3025),
    ("深圳市光明区新湖街道光明大道385号华技工业区2603室", "光明大道385号", "华技工业区2603", 385, 385),
    ("光明区光明大道３８５号华技工业区2603", "光明大道385号", "华技工业区2603", 385, 385),
    ("深圳市龙岗区横岗街道龙岗大道67号嘉凰广场7座6楼", "龙岗大道67号", "嘉凰广场7栋6楼", 67, 67),
])
def test_addresses_split_premises_and_unit(raw: str, site: str, unit: str, lo: int, hi: int) -> None:
    """The premises (number and street) survive unit suffixes, ranges, city tails and Chinese admin prefixes."""
    parsed = parse_address(raw)
    assert (parsed.site, parsed.unit, parsed.number_lo, parsed.number_hi) == (site, unit, lo, hi)


def test_person_names_and_phones() -> None:
    """Spaces, middle dots and case do not split a person; area codes and +86 do not split a phone."""
    assert normalise_person_name("欧阳 · 娜娜") == normalise_person_name("欧阳娜娜")
    assert normalise_person_name("Virginia  Dela-Rosa") == "virginiadelarosa"
    assert phone_key("+86 138-0013-8000") == phone_key("13800138000") == "00138000"
    assert phone_key("0755-29675937") == phone_key("29675937")
    assert phone_key("12345") is None


def test_districts_fold() -> None:
    """福田区 / 福田 / 深圳市福田区 are one district; a ZIP+4 is its ZIP."""
    assert normalise_district("深圳市福田区") == normalise_district("福田") == "福田"
    assert normalise_district("大鹏新区") == "大鹏"
    assert normalise_district("60614-1234") == "60614"


def test_bigram_overlap_is_character_level() -> None:
    """One changed Chinese character leaves most of the name's bigrams; unrelated names share almost none.

    Bigrams are hashed into 256 bits, so an unrelated pair may share a bit by collision now and then.
    """
    assert dice("华盛达贸易", "华盛达贸易") == 1.0
    assert dice("华盛达贸易", "华胜达贸易") == pytest.approx(4 / 6)
    assert dice("华盛达贸易", "天安数码城") < 0.25
    assert 0.5 < dice("subway", "subway25064") < 0.8
