"""Credit classes in the database: recompute writes assessments, follows records_changed, uses the model."""

from __future__ import annotations

from datetime import date, timedelta

from models import CreditAssessment, ListType, MarketEntity, ModelVersion, RecordStatus, RiskScore, Severity
from regulator.extensions import db
from regulator.services import credit
from regulator.signals import notify_records_changed

TODAY = date.today()


def test_recompute_writes_assessment_with_reasons_and_updates_entity(app, make) -> None:  # noqa: ANN001
    """Two serious violations and a fine give 22 points (class C), with each rule's count, weight and basis."""
    samr = make.agency()
    entity = make.entity()
    for days in (10, 40):
        make.violation(entity, samr, severity=Severity.SERIOUS, found_date=TODAY - timedelta(days=days))
    make.enforcement(entity, samr, decision_date=TODAY - timedelta(days=5))
    report = credit.recompute([entity.id], trigger="test")
    assert report.changed == 1
    db.session.refresh(entity)
    assert (entity.credit_class.value, entity.credit_points) == ("C", 22.0)
    row = credit.latest_assessment(entity.id)
    reasons = {r["rule"]: (r["count"], r["points"]) for r in row.reasons}
    assert reasons == {"violation_serious": (2, 12.0), "penalty_fine": (1, 10.0)}
    assert all(r["basis"].startswith("《") for r in row.reasons) and row.trigger == "test"


def test_unchanged_entities_get_no_new_assessment(app, make) -> None:  # noqa: ANN001
    """A second recompute with nothing changed writes nothing; --force writes again."""
    entity = make.entity()
    credit.recompute([entity.id])
    assert credit.recompute([entity.id]).changed == 0
    assert credit.recompute([entity.id], force=True).changed == 1
    assert db.session.query(CreditAssessment).filter_by(entity_id=entity.id).count() == 2


def test_recompute_of_a_changed_and_an_unchanged_entity(app, make) -> None:  # noqa: ANN001
    """Only the changed entity gets a new assessment; the unchanged one keeps its reasons (regression)."""
    samr = make.agency()
    steady, moving = make.entity(), make.entity()
    for entity in (steady, moving):
        make.violation(entity, samr, severity=Severity.SERIOUS, found_date=TODAY - timedelta(days=10))
    credit.recompute([steady.id, moving.id])
    make.violation(moving, samr, severity=Severity.SERIOUS, found_date=TODAY - timedelta(days=2))
    assert credit.recompute([steady.id, moving.id]).changed == 1
    assert db.session.query(CreditAssessment).filter_by(entity_id=steady.id).count() == 1
    latest = credit.latest_assessment(moving.id)
    assert {r["rule"]: r["count"] for r in latest.reasons} == {"violation_serious": 2}


def test_class_follows_records_changed(app, make) -> None:  # noqa: ANN001
    """A list entry announced through records_changed moves the class at once, in the same transaction."""
    samr = make.agency()
    entity = make.entity()
    make.list_entry(entity, samr, list_type=ListType.SERIOUS_ILLEGAL, added_date=TODAY - timedelta(days=3))
    notify_records_changed("ingest", [entity.id])
    assert db.session.get(MarketEntity, entity.id).credit_class.value == "D"
    assert credit.latest_assessment(entity.id).overrides[0]["rule"] == "serious_illegal_list"


def test_withdrawn_records_do_not_count(app, make) -> None:  # noqa: ANN001
    """A withdrawn violation is history, not a reason."""
    samr = make.agency()
    entity = make.entity()
    make.violation(entity, samr, severity=Severity.CRITICAL, found_date=TODAY, status=RecordStatus.WITHDRAWN)
    credit.recompute([entity.id])
    assert db.session.get(MarketEntity, entity.id).credit_points == 0


def test_active_model_probability_is_combined(app, make) -> None:  # noqa: ANN001
    """The latest entity-wide score of the active model moves a clean B entity to C; inactive models are ignored."""
    entity = make.entity()
    active = ModelVersion(version="m-active", active=True)
    old = ModelVersion(version="m-old", active=False)
    db.session.add_all([active, old])
    db.session.flush()
    db.session.add_all([
        RiskScore(entity_id=entity.id, model_version_id=active.id, as_of=TODAY - timedelta(days=30),
                  probability=0.01, risk_class="A"),
        RiskScore(entity_id=entity.id, model_version_id=active.id, as_of=TODAY, probability=0.7, risk_class="D"),
        RiskScore(entity_id=entity.id, model_version_id=old.id, as_of=TODAY, probability=0.01, risk_class="A"),
    ])
    db.session.flush()
    credit.recompute([entity.id])
    row = credit.latest_assessment(entity.id)
    assert (row.credit_class.value, row.risk_probability, row.model_version_id) == ("C", 0.7, active.id)


def test_cli_recompute_all(app, make, runner) -> None:  # noqa: ANN001
    """`flask credit recompute --all` classes every entity and commits; without a target it refuses."""
    samr = make.agency()
    a, b = make.entity(), make.entity()
    make.list_entry(b, samr, added_date=TODAY - timedelta(days=1))
    db.session.commit()
    result = runner.invoke(args=["credit", "recompute", "--all"])
    assert result.exit_code == 0, result.output
    assert "2 entities assessed" in result.output
    db.session.expire_all()
    assert db.session.get(MarketEntity, a.id).credit_class.value == "B"
    assert db.session.get(MarketEntity, b.id).credit_class.value == "C"
    assert runner.invoke(args=["credit", "recompute"]).exit_code != 0
