"""A register row that creates its entity inserts the register's facts with it (no UPDATE afterwards), and
later rows of the same entity in the chunk still apply in order: the last one wins."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import event, select

from models import EntityStatus, MarketEntity
from regulator.extensions import db
from regulator.ingest import IngestOptions, pipeline


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _entity_updates(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("UPDATE") and "market_entity" in s]


def test_new_entities_of_the_register_are_inserted_whole(app, backend, agencies, demo_world, tmp_path):
    header, rows = _rows(demo_world / "SAMR/samr_registration.csv")
    path = _write(tmp_path / "register.csv", header, rows[:30])
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        batch = pipeline.ingest_file(path, "SAMR", IngestOptions(notify=False, chunk_size=10))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert batch.entities_new == 30
    assert _entity_updates(statements) == []
    first = rows[0]
    entity = db.session.scalars(select(MarketEntity).where(MarketEntity.name == first["企业名称"])).one()
    assert entity.industry_code == first["行业代码"] and entity.industry == first["行业"]
    assert entity.district == first["所属区"] and str(entity.registration_date) == first["成立日期"]
    assert float(entity.registered_capital) == float(first["注册资本（万元）"]) * 10_000
    assert entity.status == EntityStatus.ACTIVE


def test_repeated_register_rows_of_a_new_entity_apply_in_order(app, backend, agencies, demo_world, tmp_path):
    header, rows = _rows(demo_world / "SAMR/samr_registration.csv")
    base = rows[0]
    versions = [("C3982", "电子电路制造"), ("F5211", "百货零售"), ("C3982", "电子电路制造")]
    repeated = [{**base, "行业代码": code, "行业": name, "注册资本（万元）": str(100 + i)}
                for i, (code, name) in enumerate(versions)]
    path = _write(tmp_path / "repeated.csv", header, repeated)
    batch = pipeline.ingest_file(path, "SAMR", IngestOptions(notify=False))
    assert batch.rows_accepted == 3 and batch.entities_new == 1
    entity = db.session.scalars(select(MarketEntity).where(MarketEntity.name == base["企业名称"])).one()
    # the third row names the first row's industry again: it is not skipped as "already inserted"
    assert (entity.industry_code, entity.industry) == versions[-1]
    assert float(entity.registered_capital) == 102 * 10_000
