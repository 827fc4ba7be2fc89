"""Campaigns and joint plans over JSON: the agencies that lead or take part see them; the seed stays hidden."""

from __future__ import annotations

from datetime import date

from models import Campaign, CampaignAgency, CampaignStatus, Role
from regulator.extensions import db
from regulator.services.tokens import issue_token


def _world(make):  # noqa: ANN001, ANN202
    samr, mee, fire = make.agency("SAMR"), make.agency("MEE"), make.agency("FIRE", domain="fire")
    joint = Campaign(name="春季联合抽查", period_start=date(2025, 3, 1), period_end=date(2025, 5, 31),
                     lead_agency_id=samr.id, status=CampaignStatus.PUBLISHED, seed="secret-seed", seed_commitment="c",
                     random_share=0.25)
    alone = Campaign(name="消防检查", period_start=date(2025, 3, 1), period_end=date(2025, 5, 31),
                     lead_agency_id=fire.id, seed="fire-seed")
    db.session.add_all([joint, alone])
    db.session.flush()
    db.session.add_all([CampaignAgency(campaign_id=joint.id, agency_id=samr.id, capacity=20),
                        CampaignAgency(campaign_id=joint.id, agency_id=mee.id, capacity=8),
                        CampaignAgency(campaign_id=alone.id, agency_id=fire.id, capacity=3)])
    inspector = make.user("insp", Role.INSPECTOR, agency_id=samr.id, display_name="张检查")
    task = make.task(make.entity("深圳市计划测试有限公司"), [samr, mee], [inspector], campaign=joint,
                     expected_findings=0.4)
    for code, agency in (("samr", samr), ("mee", mee), ("fire", fire)):
        make.user(f"{code}.coord", Role.COORDINATOR, agency_id=agency.id)
    db.session.commit()
    return joint, alone, task, mee


def test_agencies_see_the_campaigns_they_take_part_in(app, make, client, auth) -> None:  # noqa: ANN001
    joint, alone, task, mee = _world(make)
    auth.login("samr.coord")
    listing = client.get("/api/v1/campaigns").json
    assert [c["id"] for c in listing["items"]] == [joint.id] and listing["total"] == 1
    item = listing["items"][0]
    assert item["lead_agency"] == "SAMR" and item["capacities"] == {"SAMR": 20, "MEE": 8}
    assert item["tasks"] == 1 and item["random_share"] == 0.25
    assert item["seed"] is None  # not drawn yet: the seed stays secret, to coordinators too
    assert client.get("/api/v1/campaigns?status=draft").json["total"] == 0
    plan = client.get(f"/api/v1/campaigns/{joint.id}/tasks").json
    assert plan["total"] == 1
    visit = plan["items"][0]
    assert visit["id"] == task.id and visit["entity"] == "深圳市计划测试有限公司"
    assert {p["agency"] for p in visit["parts"]} == {"SAMR", "MEE"}
    assert visit["inspectors"] == [{"agency": "SAMR", "user_id": visit["inspectors"][0]["user_id"],
                                    "name": "张检查"}]
    assert client.get(f"/api/v1/campaigns/{alone.id}/tasks").status_code == 404
    auth.logout()

    auth.login("fire.coord")
    assert [c["id"] for c in client.get("/api/v1/campaigns").json["items"]] == [alone.id]
    assert client.get(f"/api/v1/campaigns/{joint.id}/tasks").status_code == 404
    auth.logout()

    clear, _token = issue_token(mee, "mee-system")  # a participating agency's system
    db.session.commit()
    headers = {"Authorization": f"Bearer {clear}"}
    assert client.get(f"/api/v1/campaigns/{joint.id}/tasks", headers=headers).json["total"] == 1
    assert client.get("/api/v1/campaigns", headers=headers).json["items"][0]["id"] == joint.id
