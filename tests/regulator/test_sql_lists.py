"""Lists of ids as one parameter: an array on PostgreSQL, an expanding IN on SQLite, the same rows on both."""

from __future__ import annotations

from sqlalchemy import event, select

from models import MarketEntity
from regulator.extensions import db
from regulator.sql_lists import in_list

_BY_IDS = select(MarketEntity.id).where(in_list(MarketEntity.id, "ids")).order_by(MarketEntity.id)


def test_in_list_selects_the_listed_rows_with_one_statement_text_per_statement(app, make, backend) -> None:  # noqa: ANN001
    entities = [make.entity() for _ in range(6)]
    ids = [e.id for e in entities]
    texts: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001, ANN002
        texts.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert db.session.scalars(_BY_IDS, {"ids": [ids[4], ids[1]]}).all() == sorted([ids[4], ids[1]])
        assert db.session.scalars(_BY_IDS, {"ids": ids}).all() == ids
        assert db.session.scalars(_BY_IDS, {"ids": (ids[2],)}).all() == [ids[2]]
        assert db.session.scalars(_BY_IDS, {"ids": []}).all() == []
        assert db.session.scalars(_BY_IDS, {"ids": [max(ids) + 1000]}).all() == []
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    if backend == "postgresql":  # one array parameter: the same text, whatever the list's length
        assert len(set(texts)) == 1 and "= ANY (" in texts[0], texts
    else:  # an expanding IN, compared as IN (never as "(... IN ...) = 1", which no index serves)
        assert all(" IN (" in t and ") = 1" not in t for t in texts), texts
        assert len(set(texts)) > 1
