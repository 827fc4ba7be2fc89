"""Matching features of company records: normalised names, addresses, people, phones, places and dates.

Columns in, Arrow arrays out, vectorised end to end (``textvec`` for the text rules on distinct values,
numpy for the character-bigram bit sets), so that a million entity rows are prepared in seconds.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import textvec

log = logging.getLogger(__name__)

#: identity fields of the contract frames (records and entities); any of them may be absent or null
IDENTITY_COLUMNS = ("name", "address", "district", "legal_rep", "phone", "latitude", "longitude")
#: optional time fields: the date of a record; the period an entity row was valid (licence term,
#: registration to cancellation). A record dated inside a row's period agrees with it.
TIME_COLUMNS = ("record_date", "valid_from", "valid_to")
_EPOCH = pd.Timestamp("1970-01-01")
_NULL = pa.scalar(None, pa.string())


def text_column(frame: pd.DataFrame, name: str) -> pa.Array:
    """A frame column as Arrow strings (numbers written out, blanks and NA as null); absent: all null."""
    if name not in frame.columns:
        return pa.nulls(len(frame), pa.string())
    values = frame[name]
    if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
        values = values.astype("string")
    try:
        array = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array([None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
                          for v in values.tolist()], type=pa.string())
    return array


def float_column(frame: pd.DataFrame, name: str) -> pa.Array:
    """A numeric frame column as float64 (unreadable values null); absent: all null."""
    if name not in frame.columns:
        return pa.nulls(len(frame), pa.float64())
    return pa.array(pd.to_numeric(frame[name], errors="coerce").astype("float64").to_numpy(), from_pandas=True)


def day_numbers(series: pd.Series) -> pa.Array:
    """Dates (any parseable form) as days since 1970 (float, null when missing or unreadable)."""
    dates = pd.to_datetime(series, errors="coerce", format="mixed")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return pa.array(((dates - _EPOCH) / pd.Timedelta(days=1)).astype("float64").to_numpy(), from_pandas=True)


def _days(frame: pd.DataFrame, name: str) -> pa.Array:
    return day_numbers(frame[name]) if name in frame.columns else pa.nulls(len(frame), pa.float64())


#: bigram sets are kept as fixed-size bit sets: WORDS x 64 bits, compared with bit_count(a & b)
WORDS = 4
_MAX_CHARS = 62


def gram_bits(values: pa.Array) -> dict[str, pa.Array]:
    """Character bigrams of each value (with start and end markers) as a 256-bit set, plus its size.

    Character-level on purpose: Chinese names have no spaces, so token-based similarity degrades;
    bigram overlap treats 华盛达贸易 and 华胜达贸易 as close and works for English too. Hashed into bits
    so that comparing two values is four ``bit_count(a & b)`` (fast on DuckDB and Spark alike) instead
    of intersecting lists of strings. Returns ``w0`` .. ``w3`` (int64) and ``n`` (bits set); null in,
    null out. Computed on the distinct values, over one flat array of code points.
    """
    uniques = pc.unique(values.drop_null())
    index = pc.index_in(values, value_set=uniques)
    padded = ["^" + v[:_MAX_CHARS] + "$" for v in uniques.to_pylist()]
    n = len(padded)
    words = np.zeros(n * WORDS, dtype=np.uint64)
    count = np.zeros(n, dtype=np.int64)
    if n:
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=n)
        codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        first = np.ones(len(codes) - 1, dtype=bool)
        first[np.cumsum(lengths)[:-1] - 1] = False  # a pair may not span two values
        row = np.repeat(np.arange(n, dtype=np.int64), lengths)[:-1][first]
        mixed = (codes[:-1][first] * np.uint64(1_000_003) + codes[1:][first]) * np.uint64(0x9E3779B97F4A7C15)
        bucket = mixed >> np.uint64(56)  # 0..255
        group = row * WORDS + (bucket >> np.uint64(6)).astype(np.int64)
        np.bitwise_or.at(words, group, np.uint64(1) << (bucket & np.uint64(63)))
        count = np.bitwise_count(words.reshape(n, WORDS)).sum(axis=1).astype(np.int64)
    words = words.reshape(n, WORDS).view(np.int64)
    out = {f"w{w}": pc.take(pa.array(np.ascontiguousarray(words[:, w])), index) for w in range(WORDS)}
    out["n"] = pc.take(pa.array(count), index)
    return out


def dice(a: str, b: str) -> float:
    """Bigram overlap of two values as the engine computes it (for tests and explanations)."""
    bits = gram_bits(pa.array([a, b], pa.string()))
    common = sum(((bits[f"w{w}"][0].as_py() & bits[f"w{w}"][1].as_py()) & 0xFFFFFFFFFFFFFFFF).bit_count()
                 for w in range(WORDS))
    return 2.0 * common / (bits["n"][0].as_py() + bits["n"][1].as_py())


def on_uniques(values: pa.Array, fn) -> dict[str, pa.Array]:  # noqa: ANN001 - fn: Array -> dict of Arrays
    """Apply a column function to the distinct values only, then spread the results back."""
    uniques = pc.unique(values)
    index = pc.index_in(values, value_set=uniques, skip_nulls=False)
    return {key: pc.take(result, index) for key, result in fn(uniques).items()}


def districts(values: pa.Array) -> pa.Array:
    """福田区 / 福田 / 深圳市福田区 fold to 福田; a US ZIP+4 folds to its ZIP (``normalise_district``)."""
    text = pc.replace_substring(pc.fill_null(textvec.fold(values), ""), " ", "")
    text = pc.replace_substring_regex(text, "^(?:深圳市|广东省)+", "")
    text = pc.replace_substring_regex(text, r"^(\d{5})(?:-\d{4})?$", r"\1")
    text = pc.replace_substring_regex(text, r"^(..+?)(?:新区|区|县)$", r"\1")
    return pc.if_else(pc.equal(text, ""), _NULL, text)


def normalise_district(raw: str | None) -> str | None:
    """One district value (see ``districts``)."""
    return districts(pa.array([raw], pa.string()))[0].as_py()


def phones(values: pa.Array) -> pa.Array:
    """The last eight digits (area codes and +86 written or not); fewer than seven digits: null."""
    digits = pc.replace_substring_regex(pc.utf8_normalize(pc.fill_null(values, ""), form="NFKC"), r"\D+", "")
    digits = pc.replace_substring_regex(digits, r"^(?:0086|86)(\d{11})$", r"\1")
    key = pc.utf8_slice_codeunits(digits, -8)
    return pc.if_else(pc.less(pc.utf8_length(digits), 7), _NULL, key)


def phone_key(raw: str | None) -> str | None:
    """One phone value (see ``phones``)."""
    return phones(pa.array([raw], pa.string()))[0].as_py()


def _coordinate(frame: pd.DataFrame, name: str, low: float, high: float) -> pa.Array:
    values = float_column(frame, name)
    ok = pc.and_(pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high)), pc.not_equal(values, 0.0))
    return pc.if_else(ok, values, pa.scalar(None, pa.float64()))


#: "T1", "T-3", "TERM 3", "TERMINAL 2", "T3航站楼": the terminal of an airport, where every shop has one street
#: address (O'Hare's is 11601 W TOUHY AVE) and a name or a unit that says which building it is in
_TERMINAL = r"(?:^|[^a-z0-9])t(?:er|erm|ermi|erminal|ermnl)?\s*[-.]?\s*(?P<n>[1-9])(?:[^0-9]|$)"


def _terminal(values: pa.Array) -> dict[str, pa.Array]:
    match = pc.extract_regex(pc.fill_null(textvec.fold(values), ""), _TERMINAL)
    number = pc.if_else(pc.is_valid(match), pc.struct_field(match, "n"), _NULL)
    return {"t": pc.binary_join_element_wise(pa.scalar("t"), number, "")}


def terminals(*columns: pa.Array) -> pa.Array:
    """The terminal a row names ("t1" ...): from the first of ``columns`` (address, name, other name) that
    names one; null when none does."""
    return pc.coalesce(*[on_uniques(values, _terminal)["t"] for values in columns])


def company_features(frame: pd.DataFrame, uid: np.ndarray) -> dict[str, pa.Array]:
    """The matching features of a records or entities frame, one row per input row (same order)."""
    names = on_uniques(text_column(frame, "name"), textvec.company_names)
    addr = on_uniques(text_column(frame, "address"), textvec.addresses)
    rep = on_uniques(text_column(frame, "legal_rep"), lambda v: {"norm": textvec.person_names(v)})["norm"]
    columns = {
        "uid": pa.array(np.asarray(uid, dtype="int64")),
        "name_norm": names["norm"], "name_core": names["core"], "name_city": names["city"],
        "addr_norm": addr["norm"], "addr_site": addr["site"], "addr_unit": addr["unit"],
        "addr_street": addr["street"], "addr_lo": addr["lo"], "addr_hi": addr["hi"],
        # the record's, whichever of its names says it: an inspection's "also known as" often holds the terminal
        "terminal": terminals(text_column(frame, "address"), text_column(frame, "name"),
                              text_column(frame, "alt_name")),
        "district": on_uniques(text_column(frame, "district"), lambda v: {"d": districts(v)})["d"],
        "rep_norm": rep,
        "phone_norm": phones(text_column(frame, "phone")),
        "latitude": _coordinate(frame, "latitude", -90.0, 90.0),
        "longitude": _coordinate(frame, "longitude", -180.0, 180.0),
        "day": _days(frame, "record_date"), "day_from": _days(frame, "valid_from"),
        "day_to": _days(frame, "valid_to"),
    }
    for prefix, source in (("name", names["core"]), ("addr", addr["norm"]), ("rep", rep)):
        for key, values in gram_bits(source).items():
            columns[f"{prefix}_g{key}"] = values
    return columns
