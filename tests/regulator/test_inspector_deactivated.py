"""An inspector whose account the administrator deactivates leaves the open visits they were drawn for: each is
given to another inspector of their agency by the plan's draw, and the agency's coordinators are told which."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, InspectionTask, Notification, Role, TaskInspector, User
from regulator.extensions import db
from regulator.services import campaigns as service

from .test_campaigns import make_campaign, world


def _teams(campaign_id: int) -> dict[int, set[int]]:
    rows = db.session.execute(select(TaskInspector.task_id, TaskInspector.user_id).join(InspectionTask)
                              .where(InspectionTask.campaign_id == campaign_id)).all()
    teams: dict[int, set[int]] = {}
    for task_id, user_id in rows:
        teams.setdefault(task_id, set()).add(user_id)
    return teams


def _published(make, seed: str):  # noqa: ANN001, ANN202
    """A published joint plan, its SAMR coordinator, the teams, the SAMR inspector drawn for most visits and them."""
    samr, mee, _entities, inspectors = world(make)
    make.user("admin", Role.ADMIN)
    coordinator = make.user("samr-coord", Role.COORDINATOR, agency_id=samr.id)
    campaign = make_campaign(samr, mee)
    service.commit_seed(campaign, seed=seed)
    service.run_draw(campaign)
    service.build_plan(campaign)
    service.publish_plan(campaign)
    db.session.commit()
    before = _teams(campaign.id)
    leaving = max(inspectors[:3], key=lambda u: sum(u.id in team for team in before.values()))
    visits = sorted(t for t, team in before.items() if leaving.id in team)
    assert visits
    return samr, mee, coordinator, campaign, before, leaving, visits


def test_a_deactivated_inspector_leaves_their_open_visits(app, make, client, auth) -> None:  # noqa: ANN001
    _samr, _mee, coordinator, campaign, before, leaving, visits = _published(make, "deactivated")
    auth.login("admin")
    assert client.post(f"/admin/users/{leaving.id}", data={"display_name": leaving.display_name}).status_code == 302
    after = _teams(campaign.id)
    assert not any(leaving.id in team for team in after.values())
    told = dict(db.session.execute(select(Notification.subject_id, Notification.kind).where(
        Notification.user_id == coordinator.id, Notification.subject_type == "task")).all())
    assert sorted(told) == visits
    for task_id in visits:
        newcomers = after[task_id] - before[task_id]
        if told[task_id] == "inactive.replaced":  # the same number go, one of them drawn anew
            assert len(newcomers) == 1 and len(after[task_id]) == len(before[task_id])
            assert db.session.scalar(select(Notification.kind).where(
                Notification.user_id == next(iter(newcomers)), Notification.subject_id == task_id)) \
                == "task.reassigned"
        else:
            assert told[task_id] == "inactive.unstaffed" and not newcomers
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.deactivate"))
    assert sorted(audit.details["visits"]) == visits
    page = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert "was deactivated" not in page  # the administrator is not told; the coordinators are


def test_before_publication_changes_of_team_tell_no_inspector(app, make, client, auth) -> None:  # noqa: ANN001
    """A coordinator's replacement on a plan not yet published tells neither inspector (the visit is not in
    their lists, and its link would lead nowhere); the publication then tells each of their visits."""
    samr, mee, _entities, _inspectors = world(make)
    make.user("samr-coord", Role.COORDINATOR, agency_id=samr.id)
    campaign = make_campaign(samr, mee)
    service.commit_seed(campaign, seed="not-yet-published")
    service.run_draw(campaign)
    service.build_plan(campaign)
    db.session.commit()
    part = db.session.scalars(select(TaskInspector).join(InspectionTask).where(
        InspectionTask.campaign_id == campaign.id, TaskInspector.agency_id == samr.id)
        .order_by(TaskInspector.id)).first()
    task_id, leaving = part.task_id, part.user_id
    auth.login("samr-coord")
    client.post(f"/coordinator/tasks/{task_id}/inspectors/{leaving}/replace", data={"reason": "病假"})
    assert leaving not in _teams(campaign.id)[task_id]
    to_inspectors = select(Notification.kind).join(User, User.id == Notification.user_id).where(
        User.role == Role.INSPECTOR)
    assert db.session.scalars(to_inspectors).all() == []
    service.publish_plan(campaign)
    assert set(db.session.scalars(to_inspectors)) == {"tasks.assigned"}


def test_an_inspector_moved_to_another_agency_leaves_their_open_visits(app, make, client, auth) -> None:  # noqa: ANN001
    """Made an inspector of another agency, they leave their old agency's open visits like a deactivated one; the
    coordinators are told they left the agency's inspectors, not that the account was deactivated."""
    _samr, mee, coordinator, campaign, _before, leaving, visits = _published(make, "moved")
    auth.login("admin")
    assert client.post(f"/admin/users/{leaving.id}", data={
        "display_name": leaving.display_name, "active": "y", "role": "inspector",
        "agency_code": mee.code}).status_code == 302
    assert not any(leaving.id in team for team in _teams(campaign.id).values())
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == coordinator.id)))
    assert kinds and kinds <= {"moved.replaced", "moved.unstaffed"}
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.role"))
    assert sorted(audit.details["visits"]) == visits
    auth.logout()
    auth.login("samr-coord")
    page = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert "is no longer one of your agency&#39;s inspectors" in page
