"""The historical profile's blocking keys: pairs whose names are written differently are now compared."""

from __future__ import annotations

import numpy as np
import pandas as pd
from splink import block_on

from regulator.linkage.engine import score_pairs
from regulator.linkage.model import settings_dict
from regulator.linkage.persons import HISTORICAL, other_names, place_words, soundex, surname_keys
from regulator.linkage.profiles import UID

PEOPLE = pd.DataFrame([
    # a nickname and a misspelt surname, no date of birth or postcode in common: only the birthplace agrees
    ("bessie marchant", "bessie", "marchant", "1862-01-01", "kent", "tn27 9an", "female", "novelist"),
    ("elizabeth merchant", "elizabeth", "merchant", None, "kent", None, None, None),
    # a lone name that is the other's surname
    ("gibb", "gibb", None, "1853-12-11", None, "pe11 2dd", "male", None),
    ("jamea gibb", "jamea", "gibb", None, None, "pe12 1dd", "male", None),
    # someone else entirely
    ("walter faber", "walter", "faber", "1857-02-11", "west berkshire", "rg14 1ez", "male", "politician"),
], columns=["full_name", "first_name", "surname", "dob", "birth_place", "postcode_fake", "gender", "occupation"])

#: the rules before nickname, Soundex and surname-key blocking (docs/benchmarks.md, historical_50k)
OLD_RULES = [block_on("dob"), block_on("surname"), block_on("postcode_fake"), block_on("first_name", "birth_place"),
             block_on("first_name", "substr(dob, 1, 4)"), block_on("first_name", "occupation"),
             block_on("substr(first_name, 1, 2)", "substr(surname, 1, 2)", "birth_place"),
             block_on("birth_place", "substr(dob, 1, 4)", "gender")]


def _blocked(rules: list | None) -> set[tuple[int, int]]:
    table = HISTORICAL.prepare(PEOPLE.assign(**{UID: np.arange(len(PEOPLE))}))
    settings = settings_dict(HISTORICAL, "dedupe_only", prior=0.01, blocking=rules)
    pairs = score_pairs([table], settings, threshold=0.0)
    return {(min(a, b), max(a, b)) for a, b in zip(pairs["uid_l"], pairs["uid_r"], strict=True)}


def test_nickname_and_lone_surname_pairs_are_blocked_now() -> None:
    """bessie marchant / elizabeth merchant (nickname group + birthplace, Soundex + birthplace) and gibb /
    jamea gibb (surname key) were never compared by the old rules; the profile's rules compare both."""
    before, now = _blocked(OLD_RULES), _blocked(None)
    assert (0, 1) not in before and (2, 3) not in before
    assert {(0, 1), (2, 3)} <= now
    assert (0, 4) not in now and (1, 4) not in now  # blocking stays selective


def test_soundex_surname_key_other_names_and_place_words() -> None:
    assert [soundex(n) for n in ("robert", "rupert", "ashcraft", "tymczak", "honeyman", "", None)] == \
        ["r163", "r163", "a261", "t522", "h555", None, None]
    assert soundex("marchant") == soundex("merchant")
    keys = surname_keys(pd.Series(["gibb", "jamea", "h.o.forbes", "a"]), pd.Series([None, "gibb", None, None]))
    assert keys.tolist()[:3] == ["gibb", "gibb", "forbes"] and pd.isna(keys.iloc[3])
    names = other_names(pd.Series(["thomas clifford, 1st baron clifford of chudleigh", "tom baron chudleigh", None]),
                        pd.Series(["thomas", "tom", None]), pd.Series(["chudleigh", "chudleigh", None]))
    assert names.to_pylist() == [["clifford"], None, None]
    places = place_words(pd.Series(["westminster | london", "camden", "bristol, city of", None])).to_pylist()
    assert places == [["london", "westminster"], ["camden", "london"], ["bristol"], None]
