"""Linkage profiles: what a record is compared on, how candidates are blocked, how the model is trained.

A profile bundles the feature preparation, the Splink comparisons, the blocking rules and the
training recipe for one kind of record. ``company`` links market entities (Chinese and English names,
addresses, legal representative, phone, coordinates); the person profiles in ``persons.py`` serve the
public benchmarks. Comparisons and rules are built fresh on each call (Splink creators are mutable)
and are written in backend-neutral terms, so the same profile renders for DuckDB or Spark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on

from .features import company_features
from .levels import GramOverlapLevel, NumberRangeLevel, PeriodNullLevel, WithinPeriodLevel

UID = "uid"


@dataclass(frozen=True)
class Profile:
    """Everything the engine needs to link one kind of record."""

    name: str
    description: str
    #: raw frame (with a ``uid`` column) -> Arrow table of features keyed by ``uid``
    prepare: Callable[[pd.DataFrame], pa.Table]
    comparisons: Callable[[], list[Any]]
    #: rules that generate the candidate pairs to score
    blocking: Callable[[], list[Any]]
    #: columns blocked on in each expectation-maximisation session (the others are estimated in it)
    training_blocks: Callable[[], list[tuple[str, ...]]]
    #: rules that almost only pair true matches, to estimate the prior match probability
    deterministic: Callable[[], list[Any]]
    #: blocking-key columns whose too frequent values (shared by more than ``cap`` rows) are dropped
    capped: tuple[str, ...] = ()
    cap: int = 300
    #: share of incoming records expected to have a match among the entities (sets the prior)
    match_rate: float = 0.9
    #: columns whose exact agreement is weighed by how many entities share the value
    tf_columns: tuple[str, ...] = field(default=())
    #: expected namesakes outside the entity list per value (see ``engine.term_frequencies``)
    tf_smoothing: float = 0.1


def _null(col: str) -> Any:
    return cll.NullLevel(col)


def _exact(col: str, tf: bool = False) -> Any:
    level = cll.ExactMatchLevel(col)
    if tf:
        level.configure(tf_adjustment_column=col, tf_adjustment_weight=1.0, tf_minimum_u_value=1e-9)
    return level


#: "SMOKEHOUSE" and "SMOKEHOUSE RESTAURANT", "JAPONAIS" and "JAPONAIS BY MORIMOTO": a trading name and
#: the same name with a descriptor or a branch after it (cores have no spaces; substr/length/least read the
#: same on DuckDB and Spark)
_NAME_PREFIX = ("least(length(name_core_l), length(name_core_r)) >= 4 AND "
                "(substr(name_core_l, 1, length(name_core_r)) = name_core_r OR "
                "substr(name_core_r, 1, length(name_core_l)) = name_core_l)")

#: "QDOBA MEXICAN GRILL" and "QDOBA MEXICAN EATS #2447", "LITTLE CAESAR'S PIZZA" and "LITTLE CAESAR ENTERPRISES"
_NAME_HEAD = ("length(name_core_l) >= 8 AND length(name_core_r) >= 8 AND "
              "substr(name_core_l, 1, 8) = substr(name_core_r, 1, 8)")


def company_comparisons() -> list[Any]:
    """Name, region in the name, place, legal representative, phone, and the date against the period.

    Address, coordinates and district are one comparison ("place"): they describe the same thing, and
    as separate comparisons their agreement would be counted two or three times over (Splink assumes
    comparisons independent given match status), outweighing a name that disagrees.
    """
    name = cl.CustomComparison(output_column_name="name", comparison_description="company name", comparison_levels=[
        _null("name_core"),
        _exact("name_norm", tf=True).configure(label_for_charts="Same name"),
        _exact("name_core", tf=True).configure(label_for_charts="Same trade name, legal suffix differs"),
        GramOverlapLevel("name", 0.8),
        cll.CustomLevel(_NAME_PREFIX, "One trade name begins with the other"),
        cll.CustomLevel(_NAME_HEAD, "Trade names begin with the same eight characters"),
        GramOverlapLevel("name", 0.6),
        GramOverlapLevel("name", 0.4),
        cll.ElseLevel(),
    ])
    city = cl.CustomComparison(output_column_name="name_city", comparison_description="region in the name",
                               comparison_levels=[_null("name_city"), _exact("name_city"), cll.ElseLevel()])
    place = cl.CustomComparison(output_column_name="place", comparison_description="address and location",
                                comparison_levels=[
        cll.And(cll.NullLevel("addr_norm"), cll.Or(cll.NullLevel("latitude"), cll.NullLevel("longitude")),
                cll.NullLevel("district")).configure(is_null_level=True, label_for_charts="Place unknown"),
        _exact("addr_norm", tf=True).configure(label_for_charts="Same address"),
        cll.CustomLevel("addr_site_l = addr_site_r AND (addr_unit_l IS NULL OR addr_unit_r IS NULL)",
                        "Same premises, unit given once"),
        cll.CustomLevel("addr_site_l = addr_site_r", "Same premises, different unit"),
        NumberRangeLevel(),
        GramOverlapLevel("addr", 0.7),
        cll.DistanceInKMLevel("latitude", "longitude", 0.03).configure(label_for_charts="Within 30 m"),
        cll.DistanceInKMLevel("latitude", "longitude", 0.2).configure(label_for_charts="Within 200 m"),
        _exact("district").configure(label_for_charts="Same district"),
        cll.ElseLevel().configure(label_for_charts="Different place"),
    ])
    rep = cl.CustomComparison(output_column_name="legal_rep", comparison_description="legal representative",
                              comparison_levels=[_null("rep_norm"), _exact("rep_norm"),
                                                 GramOverlapLevel("rep", 0.5), cll.ElseLevel()])
    phone = cl.CustomComparison(output_column_name="phone", comparison_description="phone",
                                comparison_levels=[_null("phone_norm"), _exact("phone_norm"), cll.ElseLevel()])
    outside = cll.ElseLevel().configure(label_for_charts="Dated outside the period")
    period = cl.CustomComparison(output_column_name="period", comparison_description="date within the period",
                                 comparison_levels=[PeriodNullLevel().configure(is_null_level=True),
                                                    WithinPeriodLevel(0), WithinPeriodLevel(183), outside])
    # many businesses at one street address (an airport): the terminal named in the unit or the name decides
    terminal = cl.CustomComparison(output_column_name="terminal", comparison_description="terminal (airports)",
                                   comparison_levels=[_null("terminal"), _exact("terminal"), cll.ElseLevel()])
    return [name, city, place, rep, phone, period, terminal]


def company_blocking() -> list[Any]:
    """Candidate pairs: same name or trade name, same address, same premises and initial, phone,
    representative and initial, nearby with the same two first letters, name prefix and house number."""
    return [
        block_on("bk_name_norm"),
        block_on("bk_name_core"),
        block_on("bk_addr_norm"),
        block_on("bk_site_initial"),
        block_on("bk_phone_norm"),
        block_on("bk_rep_prefix"),
        block_on("bk_geo_name"),
        block_on("bk_prefix_number"),
    ]


def company_training_blocks() -> list[tuple[str, ...]]:
    """EM sessions: blocked on name (estimates the rest), then on premises, phone, representative.

    The premises session blocks on district and coordinates too: they are derived from the address,
    so leaving them free would let EM take every pair at one address for a match (they always agree).
    """
    return [("name_norm",), ("addr_site", "district", "latitude", "longitude"), ("phone_norm",), ("rep_norm",)]


def company_deterministic() -> list[Any]:
    """Pairs that are nearly always the same entity."""
    return [block_on("name_norm", "addr_norm"), block_on("name_norm", "phone_norm"),
            block_on("name_norm", "rep_norm")]


def _prefix(values: pa.Array, n: int) -> pa.Array:
    """First ``n`` characters, null when shorter."""
    long_enough = pc.greater_equal(pc.utf8_length(values), n)
    return pc.if_else(long_enough, pc.utf8_slice_codeunits(values, 0, n), pa.scalar(None, pa.string()))


def _joined(*parts: pa.Array) -> pa.Array:
    """Parts joined with ':' (null where any part is null)."""
    return pc.binary_join_element_wise(*[pc.cast(p, pa.string()) for p in parts], ":")


def prepare_company(frame: pd.DataFrame) -> pa.Table:
    """Features of a company frame (with a ``uid`` column) plus its derived blocking keys."""
    columns = company_features(frame, frame[UID].to_numpy())
    cell = _joined(pc.cast(pc.round(pc.multiply(columns["latitude"], 400.0)), pa.int64()),
                   pc.cast(pc.round(pc.multiply(columns["longitude"], 400.0)), pa.int64()))
    columns["bk_geo_name"] = _joined(cell, _prefix(columns["name_core"], 2))
    columns["bk_prefix_number"] = _joined(_prefix(columns["name_core"], 2),
                                          pc.cast(columns["addr_lo"], pa.int64()))
    columns["bk_rep_prefix"] = _joined(columns["rep_norm"], _prefix(columns["name_core"], 1))
    columns["bk_site_initial"] = _joined(columns["addr_site"], _prefix(columns["name_core"], 1))
    for col in ("name_norm", "name_core", "addr_norm", "phone_norm"):
        columns[f"bk_{col}"] = columns[col]
    return pa.table(columns)


COMPANY = Profile(
    name="company",
    description="market entities: names (Chinese and English), address, legal representative, phone, place",
    prepare=prepare_company,
    comparisons=company_comparisons,
    blocking=company_blocking,
    training_blocks=company_training_blocks,
    deterministic=company_deterministic,
    capped=("bk_name_norm", "bk_name_core", "bk_addr_norm", "bk_site_initial", "bk_phone_norm", "bk_rep_prefix",
            "bk_geo_name", "bk_prefix_number"),
    cap=100,
    match_rate=0.9,
    tf_columns=("name_norm", "name_core", "addr_norm"),
)

PROFILES: dict[str, Profile] = {COMPANY.name: COMPANY}


def register_profile(profile: Profile) -> None:
    """Make a profile available by name."""
    PROFILES[profile.name] = profile


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a clear error for an unknown one."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown linkage profile {name!r}; known: {', '.join(sorted(PROFILES))}") from None
