"""Masking and keyed hashing of personal data."""

from regulator.privacy import hash_id_number, mask_id_number, mask_name, mask_phone


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
