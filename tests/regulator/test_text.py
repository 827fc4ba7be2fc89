"""Company names fold to one canonical form across the variants agencies write."""

import unicodedata

import pytest

from regulator.text import company_name_parts, fold, normalise_address, normalise_name, parse_company_name


@pytest.mark.parametrize("variant", [
    "深圳市华盛达贸易有限公司", "华盛达贸易有限公司", "华盛达贸易有限责任公司", "深圳市 华盛达贸易有限公司 ",
    "华盛达贸易（深圳）有限公司", "华盛达贸易(深圳)有限公司", "广东省深圳市华盛达贸易有限公司",
])
def test_chinese_variants_share_one_form(variant: str) -> None:
    """Region prefix or bracket, suffix variants, width and spaces do not change the canonical name."""
    assert normalise_name(variant) == "华盛达贸易有限公司"


def test_region_is_extracted_not_lost() -> None:
    """The region becomes a field of its own."""
    assert parse_company_name("腾讯科技（深圳）有限公司").region == "深圳"
    assert parse_company_name("深圳市华盛达贸易有限公司").region == "深圳市"


def test_trade_words_that_look_like_regions_stay() -> None:
    """市 inside a trade name is not a region."""
    assert normalise_name("华盛达贸易市场有限公司") == "华盛达贸易市场有限公司"


def test_branches_are_flagged_and_kept_apart_from_the_parent() -> None:
    """分公司 marks a branch; its name stays distinct from the parent's."""
    branch = parse_company_name("深圳市华盛达贸易有限责任公司福田分公司")
    assert branch.branch
    assert branch.norm != normalise_name("深圳市华盛达贸易有限公司")


@pytest.mark.parametrize("variant", ["ACME Trading Co., Ltd.", "Acme Trading Company Limited",
                                     "ACME TRADING CO LTD", "Ａｃｍｅ Trading Co. Ltd"])
def test_english_suffix_variants(variant: str) -> None:
    """Ltd/Limited, Co./Company, width and case fold together."""
    assert normalise_name(variant) == "acme trading co ltd"


def test_addresses_fold_width_and_punctuation() -> None:
    """Full-width digits and punctuation do not split one address in two."""
    assert normalise_address("福田区深南大道１００号，Ａ座") == normalise_address("福田区深南大道100号A座")


def test_apostrophes_and_spaces_between_chinese_characters_are_dropped() -> None:
    """The substitutions skipped for names without apostrophes or spaces still apply to those with them."""
    assert parse_company_name("O'Brien’s Bar Ltd").core == "obriens bar"
    assert parse_company_name("Mc`Donalds Inc.").core == "mcdonalds"
    assert parse_company_name("深圳 华盛达 贸易有限公司").core == "华盛达贸易"
    assert parse_company_name("深圳市华盛达　Shop 有限公司").core == "华盛达shop"
    name = "深圳 华盛达 贸易有限公司"
    assert company_name_parts(name) == tuple(vars(parse_company_name(name)).values())


@pytest.mark.parametrize("text", ["川旭永供应链管理（深圳）有限公司", "（个体工商户）", "Ｆｏｏ（Ｂａｒ）　Ｌｔｄ",
                                  "（\u0338）", "A（\u0301）é", "ｶﾞ（ﾊﾟ）", "（）（", "深圳市合誉东五金制品有限公司"])
def test_fold_is_nfkc_lower_case_with_spaces_collapsed(text: str) -> None:
    assert fold(text) == " ".join(unicodedata.normalize("NFKC", text).lower().split())
