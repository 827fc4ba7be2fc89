"""Known entity rows for repeated ``match_records`` calls, with matching features prepared once per row.

An import matches chunk after chunk against the same, slowly growing set of entity rows, and a run of
imports (a directory of files) loads that set again for each file. Preparing the features of every row
again each time (names, addresses, bigram bit sets) cost more than the matching itself at a hundred
thousand entities. Features depend on the row alone (``company_features`` looks at no other row), so
they are kept per distinct row content in a ``FeatureCache`` shared by the process: a row is prepared
the first time it is seen, and a table for any list of rows is taken from the cache.

What ``match_records`` needs from *all* rows (each capped blocking key's row count, the entities
holding each term-frequency value, the number of entities) is kept up to date in a ``KeyStats`` as
rows are prepared and dropped, so a call costs what its chunk's candidates cost, not what the whole
set costs.
"""

from __future__ import annotations

import threading
from itertools import compress
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .profiles import UID, get_profile

COLUMNS = ("entity_id", "name", "address", "district", "legal_rep", "phone", "latitude", "longitude")
Row = tuple[Any, ...]
#: prepared rows are kept in up to this many Arrow chunks (one per call that added rows) before joining them
MAX_CHUNKS = 16


class FeatureCache:
    """Prepared features per (profile, row content), for rows of ``COLUMNS``; cleared past ``limit`` rows.

    Features do not depend on the entity (``company_features`` looks at the identity fields alone), so rows
    are keyed by their identity (``IDENTITY``, the row without its ``entity_id``): the worker that maps a
    register file prepares the identity rows its new entities will have (``seed``) before the importing
    process makes the entities.

    Each call's newly prepared rows are kept as a part of their own (one Arrow chunk), and rows are taken
    part by part (``_take``): Arrow's ``Table.take`` over a table of several chunks concatenates them first,
    which cost 13 ms for 342 rows of a 200,000-row table against 0.4 ms over a single chunk.
    """

    def __init__(self, limit: int = 3_000_000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._positions: dict[str, dict[Row, int]] = {}
        #: per profile, the prepared parts in order and the position of each one's first row
        self._parts: dict[str, tuple[list[pa.Table], list[int]]] = {}

    def take(self, profile_name: str, rows: list[Row], first_uid: int) -> pa.Table:
        """Features of ``rows`` (preparing those not seen before), with ``uid`` numbered from ``first_uid``."""
        identities = [r[1:] for r in rows]
        with self._lock:
            positions = self._positions.setdefault(profile_name, {})
            missing = list(dict.fromkeys(r for r in identities if r not in positions))
            if len(positions) + len(missing) > self.limit:
                positions.clear()
                self._parts.pop(profile_name, None)
                missing = list(dict.fromkeys(identities))
            if missing:
                self._add(profile_name, positions, missing, prepare_identities(profile_name, missing))
            parts, starts = self._parts[profile_name]
            parts, starts = list(parts), np.array(starts, dtype="int64")
            index = np.fromiter(map(positions.__getitem__, identities), dtype="int64", count=len(rows))
        part = _take(parts, starts, index)
        uids = pa.array(np.arange(first_uid, first_uid + len(rows), dtype="int64"))
        return part.set_column(part.schema.get_field_index(UID), UID, uids)

    def seed(self, profile_name: str, identities: list[Row], prepared: pa.Table) -> None:
        """Features prepared elsewhere (``prepare_identities`` in the mapping worker) of distinct ``identities``
        (rows of ``IDENTITY``); the ones already kept, or past the limit, are left out."""
        with self._lock:
            positions = self._positions.setdefault(profile_name, {})
            new = [r not in positions for r in identities]
            if not any(new) or len(positions) + sum(new) > self.limit:
                return
            if not all(new):
                identities = list(compress(identities, new))
                prepared = prepared.filter(pa.array(new))
            self._add(profile_name, positions, identities, prepared.combine_chunks())

    def _add(self, profile_name: str, positions: dict[Row, int], identities: list[Row], prepared: pa.Table) -> None:
        start = len(positions)
        positions.update(zip(identities, range(start, start + len(identities)), strict=True))
        parts, starts = self._parts.setdefault(profile_name, ([], []))
        parts.append(prepared)
        starts.append(start)


#: a row's identity fields: what its features depend on (``COLUMNS`` without ``entity_id``)
IDENTITY = COLUMNS[1:]


def prepare_identities(profile_name: str, identities: list[Row]) -> pa.Table:
    """The features of distinct rows of ``IDENTITY`` (``uid`` their position), in one Arrow chunk."""
    frame = pd.DataFrame(identities, columns=list(IDENTITY))
    frame[UID] = np.arange(len(identities), dtype="int64")
    return get_profile(profile_name).prepare(frame).combine_chunks()


def _take_chunked(table: pa.Table, index: np.ndarray) -> pa.Table:
    """Rows ``index`` of ``table``, taken chunk by chunk (see ``_take``)."""
    parts = [pa.Table.from_batches([b], schema=table.schema) for b in table.to_batches()]
    if not parts:
        return table.take(pa.array(index, pa.int64()))
    starts = np.cumsum([0] + [p.num_rows for p in parts[:-1]])
    return _take(parts, starts, index)


def _take(parts: list[pa.Table], starts: np.ndarray, index: np.ndarray) -> pa.Table:
    """Rows ``index`` of ``parts`` laid end to end (``starts``: each part's first position), in that order."""
    which = np.searchsorted(starts, index, side="right") - 1
    if len(index) == 0 or (which == which[0]).all():
        first = int(which[0]) if len(index) else 0
        return parts[first].take(pa.array(index - starts[first]))
    order = np.argsort(which, kind="stable")
    grouped = which[order]
    bounds = np.flatnonzero(np.diff(grouped)) + 1
    pieces = [parts[int(grouped[lo])].take(pa.array(index[order[lo:hi]] - starts[grouped[lo]]))
              for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(order)], strict=True)]
    taken = pa.concat_tables(pieces, promote_options="default").combine_chunks()
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return taken.take(pa.array(back))


