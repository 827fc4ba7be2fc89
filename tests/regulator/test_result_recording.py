"""Recording a visit's result: results of one visit submitted at the same moment (a double click, two
inspectors of one agency, two agencies after a joint visit) record each part once, and the visit is done once
every part is; an amount or decision number without its enforcement action is refused, not dropped.

The other submission runs in an application context of its own, so in a session of its own, as another request
would; it commits between this session's reading the visit and its recording.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import (
    CampaignStatus,
    EnforcementAction,
    Inspection,
    InspectionResult,
    InspectionTask,
    PenaltyType,
    Role,
    Severity,
    TaskStatus,
)
from regulator.extensions import db
from regulator.services import task_results

RESULT = task_results.ResultInput(
    result=InspectionResult.FAIL, inspection_date=date(2025, 2, 3),
    violations=[task_results.FoundViolation("XF-01", Severity.SERIOUS, "消防通道堵塞")],
    penalty_type=PenaltyType.FINE, penalty_amount="12,000", decision_no="深消罚〔2025〕1号")


def _visit(make):  # noqa: ANN001, ANN202
    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    inspectors = [make.user("samr1", Role.INSPECTOR, agency_id=samr.id),
                  make.user("fire1", Role.INSPECTOR, agency_id=fire.id)]
    task = make.task(make.entity("深圳市同时提交餐饮有限公司"), [samr, fire], inspectors)
    task.campaign.status = CampaignStatus.PUBLISHED
    db.session.commit()
    return samr, fire, task


def _record_elsewhere(app, task_id: int, agency_id: int, data: task_results.ResultInput) -> None:  # noqa: ANN001
    with app.app_context():
        task_results.record_result(db.session.get(InspectionTask, task_id), agency_id, data)
        db.session.commit()


def test_a_part_submitted_twice_at_once_is_recorded_once(app, make) -> None:  # noqa: ANN001
    samr, _fire, task = _visit(make)
    assert task.agencies[0].inspection_id is None  # this request has read the part open
    _record_elsewhere(app, task.id, samr.id, RESULT)
    with pytest.raises(task_results.ResultError, match="result of this task is already recorded"):
        task_results.record_result(task, samr.id, RESULT)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 1
    assert db.session.scalar(select(func.count()).select_from(EnforcementAction)) == 1


def test_two_agencies_recording_together_finish_the_visit(app, make) -> None:  # noqa: ANN001
    samr, fire, task = _visit(make)
    assert {p.status for p in task.agencies} == {TaskStatus.PLANNED}  # read before FIRE records its part
    _record_elsewhere(app, task.id, fire.id, RESULT)
    task_results.record_result(task, samr.id, task_results.ResultInput(InspectionResult.PASS, date(2025, 2, 3)))
    db.session.commit()
    assert db.session.scalar(select(InspectionTask.status).where(InspectionTask.id == task.id)) == TaskStatus.DONE


def test_an_amount_without_its_enforcement_action_is_refused_not_dropped(app, make, client, auth) -> None:  # noqa: ANN001
    """The amount and decision number typed with the action left at "—" were recorded as a result without any
    penalty; the form now says so at the action's field, and the API names the field."""
    samr, _fire, task = _visit(make)
    auth.login("samr1")
    form = {"result": "fail", "inspection_date": "2025-02-03", "penalty_type": "", "penalty_amount": "5,000",
            "decision_no": "深市监罚〔2025〕9号"}
    response = client.post(f"/inspector/tasks/{task.id}/result?lang=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose the enforcement action that the amount" in page
    assert 'value="深市监罚〔2025〕9号"' in page  # the form comes back as it was filled
    api = client.post(f"/api/v1/tasks/{task.id}/results", json={
        "result": "fail", "inspection_date": "2025-02-03", "penalty_amount": "5000", "decision_no": "X-1"})
    assert api.status_code == 422 and "penalty_type" in api.json["errors"]
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0
    assert client.post(f"/inspector/tasks/{task.id}/result", data={**form, "penalty_type": "fine"}).status_code == 302
    fine = db.session.scalar(select(EnforcementAction))
    assert fine.amount == 5000 and fine.agency_id == samr.id
