"""Coordinators are reminded, once each, of requests whose day to be decided by is near or past and of results
due public; nobody else is; the reminders are words in the reader's language that lead to the request."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import Campaign, CampaignAgency, CampaignStatus, CreditRepair, Notification, Objection, Role, User
from regulator.extensions import db
from regulator.services import working_days


def _kinds(username: str) -> list[tuple[str, int]]:
    user_id = db.session.scalar(select(User.id).where(User.username == username))
    return [(n.kind, n.subject_id) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


def test_requests_and_results_near_or_past_their_day_are_reminded_once(app, make, runner, client, auth) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity("深圳市提醒测试有限公司")
    ent = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    violation, penalty = make.violation(entity, samr), make.enforcement(entity, samr)
    other_violation = make.violation(entity, samr)  # one open objection per record
    db.session.flush()
    today = working_days.local_day()

    def submitted(days_ago: int) -> datetime:
        return datetime.now(UTC) - timedelta(days=days_ago)

    late = Objection(entity_id=entity.id, agency_id=samr.id, record_type="violation", record_id=violation.id,
                     submitted_by_id=ent.id, reason="a", created_at=submitted(60))
    fresh = Objection(entity_id=entity.id, agency_id=samr.id, record_type="violation", record_id=other_violation.id,
                      submitted_by_id=ent.id, reason="b", created_at=submitted(0))
    repair = CreditRepair(entity_id=entity.id, agency_id=samr.id, target_type="enforcement_action",
                          target_id=penalty.id, applicant_id=ent.id, reason="c", created_at=submitted(60))
    campaign = Campaign(name="春季抽查", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                        lead_agency_id=samr.id, status=CampaignStatus.PUBLISHED, seed_commitment="c")
    db.session.add_all([late, fresh, repair, campaign])
    db.session.flush()
    db.session.add(CampaignAgency(campaign_id=campaign.id, agency_id=samr.id, capacity=1))
    visited = make.entity()
    make.inspection(visited, samr, task_id=make.task(visited, [samr], campaign=campaign).id,
                    inspection_date=today - timedelta(days=40))
    db.session.commit()

    first = runner.invoke(args=["notices", "remind"])
    assert first.exit_code == 0 and "reminders added: 3" in first.output
    assert sorted(_kinds("samr.coord")) == sorted([("deadline.objection_passed", late.id),
                                                   ("deadline.repair_passed", repair.id),
                                                   ("deadline.results", campaign.id)])
    assert _kinds("mee.coord") == [] and _kinds("ent") == []
    assert "reminders added: 0" in runner.invoke(args=["notices", "remind"]).output  # once each
    # fifteen working days ahead reaches the objection submitted today: "near", once
    assert "reminders added: 1" in runner.invoke(args=["notices", "remind", "--ahead", "15"]).output
    assert ("deadline.objection_near", fresh.id) in _kinds("samr.coord")

    auth.login("samr.coord")
    listing = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert f"Objection #{late.id} of 深圳市提醒测试有限公司 was to be decided by" in listing
    assert "Recorded results of the campaign “春季抽查” are due public by" in listing
    note = db.session.scalar(select(Notification).where(Notification.kind == "deadline.results"))
    assert client.get(f"/auth/notifications/{note.id}").headers["Location"].endswith(
        f"/coordinator/campaigns/{campaign.id}")