#: the process's cache (features are a pure function of the row, so every import may share it)
FEATURES = FeatureCache()


class KeyStats:
    """Counts over a set of prepared entity rows, kept as rows are added and removed.

    ``counts[col]``: rows holding each value of a capped blocking key (``over[col]``: the values above
    the profile's cap); ``holders[col]``: per value of a term-frequency column, the rows of each entity
    holding it; ``entities``: rows per entity.
    """

    def __init__(self, capped: tuple[str, ...], cap: int, tf_columns: tuple[str, ...]) -> None:
        self.cap = cap
        self.counts: dict[str, dict[Any, int]] = {c: {} for c in capped}
        self.over: dict[str, set[Any]] = {c: set() for c in capped}
        self.holders: dict[str, dict[Any, dict[int, int]]] = {c: {} for c in tf_columns}
        self.entities: dict[int, int] = {}

    def update(self, table: pa.Table, entity_ids: np.ndarray, sign: int) -> None:
        """Count ``table``'s rows (of ``entity_ids``) in (``sign`` 1) or out (-1)."""
        cap = self.cap
        for col, counts in self.counts.items():
            over = self.over[col]
            found = pc.value_counts(table.column(col).drop_null())
            for value, n in zip(found.field("values").to_pylist(), found.field("counts").to_pylist(), strict=True):
                total = counts.get(value, 0) + sign * n
                if total:
                    counts[value] = total
                else:
                    del counts[value]
                if total > cap:
                    over.add(value)
                else:
                    over.discard(value)
        ids = entity_ids.tolist()
        for col, holders in self.holders.items():
            for value, entity in zip(table.column(col).to_pylist(), ids, strict=True):
                if value is None:
                    continue
                held = holders.get(value)
                if held is None:
                    held = holders[value] = {}
                rows = held.get(entity, 0) + sign
                if rows:
                    held[entity] = rows
                else:
                    del held[entity]
                    if not held:
                        del holders[value]
        entities = self.entities
        for entity in ids:
            rows = entities.get(entity, 0) + sign
            if rows:
                entities[entity] = rows
            else:
                del entities[entity]

    def holding(self, col: str, values: pa.Array) -> pa.Table:
        """Each of ``values`` held by some entity, with the number of distinct entities holding it."""
        holders = self.holders[col]
        kept, n = [], []
        for value in values.to_pylist():
            held = holders.get(value)
            if held:
                kept.append(value)
                n.append(len(held))
        return pa.table({col: pa.array(kept, values.type), "n": pa.array(n, pa.int64())})


