"""Objections and credit repair applications are to be decided within so many working days of their submission
(China's working-day calendar, the platform's local days): both sides see the day; the agency's lists and home
page mark the ones past it; a decided request has no day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import CreditRepair, Objection, ObjectionStatus, Role
from regulator.extensions import db
from regulator.services import working_days


def test_the_day_is_counted_in_local_working_days(app) -> None:  # noqa: ANN001
    # 16:30 UTC on 30 April is 00:30 on 1 May in Shanghai: the request counts from the holiday
    late_evening = datetime(2026, 4, 30, 16, 30, tzinfo=UTC)
    assert working_days.local_day(late_evening) == date(2026, 5, 1)
    objection = Objection(status=ObjectionStatus.SUBMITTED, created_at=late_evening)
    due = working_days.decide_by(objection)
    # 15 working days after 1 May 2026: 6-9 May (Saturday 9 May worked), then 11-22 May (10), 25 May
    assert (due.day, due.working_days) == (date(2026, 5, 25), 15)
    objection.status, objection.decided_at = ObjectionStatus.ACCEPTED, datetime.now(UTC)
    assert working_days.decide_by(objection) is None


def test_both_sides_see_when_and_the_agency_sees_what_is_late(app, make, client, auth) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    entity = make.entity("深圳市期限测试有限公司")
    ent = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    violation, other_violation = make.violation(entity, samr), make.violation(entity, samr)
    penalty = make.enforcement(entity, samr)
    db.session.commit()
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "已整改"})
    fresh = db.session.scalar(select(Objection))
    old = Objection(entity_id=entity.id, agency_id=samr.id, record_type="violation", record_id=other_violation.id,
                    submitted_by_id=ent.id, reason="旧的", status=ObjectionStatus.SUBMITTED,
                    created_at=datetime.now(UTC) - timedelta(days=60))
    repair = CreditRepair(entity_id=entity.id, agency_id=samr.id, target_type="enforcement_action",
                          target_id=penalty.id, applicant_id=ent.id, reason="已整改",
                          created_at=datetime.now(UTC) - timedelta(days=60))
    db.session.add_all([old, repair])
    db.session.commit()
    due = working_days.decide_by(fresh).day
    page = client.get(f"/enterprise/objections/{fresh.id}?lang=en").get_data(as_text=True)
    assert f"To be decided by {due} (15 working days after it was submitted)" in page
    auth.logout()

    auth.login("coord")
    listing = client.get("/coordinator/objections?lang=en").get_data(as_text=True)
    rows = listing.split('id="objections"', 1)[1]
    assert f'data-id="{old.id}"' in rows and rows.count("· overdue") == 1 and str(due) in rows
    home = client.get("/coordinator/?lang=en").get_data(as_text=True)
    assert 'id="objections-overdue">1 overdue' in home and 'id="repairs-overdue">1 overdue' in home
    assert "Objections to decide: 2" in home  # both open ones, as the list's "To decide" tab has them
    client.post(f"/coordinator/objections/{old.id}", data={"decision": "review", "reason": ""})
    db.session.expire_all()
    assert old.status == ObjectionStatus.UNDER_REVIEW
    home = client.get("/coordinator/?lang=en").get_data(as_text=True)
    assert "Objections to decide: 2" in home and 'id="objections-overdue">1 overdue' in home  # under review: open
    assert "The day has passed." in client.get(f"/coordinator/repairs/{repair.id}?lang=en").get_data(as_text=True)


def test_the_api_gives_the_day_to_decide_by(app, make, client, auth) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    entity = make.entity()
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    violation = make.violation(entity, samr)
    db.session.commit()
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "已整改"})
    objection = db.session.scalar(select(Objection))
    listed = client.get("/api/v1/objections").get_json()["items"][0]
    due = working_days.decide_by(objection)
    assert listed["decide_by"] == {"day": due.day.isoformat(), "overdue": False, "working_days": 15}
    client.post(f"/enterprise/objections/{objection.id}/withdraw")
    assert client.get(f"/api/v1/objections/{objection.id}").get_json()["decide_by"] is None
    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert spec["Objection"]["properties"]["decide_by"] and spec["Due"]["properties"]["day"]["format"] == "date"
