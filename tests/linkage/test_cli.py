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
    review = MatchReview(source_record_id=second.source_record_id, candidate_entity_id=dup.id,
                         provisional_entity_id=keep.id, probability=0.55)
    db.session.add(review)
    db.session.commit()
    stats = runner.invoke(args=["linkage", "review-stats"])
    assert stats.exit_code == 0, stats.output
    assert "pending 1" in stats.output and "middle 1" in stats.output and "SAMR 1" in stats.output
    merged = runner.invoke(args=["linkage", "merge", str(dup.id), str(keep.id), "--reason", "同一企业"])
    assert merged.exit_code == 0, merged.output
    assert "rows moved" in merged.output and f"match reviews it answered: [{review.id}]" in merged.output
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


def test_train_on_records_linked_by_code(runner, make, tmp_path) -> None:  # noqa: ANN001
    """`linkage train` estimates the company profile from code-linked records and writes a loadable model."""
    import json

    from models.enums import LinkMethod, RecordType
    from regulator.linkage import load_model

    samr = make.agency("SAMR")
    districts = ["福田区", "南山区", "罗湖区", "宝安区"]
    for n in range(120):
        entity = make.entity(f"深圳市{'华盛达宏远鑫泰'[n % 7]}{n}号贸易有限公司", district=districts[n % 4])
        for variant in (entity.name, entity.name.replace("有限公司", "公司")):
            make.source_record(samr, RecordType.INSPECTION, entity_id=entity.id, uscc_valid=True,
                               link_method=LinkMethod.USCC, canonical={"name": variant, "district": entity.district})
    db.session.commit()
    out = tmp_path / "company.json"
    result = runner.invoke(args=["linkage", "train", "--out", str(out), "--max-pairs", "20000"])
    assert result.exit_code == 0, result.output
    assert "120 entities and 240 linked records" in result.output
    model = load_model("company", out)
    levels = {lv["label_for_charts"]: lv for lv in model.levels()["name"]}
    assert levels["Same name"]["m_probability"] > levels["Same name"]["u_probability"]
    assert json.loads(out.read_text(encoding="utf-8"))["meta"]["source"] == "database"


def test_train_without_linked_records_says_so(runner, make) -> None:  # noqa: ANN001
    """An empty database: a clear message, non-zero exit, nothing written."""
    make.agency("SAMR")
    result = runner.invoke(args=["linkage", "train", "--out", "/nonexistent/x.json"])
    assert result.exit_code != 0 and "no records linked by a valid code" in result.output
