"""The inspector's ranked list a page at a time, riskiest first across its pages, with how many tasks in all (it
showed every task at once, however many campaigns drew the inspector); and a list that its filters empty says
so (it said "No open tasks are assigned to you." to an inspector whose search matched none of their tasks)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from models import Campaign, CampaignStatus, Role, TaskAgency
from regulator.extensions import db
from regulator.inspector import home


def _tasks(make, n: int):  # noqa: ANN001, ANN202
    samr = make.agency("SAMR")
    inspector = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    campaign = make._add(Campaign(name="抽查", period_start=date(2025, 1, 1), period_end=date(2026, 12, 31),
                                  status=CampaignStatus.PUBLISHED))
    tasks = [make.task(make.entity(f"深圳市第{i}号分页测试有限公司"), [samr], [inspector], campaign=campaign)
             for i in range(n)]
    for i, task in enumerate(tasks):  # the first made is the riskiest
        db.session.scalar(select(TaskAgency).where(TaskAgency.task_id == task.id)).risk_probability = 0.9 - i / 10
    db.session.commit()
    return tasks


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)">', page)]


def test_the_list_comes_a_page_at_a_time(app, make, client, auth, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(home, "PAGE_SIZE", 2)
    tasks = _tasks(make, 5)
    auth.login("insp")
    first = client.get("/inspector/?lang=en").get_data(as_text=True)
    assert _ids(first) == [tasks[0].id, tasks[1].id]
    assert 'id="task-count">5 tasks<' in first and "Page 1 of 3" in first
    last = client.get("/inspector/?lang=en&page=3").get_data(as_text=True)
    assert _ids(last) == [tasks[4].id] and "Page 3 of 3" in last
    assert _ids(client.get("/inspector/?page=9").get_data(as_text=True)) == [tasks[4].id]  # past the end: the last
    exported = client.get("/inspector/tasks.csv?page=1").get_data(as_text=True)
    assert all(f"深圳市第{i}号分页测试有限公司" in exported for i in range(5))  # the export holds them all


def test_a_list_its_filters_empty_says_so(app, make, client, auth) -> None:  # noqa: ANN001
    _tasks(make, 1)
    auth.login("insp")
    page = client.get("/inspector/?lang=en&q=不存在").get_data(as_text=True)
    assert _ids(page) == [] and "No tasks match these filters." in page
    assert "No open tasks are assigned to you." not in page


def test_a_visit_whose_part_is_recorded_leaves_the_list_of_what_is_to_do(app, make, client, auth) -> None:  # noqa: ANN001
    """After recording their agency's part of a joint visit, the inspector still found it at the top of their
    open tasks, "In progress", until every other agency had recorded its part."""
    from models import InspectionResult
    from regulator.services import task_results

    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    make.user("samr1", Role.INSPECTOR, agency_id=samr.id)
    make.user("fire1", Role.INSPECTOR, agency_id=fire.id)
    campaign = make._add(Campaign(name="联合抽查", period_start=date(2025, 1, 1), period_end=date(2026, 12, 31),
                                  status=CampaignStatus.PUBLISHED))
    from models import User

    staff = list(db.session.scalars(select(User).where(User.username.in_(["samr1", "fire1"]))))
    task = make.task(make.entity("深圳市联合检查进度测试有限公司"), [samr, fire], staff, campaign=campaign)
    db.session.commit()
    task_results.record_result(task, samr.id, task_results.ResultInput(InspectionResult.PASS, date(2025, 2, 3)))
    db.session.commit()
    auth.login("samr1")
    assert _ids(client.get("/inspector/?lang=en").get_data(as_text=True)) == []
    everything = client.get("/inspector/?lang=en&done=1").get_data(as_text=True)
    assert _ids(everything) == [task.id] and "Your agency&#39;s part done" in everything
    assert "Your agency's part done" in client.get("/inspector/tasks.csv?done=1&lang=en").get_data(as_text=True)
    auth.logout()
    auth.login("fire1")
    waiting = client.get("/inspector/?lang=en").get_data(as_text=True)
    assert _ids(waiting) == [task.id] and "In progress" in waiting
