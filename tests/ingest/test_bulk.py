"""Bulk inserts store what SQLAlchemy's own inserts store: dates and timestamps (processed once per distinct
value), JSON given as text already, ``Ref``s resolved to ids."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import String, cast, insert, select

from models import MarketEntity
from regulator.extensions import db
from regulator.ingest import bulk


def _rows(tag: str) -> list[dict]:
    stamp = datetime(2026, 12, 5, 11, 30, 15, 123456, tzinfo=UTC)
    days = [date(2024, 1, 31), date(1999, 12, 1), date(2024, 1, 31), None, date(1999, 12, 1)]
    return [{"name": f"{tag}{i}", "name_norm": f"{tag}{i}", "registration_date": day,
             "created_at": stamp if i % 2 else datetime(2020, 2, 29, tzinfo=UTC), "updated_at": stamp}
            for i, day in enumerate(days)]


def _stored(tag: str) -> list[tuple]:
    table = MarketEntity.__table__
    return [tuple(r) for r in db.session.execute(
        select(table.c.registration_date, cast(table.c.registration_date, String), cast(table.c.created_at, String),
               cast(table.c.updated_at, String), table.c.created_at)
        .where(table.c.name.like(f"{tag}%")).order_by(table.c.name))]


def test_bulk_rows_are_stored_as_sqlalchemy_stores_them(app, backend):
    ids = bulk.insert_rows(MarketEntity.__table__, _rows("bulk-"), ids=True)
    db.session.execute(insert(MarketEntity.__table__), _rows("core-"))
    db.session.commit()
    assert len(ids) == 5 and ids == sorted(ids)
    by_bulk, by_core = _stored("bulk-"), _stored("core-")
    assert by_bulk == by_core
    assert [r[0] for r in by_bulk] == [date(2024, 1, 31), date(1999, 12, 1), date(2024, 1, 31), None,
                                      date(1999, 12, 1)]
