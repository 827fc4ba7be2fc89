"""GET /api/v1/entities/<id>/risk: the active model's score in words, staff only; risk in the task list."""

from __future__ import annotations

from datetime import date

from models import CreditClass, ModelVersion, RiskScore, Role
from regulator.extensions import db
from risk.explain import reason


def _scored(make):  # noqa: ANN001, ANN202
    entity = make.entity()
    model = ModelVersion(version="risk-api", features=["flagged_person_hop1_12m"], params={}, metrics={},
                         evaluation={}, active=True)
    db.session.add(model)
    db.session.flush()
    why = reason("flagged_person_hop1_12m", {"flagged_person_hop1_12m": 2}, 0.8)
    db.session.add(RiskScore(entity_id=entity.id, model_version_id=model.id, as_of=date(2024, 6, 1),
                             probability=0.61, risk_class=CreditClass.C, reasons=[why]))
    make.user("coord", Role.COORDINATOR, agency_id=make.agency("SAMR").id)
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    db.session.commit()
    return entity


def test_staff_get_the_score_with_reasons_in_their_language(app, make, client, auth) -> None:  # noqa: ANN001
    entity = _scored(make)
    assert client.get(f"/api/v1/entities/{entity.id}/risk").status_code == 401
    auth.login("coord")
    body = client.get(f"/api/v1/entities/{entity.id}/risk", headers={"Accept-Language": "en"}).get_json()
    assert body["probability"] == 0.61 and body["risk_class"] == "C" and body["model_version"] == "risk-api"
    assert body["as_of"] == "2024-06-01" and body["computed_at"]
    assert body["reasons"][0]["text"].startswith(
        "2 related companies through a shared person (legal representative")
    zh = client.get(f"/api/v1/entities/{entity.id}/risk?lang=zh_Hans_CN").get_json()
    assert "关联的企业中有 2 家" in zh["reasons"][0]["text"]
    unscored = make.entity()
    db.session.commit()
    missing = client.get(f"/api/v1/entities/{unscored.id}/risk")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    auth.logout()
    auth.login("ent")
    refused = client.get(f"/api/v1/entities/{entity.id}/risk")
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
