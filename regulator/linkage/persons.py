"""Person profiles for the public linkage benchmarks: Febrl 4 (two files) and historical figures (one file).

They exercise the same engine (``engine.score_pairs``, ``training.train_model``) as the company profile,
on data whose truth is published, so a change to the engine that hurts linkage in general shows up here.
Register them with ``register_person_profiles()``; the platform itself links companies only.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on

from .profiles import PROFILES, UID, Profile, register_profile


def _clean(series: pd.Series) -> pd.Series:
    """Lower-cased, trimmed strings; blanks become null."""
    text = series.astype("string").str.strip().str.lower()
    return text.mask(text.isin(["", "nan", "none"]))


def _table(frame: pd.DataFrame, columns: tuple[str, ...]) -> pa.Table:
    data = {UID: pa.array(frame[UID].astype("int64").to_numpy())}
    for col in columns:
        data[col] = pa.array(_clean(frame[col]) if col in frame.columns else [None] * len(frame),
                             type=pa.string(), from_pandas=True)
    return pa.table(data)


FEBRL_COLUMNS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state",
                 "date_of_birth", "soc_sec_id")


def prepare_febrl(frame: pd.DataFrame) -> pa.Table:
    """Febrl columns as cleaned strings (the CSV headers carry leading spaces: strip them first)."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    return _table(frame, FEBRL_COLUMNS)


def _levenshtein(col: str, thresholds: list[int]) -> Any:
    return cl.LevenshteinAtThresholds(col, thresholds)


def febrl_comparisons() -> list[Any]:
    """Names (with swapped given name and surname), date of birth, social security id, address parts."""
    name = cl.CustomComparison(output_column_name="name", comparison_description="given name and surname",
                               comparison_levels=[
        cll.And(cll.NullLevel("given_name"), cll.NullLevel("surname")).configure(is_null_level=True),
        cll.And(cll.ExactMatchLevel("given_name"), cll.ExactMatchLevel("surname")),
        cll.ColumnsReversedLevel("given_name", "surname"),
        cll.And(cll.JaroWinklerLevel("given_name", 0.9), cll.JaroWinklerLevel("surname", 0.9)),
        cll.Or(cll.ExactMatchLevel("given_name"), cll.ExactMatchLevel("surname")),
        cll.Or(cll.JaroWinklerLevel("given_name", 0.8), cll.JaroWinklerLevel("surname", 0.8)),
        cll.ElseLevel(),
    ])
    return [
        name,
        _levenshtein("date_of_birth", [1, 2]),
        _levenshtein("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number"),
        _levenshtein("address_1", [2, 5]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
        _levenshtein("postcode", [1]),
        cl.ExactMatch("state"),
    ]


def febrl_blocking() -> list[Any]:
    """Any one strong field equal, or pairs of weaker ones."""
    return [block_on("given_name", "surname"), block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"), block_on("soc_sec_id"), block_on("postcode", "street_number"),
            block_on("address_1", "surname"), block_on("date_of_birth", "postcode"), block_on("suburb", "given_name")]


FEBRL = Profile(
    name="febrl",
    description="Febrl synthetic persons (public benchmark)",
    prepare=prepare_febrl,
    comparisons=febrl_comparisons,
    blocking=febrl_blocking,
    training_blocks=lambda: [("date_of_birth",), ("surname", "given_name"), ("postcode", "street_number")],
    deterministic=lambda: [block_on("soc_sec_id", "date_of_birth"), block_on("given_name", "surname",
                                                                              "date_of_birth")],
    match_rate=1.0,
)


HISTORICAL_COLUMNS = ("first_name", "surname", "dob", "birth_place", "postcode_fake", "gender", "occupation")
#: words of a full name that are titles or particles, not names ("thomas clifford, 1st baron of chudleigh")
NAME_PARTICLES = frozenset({"the", "of", "and", "de", "von", "van", "sir", "lord", "lady", "baron", "baronet", "earl",
                            "viscount", "duke", "countess", "hon", "rev", "mrs", "miss", "dame", "kcb", "bt"})
FIRST_NAMES = Path(__file__).parent / "data" / "first_names.csv"


@cache
def name_groups() -> dict[str, tuple[str, ...]]:
    """Each given name of ``data/first_names.csv`` -> the keys of the groups it belongs to (a name may be in
    several: harry is a henry and a harold)."""
    groups: dict[str, list[str]] = {}
    for line in FIRST_NAMES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = [n.strip().lower() for n in line.split(",") if n.strip()]
        for name in dict.fromkeys(names):
            groups.setdefault(name, []).append(names[0])
    return {name: tuple(keys) for name, keys in groups.items()}


def first_name_groups(first_names: pd.Series) -> pa.Array:
    """Per cleaned first name, the list of its name groups (the name itself where it is in none)."""
    table = name_groups()
    return pa.array([None if not isinstance(n, str) else list(table.get(n, (n,))) for n in first_names],
                    type=pa.list_(pa.string()))


_SOUNDEX = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"), "l": "4",
            **dict.fromkeys("mn", "5"), "r": "6"}


