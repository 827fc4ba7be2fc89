"""Scoring only the entity rows that share a blocking key with a record decides exactly as scoring them all."""

from __future__ import annotations

import pandas as pd
import pytest

from regulator.demo import generate_world
from regulator.linkage import engine, match_records, matching
from regulator.linkage.demo_frames import demo_frames
from regulator.linkage.profiles import get_profile


def test_pruned_entity_rows_give_the_same_predictions(monkeypatch: pytest.MonkeyPatch) -> None:
    frames = demo_frames(generate_world(n_entities=400, seed=11))
    chunks = [frames.records.iloc[i:i + 60] for i in range(0, 180, 60)]
    entities = frames.entities
    pruned = [match_records(chunk, entities) for chunk in chunks]
    monkeypatch.setattr(matching, "blocking_columns", lambda rules: None)  # the path before pruning
    whole = [match_records(chunk, entities) for chunk in chunks]
    for a, b in zip(pruned, whole, strict=True):
        pd.testing.assert_frame_equal(a.drop(columns="match_weights"), b.drop(columns="match_weights"))
        assert a["match_weights"].astype(str).tolist() == b["match_weights"].astype(str).tolist()
    assert sum((f["decision"] != "new").sum() for f in pruned) > 0


def test_blocking_columns_name_each_rule_column_and_refuse_expressions() -> None:
    from splink import block_on

    profile = get_profile("company")
    columns = engine.blocking_columns(profile.blocking())
    assert columns is not None and all(c.isidentifier() for c in columns)
    assert engine.blocking_columns([block_on("substr(name_norm, 1, 2)")]) is None
