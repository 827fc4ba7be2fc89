"""Known entity rows kept between ``match_records`` calls, with their matching features prepared once.

An import matches chunk after chunk against the same, slowly growing set of entity rows. Preparing the
features of every row again for each chunk (names, addresses, bigram bit sets) cost more than the
matching itself at a hundred thousand entities; here each distinct row is prepared once, when it is
first asked for, and the prepared parts are concatenated. Features are per row (``company_features``
looks at no other row), so preparing in parts gives the same table as preparing all rows at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .profiles import UID, get_profile

COLUMNS = ("entity_id", "name", "address", "district", "legal_rep", "phone", "latitude", "longitude")


class EntityRows:
    """Distinct entity rows (``entity_id`` plus identity fields), in the order first added."""

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []
        self._seen: set[tuple[Any, ...]] = set()
        #: profile name -> (rows prepared so far, prepared parts, their concatenation or None)
        self._prepared: dict[str, tuple[int, list[pa.Table], pa.Table | None]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, row: dict[str, Any]) -> None:
        """Add one row (a dict with any of ``COLUMNS``); an exact repeat of a known row is ignored."""
        key = tuple(row.get(c) for c in COLUMNS)
        if key in self._seen:
            return
        self._seen.add(key)
        self._rows.append(key)

    def frame(self) -> pd.DataFrame:
        """The rows as the entities frame of ``match_records``."""
        return pd.DataFrame(self._rows, columns=list(COLUMNS))

    def entity_ids(self) -> np.ndarray:
        """The entity of each row."""
        return np.fromiter((r[0] for r in self._rows), dtype="int64", count=len(self._rows))

    def prepared(self, profile_name: str) -> pa.Table:
        """The rows' features for ``profile_name`` (``uid`` = row position), preparing only rows new since last."""
        done, parts, whole = self._prepared.get(profile_name, (0, [], None))
        if done < len(self._rows) or whole is None:
            if done < len(self._rows):
                frame = pd.DataFrame(self._rows[done:], columns=list(COLUMNS))
                frame[UID] = np.arange(done, len(self._rows), dtype="int64")
                parts = [*parts, get_profile(profile_name).prepare(frame)]
            whole = pa.concat_tables(parts, promote_options="default").combine_chunks() if parts else None
            if whole is not None and len(parts) > 1:
                parts = [whole]
            self._prepared[profile_name] = (len(self._rows), parts, whole)
        return whole
