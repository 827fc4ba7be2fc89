"""Notifications: each step of a request reaches the side waiting for it (and no one else), in the reader's
language; the bar counts the unread; opening one marks it read and leads to what it is about."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import CreditRepair, Notification, Objection, PenaltyType, Role, Severity, User
from regulator.extensions import db
from regulator.notification_words import WORDS
from regulator.services.notifications import AUDIENCE

TODAY = date.today()


def _kinds(username: str) -> list[str]:
    user = db.session.scalar(select(User).where(User.username == username))
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                               .order_by(Notification.id))]


def _world(make):  # noqa: ANN001, ANN202
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity("深圳市通知测试贸易有限公司")
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    make.user("ent2", Role.ENTERPRISE, entity_id=entity.id)
    make.user("other.ent", Role.ENTERPRISE, entity_id=make.entity().id)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("samr.coord2", Role.COORDINATOR, agency_id=samr.id)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    violation = make.violation(entity, samr, severity=Severity.SERIOUS, found_date=TODAY - timedelta(days=20))
    penalty = make.enforcement(entity, samr, penalty_type=PenaltyType.WARNING,
                               decision_date=TODAY - timedelta(days=200))
    db.session.commit()
    return samr, mee, entity, violation, penalty


def test_each_step_of_an_objection_reaches_the_waiting_side(app, make, client, auth) -> None:  # noqa: ANN001
    _samr, _mee, _entity, violation, _penalty = _world(make)
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "已整改"})
    objection = db.session.scalar(select(Objection))
    assert _kinds("samr.coord") == _kinds("samr.coord2") == ["objection.submitted"]
    assert _kinds("mee.coord") == _kinds("ent") == _kinds("ent2") == []  # another agency; the one who acted
    auth.logout()

    auth.login("samr.coord")
    page = client.get("/coordinator/?lang=en").get_data(as_text=True)
    assert 'id="unread-count">1<' in page
    listing = client.get("/auth/notifications?lang=zh_Hans_CN").get_data(as_text=True)
    assert f"深圳市通知测试贸易有限公司对本部门的一条记录提出异议（异议 #{objection.id}）" in listing
    note = db.session.scalar(select(Notification).where(Notification.kind == "objection.submitted",
                                                        Notification.user_id == db.session.scalar(
                                                            select(User.id).where(User.username == "samr.coord"))))
    opened = client.get(f"/auth/notifications/{note.id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/coordinator/objections/{objection.id}")
    db.session.expire_all()
    assert note.read_at is not None and 'id="unread-count"' not in client.get("/coordinator/").get_data(as_text=True)
    client.post(f"/coordinator/objections/{objection.id}", data={"decision": "rejected", "reason": "证据不足"})
    assert _kinds("samr.coord2") == ["objection.submitted"]  # the decider's colleague is not told of it
    auth.logout()

    assert _kinds("ent") == _kinds("ent2") == ["objection.rejected"]
    assert _kinds("other.ent") == []
    auth.login("ent")
    listing = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert f"Your objection #{objection.id} was rejected" in listing and "1 unread" in listing
    assert client.get(f"/auth/notifications/{note.id}").status_code == 404  # the coordinator's notification
    ent_note = db.session.scalar(select(Notification).where(Notification.kind == "objection.rejected")
                                 .order_by(Notification.id))
    assert client.get(f"/auth/notifications/{ent_note.id}").headers["Location"].endswith(
        f"/enterprise/objections/{objection.id}")
    auth.logout()
    auth.login("ent2")
    client.post("/auth/notifications/read")
    db.session.expire_all()
    ent2 = db.session.scalar(select(User).where(User.username == "ent2"))
    assert ent2.unread_notifications == 0 and all(n.read_at for n in db.session.scalars(
        select(Notification).where(Notification.user_id == ent2.id)))


def test_repairs_and_referrals_notify_the_other_side(app, make, client, auth) -> None:  # noqa: ANN001
    samr, mee, entity, _violation, penalty = _world(make)
    auth.login("ent")
    client.post(f"/enterprise/repairs/new/enforcement_action/{penalty.id}", data={"reason": "已整改"})
    repair = db.session.scalar(select(CreditRepair))
    auth.logout()
    assert _kinds("samr.coord") == ["credit_repair.submitted"] and _kinds("mee.coord") == []
    auth.login("samr.coord")
    client.post(f"/coordinator/repairs/{repair.id}", data={"decision": "review", "reason": "请补充材料"})
    client.post(f"/coordinator/repairs/{repair.id}", data={"decision": "granted", "reason": "符合条件"})
    auth.logout()
    assert _kinds("ent") == ["credit_repair.under_review", "credit_repair.granted"]

    from regulator.services import referrals

    sender = db.session.scalar(select(User).where(User.username == "samr.coord"))
    receiver = db.session.scalar(select(User).where(User.username == "mee.coord"))
    referral = referrals.send(entity.id, samr.id, mee.id, "疑似超标排放", user=sender)
    referrals.decide(referral, receiver, accept=True)
    referrals.acted(referral, receiver, "已立案调查")
    db.session.commit()
    assert _kinds("samr.coord")[-2:] == ["referral.accepted", "referral.acted"]
    assert _kinds("samr.coord2")[-2:] == ["referral.accepted", "referral.acted"]
    assert "referral.accepted" not in _kinds("mee.coord")  # the receiving side has its referral alert


def test_every_kind_recorded_has_words() -> None:
    """A kind the services record without words would show its code to the reader: every step of a request
    that is told, and every kind written in the services' code, has words."""
    import re
    from pathlib import Path

    import regulator

    written = set()
    for path in (Path(regulator.__file__).parent / "services").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "notify" in line or '"kind":' in line:
                written |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
    from regulator.services.reminders import KINDS

    written |= set(KINDS.values())  # chosen by a table, not written at the call
    assert {"tasks.assigned", "credit.class_changed", "task.withdrawn", "conflict.unstaffed",
            "deadline.results"} <= written
    assert {f"{subject}.{step}" for subject, step in AUDIENCE} | written <= set(WORDS)


