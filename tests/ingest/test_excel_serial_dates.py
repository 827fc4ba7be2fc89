"""Dates an XLSX file holds as Excel serial numbers (a date cell without a date format: 45296 for 2024-01-05),
read as the dates they are; a CSV's or a JSON line's bare number stays refused."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import select

from models import Inspection, SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.ingest import IngestOptions, ingest_file, load_mapping, premap
from regulator.ingest.mapping import parse_date
from regulator.ingest.quarantine import resubmit

#: the demo's FIRE inspection workbook's columns (``regulator/demo/layouts_safety.py``)
HEADER = ["检查记录编号", "单位名称", "统一社会信用代码", "单位地址", "联系电话", "检查日期", "检查类型", "抽查方式",
          "检查结果", "隐患编号", "监督员"]
USCC = "91110000600037341L"


def _row(key: str, day: object) -> list[object]:
    return [key, "深圳市测试餐饮有限公司", USCC, "深圳市福田区测试路1号", "0755-12345678", day, "日常监督检查",
            "随机抽查", "合格", "", "王一 李二"]


@pytest.mark.parametrize("ahead", [False, True], ids=["here", "worker"])
def test_serial_numbers_in_an_xlsx_date_column_are_the_days_they_stand_for(app, agencies, tmp_path, monkeypatch,
                                                                            ahead):
    """A numeric cell 45296 in FIRE's 检查日期 was rejected as 'not a date in the expected format'; it is
    2024-01-05, as is the text "45296" and 45296.75 (the fraction is the time of day). The row keeps the text
    it was stored with; the same rows in a CSV are refused as before. Read and mapped here or by a worker
    process (``premap``: every file, however small, with ``ahead``)."""
    import openpyxl

    rows = [_row("XJ1", 45296), _row("XJ2", "45297"), _row("XJ3", 45298.75), _row("XJ4", "2024年1月9日"),
            _row("XJ5", 60), _row("XJ6", 0)]
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    assert book.active["F2"].data_type == "n" and book.active["F2"].number_format == "General"
    book.save(tmp_path / "fire_inspections_2024.xlsx")

    if ahead:
        monkeypatch.setattr(premap, "AHEAD_BYTES", 0)
        monkeypatch.setattr(premap, "COLD_AHEAD_BYTES", 0)
    options = IngestOptions(map_ahead=ahead)
    batch = ingest_file(tmp_path / "fire_inspections_2024.xlsx", "FIRE", options)
    records = {r.source_key: r for r in db.session.scalars(select(SourceRecord).where(
        SourceRecord.batch_id == batch.id))}
    days = {r.source_key: i.inspection_date for r, i in db.session.execute(
        select(SourceRecord, Inspection).join(Inspection, Inspection.source_record_id == SourceRecord.id))}
    assert days == {"XJ1": date(2024, 1, 5), "XJ2": date(2024, 1, 6), "XJ3": date(2024, 1, 7),
                    "XJ4": date(2024, 1, 9)}
    assert records["XJ1"].raw["检查日期"] == "45296" and records["XJ3"].raw["检查日期"] == "45298.75"
    assert records["XJ1"].canonical["inspection_date"] == "2024-01-05"
    # 60 is Excel's 1900-02-29, no day; 0 is no serial date
    assert records["XJ5"].status == SourceStatus.REJECTED
    assert "not a day of the calendar: '60'" in str(records["XJ5"].errors)
    assert "not a date in the expected format" in str(records["XJ6"].errors)
    # a quarantined row of the workbook, corrected on its page with a serial date as the workbook would hold it
    fixed = resubmit(records["XJ5"], {**records["XJ5"].raw, "检查日期": "45299"})
    assert fixed.status != SourceStatus.REJECTED, fixed.errors
    assert db.session.scalar(select(Inspection.inspection_date).where(
        Inspection.source_record_id == fixed.id)) == date(2024, 1, 8)

    with open(tmp_path / "fire_inspections_2025.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, _row("XJ7", "45296")])
    ingest_file(tmp_path / "fire_inspections_2025.csv", "FIRE", options)
    refused = db.session.scalar(select(SourceRecord).where(SourceRecord.source_key == "XJ7"))
    assert refused.status == SourceStatus.REJECTED and "not a date in the expected format" in str(refused.errors)


def test_excel_serial_days_of_the_1900_date_system():
    """Day 1 is 1900-01-01; 60 is Excel's 1900-02-29, which did not exist; from 61 days count from 1899-12-30;
    2958465 is 9999-12-31. Outside 1..2958465, and in files other than workbooks, a number is no date."""
    formats = ("%Y年%m月%d日",)
    assert parse_date("1", formats, True) == date(1900, 1, 1)
    assert parse_date("59", formats, True) == date(1900, 2, 28)
    assert parse_date("61", formats, True) == date(1900, 3, 1)
    assert parse_date("45296.999", formats, True) == date(2024, 1, 5)
    assert parse_date("2958465", formats, True) == date(9999, 12, 31)
    with pytest.raises(ValueError, match="not a day of the calendar: '60'"):
        parse_date("60", formats, True)
    for bad in ("0", "0.5", "2958466", "-3", "1e4"):
        with pytest.raises(ValueError, match="not a date in the expected format"):
            parse_date(bad, formats, True)
    with pytest.raises(ValueError, match="not a date in the expected format"):
        parse_date("45296", formats)
    fmap = load_mapping("FIRE").for_file("", None, "fire_inspections")
    assert not fmap.serial_dates and fmap.for_format("xlsx").serial_dates
    assert not fmap.for_format("xlsx").for_format("csv").serial_dates and fmap.for_format("jsonl") is fmap
