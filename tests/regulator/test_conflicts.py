"""Conflicts of interest: an inspector declares one, is taken off the entity's open visits (a colleague of the
same agency is drawn in their place, or the coordinator is told nobody is free), and ends it later."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import AuditLog, ConflictDeclaration, InspectionTask, MarketEntity, Notification, TaskInspector, User
from regulator.extensions import db
from regulator.services import conflicts, staffing, working_days

from .test_campaign_pages import published_campaign, setup_world


def _kinds(username: str) -> list[str]:
    return [n.kind for n in db.session.scalars(select(Notification).join(User, User.id == Notification.user_id)
                                               .where(User.username == username).order_by(Notification.id))]


def test_declared_from_the_profile_the_visit_goes_to_a_colleague(app, make, client, auth) -> None:  # noqa: ANN001
    samr, mee = setup_world(make)
    published_campaign(samr, mee, "回避")
    part = db.session.scalar(select(TaskInspector).where(TaskInspector.agency_id == samr.id)
                             .order_by(TaskInspector.id))
    task, inspector = part.task, part.user
    entity = db.session.get(MarketEntity, task.entity_id)
    before = set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task.id)))
    auth.login(inspector.username)
    profile = client.get(f"/entities/{entity.id}").get_data(as_text=True)
    assert f'href="/inspector/conflicts?entity={entity.id}"' in profile
    form = client.get(f"/inspector/conflicts?entity={entity.id}&lang=en").get_data(as_text=True)
    assert f'value="{entity.id}"' in form and "What ties you to it" in form
    response = client.post(f"/inspector/conflicts?entity={entity.id}&lang=en", follow_redirects=True, data={
        "entity_id": str(entity.id), "entity": entity.name, "reason": "配偶在该企业任职"})
    page = response.get_data(as_text=True)
    assert "you will not be drawn for it" in page and "You were taken off 1 open visit" in page
    declaration = db.session.scalar(select(ConflictDeclaration))
    assert (declaration.user_id, declaration.entity_id, declaration.valid_until) == (inspector.id, entity.id, None)
    db.session.expire_all()
    staff = db.session.scalars(select(TaskInspector).where(TaskInspector.task_id == task.id)).all()
    [replacement] = [s for s in staff if s.user_id not in before]
    assert {s.user_id for s in staff} == before - {inspector.id} | {replacement.user_id}
    assert replacement.agency_id == replacement.user.agency_id == samr.id
    assert _kinds(replacement.user.username)[-1] == "task.reassigned"
    assert _kinds("coord")[-1] == "conflict.replaced" and "conflict.replaced" not in _kinds("mee-coord")
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "conflict.declare"))
    assert audit.details["visits"] == [task.id] and audit.entity_id == entity.id
    auth.logout()
    auth.login("coord")
    listing = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert f"declared a conflict of interest with {entity.name}: visit #{task.id} was given to another" in listing
    auth.logout()

    auth.login("coord")  # the agency's coordinators see the declaration; another agency's do not
    assert "配偶在该企业任职" in client.get("/coordinator/conflicts").get_data(as_text=True)
    auth.logout()
    auth.login("mee-coord")
    assert "配偶在该企业任职" not in client.get("/coordinator/conflicts").get_data(as_text=True)
    auth.logout()

    # the same inspector is never drawn for the entity while it is in force; ended, the entity is open again
    assert db.session.scalar(staffing.declared_conflicts(inspector.id, entity.id)) is not None
    auth.login(inspector.username)
    again = client.post("/inspector/conflicts?lang=en", data={"entity": entity.uscc or entity.name, "reason": "x"})
    assert again.status_code == 400 and "already" in again.get_data(as_text=True)
    assert client.post(f"/inspector/conflicts/{declaration.id}/end").status_code == 302
    db.session.expire_all()
    assert declaration.valid_until == working_days.local_day() - timedelta(days=1)
    assert db.session.scalar(staffing.declared_conflicts(inspector.id, entity.id)) is None
    assert "ended" in client.get("/inspector/conflicts?lang=en").get_data(as_text=True)


def test_bad_declarations_are_refused_with_the_reason(app, make, client, auth) -> None:  # noqa: ANN001
    samr, _mee = setup_world(make)
    twin_a, twin_b = make.entity("深圳市同名测试商行"), make.entity("深圳市同名测试商行")
    coded = make.entity("深圳市有代码测试有限公司", uscc="91110000600037341L")
    db.session.commit()
    auth.login("insp0")
    cases = [({"entity": "深圳市同名测试商行", "reason": "亲属"}, "Several entities have this name"),
             ({"entity": "不存在的公司", "reason": "亲属"}, "No entity has this code or name"),
             ({"entity": coded.name, "reason": ""}, "This field is required"),
             ({"entity": coded.name, "reason": "亲属", "valid_until": "2001-01-01"}, "The end date is in the past")]
    for data, message in cases:
        response = client.post("/inspector/conflicts?lang=en", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    assert db.session.scalar(select(ConflictDeclaration)) is None
    typed = "９１１１ ００００ ６０００３７３４１ｌ"  # the code as typed: full width, spaces, lower case
    assert client.post("/inspector/conflicts", data={"entity": typed, "reason": "前雇主"}).status_code == 302
    assert db.session.scalar(select(ConflictDeclaration)).entity_id == coded.id
    assert {twin_a.id, twin_b.id}.isdisjoint({d.entity_id for d in db.session.scalars(select(ConflictDeclaration))})
    auth.logout()
    auth.login("insp1")
    theirs = db.session.scalar(select(ConflictDeclaration))
    assert client.post(f"/inspector/conflicts/{theirs.id}/end").status_code == 404


def test_nobody_free_leaves_the_visit_to_the_coordinator(app, make, client, auth) -> None:  # noqa: ANN001
    samr, mee = setup_world(make)
    published_campaign(samr, mee, "回避")
    part = db.session.scalar(select(TaskInspector).where(TaskInspector.agency_id == mee.id)
                             .order_by(TaskInspector.id))
    task_id, entity_id, user = part.task_id, part.task.entity_id, part.user
    before = set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task_id)))
    others = db.session.scalars(select(User).where(User.agency_id == mee.id, User.id != user.id,
                                                   User.role == user.role)).all()
    for other in others:  # every colleague declared a conflict with the entity already
        db.session.add(ConflictDeclaration(user_id=other.id, entity_id=entity_id, reason="亲属"))
    db.session.commit()
    done = conflicts.declare(user, db.session.get(MarketEntity, entity_id), "股东")
    db.session.commit()
    assert [(t, r) for t, _c, r in done.visits] == [(task_id, None)]
    after = set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task_id)))
    assert after == before - {user.id}  # taken off, and nobody drawn in their place
    assert _kinds("mee-coord")[-1] == "conflict.unstaffed"
    assert db.session.get(InspectionTask, task_id).status.value == ("assigned" if after else "planned")


def test_a_coordinator_replaces_an_inspector_of_their_agency(app, make, client, auth) -> None:  # noqa: ANN001
    samr, mee = setup_world(make)
    campaign = published_campaign(samr, mee, "回避")
    part = db.session.scalar(select(TaskInspector).join(InspectionTask).where(
        TaskInspector.agency_id == samr.id, InspectionTask.campaign_id == campaign.id).order_by(TaskInspector.id))
    task_id, leaving = part.task_id, part.user_id
    before = set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task_id)))
    mee_member = next((u for u in before if db.session.get(User, u).agency_id == mee.id), None)

    auth.login("mee-coord")  # another agency's inspector: no form, and a post is refused
    page = client.get(f"/coordinator/tasks/{task_id}?lang=en").get_data(as_text=True)
    assert f'id="replace-{leaving}"' not in page
    refused = client.post(f"/coordinator/tasks/{task_id}/inspectors/{leaving}/replace?lang=en",
                          data={"reason": "休假"}, follow_redirects=True)
    assert "replaces them" in refused.get_data(as_text=True)
    auth.logout()

    auth.login("coord")
    page = client.get(f"/coordinator/tasks/{task_id}?lang=en").get_data(as_text=True)
    assert f'id="replace-{leaving}"' in page and (mee_member is None or f'id="replace-{mee_member}"' not in page)
    assert f'href="/coordinator/tasks/{task_id}"' in client.get(f"/coordinator/campaigns/{campaign.id}").get_data(
        as_text=True)
    client.post(f"/coordinator/tasks/{task_id}/inspectors/{leaving}/replace", data={"reason": ""})
    assert set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task_id))) == before
    done = client.post(f"/coordinator/tasks/{task_id}/inspectors/{leaving}/replace?lang=en",
                       data={"reason": "病假两周"}, follow_redirects=True)
    assert "replaced by a fresh draw" in done.get_data(as_text=True)
    after = set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task_id)))
    [replacement] = after - before
    assert leaving not in after and db.session.get(User, replacement).agency_id == samr.id
    withdrawn = db.session.scalar(select(Notification).where(Notification.user_id == leaving,
                                                             Notification.kind == "task.withdrawn"))
    assert withdrawn.details["reason"] == "病假两周"
    assert _kinds(db.session.get(User, replacement).username)[-1] == "task.reassigned"
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "task.replace_inspector"))
    assert (audit.details["removed"], audit.details["replacement"]) == (leaving, replacement)
    assert client.post(f"/coordinator/tasks/{task_id}/inspectors/{leaving}/replace",
                       data={"reason": "x"}).status_code == 404  # no longer on the visit
