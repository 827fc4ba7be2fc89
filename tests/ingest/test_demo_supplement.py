"""The demo's hand-keyed supplement (copied from a generated world's inspections) fills the quarantine."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from models import SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.services.demo_supplement import NAME, SOURCE, import_supplement


def _world_file(world: Path, out: Path) -> None:
    (out / SOURCE).parent.mkdir(parents=True)
    shutil.copyfile(world / SOURCE, out / SOURCE)


def test_supplement_rows_are_quarantined_with_their_reasons(app, agencies, demo_world, tmp_path) -> None:  # noqa: ANN001
    _world_file(demo_world, tmp_path)
    batch = import_supplement(tmp_path)
    assert (tmp_path / "late" / NAME).exists()
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (8, 2, 6)
    rejected = db.session.scalars(select(SourceRecord).where(SourceRecord.status == SourceStatus.REJECTED)
                                  .order_by(SourceRecord.row_number)).all()
    reasons = [(r.source_key, r.errors[0]["column"], r.errors[0]["message"].split(":")[0]) for r in rejected]
    assert reasons == [("BL0001", "检查日期", "not a day of the calendar"),
                       ("BL0002", "企业名称", "is required but empty"),
                       ("BL0003", "检查结果", "unknown value '待复查' (expected one of 合格, 基本合格, 不合格)"),
                       ("BL0004", "抽取概率", "not a number"),
                       ("BL0006", "检查日期", "not a date in the expected format (%Y-%m-%d)"),
                       ("BL0007", None, "row has 15 fields, the header has 14")]
    assert import_supplement(tmp_path).rows_duplicate == 8  # imported again: nothing twice


def test_no_supplement_without_the_inspections_file(app, agencies, tmp_path) -> None:  # noqa: ANN001
    assert import_supplement(tmp_path) is None
