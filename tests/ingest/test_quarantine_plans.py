"""The quarantine's queries stay index searches when SQLite's statistics say every row is accepted.

SQLite's ``sqlite_stat1`` holds averages per index, not skew: after a first large import (every row
accepted) and its ``ANALYZE``, a search for quarantined rows of an agency looks as costly as the whole table,
and SQLite scanned ``source_record`` once per chunk of every later import. ``regulator.sql_hints.rare`` marks
those conditions; these tests read the plans SQLite makes for the statements the import and the quarantine page
really run. (PostgreSQL keeps the most common values of a column and plans these by them; the behaviour is
tested on both databases elsewhere.)
"""

from __future__ import annotations

from sqlalchemy import event, select, text

from models import RecordType, SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.ingest import IngestOptions, ingest_file
from regulator.ingest.quarantine import count_query, quarantine_query
from regulator.sql_hints import rare

HEADER = "记录号,许可证编号,许可证名称,统一社会信用代码,企业名称,经营场所,法定代表人（负责人）,发证日期,有效期至,状态\n"
ROW = ("XK{n},JY2440309160{n:04d},食品经营许可证,,深圳市测试{n}餐饮有限公司,深圳市福田区测试路{n}号,李四,2020-02-{d},"
       "2025-01-01,有效\n")


def _file(tmp_path, name, numbers, day="28"):  # noqa: ANN001, ANN202
    path = tmp_path / name
    path.write_text(HEADER + "".join(ROW.format(n=n, d=day) for n in numbers), encoding="utf-8")
    return path


def _plan(statement: str, parameters) -> str:  # noqa: ANN001
    conn = db.session.connection()
    conn.exec_driver_sql("ANALYZE sqlite_schema")  # this connection reads the statistics again
    rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return " | ".join(r[-1] for r in rows)


def _plan_of(stmt) -> str:  # noqa: ANN001
    return _plan(str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True})), ())


def _agency(sqlite_app):  # noqa: ANN001, ANN202
    from regulator.services.agencies import upsert_agency

    agency = upsert_agency("SAMR", "市场监督管理局", "market")
    db.session.commit()
    return agency


def test_the_look_for_rows_to_replace_searches_the_index_after_an_analyze_of_accepted_rows(sqlite_app, tmp_path):
    _agency(sqlite_app)
    batch = ingest_file(_file(tmp_path, "first.csv", range(1, 201)), "SAMR", IngestOptions())
    assert batch.rows_accepted == 200
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    assert "200" in db.session.execute(text(
        "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_source_record_status_agency'")).scalar_one()

    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        if statement.lstrip().upper().startswith("SELECT") and "source_record.status IN" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        batch = ingest_file(_file(tmp_path, "second.csv", range(201, 211)), "SAMR", IngestOptions())
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert batch.rows_accepted == 10
    assert seen, "the import looked for quarantined rows to replace"
    for statement, parameters in seen:
        plan = _plan(statement, parameters)
        assert "USING INDEX ix_source_record_status_agency" in plan and "SCAN source_record" not in plan, plan


def test_without_the_hint_sqlite_scans_so_the_test_above_can_fail(sqlite_app, tmp_path):
    _agency(sqlite_app)
    ingest_file(_file(tmp_path, "first.csv", range(1, 201)), "SAMR", IngestOptions())
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    plain = select(SourceRecord.id).where(
        SourceRecord.status.in_((SourceStatus.REJECTED, SourceStatus.DISMISSED)), SourceRecord.agency_id == 1,
        SourceRecord.record_type == RecordType.LICENCE).limit(1)
    hinted = select(SourceRecord.id).where(
        rare(SourceRecord.status.in_((SourceStatus.REJECTED, SourceStatus.DISMISSED))), SourceRecord.agency_id == 1,
        SourceRecord.record_type == RecordType.LICENCE).limit(1)

    assert "SCAN source_record" in _plan_of(plain)
    assert "SCAN source_record" not in _plan_of(hinted)
    assert "unlikely(" in str(hinted.compile(db.engine)) and "unlikely(" not in str(plain.compile(db.engine))


def test_the_quarantine_page_query_searches_the_index_and_finds_the_rows(sqlite_app, tmp_path):
    agency = _agency(sqlite_app)
    ingest_file(_file(tmp_path, "first.csv", range(1, 201)), "SAMR", IngestOptions())
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    batch = ingest_file(_file(tmp_path, "bad.csv", range(300, 303), day="30"), "SAMR", IngestOptions())
    assert batch.rows_rejected == 3
    stmt = quarantine_query(agency.id, SourceStatus.REJECTED)
    plan = _plan_of(stmt)
    assert "SCAN source_record" not in plan, plan
    assert [r.row_number for r in db.session.scalars(stmt)] == [3, 2, 1]
    for agency_id in (agency.id, None):  # the count on the coordinator's home and the quarantine page
        counted = count_query(agency_id)
        assert "SCAN source_record" not in _plan_of(counted), _plan_of(counted)
        assert db.session.scalar(counted) == 3


def _executed(run) -> list[tuple[str, object]]:  # noqa: ANN001
    """The SELECTs with a LIMIT that ``run()`` sends to SQLite, with their parameters."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        if "FROM source_record" in statement and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen


def test_a_page_of_every_agency_quarantine_searches_the_index(sqlite_app, tmp_path):
    """The administrator's quarantine (all agencies): with its LIMIT bound, SQLite walked the whole table in id
    order (175 ms at a million records, none rejected); ``paging.window`` shows it the number."""
    from regulator.paging import window

    _agency(sqlite_app)
    ingest_file(_file(tmp_path, "first.csv", range(1, 201)), "SAMR", IngestOptions())
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    ingest_file(_file(tmp_path, "bad.csv", range(300, 303), day="30"), "SAMR", IngestOptions())
    # the statistics of the 1M benchmark's database (every row accepted), as its import's ANALYZE left them
    for idx, stat in (("ix_source_record_status_agency", "1000000 1000000 1000000"),
                      ("ix_source_record_entity_id", "1000000 4"), ("ix_source_record_batch_id", "1000000 140318"),
                      ("ix_source_record_agency_source_key", "1000000 1000000 1"),
                      ("sqlite_autoindex_source_record_1", "1000000 1000000 1")):
        db.session.execute(text("UPDATE sqlite_stat1 SET stat = :stat WHERE tbl = 'source_record' AND idx = :idx"),
                           {"stat": stat, "idx": idx})
    db.session.commit()
    found: list = []
    seen = _executed(lambda: found.extend(window(quarantine_query(None, SourceStatus.REJECTED), 1, 50)[0]))
    assert [r.row_number for r in found] == [3, 2, 1] and len(seen) == 1
    statement, parameters = seen[0]
    assert "LIMIT 50 OFFSET 0" in statement
    plan = _plan(statement, parameters)
    assert "SCAN source_record" not in plan and "USING INDEX ix_source_record_status_agency" in plan, plan
    # the same statement with its LIMIT and OFFSET bound, as SQLAlchemy sends them by default, is a scan
    bound = statement.replace("LIMIT 50 OFFSET 0", "LIMIT ? OFFSET ?")
    assert "SCAN source_record" in _plan(bound, (*parameters, 50, 0))
