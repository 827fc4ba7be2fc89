"""Days as integers: the generation window, random dates inside it, conversion to pandas datetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


def to_datetime(days: np.ndarray) -> pd.Series:
    """Day numbers to a datetime64[s] Series; negative numbers (the 'none' sentinel) become NaT."""
    days = np.asarray(days, dtype=np.int64)
    out = days.astype("datetime64[D]").astype("datetime64[s]")
    out[days < 0] = np.datetime64("NaT")
    return pd.Series(out)


@dataclass(frozen=True)
class Timeline:
    """The generation window [start, end] and helpers to draw days inside it."""

    start: date
    end: date

    @property
    def start_day(self) -> int:
        """First day of the window as a day number."""
        return day_number(self.start)

    @property
    def end_day(self) -> int:
        """Last day of the window as a day number."""
        return day_number(self.end)

    def years(self) -> list[tuple[int, int, int]]:
        """(year, first day, last day) of each calendar year overlapping the window, clipped to it."""
        out = []
        for y in range(self.start.year, self.end.year + 1):
            lo = max(day_number(date(y, 1, 1)), self.start_day)
            hi = min(day_number(date(y, 12, 31)), self.end_day)
            out.append((y, lo, hi))
        return out


def between(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniform day in [lo, hi] for each pair (hi below lo gives lo)."""
    lo = np.asarray(lo, dtype=np.int64)
    span = np.maximum(np.asarray(hi, dtype=np.int64) - lo, 0) + 1
    return lo + (rng.random(len(lo)) * span).astype(np.int64)


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
