"""``EntityRows``: entity rows prepared in parts across calls match exactly as a frame prepared at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from regulator.demo import generate_world
from regulator.linkage import match_records
from regulator.linkage.demo_frames import demo_frames
from regulator.linkage.entity_rows import COLUMNS, EntityRows
from regulator.linkage.profiles import UID, get_profile


def _rows(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def test_features_prepared_in_parts_equal_features_prepared_at_once() -> None:
    frames = demo_frames(generate_world(n_entities=300, seed=11))
    rows = _rows(frames.entities)
    kept = EntityRows()
    half = len(rows) // 2
    for row in rows[:half]:
        kept.add(row)
    first = kept.prepared("company")
    for row in rows[half:] + rows[:10]:  # repeats of known rows are not added again
        kept.add(row)
    whole = kept.prepared("company")
    assert first.num_rows == half
    distinct = frames.entities.drop_duplicates(ignore_index=True)
    assert len(kept) == len(distinct)
    at_once = get_profile("company").prepare(kept.frame().assign(**{UID: range(len(kept))}))
    assert whole.num_rows == at_once.num_rows
    for name in at_once.column_names:
        assert whole.column(name).to_pylist() == at_once.column(name).to_pylist(), name
    assert isinstance(whole, pa.Table)
    again = EntityRows()  # a second import of the process: every row's features come from the cache
    for row in reversed(rows):
        again.add(row)
    table = again.prepared("company")
    assert table.column(UID).to_pylist() == list(range(len(again)))
    for name in ("name_norm", "addr_site", "phone_norm", "name_gw0"):  # the same rows, in reverse order
        assert table.column(name).to_pylist() == whole.column(name).to_pylist()[::-1], name


def test_match_records_decides_the_same_with_entity_rows_as_with_a_frame() -> None:
    frames = demo_frames(generate_world(n_entities=300, seed=11))
    records = frames.records.head(400)
    kept = EntityRows()
    for row in _rows(frames.entities):
        kept.add(row)
    kept.prepared("company")  # a first call prepares; the second call reuses it
    with_rows = match_records(records, kept)
    with_frame = match_records(records, kept.frame())
    columns = ["rid", "entity_id", "decision", "new_group"]
    pd.testing.assert_frame_equal(with_rows[columns], with_frame[columns])
    assert (with_rows["probability"] - with_frame["probability"]).abs().max() < 1e-9


def _live_table(kept: EntityRows) -> pa.Table:
    table = kept.prepared("company")
    live = kept.live()
    return (table if live is None else table.filter(pa.array(live))).drop_columns([UID])


def _stats(kept: EntityRows) -> tuple:
    stats = kept.stats("company")
    return stats.counts, stats.over, stats.holders, stats.entities


def test_replaced_rows_prepare_as_a_fresh_set_of_the_same_rows() -> None:
    frames = demo_frames(generate_world(n_entities=300, seed=11))
    rows = [tuple(r.get(c) for c in COLUMNS) for r in _rows(frames.entities)]
    kept = EntityRows()
    kept.extend(rows[:200])
    kept.prepared("company")
    touched = {r[0] for r in rows[50:80]}
    now = [(r[0], f"{r[1]} 新" if r[1] else r[1], *r[2:]) for r in rows[:200] if r[0] in touched] + rows[200:]
    kept.replace(touched, now)
    assert kept.live() is not None  # the dropped rows are marked, not yet filtered out
    fresh = EntityRows()
    fresh.extend([r for r in rows[:200] if r[0] not in touched] + now)
    assert len(kept) == len(fresh)
    assert kept.frame().equals(fresh.frame())
    table, expected = _live_table(kept), _live_table(fresh)
    assert table.column_names == expected.column_names
    for name in expected.column_names:
        assert table.column(name).to_pylist() == expected.column(name).to_pylist(), name
    assert kept.prepared("company").column(UID).to_pylist() == list(range(kept.prepared("company").num_rows))


def test_rows_replaced_again_and_again_match_as_a_fresh_set() -> None:
    """Dead rows are left out of the counts and the candidates, before and after they are filtered out."""
    world = generate_world(n_entities=400, seed=5)
    frames = demo_frames(world)
    rows = list(dict.fromkeys(tuple(r.get(c) for c in COLUMNS) for r in _rows(frames.entities)))
    records = frames.records.head(300)
    kept = EntityRows()
    kept.extend(rows[:300])
    kept.stats("company")
    current = {}
    for r in rows[:300]:
        current.setdefault(r[0], []).append(r)
    ids = sorted(current)
    compacted = False
    for step in range(6):
        touched = set(ids[step * 25:step * 25 + 25])
        now = []
        for eid in sorted(touched):
            was = current[eid]
            # a changed name for most, the very same row again for others (kept where it is)
            current[eid] = [(r[0], f"{r[1]}{step}" if r[1] and (eid + step) % 3 else r[1], *r[2:]) for r in was]
            now.extend(current[eid])
        kept.replace(touched, now)
        compacted = compacted or kept.live() is None
        fresh = EntityRows()
        fresh.extend([r for eid in sorted(current) for r in current[eid]])
        fresh_rows = sorted(fresh.frame().itertuples(index=False), key=repr)
        assert sorted(kept.frame().itertuples(index=False), key=repr) == fresh_rows
        assert len(kept) == len(fresh)
        assert _stats(kept) == _stats(fresh), step
        with_kept, with_fresh = match_records(records, kept), match_records(records, fresh)
        columns = ["rid", "entity_id", "decision"]
        pd.testing.assert_frame_equal(with_kept[columns], with_fresh[columns])
        assert (with_kept["probability"] - with_fresh["probability"]).abs().max() < 1e-9
    assert compacted  # the dead rows passed a quarter of all rows and were filtered out on the way


def test_the_feature_cache_takes_rows_across_its_parts_in_order() -> None:
    """Rows added a few at a time (a part per call) are taken from several parts at once, in the order asked,
    repeats included, the same as from a cache that prepared them in one part."""
    from regulator.linkage.entity_rows import FeatureCache

    frames = demo_frames(generate_world(n_entities=120, seed=5))
    rows = [tuple(r.get(c) for c in COLUMNS) for r in _rows(frames.entities.drop_duplicates(ignore_index=True))]
    cache = FeatureCache()
    for start in range(0, len(rows), 7):
        cache.take("company", rows[start:start + 7], 0)
    parts, _starts = cache._parts["company"]
    assert len(parts) == -(-len(rows) // 7) and all(p.column(0).num_chunks == 1 for p in parts)
    whole = FeatureCache()
    whole.take("company", rows, 0)
    assert len(whole._parts["company"][0]) == 1
    rng = np.random.default_rng(3)
    for wanted in (rows[::-1], [rows[i] for i in rng.integers(0, len(rows), 60)], rows[8:12], [rows[5]], []):
        taken, fresh = cache.take("company", wanted, 40), whole.take("company", wanted, 40)
        assert taken.num_rows == len(wanted)
        assert taken.column(UID).to_pylist() == list(range(40, 40 + len(wanted)))
        for name in fresh.column_names:
            assert taken.column(name).to_pylist() == fresh.column(name).to_pylist(), name


def test_rows_taken_chunk_by_chunk_equal_arrow_take() -> None:
    """``_take_chunked`` (used when dropped rows are counted out) gives what ``Table.take`` gives, in order."""
    from regulator.linkage.entity_rows import _take_chunked

    table = pa.concat_tables([pa.table({"a": list(range(i, i + n)), "b": [str(v) for v in range(i, i + n)]})
                              for i, n in ((0, 5), (5, 1), (6, 9), (15, 4))])
    assert table.column(0).num_chunks == 4
    for index in ([18, 0, 6, 6, 14, 5], list(range(19))[::-1], [7], []):
        wanted = np.array(index, dtype="int64")
        assert _take_chunked(table, wanted).to_pylist() == table.take(pa.array(wanted, pa.int64())).to_pylist()


def test_rows_replaced_by_the_same_rows_stay_where_they_are() -> None:
    """An entity read again with rows it already had keeps them, live and prepared, in place: only its new rows
    are added and only the rows it no longer has are dropped (dropping and adding the same rows again counted
    them out of and back into the key counts and took their features again)."""
    frames = demo_frames(generate_world(n_entities=200, seed=3))
    rows = list(dict.fromkeys(tuple(r.get(c) for c in COLUMNS) for r in _rows(frames.entities)))
    kept = EntityRows()
    kept.extend(rows)
    kept.stats("company")
    before = kept.prepared("company")
    ids = sorted({r[0] for r in rows})
    same, changed = set(ids[:20]), ids[20]
    kept.replace(same, [r for r in rows if r[0] in same])
    assert kept.live() is None and kept.rows() == rows
    assert kept.prepared("company") is before  # nothing to prepare again
    renamed = [(r[0], f"{r[1]}新", *r[2:]) for r in rows if r[0] == changed]
    kept.replace(same | {changed}, [r for r in rows if r[0] in same] + renamed)
    dropped = [n for n, r in enumerate(rows) if r[0] == changed]
    assert kept.live() is not None and np.flatnonzero(~kept.live()).tolist() == dropped
    assert kept.rows() == [r for r in rows if r[0] != changed] + renamed
    fresh = EntityRows()
    fresh.extend(kept.rows())
    assert _stats(kept) == _stats(fresh)


def test_rows_of_given_entities_are_their_live_rows_in_order() -> None:
    """``of`` finds an entity's rows by the entity column: replaced (dead) rows are not among them."""
    frames = demo_frames(generate_world(n_entities=120, seed=5))
    rows = _rows(frames.entities)
    kept = EntityRows()
    for row in rows:
        kept.add(row)
    ids = sorted({r["entity_id"] for r in rows})
    wanted = {ids[0], ids[3], ids[-1]}
    expect = {e: [r for r in kept.rows() if r[0] == e] for e in wanted}
    assert kept.of(wanted) == expect and all(expect.values())
    fresh = (ids[3], *([None] * (len(COLUMNS) - 1)))
    kept.replace({ids[3]}, [fresh])
    assert kept.of(wanted) == {ids[0]: expect[ids[0]], ids[3]: [fresh], ids[-1]: expect[ids[-1]]}
    assert kept.of(set()) == {} and kept.of({-1}) == {}