def soundex(name: str | None) -> str | None:
    """American Soundex of a name (letters only; None when it has none).

    Hand-written (a dozen lines) rather than a new dependency: no phonetic library is installed, DuckDB
    has no soundex, and a precomputed column blocks the same way on every Splink backend.
    """
    letters = "".join(ch for ch in (name or "").lower() if "a" <= ch <= "z")
    if not letters:
        return None
    code, previous = letters[0], _SOUNDEX.get(letters[0], "")
    for ch in letters[1:]:
        digit = _SOUNDEX.get(ch, "")
        if digit and digit != previous:
            code += digit
        if ch not in "hw":  # h and w do not separate two letters of one code; vowels do
            previous = digit
    return (code + "000")[:4]


def surname_keys(first_names: pd.Series, surnames: pd.Series) -> pd.Series:
    """The surname, or the last word of a name given as one word ("gibb", "h.o.forbes") when there is none.

    A lone word is usually the surname here ("gibb" against "jamea gibb"), so blocking on this key pairs
    such records with the full names; the name comparison already has a level for a surname given as the
    other's first name.
    """
    lone = first_names.str.split(r"[\s.]+").str[-1].where(~first_names.str.contains(" ", na=False))
    return surnames.fillna(lone).mask(lambda k: k.str.len().fillna(0) < 2)


#: London's boroughs and districts that records give as a birthplace where others say "london"
LONDON_PLACES = frozenset({
    "westminster", "camden", "lambeth", "marylebone", "southwark", "islington", "hackney", "chelsea", "kensington",
    "hammersmith", "fulham", "wandsworth", "lewisham", "greenwich", "tower", "hamlets", "holborn", "bloomsbury",
    "mayfair", "soho", "clerkenwell", "stepney", "whitechapel", "bermondsey", "battersea", "clapham", "brixton",
    "hampstead", "highgate", "paddington", "pimlico", "chiswick", "ealing", "croydon", "bromley", "barnet",
    "haringey", "brent", "newham", "richmond", "kingston", "merton", "sutton", "hounslow", "hillingdon", "harrow",
    "enfield", "waltham", "redbridge", "havering", "bexley", "barking", "dagenham", "shoreditch", "finsbury",
    "deptford", "woolwich", "stoke", "newington", "st", "pancras", "bethnal", "poplar", "london"})
_PLACE_NOISE = frozenset({"and", "the", "city", "upon", "with", "county", "borough", "of", "on"})


def place_words(places: pd.Series) -> pa.Array:
    """The words of each birthplace ("bristol, city of" -> bristol), plus "london" for a London borough
    ("westminster", "camden"): the same place given as a town in one record and its area in another."""
    out = []
    for place in places.tolist():
        if not isinstance(place, str):
            out.append(None)
            continue
        words = {w for w in re.split(r"[^a-z]+", place.lower()) if len(w) > 2 and w not in _PLACE_NOISE}
        if words & (LONDON_PLACES - {"st", "stoke", "tower", "newington"}):
            words.add("london")
        out.append(sorted(words) or None)
    return pa.array(out, type=pa.list_(pa.string()))


def other_names(full_names: pd.Series, first_names: pd.Series, surnames: pd.Series) -> pa.Array:
    """The words of each full name besides its first name and surname (middle names, a second surname),
    titles, particles, ordinals and initials left out; null when none remain."""
    out = []
    for full, first, last in zip(full_names.tolist(), first_names.tolist(), surnames.tolist(), strict=True):
        if not isinstance(full, str):
            out.append(None)
            continue
        seen = {first, last}
        words = [w for w in re.split(r"[^a-z]+", full.lower()) if len(w) > 2 and w not in NAME_PARTICLES]
        kept = sorted({w for w in words if w not in seen})
        out.append(kept or None)
    return pa.array(out, type=pa.list_(pa.string()))


