"""``EntityRows``: entity rows prepared in parts across calls match exactly as a frame prepared at once."""

from __future__ import annotations

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


def test_replaced_rows_prepare_as_a_fresh_set_of_the_same_rows() -> None:
    frames = demo_frames(generate_world(n_entities=300, seed=11))
    rows = [tuple(r.get(c) for c in COLUMNS) for r in _rows(frames.entities)]
    kept = EntityRows()
    kept.extend(rows[:200])
    kept.prepared("company")
    touched = {r[0] for r in rows[50:80]}
    now = [(r[0], f"{r[1]} 新" if r[1] else r[1], *r[2:]) for r in rows[:200] if r[0] in touched] + rows[200:]
    kept.replace(touched, now)
    table = kept.prepared("company")
    fresh = EntityRows()
    fresh.extend([r for r in rows[:200] if r[0] not in touched] + now)
    expected = fresh.prepared("company")
    assert kept.frame().equals(fresh.frame())
    assert table.column_names == expected.column_names
    for name in expected.column_names:
        assert table.column(name).to_pylist() == expected.column(name).to_pylist(), name
