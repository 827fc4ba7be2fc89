"""Taking a planned visit back: an agency withdraws its part of a joint visit (its own coordinator or the lead
agency's), or the lead agency cancels the whole visit; inspectors leave it and are told why, what was recorded
stays, and the campaign's results count withdrawn checks apart."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import (
    AuditLog,
    CampaignAgency,
    CampaignStatus,
    InspectionResult,
    InspectionTask,
    Notification,
    Role,
    TaskAgency,
    TaskInspector,
    TaskStatus,
    User,
)
from regulator.extensions import db
from regulator.services import campaign_results, task_results, visit_withdrawal

PASS = task_results.ResultInput(InspectionResult.PASS, date(2025, 2, 3))


def _visit(make):  # noqa: ANN001, ANN202
    """A published joint visit of SAMR (the lead) and FIRE, an inspector and a coordinator of each."""
    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    inspectors = [make.user("samr1", Role.INSPECTOR, agency_id=samr.id),
                  make.user("fire1", Role.INSPECTOR, agency_id=fire.id)]
    make.user("samr-coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("fire-coord", Role.COORDINATOR, agency_id=fire.id)
    task = make.task(make.entity("深圳市撤回检查餐饮有限公司"), [samr, fire], inspectors, status=TaskStatus.ASSIGNED)
    campaign = task.campaign
    campaign.status, campaign.lead_agency_id = CampaignStatus.PUBLISHED, samr.id
    db.session.add_all([CampaignAgency(campaign_id=campaign.id, agency_id=a.id, capacity=5) for a in (samr, fire)])
    db.session.commit()
    return samr, fire, task, inspectors


def _part(task_id: int, agency_id: int) -> TaskAgency:
    return db.session.scalar(select(TaskAgency).where(TaskAgency.task_id == task_id,
                                                      TaskAgency.agency_id == agency_id))


def _notes(user_id: int) -> list[tuple[str, dict]]:
    return [(n.kind, n.details) for n in db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.subject_type == "task"))]


def test_an_agency_withdraws_its_part_and_the_visit_is_done_when_the_rest_is(app, make, client, auth) -> None:  # noqa: ANN001
    samr, fire, task, (samr1, fire1) = _visit(make)
    auth.login("fire-coord")
    page = client.get(f"/coordinator/tasks/{task.id}?lang=en").get_data(as_text=True)
    assert 'id="withdraw-FIRE"' in page and 'id="withdraw-SAMR"' not in page  # only its own part
    assert 'id="cancel-visit"' not in page  # the lead agency cancels visits
    response = client.post(f"/coordinator/tasks/{task.id}/agencies/{fire.id}/withdraw?lang=en",
                           data={"reason": "消防检查已于上月完成"}, follow_redirects=True)
    assert "part of the visit was withdrawn" in response.get_data(as_text=True)
    db.session.expire_all()
    part = _part(task.id, fire.id)
    assert part.status == TaskStatus.CANCELLED and part.withdrawn_reason == "消防检查已于上月完成"
    assert part.withdrawn_at is not None
    assert db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task.id)).all() \
        == [samr1.id]
    assert _notes(fire1.id) == [("task.withdrawn", {"reason": "消防检查已于上月完成"})]
    lead = db.session.scalar(select(Notification).where(Notification.kind == "task.agency_withdrawn"))
    assert lead.details == {"agency": "FIRE", "reason": "消防检查已于上月完成"}
    assert db.session.scalar(select(AuditLog.details).where(AuditLog.action == "task.withdraw_agency"))["agency"] \
        == "FIRE"
    with pytest.raises(task_results.ResultError, match="was withdrawn: 消防检查已于上月完成"):
        task_results.record_result(db.session.get(InspectionTask, task.id), fire.id, PASS)
    db.session.rollback()
    task_results.record_result(db.session.get(InspectionTask, task.id), samr.id, PASS)
    db.session.commit()
    assert db.session.get(InspectionTask, task.id).status == TaskStatus.DONE  # not waiting for FIRE for ever
    auth.logout()
    auth.login("samr-coord")
    page = client.get(f"/coordinator/tasks/{task.id}?lang=zh_Hans").get_data(as_text=True)
    assert "消防检查已于上月完成" in page and 'id="withdraw-' not in page  # the visit is done


def test_who_may_withdraw_and_cancel(app, make, client, auth) -> None:  # noqa: ANN001
    samr, _fire, task, _inspectors = _visit(make)
    auth.login("fire-coord")
    client.post(f"/coordinator/tasks/{task.id}/agencies/{samr.id}/withdraw", data={"reason": "不去了"})
    client.post(f"/coordinator/tasks/{task.id}/cancel", data={"reason": "不去了"})
    db.session.expire_all()
    assert db.session.get(InspectionTask, task.id).status == TaskStatus.ASSIGNED
    assert _part(task.id, samr.id).status == TaskStatus.PLANNED
    auth.logout()
    auth.login("samr-coord")
    response = client.post(f"/coordinator/tasks/{task.id}/cancel?lang=en", data={"reason": "  "},
                           follow_redirects=True)
    assert "Say why" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(InspectionTask, task.id).status == TaskStatus.ASSIGNED
    auth.logout()
    auth.login("samr1")
    assert client.post(f"/coordinator/tasks/{task.id}/cancel", data={"reason": "x"}).status_code == 403


def test_the_lead_agency_cancels_a_visit_that_then_leaves_every_list(app, make, client, auth) -> None:  # noqa: ANN001
    _samr, _fire, task, (samr1, fire1) = _visit(make)
    auth.login("samr1")
    assert f"/inspector/tasks/{task.id}" in client.get("/inspector/").get_data(as_text=True)
    auth.logout()
    auth.login("samr-coord")
    response = client.post(f"/coordinator/tasks/{task.id}/cancel?lang=en", data={"reason": "该店已停业"},
                           follow_redirects=True)
    assert "The visit was cancelled" in response.get_data(as_text=True)
    db.session.expire_all()
    task = db.session.get(InspectionTask, task.id)
    assert task.status == TaskStatus.CANCELLED
    assert {p.status for p in task.agencies} == {TaskStatus.CANCELLED}
    assert {p.withdrawn_reason for p in task.agencies} == {"该店已停业"}
    assert db.session.scalar(select(func.count()).select_from(TaskInspector)) == 0
    for inspector in (samr1, fire1):
        assert _notes(inspector.id) == [("task.withdrawn", {"reason": "该店已停业"})]
    auth.logout()
    auth.login("samr1")
    assert f"/inspector/tasks/{task.id}" not in client.get("/inspector/").get_data(as_text=True)
    by_agency, by_reason = campaign_results.results(task.campaign)
    assert [(t.key, t.planned, t.withdrawn) for t in by_agency] == [("FIRE", 0, 1), ("SAMR", 0, 1)]
    assert [(t.planned, t.withdrawn) for t in by_reason] == [(0, 2)]


def test_what_was_recorded_stays(app, make) -> None:  # noqa: ANN001
    samr, fire, task, _inspectors = _visit(make)
    coordinator = db.session.scalar(select(User).where(User.username == "samr-coord"))
    task_results.record_result(task, samr.id, PASS)
    db.session.commit()
    with pytest.raises(visit_withdrawal.WithdrawalError, match="withdraw the parts still open instead"):
        visit_withdrawal.cancel_visit(task, "重复检查", coordinator)
    with pytest.raises(visit_withdrawal.WithdrawalError, match="is recorded: it stays on record"):
        visit_withdrawal.withdraw_part(task, samr.id, "重复检查", coordinator)
    db.session.rollback()
    visit_withdrawal.withdraw_part(task, fire.id, "重复检查", coordinator)
    db.session.commit()
    task = db.session.get(InspectionTask, task.id)
    assert task.status == TaskStatus.DONE and task.completed_at is not None
    assert _part(task.id, samr.id).status == TaskStatus.DONE
    with pytest.raises(visit_withdrawal.WithdrawalError, match="no longer open"):
        visit_withdrawal.withdraw_part(task, fire.id, "再次", coordinator)