class EntityRows:
    """Distinct entity rows (``entity_id`` plus identity fields), in the order first added.

    Rows dropped by ``replace`` stay in place, marked dead, until they are a quarter of all rows: then
    the prepared tables are filtered once. Filtering every prepared table after each file of a run cost
    10 s at a million records, most of it copying rows that had not changed.
    """

    def __init__(self, cache: FeatureCache | None = None) -> None:
        self._rows: list[Row] = []
        self._seen: set[Row] = set()
        self._cache = cache or FEATURES
        #: profile name -> (rows prepared so far, prepared parts, their concatenation)
        self._prepared: dict[str, tuple[int, list[pa.Table], pa.Table | None]] = {}
        #: the entity of each of the first rows (extended as rows are added)
        self._ids = np.zeros(0, dtype="int64")
        #: profile name -> counts over its prepared live rows
        self._stats: dict[str, KeyStats] = {}
        #: positions of the rows dropped but not yet filtered out (``live``)
        self._dead = np.zeros(0, dtype=bool)
        self._n_dead = 0

    def __len__(self) -> int:
        return len(self._rows) - self._n_dead

    def add(self, row: dict[str, Any]) -> None:
        """Add one row (a dict with any of ``COLUMNS``); an exact repeat of a known row is ignored."""
        self.add_row(tuple(row.get(c) for c in COLUMNS))

    def add_row(self, key: Row) -> None:
        """Add one row given as a tuple in ``COLUMNS`` order (an exact repeat of a known row is ignored)."""
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
        """Make ``rows`` the rows of ``entity_ids``: their rows not among ``rows`` are dropped, the new ones
        added after the others, and the ones that did not change stay where they are.

        Features already prepared for the kept rows stay: taking every row from the cache again after
        each file cost more than the file's matching at 300k rows. So do the unchanged rows of the entities
        replaced (most rows of an entity that gained a name or an address): dropping them and adding them
        again counted each out of and back into the key counts and took its features from the cache again.
        """
        ids = self.entity_ids()
        dropped = np.isin(ids, np.fromiter(entity_ids, dtype="int64", count=len(entity_ids)))
        dropped &= self._live_mask()
        if dropped.any():
            old, now = self._rows, set(rows)
            positions = np.array([i for i in np.flatnonzero(dropped).tolist() if old[i] not in now], dtype="int64")
        if dropped.any() and len(positions):
            for i in positions.tolist():
                self._seen.discard(old[i])  # a row equal to a dropped one may be added again, as a new row
            for name, stats in self._stats.items():
                done, _, whole = self._prepared[name]
                prepared = positions[positions < done]
                stats.update(_take_chunked(whole, prepared), ids[prepared], -1)
            dead = self._dead_mask(len(ids))
            dead[positions] = True
            self._n_dead += len(positions)
            if self._n_dead * 4 > len(ids):
                self._compact()
        self.extend(rows)

    def _dead_mask(self, n: int) -> np.ndarray:
        if len(self._dead) < n:
            self._dead = np.concatenate([self._dead, np.zeros(n - len(self._dead), dtype=bool)])
        return self._dead

    def _live_mask(self) -> np.ndarray:
        """Per row (dead ones included), whether it is live."""
        return ~self._dead_mask(len(self._rows))[:len(self._rows)]

    def _compact(self) -> None:
        """Filter the dead rows out of the rows and the prepared tables (``uid`` renumbered)."""
        keep = self._live_mask()
        ids = self.entity_ids()
        prepared: dict[str, tuple[int, list[pa.Table], pa.Table | None]] = {}
        for name, (done, _, whole) in self._prepared.items():
            if whole is None:
                continue
            part = whole.filter(pa.array(keep[:done]))
            uids = pa.array(np.arange(part.num_rows, dtype="int64"))
            part = part.set_column(part.schema.get_field_index(UID), UID, uids)
            prepared[name] = (part.num_rows, [part], part)
        self._rows = list(compress(self._rows, keep.tolist()))
        self._ids = ids[keep]
        self._prepared = prepared
        self._dead = np.zeros(0, dtype=bool)
        self._n_dead = 0

    def live(self) -> np.ndarray | None:
        """Which rows of ``entity_ids`` and ``prepared`` are live (None: all of them)."""
        return self._live_mask() if self._n_dead else None

    def holders(self) -> set[int]:
        """The entities that have live rows."""
        ids = self.entity_ids()
        live = self.live()
        return set(np.unique(ids if live is None else ids[live]).tolist())

    def rows(self) -> list[Row]:
        """The live rows, in order."""
        live = self.live()
        return list(self._rows) if live is None else list(compress(self._rows, live.tolist()))

    def of(self, entity_ids: set[int]) -> dict[int, list[Row]]:
        """The live rows of each of ``entity_ids`` (found by the entity column, not by a pass over the rows)."""
        if not entity_ids:
            return {}
        ids = self.entity_ids()
        found = np.isin(ids, np.fromiter(entity_ids, dtype="int64", count=len(entity_ids))) & self._live_mask()
        rows: dict[int, list[Row]] = {}
        for i in np.flatnonzero(found).tolist():
            rows.setdefault(self._rows[i][0], []).append(self._rows[i])
        return rows

    def frame(self) -> pd.DataFrame:
        """The live rows as the entities frame of ``match_records``."""
        return pd.DataFrame(self.rows(), columns=list(COLUMNS))

    def entity_ids(self) -> np.ndarray:
        """The entity of each row, dead ones included (see ``live``)."""
        done = len(self._ids)
        if done < len(self._rows):
            added = np.fromiter((r[0] for r in self._rows[done:]), dtype="int64", count=len(self._rows) - done)
            self._ids = np.concatenate([self._ids, added])
        return self._ids

    def prepared(self, profile_name: str) -> pa.Table | None:
        """The rows' features for ``profile_name`` (``uid`` = row position, dead rows included); None when
        there are no rows."""
        done, parts, whole = self._prepared.get(profile_name, (0, [], None))
        if done < len(self._rows):
            part = self._cache.take(profile_name, self._rows[done:], done)
            if profile_name in self._stats:
                ids = self.entity_ids()[done:]
                live = self.live()
                if live is not None and not live[done:].all():
                    part_live = live[done:]
                    self._stats[profile_name].update(part.filter(pa.array(part_live)), ids[part_live], 1)
                else:
                    self._stats[profile_name].update(part, ids, 1)
            parts = [*parts, part]
            whole = pa.concat_tables(parts, promote_options="default")
            if whole.column(0).num_chunks > MAX_CHUNKS:
                whole = whole.combine_chunks()  # now and then: copying every row on each call grew with them
            parts = [whole]
            self._prepared[profile_name] = (len(self._rows), parts, whole)
        return whole

    def stats(self, profile_name: str) -> KeyStats | None:
        """Counts over all live rows' features for ``profile_name`` (None when there are no rows)."""
        whole = self.prepared(profile_name)
        if whole is None:
            return None
        if profile_name not in self._stats:
            profile = get_profile(profile_name)
            stats = self._stats[profile_name] = KeyStats(profile.capped, profile.cap, profile.tf_columns)
            live = self.live()
            if live is None:
                stats.update(whole, self.entity_ids(), 1)
            else:
                stats.update(whole.filter(pa.array(live)), self.entity_ids()[live], 1)
        return self._stats[profile_name]
