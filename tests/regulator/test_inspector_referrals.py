"""Referring a finding from a visit: no agency is chosen for the inspector (a finding sent without choosing went
to the first agency listed); a refused referral shows the form again as it was filled, saying why at its field
(it redirected to an empty form under one message for both fields); the same finding sent twice to the same
agency (a double click) is sent once."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from models import Alert, CampaignStatus, Referral, Role
from regulator.extensions import db


def _visit(make):  # noqa: ANN001, ANN202
    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    inspector = make.user("samr1", Role.INSPECTOR, agency_id=samr.id)
    task = make.task(make.entity("深圳市移送测试餐饮有限公司"), [samr], [inspector])
    task.campaign.status = CampaignStatus.PUBLISHED
    db.session.commit()
    return fire, task


def _count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_no_agency_is_chosen_for_the_inspector(app, make, client, auth) -> None:  # noqa: ANN001
    _fire, task = _visit(make)
    auth.login("samr1")
    page = client.get(f"/inspector/tasks/{task.id}?lang=en").get_data(as_text=True)
    select_ = re.search(r'<select[^>]*name="ref-to_agency".*?</select>', page, re.S).group(0)
    first = re.search(r"<option[^>]*>([^<]*)</option>", select_)
    assert first.group(1) == "Choose the agency" and 'value="0"' in first.group(0)
    assert "selected" not in select_
    response = client.post(f"/inspector/tasks/{task.id}/referral?lang=en",
                           data={"ref-to_agency": "0", "ref-description": "消防通道堵塞"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and _count(Referral) == 0
    assert "Choose the agency whose remit the finding is in." in body
    assert "\n消防通道堵塞</textarea>" in body  # nothing typed is lost


def test_a_finding_left_empty_is_said_at_its_field_with_the_agency_kept(app, make, client, auth) -> None:  # noqa: ANN001
    fire, task = _visit(make)
    auth.login("samr1")
    response = client.post(f"/inspector/tasks/{task.id}/referral?lang=en",
                           data={"ref-to_agency": str(fire.id), "ref-description": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and _count(Referral) == 0
    form = body[body.index('id="referral-form"'):]
    assert "Describe the finding." in form[form.index('name="ref-description"'):]
    assert re.search(rf'<option selected value="{fire.id}">|<option value="{fire.id}" selected>', form)


def test_the_same_finding_sent_twice_is_sent_once(app, make, client, auth) -> None:  # noqa: ANN001
    fire, task = _visit(make)
    auth.login("samr1")
    data = {"ref-to_agency": str(fire.id), "ref-description": "消防通道堵塞"}
    assert client.post(f"/inspector/tasks/{task.id}/referral", data=data).status_code == 302
    again = client.post(f"/inspector/tasks/{task.id}/referral?lang=en", data=data)
    assert again.status_code == 400
    assert "This finding has been sent to that agency from this visit already." in again.get_data(as_text=True)
    assert _count(Referral) == 1 and _count(Alert) == 1
    other = client.post(f"/inspector/tasks/{task.id}/referral", data={**data, "ref-description": "灭火器过期"})
    assert other.status_code == 302 and _count(Referral) == 2  # another finding goes


def test_the_inspector_who_sent_it_hears_what_became_of_it(app, make, client, auth) -> None:  # noqa: ANN001
    """The sending agency's coordinators were told; the inspector who found it and sent it from the visit was
    not, and had to open the visit again to see."""
    from models import Notification, User
    from regulator.services import referrals

    fire, task = _visit(make)
    make.user("fire.coord", Role.COORDINATOR, agency_id=fire.id)
    make.user("samr2", Role.INSPECTOR, agency_id=task.agencies[0].agency_id)
    db.session.commit()
    auth.login("samr1")
    client.post(f"/inspector/tasks/{task.id}/referral", data={"ref-to_agency": str(fire.id),
                                                               "ref-description": "消防通道堵塞"})
    receiver = db.session.scalar(select(User).where(User.username == "fire.coord"))
    referral = db.session.scalar(select(Referral))
    referrals.decide(referral, receiver, accept=True)
    referrals.acted(referral, receiver, "已责令整改")
    db.session.commit()
    told = db.session.scalars(select(Notification.kind).join(User, User.id == Notification.user_id)
                              .where(User.username == "samr1").order_by(Notification.id)).all()
    assert told == ["referral.accepted", "referral.acted"]
    others = db.session.scalar(select(func.count()).select_from(Notification)
                               .join(User, User.id == Notification.user_id)
                               .where(User.username.in_(["samr2", "fire.coord"])))
    assert others == 0  # not another inspector of the agency; not the receiving side, which took the steps
    page = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert f"Your referral #{referral.id} about 深圳市移送测试餐饮有限公司 was accepted." in page
    note = db.session.scalar(select(Notification.id).join(User, User.id == Notification.user_id)
                             .where(User.username == "samr1").limit(1))
    opened = client.get(f"/auth/notifications/{note}")  # leads to the visit, not to a coordinator's page
    assert opened.status_code == 302 and opened.location.endswith(f"/inspector/tasks/{task.id}")
    assert client.get(opened.location).status_code == 200


def test_the_receiving_coordinator_sees_who_sent_it_and_when(app, make, client, auth) -> None:  # noqa: ANN001
    """The receiving coordinator read the finding with no word of who found it or when, and no way to the
    entity's profile."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    fire, task = _visit(make)
    make.user("fire.coord", Role.COORDINATOR, agency_id=fire.id)
    db.session.commit()
    auth.login("samr1")
    client.post(f"/inspector/tasks/{task.id}/referral", data={"ref-to_agency": str(fire.id),
                                                               "ref-description": "消防通道堵塞"})
    auth.logout()
    db.session.execute(update(Referral).values(created_at=datetime(2026, 3, 2, 17, 30, tzinfo=UTC)))
    db.session.commit()
    referral = db.session.scalar(select(Referral))
    auth.login("fire.coord")
    page = client.get(f"/coordinator/referrals/{referral.id}?lang=en").get_data(as_text=True)
    sender = page[page.index('id="referral-sender"'):]
    assert sender.startswith('id="referral-sender">samr1 · 2026-03-03 01:30</dd>')  # on the platform's clock
    assert f'href="/entities/{task.entity_id}" id="referral-entity"' in page
