"""An inspector's "today" is the platform's local day (Asia/Shanghai), not the server's (UTC): from 00:00 to 08:00
in Shenzhen a visit made that morning was refused as dated in the future, the result form offered yesterday's
date, and a conflict of interest ended that morning still kept the inspector off the entity.

The tests set the platform's zone to one whose day differs from the server's right now, whichever hour it is.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models import CampaignStatus, ConflictDeclaration, Inspection, Role
from regulator.extensions import db
from regulator.services import staffing


@pytest.fixture
def other_day(app) -> date:  # noqa: ANN001
    """Set the platform's zone to one where the date is not the server's; returns that local date."""
    zone = next(z for z in ("Pacific/Kiritimati", "Etc/GMT+12") if datetime.now(ZoneInfo(z)).date() != date.today())
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    return datetime.now(ZoneInfo(zone)).date()


def _visit(make):  # noqa: ANN001, ANN202
    samr = make.agency("SAMR")
    inspector = make.user("samr1", Role.INSPECTOR, agency_id=samr.id)
    task = make.task(make.entity("深圳市本地日期餐饮有限公司"), [samr], [inspector])
    task.campaign.status = CampaignStatus.PUBLISHED
    task.campaign.period_start = date.today() - timedelta(days=30)
    db.session.commit()
    return task


def test_a_visit_is_dated_on_the_local_day(app, make, client, auth, other_day) -> None:  # noqa: ANN001
    task = _visit(make)
    auth.login("samr1")
    page = client.get(f"/inspector/tasks/{task.id}?lang=en").get_data(as_text=True)
    assert f'value="{other_day.isoformat()}"' in page  # the form offers the local day
    # a day after the local one is refused, at the date's field; the local day itself is taken
    refused = client.post(f"/inspector/tasks/{task.id}/result?lang=en", data={
        "result": "pass", "inspection_date": (other_day + timedelta(days=1)).isoformat()})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert 'id="inspection_date"' in body and "A visit cannot be dated in the future." in body
    assert body.index("A visit cannot be dated in the future.") > body.index('id="inspection_date"')
    if date.today() > other_day:  # the server's day is the local tomorrow
        api = client.post(f"/api/v1/tasks/{task.id}/results",
                          json={"result": "pass", "inspection_date": date.today().isoformat()})
        assert api.status_code == 422 and "inspection_date" in api.json["errors"]
    recorded = client.post(f"/inspector/tasks/{task.id}/result", data={
        "result": "pass", "inspection_date": other_day.isoformat()})
    assert recorded.status_code == 302
    assert db.session.scalar(select(Inspection.inspection_date)) == other_day
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 1


def test_the_api_takes_a_visit_of_the_local_day(app, make, client, auth, other_day) -> None:  # noqa: ANN001
    task = _visit(make)
    auth.login("samr1")
    response = client.post(f"/api/v1/tasks/{task.id}/results",
                           json={"result": "pass", "inspection_date": other_day.isoformat()})
    assert response.status_code == 201, response.json


def test_a_conflict_ended_on_the_local_day_is_no_longer_in_force(app, make, client, auth, other_day) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    inspector = make.user("samr1", Role.INSPECTOR, agency_id=samr.id)
    entity = make.entity("深圳市回避测试有限公司")
    declaration = make._add(ConflictDeclaration(user_id=inspector.id, entity_id=entity.id, reason="亲属任职",
                                                valid_until=other_day))
    db.session.commit()
    auth.login("samr1")
    client.post(f"/inspector/conflicts/{declaration.id}/end")
    db.session.expire_all()
    assert db.session.get(ConflictDeclaration, declaration.id).valid_until == other_day - timedelta(days=1)
    assert db.session.scalar(staffing.declared_conflicts(inspector.id, entity.id)) is None
    page = client.get("/inspector/conflicts?lang=en").get_data(as_text=True)
    assert "· ended" in page and ">End</button>" not in page


def test_a_date_typed_wrong_is_said_to_be_one_and_kept(app, make, client, auth) -> None:  # noqa: ANN001
    """A date that is not one ("2026-02-30", typed where the browser has no date picker) was refused as
    missing: "This field is required."."""
    task = _visit(make)
    auth.login("samr1")
    for lang, words in (("en", "Not a valid date value."), ("zh_Hans_CN", "不是有效的日期值")):
        response = client.post(f"/inspector/tasks/{task.id}/result?lang={lang}",
                               data={"result": "pass", "inspection_date": "2026-02-30"})
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and words in body, lang
        assert 'value="2026-02-30"' in body
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0
