"""Comparison levels Splink lacks: character-gram overlap (Chinese-safe) and house-number ranges.

Splink's string-distance levels run DuckDB's levenshtein / jaro_winkler, which count UTF-8 bytes, not
characters: one changed Chinese character is three edits and unrelated Chinese names look alike
because their bytes share prefixes. Overlap of precomputed character-bigram bit sets is character-level
and cheap on every backend (``bit_count(a & b)`` on DuckDB and Spark).
"""

from __future__ import annotations

from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect


class GramOverlapLevel(ComparisonLevelCreator):
    """Dice overlap of two values' character-bigram sets (``features.gram_bits``) at or above ``threshold``."""

    def __init__(self, prefix: str, threshold: float, words: int = 4) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"GramOverlapLevel threshold must be in (0, 1], got {threshold}")
        self.prefix, self.threshold, self.words = prefix, threshold, words

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        """SQL condition: bit_count and & read the same on DuckDB and Spark."""
        p = self.prefix
        common = " + ".join(f"bit_count({p}_gw{w}_l & {p}_gw{w}_r)" for w in range(self.words))
        return f"({common}) * 2.0 / ({p}_gn_l + {p}_gn_r) >= {self.threshold}"

    def create_label_for_charts(self) -> str:
        """Label shown in charts and in the review page."""
        return f"{self.prefix} similar (bigram overlap >= {self.threshold:g})"


class NumberRangeLevel(ComparisonLevelCreator):
    """Same street, and house-number ranges that overlap (224-230 N MICHIGAN AVE vs 230 N MICHIGAN AVE)."""

    def __init__(self, street: str = "addr_street", low: str = "addr_lo", high: str = "addr_hi") -> None:
        self.street, self.low, self.high = street, low, high

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        """SQL condition (plain comparisons: the same on every dialect)."""
        s, lo, hi = self.street, self.low, self.high
        return (f"{s}_l = {s}_r AND {lo}_l <= {hi}_r AND {lo}_r <= {hi}_l")

    def create_label_for_charts(self) -> str:
        """Label shown in charts and in the review page."""
        return "Same street, house numbers overlap"


_DAY = "coalesce(day_l, day_r)"
_FROM = "coalesce(day_from_l, day_from_r, -1e9)"
_TO = "coalesce(day_to_l, day_to_r, 1e9)"


class PeriodNullLevel(ComparisonLevelCreator):
    """No date to compare: the record has none, or the entity row has no period."""

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        """SQL condition (symmetric: either side may be the record)."""
        return f"{_DAY} IS NULL OR coalesce(day_from_l, day_from_r, day_to_l, day_to_r) IS NULL"

    def create_label_for_charts(self) -> str:
        """Label shown in charts and in the review page."""
        return "No date or no period"


class WithinPeriodLevel(ComparisonLevelCreator):
    """The record's date lies within the entity row's period, widened by ``margin_days`` on each side."""

    def __init__(self, margin_days: int = 0) -> None:
        self.margin_days = margin_days

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        """SQL condition on day numbers (days since 1970), so every backend reads it the same way."""
        m = self.margin_days
        return f"{_DAY} >= {_FROM} - {m} AND {_DAY} <= {_TO} + {m}"

    def create_label_for_charts(self) -> str:
        """Label shown in charts and in the review page."""
        return "Dated within the period" if not self.margin_days else \
            f"Dated within {self.margin_days} days of the period"
