"""Person profiles for the public linkage benchmarks: Febrl 4 (two files) and historical figures (one file).

They exercise the same engine (``engine.score_pairs``, ``training.train_model``) as the company profile,
on data whose truth is published, so a change to the engine that hurts linkage in general shows up here.
Register them with ``register_person_profiles()``; the platform itself links companies only.
"""

from __future__ import annotations

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


def prepare_historical(frame: pd.DataFrame) -> pa.Table:
    """Historical figures: names, date of birth, birthplace, postcode, gender, occupation."""
    return _table(frame, HISTORICAL_COLUMNS)


def historical_comparisons() -> list[Any]:
    """Splink's own recipe for this data set, with the name comparison aware of swapped names."""
    name = cl.CustomComparison(output_column_name="name", comparison_description="first name and surname",
                               comparison_levels=[
        cll.And(cll.NullLevel("first_name"), cll.NullLevel("surname")).configure(is_null_level=True),
        cll.And(cll.ExactMatchLevel("first_name"), cll.ExactMatchLevel("surname")),
        cll.ColumnsReversedLevel("first_name", "surname"),
        cll.And(cll.JaroWinklerLevel("first_name", 0.9), cll.JaroWinklerLevel("surname", 0.9)),
        cll.ExactMatchLevel("surname"),
        cll.ExactMatchLevel("first_name"),
        cll.Or(cll.JaroWinklerLevel("first_name", 0.8), cll.JaroWinklerLevel("surname", 0.8)),
        cll.ElseLevel(),
    ])
    return [
        name,
        cl.CustomComparison(output_column_name="dob", comparison_description="date of birth", comparison_levels=[
            cll.NullLevel("dob"), cll.ExactMatchLevel("dob"),
            # day and month swapped (1504-21-01 for 1504-01-21), or one digit wrong
            cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                            "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "Day and month swapped"),
            cll.LevenshteinLevel("dob", 1), cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "Same year"),
            cll.CustomLevel("abs(try_cast(substr(dob_l, 1, 4) AS INTEGER) - try_cast(substr(dob_r, 1, 4) AS INTEGER)) "
                            "<= 10", "Within ten years"),
            cll.ElseLevel()]),
        cl.PostcodeComparison("postcode_fake"),
        cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
        cl.ExactMatch("gender"),
        cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
    ]


def historical_blocking() -> list[Any]:
    """Date of birth, surname or postcode alone (each pairs under two million), or a first name with more."""
    return [block_on("dob"), block_on("surname"), block_on("postcode_fake"), block_on("first_name", "birth_place"),
            block_on("first_name", "substr(dob, 1, 4)"), block_on("first_name", "occupation"),
            block_on("substr(first_name, 1, 2)", "substr(surname, 1, 2)", "birth_place")]


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
