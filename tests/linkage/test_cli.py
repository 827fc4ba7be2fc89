"""`flask linkage ...`: review statistics, merge, split and undo from the command line."""

from __future__ import annotations

from sqlalchemy import select

from models import MarketEntity, MatchReview, SourceRecord
from regulator.extensions import db


def test_merge_split_undo_and_stats(runner, make) -> None:  # noqa: ANN001
    """Each command changes the entities, commits, and says what it did; errors exit non-zero with the reason."""
    samr = make.agency("SAMR")
    keep, dup = make.entity("甲公司"), make.entity("甲商行", uscc=None)
    first, second = make.inspection(keep, samr), make.inspection(keep, samr)
    make.inspection(dup, samr)
    db.session.add(MatchReview(source_record_id=second.source_record_id, candidate_entity_id=dup.id,
                               probability=0.55))
    db.session.commit()
    stats = runner.invoke(args=["linkage", "review-stats"])
    assert stats.exit_code == 0, stats.output
    assert "pending 1" in stats.output and "middle 1" in stats.output and "SAMR 1" in stats.output
    merged = runner.invoke(args=["linkage", "merge", str(dup.id), str(keep.id), "--reason", "同一企业"])
    assert merged.exit_code == 0, merged.output
    assert "rows moved" in merged.output
    assert db.session.get(MarketEntity, dup.id).merged_into_id == keep.id
    event_id = int(merged.output.split("event ")[1].split(",")[0])
    again = runner.invoke(args=["linkage", "merge", str(dup.id), str(keep.id), "--reason", "x"])
    assert again.exit_code != 0 and "already merged" in again.output
    undone = runner.invoke(args=["linkage", "undo", str(event_id)])
    assert undone.exit_code == 0, undone.output
    assert db.session.get(MarketEntity, dup.id).merged_into_id is None
    split = runner.invoke(args=["linkage", "split", str(keep.id), "--record", str(first.source_record_id),
                                "--name", "甲餐饮", "--reason", "另一家"])
    assert split.exit_code == 0, split.output
    moved = db.session.scalar(select(SourceRecord.entity_id).where(SourceRecord.id == first.source_record_id))
    assert db.session.get(MarketEntity, moved).name == "甲餐饮"
