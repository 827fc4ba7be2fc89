"""Splink's prediction SQL, rendered once and replayed with another prior, decides exactly as Splink itself."""

from __future__ import annotations

import pandas as pd

from regulator.demo import generate_world
from regulator.linkage import engine, match_records
from regulator.linkage.demo_frames import demo_frames


def test_replayed_predictions_equal_freshly_rendered_ones() -> None:
    frames = demo_frames(generate_world(n_entities=400, seed=5))
    chunks = [frames.records.iloc[i:i + 60] for i in range(0, 180, 60)]
    fresh = []
    for chunk in chunks:  # Splink renders every call (and the plan of each key is recorded)
        engine._PLANS.clear()
        fresh.append(match_records(chunk, frames.entities.iloc[: 300 + len(fresh) * 50]))
    assert engine._PLANS, "the prior's literal was not found in Splink's SQL: nothing is replayed"
    replayed = [match_records(chunk, frames.entities.iloc[: 300 + n * 50]) for n, chunk in enumerate(chunks)]
    for a, b in zip(fresh, replayed, strict=True):
        pd.testing.assert_frame_equal(a.drop(columns="match_weights"), b.drop(columns="match_weights"))
        assert a["match_weights"].astype(str).tolist() == b["match_weights"].astype(str).tolist()
    assert sum((f["decision"] != "new").sum() for f in fresh) > 0
