"""Counts kept across calls (``KeyStats``) decide exactly as counting every entity row on each call."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pyarrow as pa
import pytest

from regulator.demo import generate_world
from regulator.linkage import match_records
from regulator.linkage.demo_frames import demo_frames
from regulator.linkage.entity_rows import COLUMNS, EntityRows, KeyStats
from regulator.linkage.matching import LinkageSettings
from regulator.linkage.model import load_model
from regulator.linkage.profiles import get_profile, register_profile


def _tuples(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(row.get(c)) else row.get(c) for c in COLUMNS) for row in frame.to_dict("records")]


def _run(chunks: list[pd.DataFrame], rows: list[tuple], settings: LinkageSettings) -> tuple[list, EntityRows]:
    """Match chunk after chunk while the entity rows grow and some entities' rows are replaced."""
    kept = EntityRows()
    kept.extend(rows[:600])
    out = []
    for i, chunk in enumerate(chunks):
        out.append(match_records(chunk, kept, settings))
        if i == 0:
            kept.extend(rows[600:900])
        elif i == 1:
            touched = {r[0] for r in rows[100:200]}
            now = [(r[0], f"{r[1]} 分店" if r[1] else r[1], *r[2:]) for r in rows[:900] if r[0] in touched]
            kept.replace(touched, now)
        else:
            kept.extend(rows[900:])
    return out, kept


def test_kept_counts_decide_as_counting_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # a low cap, so that capped blocking keys (values shared by more than 2 rows) occur in every call
    register_profile(replace(get_profile("company"), name="company_cap2", cap=2))
    settings = LinkageSettings(profile="company_cap2", model=load_model("company"))
    frames = demo_frames(generate_world(n_entities=600, seed=5))
    rows = _tuples(frames.entities)
    chunks = [frames.records.iloc[i:i + 150] for i in range(0, 600, 150)]
    kept_counts, kept = _run(chunks, rows, settings)
    stats = kept.stats("company_cap2")
    assert any(stats.over.values())
    monkeypatch.setattr(EntityRows, "stats", lambda self, name: None)  # count every row on each call
    counted, _ = _run(chunks, rows, settings)
    for a, b in zip(kept_counts, counted, strict=True):
        pd.testing.assert_frame_equal(a.drop(columns="match_weights"), b.drop(columns="match_weights"))
        assert a["match_weights"].astype(str).tolist() == b["match_weights"].astype(str).tolist()
    assert sum((f["decision"] == "link").sum() for f in counted) > 0
    monkeypatch.undo()
    fresh = KeyStats(tuple(stats.counts), 2, tuple(stats.holders))
    live = kept.live()
    assert live is not None  # the replaced rows are still in the tables, marked dead: counted out
    fresh.update(kept.prepared("company_cap2").filter(pa.array(live)), kept.entity_ids()[live], 1)
    assert (stats.counts, stats.over, stats.holders, stats.entities) == \
        (fresh.counts, fresh.over, fresh.holders, fresh.entities)
