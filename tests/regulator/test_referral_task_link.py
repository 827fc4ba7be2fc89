"""A referral sent from a visit leads the coordinator to that visit: a link to the coordinator's task page where
their agency takes part in the visit's campaign, the task's number alone where it does not (the page named no
visit at all)."""

from __future__ import annotations

from sqlalchemy import select

from models import CampaignStatus, Referral, Role
from regulator.extensions import db


def test_the_referral_names_the_visit_it_came_from(app, make, client, auth) -> None:  # noqa: ANN001
    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    inspector = make.user("samr1", Role.INSPECTOR, agency_id=samr.id)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("fire.coord", Role.COORDINATOR, agency_id=fire.id)
    task = make.task(make.entity("深圳市移送来源餐饮有限公司"), [samr], [inspector])
    task.campaign.status = CampaignStatus.PUBLISHED
    task.campaign.lead_agency_id = samr.id
    db.session.commit()
    auth.login("samr1")
    sent = client.post(f"/inspector/tasks/{task.id}/referral", data={"ref-to_agency": str(fire.id),
                                                                      "ref-description": "消防通道堵塞"})
    assert sent.status_code == 302
    auth.logout()
    referral = db.session.scalar(select(Referral))
    auth.login("samr.coord")  # the sending agency leads the campaign: the visit opens for it
    page = client.get(f"/coordinator/referrals/{referral.id}?lang=en").get_data(as_text=True)
    assert (f'id="referral-task"><a href="/coordinator/tasks/{task.id}">Task #{task.id}</a></dd>') in page
    assert client.get(f"/coordinator/tasks/{task.id}").status_code == 200
    auth.logout()
    auth.login("fire.coord")  # the receiving agency takes no part in the campaign: the number, no link
    page = client.get(f"/coordinator/referrals/{referral.id}?lang=en").get_data(as_text=True)
    assert f'id="referral-task">Task #{task.id}</dd>' in page
    assert f'href="/coordinator/tasks/{task.id}"' not in page
    assert client.get(f"/coordinator/tasks/{task.id}").status_code == 404


def test_a_referral_not_sent_from_a_visit_names_none(app, make, client, auth) -> None:  # noqa: ANN001
    from regulator.services import referrals

    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    sender = make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    entity = make.entity("深圳市无来源餐饮有限公司")
    db.session.commit()
    referral = referrals.send(entity.id, samr.id, fire.id, "证照过期", user=sender)
    db.session.commit()
    auth.login("samr.coord")
    page = client.get(f"/coordinator/referrals/{referral.id}?lang=en").get_data(as_text=True)
    assert 'id="referral-description"' in page and 'id="referral-task"' not in page