def prepare_historical(frame: pd.DataFrame) -> pa.Table:
    """Historical figures: names (and the nickname groups of the first name), date of birth, birthplace,
    postcode, gender, occupation; blocking keys derived from them (surname key, its Soundex, the first
    name's first nickname group, birth decade, postcode area)."""
    table = _table(frame, HISTORICAL_COLUMNS)
    first, surname = table.column("first_name").to_pandas(), table.column("surname").to_pandas()
    groups = first_name_groups(first)
    key = surname_keys(first, surname)
    dob, postcode = table.column("dob").to_pandas(), table.column("postcode_fake").to_pandas()
    derived = {
        "first_groups": groups,
        "first_group": pa.array([g[0] if g else None for g in groups.to_pylist()], pa.string()),
        "surname_key": pa.array(key, pa.string(), from_pandas=True),
        "surname_sx": pa.array([soundex(k) if isinstance(k, str) else None for k in key], pa.string()),
        "birth_decade": pa.array(dob.str.slice(0, 3).where(dob.str.len() >= 4), pa.string(), from_pandas=True),
        "postcode_area": pa.array(postcode.str.split(" ").str[0], pa.string(), from_pandas=True),
        "postcode_sector": pa.array(postcode.str.slice(0, -2).where(postcode.str.contains(" ", na=False)),
                                    pa.string(), from_pandas=True),
        "place_words": place_words(table.column("birth_place").to_pandas()),
        "other_names": other_names(frame.get("full_name", pd.Series([None] * len(frame))), first, surname),
    }
    for name, values in derived.items():
        table = table.append_column(name, values)
    return table


_INITIAL = ("(length(first_name_l) <= 2 OR length(first_name_r) <= 2) "
            "AND substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1)")


def _tf(level: Any) -> Any:
    """A level whose agreement is weighed by how common the surname is (Splink's term frequencies)."""
    return level.configure(tf_adjustment_column="surname", tf_adjustment_weight=1.0)


def _place_comparison() -> Any:
    """Birthplace and postcode as one comparison: both say where the person is from, and as two comparisons
    their agreement was counted twice (Splink takes comparisons as independent), so that strangers born in
    one town outscored a person's own records written with a town in one and its borough in the other."""
    comparable = ("(birth_place_l IS NOT NULL AND birth_place_r IS NOT NULL) OR "
                  "(postcode_fake_l IS NOT NULL AND postcode_fake_r IS NOT NULL)")
    return cl.CustomComparison(output_column_name="place", comparison_description="birthplace and postcode",
                               comparison_levels=[
        cll.CustomLevel(f"NOT ({comparable})", "Nothing to compare").configure(is_null_level=True),
        cll.And(cll.ExactMatchLevel("postcode_fake"), cll.ExactMatchLevel("birth_place")).configure(
            label_for_charts="Same postcode and birthplace"),
        cll.ExactMatchLevel("postcode_fake").configure(label_for_charts="Same postcode"),
        cll.And(cll.ExactMatchLevel("postcode_sector"), cll.ExactMatchLevel("birth_place")).configure(
            label_for_charts="Same postcode sector and birthplace"),
        cll.ExactMatchLevel("birth_place").configure(tf_adjustment_column="birth_place", tf_adjustment_weight=1.0,
                                                     label_for_charts="Same birthplace"),
        cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same postcode sector"),
        cll.And(cll.ExactMatchLevel("postcode_area"), cll.ArrayIntersectLevel("place_words", 1)).configure(
            label_for_charts="Same postcode area, a birthplace word in common"),
        cll.ExactMatchLevel("postcode_area").configure(label_for_charts="Same postcode area"),
        cll.ArrayIntersectLevel("place_words", 1).configure(
            label_for_charts="A word of the birthplace in common, or London and one of its boroughs"),
        cll.ElseLevel(),
    ])


