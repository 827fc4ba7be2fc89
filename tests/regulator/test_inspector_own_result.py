"""An inspector's visit page lists what their agency recorded with its result: the violations (code, severity,
description) and the enforcement action (type, amount, decision number); it said only "Fail · 1 violation".
Another agency's record of the same visit stays a summary."""

from __future__ import annotations

from datetime import date

from models import CampaignStatus, InspectionResult, PenaltyType, Role, Severity
from regulator.extensions import db
from regulator.services import task_results


def _result(code: str, description: str, decision_no: str) -> task_results.ResultInput:
    return task_results.ResultInput(
        result=InspectionResult.FAIL, inspection_date=date(2025, 2, 3),
        violations=[task_results.FoundViolation(code, Severity.SERIOUS, description)],
        penalty_type=PenaltyType.FINE, penalty_amount="12,000", decision_no=decision_no,
        internal_notes=f"内部 {code}")


def test_the_inspector_sees_what_their_agency_recorded(app, make, client, auth) -> None:  # noqa: ANN001
    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    inspectors = [make.user("samr1", Role.INSPECTOR, agency_id=samr.id),
                  make.user("fire1", Role.INSPECTOR, agency_id=fire.id)]
    task = make.task(make.entity("深圳市结果明细餐饮有限公司"), [samr, fire], inspectors)
    task.campaign.status = CampaignStatus.PUBLISHED
    db.session.commit()
    task_results.record_result(task, samr.id, _result("SP-07", "冷藏温度超标", "深市监罚〔2025〕7号"))
    task_results.record_result(task, fire.id, _result("XF-01", "消防通道堵塞", "深消罚〔2025〕1号"))
    db.session.commit()
    auth.login("samr1")
    page = client.get(f"/inspector/tasks/{task.id}?lang=en").get_data(as_text=True)
    results = page[page.index('id="task-results"'):]
    results = results[results.index('data-agency="SAMR"'):]
    results = results[:results.index('data-agency="FIRE"')] if 'data-agency="FIRE"' in results else results
    assert "<code>SP-07</code> 冷藏温度超标 · Serious" in " ".join(results.split())
    assert "Fine · 12,000.00 yuan" in " ".join(results.split()) and "深市监罚〔2025〕7号" in results
    assert "内部 SP-07" in results  # the agency's own internal notes, as before
    # the other agency's record of the visit: its summary only
    assert "XF-01" not in page and "消防通道堵塞" not in page and "深消罚〔2025〕1号" not in page
    assert "内部 XF-01" not in page
