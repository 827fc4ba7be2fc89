"""Recorded results are due public within twenty working days of the visit, counted on China's calendar of working
days (holidays, days off in their place, weekend days worked instead); the lead agency's coordinators see what
waits and what is overdue, on their home page and the campaign's, until the results are released."""

from __future__ import annotations

from datetime import date

from models import Campaign, CampaignAgency, CampaignStatus, Role
from regulator.extensions import db
from regulator.services import campaigns, publication


def test_due_dates_follow_the_working_day_calendar(app) -> None:  # noqa: ANN001
    # an ordinary month: twenty weekdays
    assert publication.due_date(date(2026, 3, 2)) == date(2026, 3, 30)
    # Labour Day 2026: 1-5 May off, Saturday 9 May worked (plain weekdays would say 28 May)
    assert publication.due_date(date(2026, 4, 30)) == date(2026, 6, 1)
    app.config["RESULTS_PUBLICATION_WORKING_DAYS"] = 5
    assert publication.due_date(date(2026, 4, 30)) == date(2026, 5, 11)
    assert publication.due_date(date(9999, 12, 30)) == date.max  # a wild date sent by an agency: no error


def _campaign(name: str, lead, status=CampaignStatus.PUBLISHED) -> Campaign:  # noqa: ANN001
    campaign = Campaign(name=name, period_start=date(2026, 3, 1), period_end=date(2026, 6, 30),
                        lead_agency_id=lead.id, status=status, seed_commitment="c")
    db.session.add(campaign)
    db.session.flush()
    db.session.add(CampaignAgency(campaign_id=campaign.id, agency_id=lead.id, capacity=5))
    return campaign


def test_the_lead_agency_sees_results_waiting_and_overdue_until_released(app, make, client, auth) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    spring, theirs = _campaign("春季抽查", samr), _campaign("环保抽查", mee)
    for visit, published in ((date(2026, 3, 2), False), (date(2026, 4, 30), False), (date(2026, 4, 30), False),
                             (date(2026, 3, 2), True)):
        entity = make.entity()
        task = make.task(entity, [samr], campaign=spring)
        make.inspection(entity, samr, task_id=task.id, inspection_date=visit, published=published)
    other = make.entity()
    make.inspection(other, mee, task_id=make.task(other, [mee], campaign=theirs).id, inspection_date=date(2026, 5, 6))
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()

    waiting = publication.waiting(lead_agency_id=samr.id, today=date(2026, 5, 20))
    assert [(w.campaign.name, w.results, w.due, w.overdue) for w in waiting] == [
        ("春季抽查", 3, date(2026, 3, 30), 1)]
    assert publication.waiting(lead_agency_id=samr.id, today=date(2026, 6, 2))[0].overdue == 3
    assert [w.campaign.name for w in publication.waiting()] == ["春季抽查", "环保抽查"]

    auth.login("samr.coord")
    home = client.get("/coordinator/?lang=en").get_data(as_text=True)
    listed = home.split('id="to-publish"', 1)[1].split("</ul>", 1)[0]
    assert "春季抽查" in listed and "3 results" in listed and "earliest due 2026-03-30" in listed
    assert "环保抽查" not in listed  # another agency releases its own
    page = client.get(f"/coordinator/campaigns/{spring.id}?lang=en").get_data(as_text=True)
    assert "3 recorded results are not public yet" in page and "due on 2026-03-30" in page

    campaigns.release_results(spring)
    db.session.commit()
    assert publication.waiting(lead_agency_id=samr.id) == []
    assert 'id="to-publish"' not in client.get("/coordinator/").get_data(as_text=True)
