"""A relationship cluster visited as one is one outing with one team: the plan staffs its tasks alike, the
workload counts it once, and an inspector replaced (by a coordinator, or after declaring a conflict) on one of its
tasks is replaced on all of them by someone barred for none of its entities."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from models import (
    AuditLog,
    Campaign,
    ConflictDeclaration,
    InspectionInspector,
    InspectionTask,
    Notification,
    RiskCluster,
    Role,
    TaskInspector,
    TaskStatus,
    User,
)
from regulator.extensions import db
from regulator.services import campaigns as service
from regulator.services import conflicts

from .test_campaign_plan_counts import _planned_with_cluster


def _staff(task_ids: list[int]) -> dict[int, set[int]]:
    rows = db.session.execute(select(TaskInspector.task_id, TaskInspector.user_id)
                              .where(TaskInspector.task_id.in_(task_ids))).all()
    return {t: {u for task, u in rows if task == t} for t in task_ids}


def _cluster_tasks(campaign: Campaign, cluster: RiskCluster) -> list[int]:
    return list(db.session.scalars(select(InspectionTask.id).where(
        InspectionTask.campaign_id == campaign.id, InspectionTask.cluster_id == cluster.id)
        .order_by(InspectionTask.id)))


def test_the_planned_cluster_visit_has_one_team(app, make) -> None:  # noqa: ANN001
    """Three tasks, one visit: the same two inspectors on each; their load and their notice count one visit."""
    campaign, cluster, members = _planned_with_cluster(make)
    tasks = _cluster_tasks(campaign, cluster)
    staff = _staff(tasks)
    assert len(tasks) == len(members) == 3
    team = staff[tasks[0]]
    assert len(team) == 2 and all(s == team for s in staff.values()), staff
    everyone = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    load = service.open_load()
    service.publish_plan(campaign)  # the inspectors are told of their visits when they can see them
    for user_id in team:
        outings = {service.visit_key(t) or t.id for t in everyone if user_id in {i.user_id for i in t.inspectors}}
        assert load[user_id] == len(outings) < sum(user_id in {i.user_id for i in t.inspectors} for t in everyone)
        told = db.session.scalar(select(Notification).where(Notification.user_id == user_id,
                                                            Notification.kind == "tasks.assigned"))
        assert told.details["visits"] == len(outings)


def test_replacing_on_one_task_replaces_on_the_whole_visit(app, make, client, auth) -> None:  # noqa: ANN001
    """The coordinator replaces a member on the first task: they leave all three, and the one drawn in their
    place is neither the conflicted nor the last inspector of the visit's other entities (both less loaded)."""
    campaign, cluster, members = _planned_with_cluster(make)
    tasks = _cluster_tasks(campaign, cluster)
    team = _staff(tasks)[tasks[0]]
    leaving = min(team)
    samr = db.session.get(User, leaving).agency
    for user in db.session.scalars(select(User).where(User.agency_id == samr.id, User.role == Role.INSPECTOR)):
        user.active = user.id in team  # the third of the agency is away: the draw is between the three below
    conflicted, visited, free = (make.user(name, Role.INSPECTOR, agency_id=samr.id)
                                 for name in ("samr-conflicted", "samr-visited", "samr-free"))
    make.task(make.entity(), [samr], [free], campaign=campaign, status=TaskStatus.ASSIGNED)
    db.session.add(ConflictDeclaration(user_id=conflicted.id, entity_id=members[1].id, reason="亲属"))
    earlier = make.inspection(members[2], samr, inspection_date=date(2024, 6, 1))
    db.session.add(InspectionInspector(inspection_id=earlier.id, user_id=visited.id))
    db.session.commit()

    auth.login("coord")
    page = client.get(f"/coordinator/tasks/{tasks[0]}?lang=en").get_data(as_text=True)
    note = page.split('id="task-visit-together">', 1)[1].split("</p>", 1)[0]
    assert "an inspector replaced here is replaced on those tasks too" in note
    assert [int(t) for t in re.findall(r'href="/coordinator/tasks/(\d+)"', note)] == tasks[1:]
    single = db.session.scalar(select(InspectionTask.id).where(InspectionTask.campaign_id == campaign.id,
                                                               InspectionTask.cluster_id.is_(None)))
    assert "task-visit-together" not in client.get(f"/coordinator/tasks/{single}").get_data(as_text=True)
    done = client.post(f"/coordinator/tasks/{tasks[0]}/inspectors/{leaving}/replace?lang=en",
                       data={"reason": "病假两周"}, follow_redirects=True)
    assert "replaced by a fresh draw" in done.get_data(as_text=True)
    staff = _staff(tasks)
    after = (team - {leaving}) | {free.id}
    assert all(s == after for s in staff.values()), staff
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "task.replace_inspector"))
    assert (audit.details["removed"], audit.details["replacement"]) == (leaving, free.id)


