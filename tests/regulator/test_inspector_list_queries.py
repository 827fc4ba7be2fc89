"""The inspector's ranked list asks the database a fixed number of times, however many tasks it shows.

Found by bench/load.py: with 40 tasks the page issued 204 queries (entity, address, agencies and two
reason look-ups per task) and served under 1 request/s with 16 clients.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from models import Campaign, CampaignStatus, Role
from regulator.extensions import db
from regulator.services import credit


def _queries(client) -> tuple[int, str]:  # noqa: ANN001
    count = [0]

    def bump(*_args) -> None:  # noqa: ANN002
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", bump)
    try:
        page = client.get("/inspector/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", bump)
    return count[0], page


def test_ranked_list_query_count_does_not_grow_with_tasks(app, make, client, auth) -> None:  # noqa: ANN001
    """3 tasks and 12 tasks cost the same number of queries; reasons and agencies are still shown."""
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    inspector = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    campaign = make._add(Campaign(name="抽查", period_start=date(2025, 1, 1), period_end=date(2026, 12, 31),
                                  status=CampaignStatus.PUBLISHED))
    entities = []
    for i in range(12):
        entity = make.entity(f"深圳市第{i}号测试有限公司")
        make.violation(entity, samr)
        entities.append(entity)
    credit.recompute([e.id for e in entities])
    for entity in entities[:3]:
        make.task(entity, [samr, mee], [inspector], campaign=campaign)
    db.session.commit()
    auth.login("insp")
    _queries(client)  # warm: the first request after sign-in loads the session's user
    few, page = _queries(client)
    assert page.count("/inspector/tasks/") >= 3 and "MEE" in page
    for entity in entities[3:]:
        make.task(entity, [samr, mee], [inspector], campaign=campaign)
    db.session.commit()
    _queries(client)  # after a commit the session's user is loaded again once
    many, page = _queries(client)
    assert page.count("/inspector/tasks/") >= 12
    assert many == few