def historical_comparisons() -> list[Any]:
    """Splink's own recipe for this data set, with the name comparison aware of swapped names."""
    name = cl.CustomComparison(output_column_name="name", comparison_description="first name and surname",
                               comparison_levels=[
        cll.And(cll.NullLevel("first_name"), cll.NullLevel("surname")).configure(is_null_level=True),
        _tf(cll.And(cll.ExactMatchLevel("first_name"), cll.ExactMatchLevel("surname"))),
        cll.ColumnsReversedLevel("first_name", "surname"),
        _tf(cll.And(cll.ArrayIntersectLevel("first_groups"), cll.ExactMatchLevel("surname")).configure(
            label_for_charts="Nickname or the same name in another language, same surname")),
        cll.And(cll.ArrayIntersectLevel("first_groups"), cll.DamerauLevenshteinLevel("surname", 1)).configure(
            label_for_charts="Same first name or nickname, surname one edit or transposition apart"),
        cll.And(cll.JaroWinklerLevel("first_name", 0.9), cll.JaroWinklerLevel("surname", 0.9)),
        _tf(cll.And(cll.CustomLevel(_INITIAL, "Initial of the first name"), cll.ExactMatchLevel("surname")).configure(
            label_for_charts="Initial agrees with the first name, same surname")),
        _tf(cll.ExactMatchLevel("surname")),
        cll.CustomLevel("first_name_l = surname_r OR surname_l = first_name_r",
                        "A surname given as the other's first name"),
        cll.ExactMatchLevel("first_name").configure(
            tf_adjustment_column="first_name", tf_adjustment_weight=1.0,
            label_for_charts="Same first name, surname differs or missing (weighed by how rare the name is)"),
        cll.ArrayIntersectLevel("first_groups").configure(label_for_charts="Same first name or nickname"),
        cll.Or(cll.JaroWinklerLevel("first_name", 0.8), cll.JaroWinklerLevel("surname", 0.8)),
        cll.ElseLevel(),
    ])
    return [
        name,
        cl.CustomComparison(output_column_name="dob", comparison_description="date of birth", comparison_levels=[
            cll.NullLevel("dob"),
            # 1850-01-01 often stands for "some time in 1850": a common date says less than a rare one
            cll.ExactMatchLevel("dob").configure(tf_adjustment_column="dob", tf_adjustment_weight=1.0),
            # day and month swapped (1504-21-01 for 1504-01-21), or one digit wrong
            cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                            "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "Day and month swapped"),
            cll.LevenshteinLevel("dob", 1), cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "Same year"),
            cll.CustomLevel("abs(try_cast(substr(dob_l, 1, 4) AS INTEGER) - try_cast(substr(dob_r, 1, 4) AS INTEGER)) "
                            "<= 10", "Within ten years"),
            cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="other_names", comparison_description="middle names",
                            comparison_levels=[cll.NullLevel("other_names"), cll.ArrayIntersectLevel("other_names", 2),
                                               cll.ArrayIntersectLevel("other_names", 1), cll.ElseLevel()]),
        _place_comparison(),
        cl.ExactMatch("gender"),
        cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
    ]


def historical_blocking() -> list[Any]:
    """Date of birth, surname (or a lone name) or postcode alone (each pairs under two million), a first name
    with more; then the nickname group or the surname's Soundex with a birthplace, birth decade or postcode
    area, for names written differently in the two records (bessie marchant / elizabeth merchant)."""
    return [block_on("dob"), block_on("surname_key"), block_on("postcode_fake"), block_on("first_name", "birth_place"),
            block_on("first_name", "substr(dob, 1, 4)"), block_on("first_name", "occupation"),
            block_on("substr(first_name, 1, 2)", "substr(surname, 1, 2)", "birth_place"),
            block_on("birth_place", "substr(dob, 1, 4)", "gender"),
            block_on("postcode_area", "substr(dob, 1, 4)"),
            block_on("first_group", "birth_place"), block_on("first_group", "surname_sx"),
            block_on("surname_sx", "birth_place"), block_on("occupation", "birth_place"),
            block_on("surname_sx", "birth_decade"), block_on("first_group", "postcode_area"),
            block_on("surname_sx", "postcode_area")]


HISTORICAL = Profile(
    name="historical",
    description="historical figures with errors (public benchmark)",
    prepare=prepare_historical,
    comparisons=historical_comparisons,
    blocking=historical_blocking,
    training_blocks=lambda: [("dob",), ("first_name", "surname"), ("postcode_fake",)],
    deterministic=lambda: [block_on("first_name", "surname", "dob"), block_on("surname", "dob", "postcode_fake")],
    match_rate=1.0,
)


def register_person_profiles() -> None:
    """Make ``febrl`` and ``historical`` available to ``get_profile``."""
    for profile in (FEBRL, HISTORICAL):
        if profile.name not in PROFILES:
            register_profile(profile)
