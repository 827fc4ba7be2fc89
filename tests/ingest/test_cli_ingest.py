"""`flask ingest`: the end report, quarantine, whole-file refusal, overlap, and resuming after kill -9."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import ImportBatch, Licence, SourceRecord, SourceStatus
from regulator.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _rows(path: Path, encoding: str = "utf-8-sig") -> tuple[list[str], list[list[str]]]:
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, list(reader)


def _write(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _count(model, *where) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_cli_reports_counts_quarantines_bad_rows_and_names_row_and_column(runner, agencies, demo_world, tmp_path):
    """Bad dates and unknown values are rejected with file/row/column; the rest lands; the report sums up."""
    runner.invoke(args=["ingest", str(demo_world / "SAMR/samr_registration.csv"), "--agency", "SAMR",
                        "--no-progress"])
    header, rows = _rows(demo_world / "SAMR/samr_licences.csv")
    rows = rows[:30]
    rows[3][header.index("发证日期")] = "2023-13-45"
    rows[5][header.index("状态")] = "不知道"
    path = _write(tmp_path / "samr_licences_gbk.csv", header, rows, encoding="gb18030")
    result = runner.invoke(args=["ingest", str(path), "--agency", "SAMR", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "rows read             30" in result.output
    assert "accepted              28" in result.output
    assert "rejected               2" in result.output
    # named by the file's row (the header is row 1), as an editor or a spreadsheet program numbers it
    assert "samr_licences_gbk.csv:5: 发证日期: not a day of the calendar: '2023-13-45'" in result.output
    assert "samr_licences_gbk.csv:7: 状态: unknown value '不知道'" in result.output
    bad = db.session.scalars(select(SourceRecord).where(SourceRecord.status == SourceStatus.REJECTED)
                             .order_by(SourceRecord.row_number)).all()
    assert [r.row_number for r in bad] == [4, 6]
    assert bad[0].errors[0]["column"] == "发证日期" and "2023-13-45" in bad[0].errors[0]["value"]
    assert bad[1].errors[0]["column"] == "状态"
    assert bad[0].raw[header[0]] == rows[3][0]  # kept verbatim
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.filename == path.name))
    assert batch.encoding == "gb18030"
    assert _count(Licence, Licence.source_record_id.in_(
        select(SourceRecord.id).where(SourceRecord.batch_id == batch.id))) == 28


def test_overlapping_file_adds_only_its_new_rows(runner, agencies, demo_world, tmp_path):
    """Rows already imported (same content) are counted as duplicates, not added again."""
    header, rows = _rows(demo_world / "SAMR/samr_registration.csv")
    first = _write(tmp_path / "samr_registration_a.csv", header, rows[:60])
    second = _write(tmp_path / "samr_registration_b.csv", header, rows[40:100])
    runner.invoke(args=["ingest", str(first), "--agency", "SAMR", "--no-progress"])
    result = runner.invoke(args=["ingest", str(second), "--agency", "SAMR", "--no-progress"])
    assert "duplicates            20" in result.output and "accepted              40" in result.output
    assert _count(SourceRecord) == 100


def test_a_file_that_fails_as_a_whole_changes_nothing(runner, agencies, tmp_path):
    """Wrong columns for the mapping: a clear error naming the file and the missing columns, no batch."""
    path = _write(tmp_path / "samr_licences.csv", ["foo", "bar"], [["1", "2"]])
    result = runner.invoke(args=["ingest", str(path), "--agency", "SAMR", "--no-progress"])
    assert result.exit_code != 0
    assert "samr_licences.csv" in result.output and "许可证编号" in result.output
    assert _count(ImportBatch) == 0 and _count(SourceRecord) == 0
    result = runner.invoke(args=["ingest", str(path), "--agency", "NOPE", "--no-progress"])
    assert result.exit_code != 0 and "unknown agency" in result.output


def test_a_header_row_alone_with_the_wrong_columns_is_refused_as_with_rows(runner, app, agencies, tmp_path):
    """A file of only a header row whose columns are not the mapping's was imported as a batch of 0 rows (the
    missing-columns check ran only when there were rows); it is refused with the same words, nothing written,
    from the command line and through ``ingest_file``."""
    from regulator.ingest import FileError, ingest_file

    path = _write(tmp_path / "samr_licences.csv", ["foo", "bar"], [])
    result = runner.invoke(args=["ingest", str(path), "--agency", "SAMR", "--no-progress"])
    assert result.exit_code != 0
    assert "samr_licences.csv lacks the column(s) " in result.output and "许可证编号" in result.output
    assert "(the file's columns: foo, bar)" in result.output
    with pytest.raises(FileError, match=r"samr_licences\.csv lacks the column\(s\) .*许可证编号"):
        ingest_file(path, "SAMR")
    assert _count(ImportBatch) == 0 and _count(SourceRecord) == 0


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "PII_HASH_KEY": "test",
            "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}


def _checkpoint(db_path: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.2)
        try:
            row = con.execute("SELECT json_extract(report, '$.checkpoint') FROM import_batch "
                              "WHERE status = 'running' ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0
    return int(row[0] or 0) if row else 0


def test_kill_9_half_way_then_rerun_completes_with_exact_counts(sqlite_app, demo_world, tmp_path):
    """A killed import leaves whole chunks only; the same command resumes and ends with exact counts."""
    from regulator.demo import AGENCIES
    from regulator.services.agencies import upsert_agency

    for a in AGENCIES:
        upsert_agency(a["code"], a["name"], a["domain"])
    db.session.commit()
    url = sqlite_app.config["SQLALCHEMY_DATABASE_URI"]
    db_path = Path(url.removeprefix("sqlite:///"))
    db.engine.dispose()
    header, rows = _rows(demo_world / "SAMR/samr_licences.csv")
    for row in rows:  # no codes: every chunk goes through probabilistic matching (slow enough to interrupt)
        row[header.index("统一社会信用代码")] = ""
    path = _write(tmp_path / "samr_licences.csv", header, rows)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "ingest", str(path), "--agency", "SAMR",
               "--chunk-size", "10", "--no-progress", "--no-notify"]
    log = tmp_path / "first-run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=_env(url), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while _checkpoint(db_path) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.fail(f"the import ended before it could be interrupted: {log.read_text()[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db_path) as con:
        read, status = con.execute("SELECT rows_read, status FROM import_batch").fetchone()
        stored = con.execute("SELECT count(*) FROM source_record").fetchone()[0]
        facts = con.execute("SELECT count(*) FROM licence").fetchone()[0]
    assert status == "running" and 0 < read < len(rows)
    assert stored == read == facts  # whole chunks only: rows, counters and facts agree
    done = subprocess.run(command, cwd=ROOT, env=_env(url), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(db_path) as con:
        batches = con.execute("SELECT rows_read, rows_accepted, rows_duplicate, status FROM import_batch").fetchall()
        stored = con.execute("SELECT count(*), count(DISTINCT content_hash) FROM source_record").fetchone()
        facts = con.execute("SELECT count(*) FROM licence").fetchone()[0]
    assert batches == [(len(rows), len(rows), 0, "completed")]
    assert stored == (len(rows), len(rows)) and facts == len(rows)