def test_a_conflict_with_one_entity_takes_the_inspector_off_the_whole_visit(app, make) -> None:  # noqa: ANN001
    """MEE's inspector goes on the cluster's visit for the second entity only and declares a conflict with the
    first: they leave the visit, and MEE's last inspector of the first entity is not drawn in their place."""
    samr, mee = make.agency("SAMR", domain="market"), make.agency("MEE", domain="environment")
    s0 = make.user("s0", Role.INSPECTOR, agency_id=samr.id)
    m0, m1, m2 = (make.user(f"m{i}", Role.INSPECTOR, agency_id=mee.id) for i in range(3))
    cluster = RiskCluster(build="test", size=2, score=0.5)
    db.session.add(cluster)
    db.session.flush()
    one, two = make.entity(), make.entity()
    first = make.task(one, [samr], [s0], cluster_id=cluster.id, status=TaskStatus.ASSIGNED)
    second = make.task(two, [samr, mee], [s0, m0], campaign=first.campaign, cluster_id=cluster.id,
                       status=TaskStatus.ASSIGNED)
    make.task(make.entity(), [mee], [m2], campaign=first.campaign, status=TaskStatus.ASSIGNED)
    earlier = make.inspection(one, mee, inspection_date=date(2024, 6, 1))
    db.session.add(InspectionInspector(inspection_id=earlier.id, user_id=m1.id))
    db.session.commit()

    done = conflicts.declare(m0, one, "股东")
    db.session.commit()
    assert done.visits == [(second.id, first.campaign_id, m2.id)]
    assert _staff([first.id, second.id]) == {first.id: {s0.id}, second.id: {s0.id, m2.id}}


def test_shortfalls_are_counted_by_visit(app, make, client, auth) -> None:  # noqa: ANN001
    """Two agencies short on one visit (a line each) make one visit that lacks inspectors, not two."""
    campaign, _cluster, _members = _planned_with_cluster(make)
    first = min(db.session.scalars(select(InspectionTask.id).where(InspectionTask.campaign_id == campaign.id)))
    campaign.plan_summary = {**campaign.plan_summary, "shortfalls": [
        {"task": first, "agency": "SAMR", "needed": 1, "available": 0},
        {"task": first, "agency": "MEE", "needed": 1, "available": 0},
        {"task": first + 1, "agency": "MEE", "needed": 1, "available": 0}]}
    db.session.commit()
    auth.login("coord")
    page = client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    assert "2 visits lack enough eligible inspectors." in page


def test_the_staff_command_counts_tasks_and_visits(app, make, runner) -> None:  # noqa: ANN001
    """`flask campaign staff` says how many tasks it staffed in how many visits (a cluster visit is one)."""
    campaign, cluster, _members = _planned_with_cluster(make)
    db.session.execute(TaskInspector.__table__.delete())
    db.session.commit()
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    visits = len({service.visit_key(t) or t.id for t in tasks})
    assert visits < len(tasks)
    result = runner.invoke(args=["campaign", "staff", str(campaign.id)])
    assert result.exit_code == 0 and f"{len(tasks)} tasks staffed in {visits} visits" in result.output, result.output
