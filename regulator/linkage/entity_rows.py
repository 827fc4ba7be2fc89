"""Known entity rows for repeated ``match_records`` calls, with matching features prepared once per row.

An import matches chunk after chunk against the same, slowly growing set of entity rows, and a run of
imports (a directory of files) loads that set again for each file. Preparing the features of every row
again each time (names, addresses, bigram bit sets) cost more than the matching itself at a hundred
thousand entities. Features depend on the row alone (``company_features`` looks at no other row), so
they are kept per distinct row content in a ``FeatureCache`` shared by the process: a row is prepared
the first time it is seen, and a table for any list of rows is taken from the cache.
"""

from __future__ import annotations

import threading
from itertools import compress
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .profiles import UID, get_profile

COLUMNS = ("entity_id", "name", "address", "district", "legal_rep", "phone", "latitude", "longitude")
Row = tuple[Any, ...]


class FeatureCache:
    """Prepared features per (profile, row content), for rows of ``COLUMNS``; cleared past ``limit`` rows."""

    def __init__(self, limit: int = 3_000_000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._positions: dict[str, dict[Row, int]] = {}
        self._tables: dict[str, pa.Table] = {}

    def take(self, profile_name: str, rows: list[Row], first_uid: int) -> pa.Table:
        """Features of ``rows`` (preparing those not seen before), with ``uid`` numbered from ``first_uid``."""
        with self._lock:
            positions = self._positions.setdefault(profile_name, {})
            missing = list(dict.fromkeys(r for r in rows if r not in positions))
            if len(positions) + len(missing) > self.limit:
                positions.clear()
                self._tables.pop(profile_name, None)
                missing = list(dict.fromkeys(rows))
            if missing:
                frame = pd.DataFrame(missing, columns=list(COLUMNS))
                frame[UID] = np.arange(len(missing), dtype="int64")
                prepared = get_profile(profile_name).prepare(frame)
                start = len(positions)
                positions.update(zip(missing, range(start, start + len(missing)), strict=True))
                old = self._tables.get(profile_name)
                self._tables[profile_name] = prepared if old is None else pa.concat_tables(
                    [old, prepared], promote_options="default")
            table = self._tables[profile_name]
            index = np.fromiter(map(positions.__getitem__, rows), dtype="int64", count=len(rows))
        part = table.take(pa.array(index))
        uids = pa.array(np.arange(first_uid, first_uid + len(rows), dtype="int64"))
        return part.set_column(part.schema.get_field_index(UID), UID, uids)


#: the process's cache (features are a pure function of the row, so every import may share it)
FEATURES = FeatureCache()


class EntityRows:
    """Distinct entity rows (``entity_id`` plus identity fields), in the order first added."""

    def __init__(self, cache: FeatureCache | None = None) -> None:
        self._rows: list[Row] = []
        self._seen: set[Row] = set()
        self._cache = cache or FEATURES
        #: profile name -> (rows prepared so far, prepared parts, their concatenation)
        self._prepared: dict[str, tuple[int, list[pa.Table], pa.Table | None]] = {}
        #: the entity of each of the first rows (extended as rows are added)
        self._ids = np.zeros(0, dtype="int64")

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, row: dict[str, Any]) -> None:
        """Add one row (a dict with any of ``COLUMNS``); an exact repeat of a known row is ignored."""
        key = tuple(row.get(c) for c in COLUMNS)
        if key in self._seen:
            return
        self._seen.add(key)
        self._rows.append(key)

    def extend(self, rows: list[Row]) -> None:
        """Add rows given as tuples in ``COLUMNS`` order (exact repeats of known rows are ignored)."""
        seen, kept = self._seen, self._rows
        for key in rows:
            if key not in seen:
                seen.add(key)
                kept.append(key)

    def replace(self, entity_ids: set[int], rows: list[Row]) -> None:
        """Drop every row of ``entity_ids`` and add ``rows`` (their rows now) after the others.

        Features already prepared for the kept rows stay (filtered, ``uid`` renumbered): taking every
        row from the cache again after each file cost more than the file's matching at 300k rows.
        """
        ids = self.entity_ids()
        keep = ~np.isin(ids, np.fromiter(entity_ids, dtype="int64", count=len(entity_ids)))
        prepared: dict[str, tuple[int, list[pa.Table], pa.Table | None]] = {}
        for name, (done, _, whole) in self._prepared.items():
            if whole is None:
                continue
            part = whole.filter(pa.array(keep[:done]))
            uids = pa.array(np.arange(part.num_rows, dtype="int64"))
            part = part.set_column(part.schema.get_field_index(UID), UID, uids)
            prepared[name] = (part.num_rows, [part], part)
        old = self._rows
        for i in np.flatnonzero(~keep).tolist():
            self._seen.discard(old[i])  # the rows kept are exactly the others: no set rebuilt
        self._rows = list(compress(old, keep.tolist()))
        self._ids, self._prepared = ids[keep], prepared
        self.extend(rows)

    def frame(self) -> pd.DataFrame:
        """The rows as the entities frame of ``match_records``."""
        return pd.DataFrame(self._rows, columns=list(COLUMNS))

    def entity_ids(self) -> np.ndarray:
        """The entity of each row."""
        done = len(self._ids)
        if done < len(self._rows):
            added = np.fromiter((r[0] for r in self._rows[done:]), dtype="int64", count=len(self._rows) - done)
            self._ids = np.concatenate([self._ids, added])
        return self._ids

    def prepared(self, profile_name: str) -> pa.Table | None:
        """The rows' features for ``profile_name`` (``uid`` = row position); None when there are no rows."""
        done, parts, whole = self._prepared.get(profile_name, (0, [], None))
        if done < len(self._rows):
            parts = [*parts, self._cache.take(profile_name, self._rows[done:], done)]
            whole = pa.concat_tables(parts, promote_options="default").combine_chunks()
            parts = [whole]
            self._prepared[profile_name] = (len(self._rows), parts, whole)
        return whole