def test_a_change_of_credit_class_reaches_the_entitys_users(app, make, client, auth) -> None:  # noqa: ANN001
    """Not the first class an entity is given; each later change, with the class before and after."""
    from models import ListType
    from regulator.services import credit

    _samr, mee, entity, _violation, _penalty = _world(make)
    credit.recompute([entity.id])
    db.session.commit()
    first = entity.credit_class
    assert first is not None and _kinds("ent") == []
    make.list_entry(entity, mee, list_type=ListType.SERIOUS_ILLEGAL, added_date=TODAY - timedelta(days=1))
    credit.recompute([entity.id])
    db.session.commit()
    db.session.expire_all()
    assert entity.credit_class != first
    assert _kinds("ent") == _kinds("ent2") == ["credit.class_changed"] and _kinds("other.ent") == []
    note = db.session.scalar(select(Notification).where(Notification.kind == "credit.class_changed"))
    assert note.details == {"from": first.value, "to": entity.credit_class.value}
    auth.login("ent")
    listing = client.get("/auth/notifications?lang=zh_Hans_CN").get_data(as_text=True)
    assert "深圳市通知测试贸易有限公司的信用等级由" in listing and "D类（高风险）" in listing
    assert client.get(f"/auth/notifications/{note.id}").headers["Location"].endswith("/enterprise/")


def test_notifications_over_the_api(app, make, client, auth) -> None:  # noqa: ANN001
    """A person reads and marks their notifications as JSON, in the language asked for; a token has none."""
    from regulator.services.tokens import issue_token

    samr, _mee, _entity, violation, _penalty = _world(make)
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "已整改"})
    auth.logout()
    auth.login("samr.coord")
    body = client.get("/api/v1/notifications", headers={"Accept-Language": "zh-CN"}).get_json()
    objection = db.session.scalar(select(Objection))
    assert body["total"] == 1 and body["items"][0]["kind"] == "objection.submitted"
    assert body["items"][0]["text"].startswith("深圳市通知测试贸易有限公司对本部门的一条记录提出异议")
    assert body["items"][0]["link"] == f"/coordinator/objections/{objection.id}" and body["items"][0]["read_at"] is None
    colleagues = db.session.scalar(select(Notification.id).join(User, User.id == Notification.user_id)
                                   .where(User.username == "samr.coord2"))
    assert client.post("/api/v1/notifications/read", json={"id": colleagues}).status_code == 404
    assert client.post("/api/v1/notifications/read", json={}).get_json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications?unread=true").get_json()["total"] == 0
    auth.logout()
    clear, _token = issue_token(samr, "samr-system")
    db.session.commit()
    refused = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {clear}"})
    assert refused.status_code == 403 and "agency token" in refused.get_json()["message"]


def test_an_accepted_objection_says_whether_the_record_was_corrected_or_withdrawn(
        app, make, client, auth) -> None:  # noqa: ANN001
    samr, _mee, entity, violation, _penalty = _world(make)
    other = make.violation(entity, samr, severity=Severity.SERIOUS, found_date=TODAY - timedelta(days=10),
                           description="超范围经营")
    db.session.commit()
    auth.login("ent")
    for record in (violation, other):
        client.post(f"/enterprise/objections/new/violation/{record.id}", data={"reason": "记录有误"})
    auth.logout()
    first, second = db.session.scalars(select(Objection).order_by(Objection.id)).all()
    auth.login("samr.coord")
    client.post(f"/coordinator/objections/{first.id}", data={
        "decision": "corrected", "reason": "经核实属一般违法", "field-severity": "minor",
        "field-found_date": violation.found_date.isoformat(), "field-description": "无证经营"})
    client.post(f"/coordinator/objections/{second.id}", data={"decision": "withdrawn", "reason": "记录张冠李戴"})
    auth.logout()
    assert _kinds("ent") == ["objection.accepted", "objection.accepted"]
    auth.login("ent")
    listing = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert f"Your objection #{first.id} was accepted: the record is corrected." in listing
    assert f"Your objection #{second.id} was accepted: the record is withdrawn." in listing
    assert "corrected or withdrawn" not in listing
