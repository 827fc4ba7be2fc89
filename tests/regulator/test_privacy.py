"""Masking and keyed hashing of personal data."""

import re
import unicodedata

from regulator.privacy import (
    hash_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_id_number,
    normalise_phone,
)


def test_masks() -> None:
    """The forms shown to those who may not see personal data."""
    assert mask_name("张三") == "张*"
    assert mask_name("张小明") == "张*明"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110105***********X"


def test_id_hash_is_keyed_and_stable() -> None:
    """Equal numbers (in any width or case) hash equal under one key and differently under another."""
    a = hash_id_number("11010519491231002x", "k1")
    assert a == hash_id_number("１１０１０５１９４９１２３１００２Ｘ", "k1")
    assert a != hash_id_number("11010519491231002X", "k2")
    assert "110105" not in a


def _id_by_definition(raw: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", raw).upper() if c.isalnum())


def _phone_by_definition(raw: str) -> str:
    digits = re.sub(r"\D+", "", unicodedata.normalize("NFKC", raw))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits


def test_ascii_shortcuts_give_what_the_definition_gives() -> None:
    """ID numbers and phones that are plain ASCII skip Unicode normalisation: the same result either way."""
    ids = ["11010519491231002x", "11010519491231002X", "110105 19491231 002x", "１１０１０５１９４９１２３１００２Ｘ",
           "440301-1983-0618-9143", "", "x", "ａｂｃ123", "12345678901234567８", "Ⅻ12", "①②③"]
    for raw in ids:
        assert normalise_id_number(raw) == _id_by_definition(raw), raw
    phones = ["+86 138-1234-5678", "008613812345678", "８６１３８１２３４５６７８", "(0755) 8888-1234", "",
              "138１2345678"]
    for raw in phones:
        assert normalise_phone(raw) == _phone_by_definition(raw), raw


def test_stored_id_hashes_do_not_change() -> None:
    """A database's person keys are these hashes: the same input under the same key gives the same hex digest
    as HMAC-SHA256 always has (the value below was computed with ``hmac.new(...).hexdigest()``)."""
    expected = "01274ea48a5ebcd413542608d918e6ae378f17cab4b7fc7d95b3e992e0c30c4d"
    assert hash_id_number("11010519491231002x", "k1") == expected
    assert hash_id_number("１１０１０５１９４９１２３１００２Ｘ", "k1") == expected


def test_id_and_phone_numbers_in_free_text_are_masked() -> None:
    """What an agency wrote about the person punished, as the public may read it: their ID number (either
    generation, any width) and phone numbers masked; an entity's code, dates, amounts and decision numbers kept."""
    from regulator.privacy import mask_personal_text

    assert mask_personal_text("当事人张某（身份证号：11010519491231002X，电话13812345678）") == \
        "当事人张某（身份证号：110105***********X，电话138****5678）"
    assert mask_personal_text("身份证１１０１０５１９４９１２３１００２ｘ；旧证110105491231002") == \
        "身份证110105***********X；旧证110105********2"
    assert mask_personal_text("联系电话 +86 138-1234-5678，座机０７５５－８８８８１２３４") == \
        "联系电话 138****5678，座机********1234"
    kept = "统一社会信用代码91440304488426573R，2024-01-01罚款50000元，深市监罚〔2024〕123号，20240101123"
    assert mask_personal_text(kept) == kept
    assert mask_personal_text(None) == "" and mask_personal_text("") == ""
