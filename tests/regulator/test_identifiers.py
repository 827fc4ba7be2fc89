"""USCC (GB 32100-2015) and resident ID (GB 11643-1999) checks."""

import pytest

from regulator.identifiers import check_uscc, is_valid_resident_id, make_uscc, normalise_uscc


@pytest.mark.parametrize("code", ["91110000600037341L", "914403001922038216"])
def test_real_codes_are_valid(code: str) -> None:
    """Published real codes pass every check."""
    assert check_uscc(code).valid


def test_normalisation_folds_width_case_and_separators() -> None:
    """Full-width characters, spaces, dashes and lower case are folded."""
    assert normalise_uscc("９１１１ 0000-6000 37341l") == "91110000600037341L"
    assert check_uscc("９１１１００００６０００３７３４１Ｌ").valid


@pytest.mark.parametrize(("code", "problem"), [
    ("", "missing"),
    ("91110000600037341", "length"),
    ("91110000600037341O", "charset"),
    ("91110000600037341M", "check_character"),
])
def test_invalid_codes_say_why(code: str, problem: str) -> None:
    """Each broken rule is named."""
    result = check_uscc(code)
    assert not result.valid and result.problem == problem


def test_organisation_code_check() -> None:
    """A code whose 18th character is right but whose organisation-code digit is wrong is still invalid."""
    good = make_uscc("9", "1", "440300", "19220382")
    assert check_uscc(good).valid
    body = good[:16] + ("0" if good[16] != "0" else "1")
    from regulator.identifiers import uscc_check_char

    forged = body + uscc_check_char(body)
    assert check_uscc(forged).problem == "organisation_code"


def test_every_single_character_typo_is_caught() -> None:
    """Changing any one character of a valid code breaks it (the check character's purpose)."""
    code = "914403001922038216"
    for i in range(18):
        for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if c != code[i]:
                assert not check_uscc(code[:i] + c + code[i + 1:]).valid


def test_resident_id() -> None:
    """The GB 11643 check character, X included."""
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")
