"""The registry end to end: train from the database, activate, score in bulk, credit, CLI, pages."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditLog, ContextValue, CreditAssessment, ModelVersion, RecordType, RiskScore, Role, Severity
from regulator.extensions import db
from regulator.risk_features import feature_name
from regulator.risk_text import MESSAGES, reason_text
from regulator.services import risk_models
from regulator.templating import percent
from risk.explain import CONTEXT, FORMER, GENERIC, MISSING, NO_RESULT, NOT_ON_RECORD, ONE, TEMPLATES, ZERO, reason


def _world(make) -> list:  # noqa: ANN001
    """60 entities; a third of them keep breaking rules, and their inspections find serious violations."""
    rng = random.Random(5)
    samr, health = make.agency("SAMR"), make.agency("HEALTH", domain="health")
    entities = [make.entity(industry_code="food" if i % 2 else "retail", industry="餐饮" if i % 2 else "零售")
                for i in range(60)]
    for i, entity in enumerate(entities):
        bad = i % 3 == 0
        day = date(2021, 1, 1) + timedelta(days=rng.randint(0, 40))
        while day < date(2024, 6, 1):
            found = rng.random() < (0.7 if bad else 0.1)
            make.inspection(entity, samr if rng.random() < 0.7 else health, inspection_date=day,
                            serious_violation=found, violation_count=2 if found else 0)
            if found:
                make.violation(entity, samr, found_date=day, severity=Severity.SERIOUS)
            day += timedelta(days=rng.randint(60, 120))
    return entities


def test_train_activate_score_and_show(app, make, client, auth) -> None:  # noqa: ANN001
    entities = _world(make)
    row = risk_models.train(params={"n_estimators": 60, "min_child_samples": 5})
    assert not row.active and row.metrics["n_test"] > 0 and row.data_fingerprint
    # tested on the latest inspections by a model trained before them; the stored model learned from them too
    tested_end, test_start = (date.fromisoformat(row.metrics[k]) for k in ("tested_train_end", "test_start"))
    assert tested_end < test_start and row.train_end == date.fromisoformat(row.metrics["test_end"])
    assert row.metrics["n_train"] + row.metrics["n_valid"] == len(risk_models.load_frames(graph=False).inspections)
    assert "viol_12m" in row.features and "inspector" not in " ".join(row.features)
    assert risk_models.load_model(row).predict_proba is not None
    with pytest.raises(risk_models.RegistryError):
        risk_models.score_all()  # nothing active yet
    risk_models.activate(row.version)
    report = risk_models.score_all(as_of=date(2024, 6, 2))
    db.session.commit()
    assert report.entities == 60
    scores = db.session.scalars(select(RiskScore)).all()
    assert len(scores) == 60 and {s.model_version_id for s in scores} == {row.id}
    by_entity = {s.entity_id: s for s in scores}
    bad = [by_entity[e.id].probability for i, e in enumerate(entities) if i % 3 == 0]
    good = [by_entity[e.id].probability for i, e in enumerate(entities) if i % 3]
    assert sum(bad) / len(bad) > sum(good) / len(good)
    worst = max(scores, key=lambda s: s.probability)
    assert worst.reasons and worst.reasons[0]["text"]
    assessed = db.session.scalar(select(func.count(CreditAssessment.id))
                                 .where(CreditAssessment.model_version_id == row.id))
    assert assessed > 0  # credit classes took the model's probability
    make.user("boss", Role.ADMIN)
    make.user("insp", Role.INSPECTOR, agency_id=make.agency("SAMR").id)
    make.user("ent", Role.ENTERPRISE, entity_id=worst.entity_id)
    db.session.commit()
    auth.login("insp")
    page = client.get(f"/entities/{worst.entity_id}").get_data(as_text=True)
    first = worst.reasons[0]["text"]
    assert 'id="risk-score"' in page and first[:1].upper() + first[1:] in page  # shown as a sentence
    with app.test_request_context():
        shown = percent(worst.probability)  # as every list shows it: <0.1%, 2.5%, 37%
    assert f"Probability that the next inspection finds a serious violation: {shown}</p>" in page
    auth.logout()
    auth.login("ent")
    assert 'id="risk-score"' not in client.get(f"/entities/{worst.entity_id}").get_data(as_text=True)
    auth.logout()
    auth.login("boss")
    listing = client.get("/admin/models").get_data(as_text=True)
    assert row.version in listing
    assert ("weak-model" in listing) == (row.metrics["auc"] < 0.55)
    from models import ModelVersion

    weak = db.session.get(ModelVersion, row.id)
    weak.metrics = {**weak.metrics, "auc": 0.43}
    db.session.commit()
    assert "little better than chance" in client.get("/admin/models?lang=en").get_data(as_text=True)
    report_page = client.get(f"/admin/models/{row.version}/report").get_data(as_text=True)
    assert "<polyline" in report_page and "Fairness" in report_page
    tested = report_page.split('id="tested-first">')[1].split("</span>")[0]
    assert (f"trained the same way on {row.train_start} to {tested_end}, a model scored the inspections of "
            f"{test_start} to {row.metrics['test_end']}, which it had never seen.") in tested
    method = {"sigmoid": "a logistic curve (Platt scaling)", "isotonic": "isotonic steps"}[row.metrics["calibration"]]
    assert (f"Probabilities calibrated by {method} on the latest {row.metrics['n_valid']} training inspections."
            in report_page)
    assert "<td>餐饮 (food)</td>" in report_page and "<td>零售 (retail)</td>" in report_page  # industries by name
    with app.test_request_context():
        unnamed = [f for f in row.features if feature_name(f) == f and not f.startswith("ctx_")]
        first = feature_name(next(iter(row.evaluation["importance"])))
    assert not unnamed and f"<li>{first}: " in report_page  # every feature in words, with its code


def test_the_models_page_shows_the_training_command_as_a_command(app, make, client, auth) -> None:  # noqa: ANN001
    """Administrators run ``flask risk train`` on the server: the page sets it apart as code in a sentence."""
    make.user("boss", Role.ADMIN)
    db.session.commit()
    auth.login("boss")
    hint = client.get("/admin/models?lang=en").get_data(as_text=True).split('id="train-hint">')[1].split("</p>")[0]
    assert hint == ("Administrators train a new model on the server with the command <code>flask risk train</code>. "
                    "The active model scores every entity and nudges its credit class.")
    zh = client.get("/admin/models", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<code>flask risk train</code>" in zh.split('id="train-hint">')[1].split("</p>")[0]


def test_cli_train_evaluate_score_activate(app, make, runner, tmp_path) -> None:  # noqa: ANN001
    _world(make)
    db.session.commit()
    result = runner.invoke(args=["risk", "train", "--activate"])
    assert result.exit_code == 0, result.output
    version = db.session.scalar(select(ModelVersion.version).where(ModelVersion.active.is_(True)))
    assert version in result.output and "(active)" in result.output and ", tested (trained to 20" in result.output
    out = tmp_path / "report.html"
    app.config["BABEL_DEFAULT_LOCALE"] = "zh_Hans_CN"  # as deployed: pages without a language are in Chinese
    result = runner.invoke(args=["risk", "evaluate", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "auc=" in result.output and "<svg" in out.read_text(encoding="utf-8")
    # in the command line's language, English, unless asked for another
    assert "Risk model evaluation" in out.read_text(encoding="utf-8")
    result = runner.invoke(args=["risk", "evaluate", "--out", str(out), "--lang", "zh_Hans_CN"])
    assert result.exit_code == 0 and "风险模型评估" in out.read_text(encoding="utf-8")
    result = runner.invoke(args=["risk", "score", "--as-of", "2024-06-02"])
    assert result.exit_code == 0 and "60 entities scored" in result.output
    second = runner.invoke(args=["risk", "train", "--no-refit"])
    assert second.exit_code == 0 and "tested (trained to" not in second.output
    newest = db.session.scalar(select(ModelVersion.version).order_by(ModelVersion.id.desc()).limit(1))
    assert runner.invoke(args=["risk", "activate", newest]).exit_code == 0
    assert db.session.scalar(select(func.count()).where(ModelVersion.active.is_(True))) == 1
    listed = runner.invoke(args=["risk", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.strip().splitlines()
    assert len(lines) == 2 and lines[0].split()[:2] == ["*", newest]  # newest first, the active one starred
    assert lines[1].split()[0] == version and "auc=" in lines[1]
    bad = runner.invoke(args=["risk", "activate", "nope"])
    assert bad.exit_code != 0 and "no model version 'nope'" in bad.output


def test_a_model_whose_features_the_data_lacks_is_not_activated_nor_scored(app, make, client, auth,
                                                                          runner) -> None:  # noqa: ANN001
    """Trained while the weather was loaded, a model is refused once the weather is gone (page, command,
    scoring): it read the weather as unknown for every entity, silently."""
    _world(make)
    samr = make.agency("SAMR")
    source = make.source_record(samr, RecordType.CONTEXT)
    for n in range(0, 1300, 3):
        db.session.add(ContextValue(agency_id=samr.id, source_record_id=source.id, kind="weather",
                                    on_date=date(2021, 1, 1) + timedelta(days=n), values={"rain_mm": n % 7}))
    row = risk_models.train(params={"n_estimators": 60, "min_child_samples": 5})
    assert "ctx_rain_mm" in row.features
    db.session.execute(ContextValue.__table__.delete())
    make.user("boss", Role.ADMIN)
    db.session.commit()
    version = row.version
    auth.login("boss")
    page = client.post(f"/admin/models/{version}/activate?lang=en", follow_redirects=True).get_data(as_text=True)
    assert (f"Model {version} was not activated: the current data lacks 1 of its features (ctx_rain_mm)" in page)
    assert not db.session.scalar(select(ModelVersion.active).where(ModelVersion.version == version))
    assert not db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "risk_model.activate"))
    result = runner.invoke(args=["risk", "activate", version])
    assert result.exit_code != 0 and "does not give (ctx_rain_mm)" in result.output
    with pytest.raises(risk_models.MissingFeatures):
        risk_models.score_all(version)


@pytest.mark.parametrize("fraction", ["1.5", "1", "-0.2"])
def test_a_test_fraction_outside_0_to_1_is_refused_naming_the_option(app, runner, fraction) -> None:  # noqa: ANN001
    """1.5 trained on the first half and tested on the second, reporting 150 % of the inspections as tested."""
    result = runner.invoke(args=["risk", "train", "--test-fraction", fraction])
    assert result.exit_code == 2 and "--test-fraction" in result.output and "0<=x<1" in result.output


def test_training_without_inspections_is_refused(app, runner) -> None:  # noqa: ANN001
    result = runner.invoke(args=["risk", "train"])
    assert result.exit_code != 0 and "no inspections" in result.output


def test_every_reason_template_is_a_message() -> None:
    assert {str(m) for m in MESSAGES} == ({t for t, _ in TEMPLATES.values()} | {GENERIC, CONTEXT, NOT_ON_RECORD}
                                         | {NO_RESULT} | set(MISSING.values()) | set(ZERO.values()) | set(FORMER)
                                         | set(ONE.values()))


@pytest.mark.parametrize(("counts", "english"), [
    ({"viol_12m": 1, "viol_agencies_12m": 1}, "1 violation found by 1 agency in the last 12 months"),
    ({"viol_12m": 3, "viol_agencies_12m": 1}, "3 violations found by 1 agency in the last 12 months"),
    ({"viol_12m": 3, "viol_agencies_12m": 2}, "3 violations found by 2 agencies in the last 12 months"),
    ({"insp_follow_up_12m": 1}, "1 follow-up inspection in the last 12 months"),
    ({"insp_follow_up_12m": 2}, "2 follow-up inspections in the last 12 months"),
    ({"flagged_any_hop1_12m": 1}, "1 related company through a shared person, address or phone had violations or "
                                  "penalties in the last 12 months"),
])
def test_a_count_of_one_reads_in_the_singular(app, counts, english) -> None:  # noqa: ANN001
    """"1 follow-up inspections in the last 12 months" showed on profiles; in Chinese the count reads as before."""
    feature = next(iter(counts))
    made = reason(feature, counts, 0.5)
    assert made["text"] == english
    with app.test_request_context("/?lang=en"):
        assert reason_text(made) == english[:1].upper() + english[1:]
        # a score stored before: the plural template with a count of one
        old = {"template": TEMPLATES[feature][0], "params": made["params"], "text": ""}
        assert reason_text(old) == english[:1].upper() + english[1:]
    with app.test_request_context("/?lang=zh_Hans_CN"):
        assert reason_text(made) == reason_text(old) and not reason_text(made).isascii()


def test_a_category_reason_names_the_category_in_words(app, make) -> None:  # noqa: ANN001
    """Scores store a category's code ("H6210", "branch"); the reason reads its name, in the reader's language."""
    make.entity(industry_code="H6210", industry="正餐服务")
    db.session.commit()
    industry = reason("industry", {"industry": "H6210"}, 0.3)
    kind = reason("entity_type", {"entity_type": "branch"}, 0.1)
    former = dict(industry, template="industry %(v)s")  # stored by an earlier version
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert reason_text(industry) == "所属行业检查发现问题较多：正餐服务（H6210）"
        assert reason_text(kind) == "该类主体检查发现问题较多：分支机构"
        assert reason_text(former) == "行业 正餐服务（H6210）"
        assert reason_text(reason("industry", {"industry": "Z9999"}, 0.3)).endswith("：Z9999")  # no name known
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert reason_text(industry) == "An industry where inspections find more than in most: 正餐服务 (H6210)"
        assert reason_text(kind) == "A type of entity where inspections find more than in most: Branch"


def test_evaluate_again_on_inspections_recorded_after_training(app, make, client, auth) -> None:  # noqa: ANN001
    """``risk evaluate`` scores the stored model on the inspections dated after everything it learned from; the
    report then says so. Before any such inspection, the evaluation made at training stays."""
    entities = _world(make)
    row = risk_models.train(params={"n_estimators": 60, "min_child_samples": 5})
    db.session.commit()
    kept = row.evaluation["summary"]
    assert risk_models.reevaluate(row.version).evaluation["summary"] == kept  # nothing after its training yet
    samr, rng = make.agency("SAMR"), random.Random(9)
    later = [row.train_end + timedelta(days=10 + i) for i in range(40)]
    for i, day in enumerate(later):
        bad = i % 3 == 0
        found = rng.random() < (0.8 if bad else 0.05)
        make.inspection(entities[i], samr, inspection_date=day, serious_violation=found,
                        violation_count=2 if found else 0)
    db.session.commit()
    again = risk_models.reevaluate(row.version)
    db.session.commit()
    assert again.evaluation["summary"]["n"] == 40 and again.evaluation["evaluated_at"]
    assert (again.evaluation["test_start"], again.evaluation["test_end"]) == (later[0].isoformat(),
                                                                             later[-1].isoformat())
    make.user("boss", Role.ADMIN)
    db.session.commit()
    auth.login("boss")
    page = client.get(f"/admin/models/{row.version}/report?lang=en").get_data(as_text=True)
    assert (f"Evaluated on the inspections of {later[0]} to {later[-1]}, recorded after its training."
            in page.split('id="evaluated-later">')[1]) and 'id="tested-first"' not in page
