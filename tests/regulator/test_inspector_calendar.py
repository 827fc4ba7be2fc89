"""The inspector's open visits as an iCalendar file: one all-day event per visit over its window, at the entity's
address, naming the agencies, with a link to the visit; nobody else's visits; filters apply as to the list."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from models import Campaign, CampaignStatus, Role
from regulator.extensions import db


def test_the_visits_as_a_calendar_file(app, make, client, auth) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    mine, other = make.user("insp", Role.INSPECTOR, agency_id=samr.id), make.user("insp2", Role.INSPECTOR,
                                                                                     agency_id=samr.id)
    campaign = Campaign(name="春季抽查", period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                        status=CampaignStatus.PUBLISHED, lead_agency_id=samr.id)  # visits are shown once published
    db.session.add(campaign)
    db.session.flush()
    shop = make.entity("深圳市日历测试餐饮有限公司")
    task = make.task(shop, [samr, mee], [mine], campaign=campaign, window_start=date(2026, 3, 2),
                     window_end=date(2026, 3, 13))
    make.task(make.entity("深圳市别人的任务有限公司"), [samr], [other], campaign=campaign)
    db.session.commit()
    auth.login("insp")
    response = client.get("/inspector/tasks.ics?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    events = list(Calendar.from_ical(response.data).walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == date(2026, 3, 2) and event.decoded("dtend") == date(2026, 3, 14)
    assert str(event["summary"]) == "Visit: 深圳市日历测试餐饮有限公司"
    assert "SAMR" in str(event["description"]) and "MEE" in str(event["description"])
    assert str(event["url"]).endswith(f"/inspector/tasks/{task.id}") and str(event["uid"]).startswith(
        f"task-{task.id}@")
    assert len(list(Calendar.from_ical(client.get("/inspector/tasks.ics?q=没有这个").data).walk("VEVENT"))) == 0
    assert 'id="export-ics"' in client.get("/inspector/").get_data(as_text=True)
    auth.logout()
    auth.login("insp2")
    names = [str(e["summary"]) for e in Calendar.from_ical(client.get("/inspector/tasks.ics").data).walk("VEVENT")]
    assert names and all("日历测试" not in n for n in names)
