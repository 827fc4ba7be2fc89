"""JSON columns store UTF-8 text: the raw and canonical rows of a source record (whether the importing process
or a worker encoded them) and every other JSON column hold Chinese as written, not as ``\\uXXXX`` escapes."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import Text, cast, select

from models import ImportBatch, SourceRecord
from regulator.extensions import db
from regulator.ingest import IngestOptions, pipeline, premap


@pytest.mark.parametrize("map_ahead", [False, True], ids=["here", "worker"])
def test_source_records_store_chinese_as_written(app, backend, agencies, demo_world, monkeypatch, map_ahead):
    path = demo_world / "SAMR/samr_registration.csv"
    monkeypatch.setattr(premap, "COLD_AHEAD_BYTES", 0)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh))
    batch = pipeline.ingest_file(path, "SAMR", IngestOptions(notify=False, chunk_size=25, map_ahead=map_ahead))
    if map_ahead:
        premap.stop_workers()
    raw, canonical, stored = db.session.execute(
        select(cast(SourceRecord.raw, Text), cast(SourceRecord.canonical, Text), SourceRecord.raw)
        .where(SourceRecord.batch_id == batch.id, SourceRecord.row_number == 1)).one()
    name = first["企业名称"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in name)
    assert name in raw and name in canonical
    assert "\\u" not in raw and "\\u" not in canonical
    assert stored == {k: v for k, v in first.items()}  # read back as the row the file holds


def test_other_json_columns_are_utf8_too(app, backend, agencies):
    batch = ImportBatch(agency_id=agencies[0].id, filename="清单.csv", file_hash="0" * 64, file_format="csv",
                        report={"rejected_by_reason": {"企业名称: 缺少": 2}})
    db.session.add(batch)
    db.session.commit()
    text = db.session.scalar(select(cast(ImportBatch.report, Text)).where(ImportBatch.id == batch.id))
    assert "企业名称: 缺少" in text and "\\u" not in text
