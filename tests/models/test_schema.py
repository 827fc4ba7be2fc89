"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from models import AuditLog, AuditLogImmutable, Base
from models.base import POSTGRESQL_ONLY_INDEXES
from regulator.extensions import db


def test_migrations_match_models(app) -> None:  # noqa: ANN001
    """Autogenerate finds nothing to change after `flask db upgrade` (types included)."""
    with db.engine.connect() as conn:
        # the options Flask-Migrate's autogenerate uses (compare_type, the PostgreSQL-only indexes' filter)
        opts = app.extensions["migrate"].configure_args
        context = MigrationContext.configure(conn, opts={k: opts[k] for k in ("compare_type", "include_object")})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_model_table_exists(app) -> None:  # noqa: ANN001
    """All 40-odd domain tables are there."""
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert {"market_entity", "source_record", "inspection", "campaign", "audit_log", "objection"} <= tables


def test_audit_log_rejects_changes_in_the_orm(app) -> None:  # noqa: ANN001
    """Changing or deleting an audit row through the ORM raises."""
    row = AuditLog(action="test")
    db.session.add(row)
    db.session.commit()
    row.action = "changed"
    with pytest.raises(AuditLogImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLog, row.id))
    with pytest.raises(AuditLogImmutable):
        db.session.flush()
    db.session.rollback()


def test_audit_log_rejects_changes_in_sql(app) -> None:  # noqa: ANN001
    """Even raw SQL cannot update or delete audit rows: database triggers refuse."""
    db.session.add(AuditLog(action="test"))
    db.session.commit()
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    assert db.session.scalar(text("SELECT action FROM audit_log")) == "test"


def test_postgresql_has_the_covering_index_for_search(app) -> None:  # noqa: ANN001
    """Search's candidates are read from an index-only scan on PostgreSQL (id with name, core and merge)."""
    from sqlalchemy import inspect

    indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("market_entity")}
    if db.engine.dialect.name != "postgresql":
        assert not POSTGRESQL_ONLY_INDEXES & set(indexes)
        return
    search = indexes["ix_market_entity_search"]
    assert search["column_names"] == ["id"]
    assert search["dialect_options"]["postgresql_include"] == ["name", "name_core", "merged_into_id"]


def test_migrations_go_down_and_up_over_a_database_holding_data(app, make) -> None:  # noqa: ANN001
    """Entities with names, records and users: every migration down to the first and up again keeps them and
    their keys (SQLite rebuilds ``market_entity`` to drop a column, which failed on a foreign key while other
    tables' rows referred to it); then down to nothing and up again, as ``flask demo --reset`` does."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, inspect, select

    from models import EntityName, Inspection, MarketEntity, Role, User

    samr = make.agency("SAMR")
    for i in range(5):
        entity = make.entity(f"深圳市迁移测试{i}号有限公司")
        make.inspection(entity, samr)
        db.session.add(EntityName(entity_id=entity.id, name=f"迁移测试曾用名{i}", name_norm=f"迁移测试曾用名{i}",
                                  kind="former"))
    make.user("migrated", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()

    def counts() -> tuple[int, ...]:
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (MarketEntity, EntityName,
                                                                                      Inspection, User))

    before = counts()
    db.session.remove()
    downgrade(revision="0001")
    assert "name_core" not in {c["name"] for c in inspect(db.engine).get_columns("market_entity")}
    upgrade()
    assert counts() == before
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforced again after migrating
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert counts() == (0, 0, 0, 0)
    test_migrations_match_models(app)


def test_review_evidence_stored_as_text_is_rewritten_as_json(app, make) -> None:  # noqa: ANN001
    """Migration 0008: reviews whose comparisons ingest stored as the text of a dict (until 6 December 2026)
    read as JSON objects afterwards; NumPy scalars become numbers, unreadable text is dropped."""
    from flask_migrate import downgrade, upgrade

    from models import MatchReview
    from regulator.coordinator.match_words import in_words

    samr = make.agency("SAMR")
    candidate, provisional = make.entity("深圳市华盛达贸易有限公司"), make.entity("华盛达商行", uscc=None)
    source = make.inspection(provisional, samr).source_record_id
    stored = {"prior": -13.0, "name": "{'level': 'Same name', 'weight': np.float64(9.5)}",
              "place": "{'level': 'Different place', 'weight': -1.5}", "broken": "{'level': ",
              "phone": {"level": "phone_norm is NULL", "weight": 0.0}}
    review = MatchReview(source_record_id=source, candidate_entity_id=candidate.id,
                         provisional_entity_id=provisional.id, probability=0.82, match_weights=stored)
    db.session.add(review)
    db.session.commit()
    review_id = review.id
    db.session.remove()
    downgrade(revision="0007_attachments")
    upgrade()
    weights = db.session.get(MatchReview, review_id).match_weights
    assert weights == {"prior": -13.0, "name": {"level": "Same name", "weight": 9.5},
                       "place": {"level": "Different place", "weight": -1.5},
                       "phone": {"level": "phone_norm is NULL", "weight": 0.0}}
    with app.test_request_context():
        assert ("Company name: the same name (variant wordings of the legal form, brackets and punctuation aside) "
                "makes a match 724 times more likely.") in [w["sentence"] for w in in_words(weights)]


def test_stored_visits_without_an_outcome_become_outcome_unknown(app, make) -> None:  # noqa: ANN001
    """Migration 0014: a visit stored 'clean' though it gave no result and no violation (an inspection log), or
    inspected nothing (closed, not found, no entry), is outcome unknown afterwards; real outcomes stay."""
    from flask_migrate import downgrade, upgrade

    from models import Inspection
    from models.enums import InspectionResult

    samr = make.agency("SAMR")
    entity = make.entity()
    kinds = {"logged": None, "closed": InspectionResult.CLOSED, "not_found": InspectionResult.NOT_FOUND,
             "passed": InspectionResult.PASS, "failed": InspectionResult.FAIL}
    ids = {}
    for name, result in kinds.items():
        ids[name] = make.inspection(entity, samr, result=result, serious_violation=False, violation_count=0).id
    found = make.inspection(entity, samr, result=None, serious_violation=True, violation_count=2)
    with_row = make.inspection(entity, samr, result=None, serious_violation=False, violation_count=0)
    make.violation(entity, samr, inspection_id=with_row.id)
    db.session.commit()
    ids.update(found=found.id, with_row=with_row.id)
    db.session.remove()
    downgrade(revision="0013_one_open_request")
    upgrade()
    serious = {name: db.session.get(Inspection, i).serious_violation for name, i in ids.items()}
    assert serious == {"logged": None, "closed": None, "not_found": None, "passed": False, "failed": False,
                       "found": True, "with_row": False}
