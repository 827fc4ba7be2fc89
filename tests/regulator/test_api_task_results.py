"""Recording a visit's result over JSON: the inspector drawn for it, or an agency system's inspector token."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models import CampaignStatus, EnforcementAction, Inspection, Role, TaskStatus, Violation
from regulator.extensions import db
from regulator.services import working_days
from regulator.services.tokens import issue_token

URL = "/api/v1/tasks/{}/results"
RESULT = {"result": "fail", "inspection_date": "2025-03-10", "penalty_type": "fine", "penalty_amount": "2000.50",
          "decision_no": "深市监罚〔2025〕12号", "notes": "责令改正",
          "violations": [{"code": "SC-01", "severity": "serious", "description": "无照经营"}, {"code": "SC-07"}]}


def _world(make):  # noqa: ANN001, ANN202
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity("深圳市接口测试餐饮有限公司")
    drawn = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    make.user("other", Role.INSPECTOR, agency_id=samr.id)
    task = make.task(entity, [samr, mee], [drawn])
    task.campaign.status = CampaignStatus.PUBLISHED
    db.session.commit()
    return samr, mee, task


def test_the_drawn_inspector_records_a_result_once(app, make, client, auth) -> None:  # noqa: ANN001
    samr, _mee, task = _world(make)
    auth.login("other")  # an inspector not drawn for the task does not learn it exists
    assert client.post(URL.format(task.id), json=RESULT).status_code == 404
    auth.logout()
    auth.login("insp")
    response = client.post(URL.format(task.id), json=RESULT)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["violation_count"] == 2 and body["agency_id"] == samr.id and body["result"] == "fail"
    assert body["task_status"] == TaskStatus.IN_PROGRESS.value  # MEE's part is still open
    inspection = db.session.get(Inspection, body["inspection_id"])
    assert inspection.task_id == task.id and inspection.notes == "责令改正"
    assert {v.code for v in db.session.scalars(select(Violation).where(Violation.inspection_id == inspection.id))} \
        == {"SC-01", "SC-07"}
    penalty = db.session.scalar(select(EnforcementAction).where(EnforcementAction.entity_id == task.entity_id))
    assert penalty.amount == Decimal("2000.50") and penalty.decision_no == "深市监罚〔2025〕12号"
    again = client.post(URL.format(task.id), json=RESULT)
    assert again.status_code == 409 and again.json["code"] == "conflict"
    assert db.session.query(Inspection).count() == 1


def test_results_are_validated_before_anything_is_written(app, make, client, auth) -> None:  # noqa: ANN001
    _samr, _mee, task = _world(make)
    auth.login("insp")
    tomorrow = (working_days.local_day() + timedelta(days=1)).isoformat()  # the platform's tomorrow
    for field, value in (("inspection_date", tomorrow), ("penalty_amount", "NaN"), ("penalty_amount", "1e20"),
                         ("penalty_amount", "-1"), ("result", "maybe"),
                         ("violations", [{"code": "X" * 65}]), ("violations", [{"code": "A", "severity": "x"}])):
        response = client.post(URL.format(task.id), json={**RESULT, field: value})
        assert response.status_code == 422, (field, value, response.status_code)
        assert field in response.json["errors"], response.json
    assert db.session.query(Inspection).count() == 0


def test_an_agency_system_records_its_agency_part(app, make, client) -> None:  # noqa: ANN001
    _samr, mee, task = _world(make)
    fire = make.agency("FIRE", domain="fire")
    tokens = {name: issue_token(agency, name, Role.INSPECTOR, scopes=scopes)[0]
              for name, agency, scopes in (("mee-app", mee, None), ("fire-app", fire, None),
                                           ("mee-read", mee, ["read"]))}
    db.session.commit()
    def post(name: str):  # noqa: ANN202
        return client.post(URL.format(task.id), json=RESULT, headers={"Authorization": f"Bearer {tokens[name]}"})
    listed = {name: client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {tokens[name]}"}).json["items"]
              for name in ("mee-app", "fire-app")}
    assert [t["id"] for t in listed["mee-app"]] == [task.id] and listed["fire-app"] == []
    assert post("fire-app").status_code == 404  # FIRE takes no part in the visit
    assert post("mee-read").status_code == 403
    response = post("mee-app")
    assert response.status_code == 201 and response.json["agency_id"] == mee.id
    assert db.session.scalar(select(Inspection.agency_id)) == mee.id


def test_an_agency_system_no_longer_sees_nor_records_a_part_withdrawn(app, make, client) -> None:  # noqa: ANN001
    from regulator.services import visit_withdrawal

    samr, mee, task = _world(make)
    token = issue_token(mee, "mee-app", Role.INSPECTOR)[0]
    lead = make.user("samr-coord", Role.COORDINATOR, agency_id=samr.id)
    task.campaign.lead_agency_id = samr.id
    visit_withdrawal.withdraw_part(task, mee.id, "本月已完成排污检查", lead)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tasks", headers=headers).json["items"] == []
    response = client.post(URL.format(task.id), json=RESULT, headers=headers)
    assert response.status_code == 409 and "withdrawn: 本月已完成排污检查" in response.json["message"]
    parts = client.get(f"/api/v1/campaigns/{task.campaign_id}/tasks", headers=headers).json
    assert parts.get("items") is None or all(p["withdrawn_reason"] == "本月已完成排污检查"
                                             for t in parts["items"] for p in t["parts"] if p["agency"] == "MEE")


def test_a_value_the_service_refuses_is_a_422_naming_its_field(app, make, client, auth) -> None:  # noqa: ANN001
    """A visit dated before its campaign, or a decision number the agency gave already, came back as a 409
    "conflict" with no field named, unlike every other refused value (and against the documented 409s)."""
    samr, _mee, task = _world(make)
    make.enforcement(make.entity(), samr, decision_no="深市监罚〔2025〕12号")
    db.session.commit()
    auth.login("insp")
    for field, body in (("inspection_date", {**RESULT, "inspection_date": "2024-12-31"}),
                        ("decision_no", RESULT)):
        response = client.post(URL.format(task.id), json=body)
        assert response.status_code == 422 and list(response.json["errors"]) == [field], response.json
    assert db.session.query(Inspection).count() == 0
    recorded = client.post(URL.format(task.id), json={**RESULT, "decision_no": "深市监罚〔2025〕13号"})
    assert recorded.status_code == 201
    assert client.post(URL.format(task.id), json=RESULT).status_code == 409  # recorded already: still a conflict
