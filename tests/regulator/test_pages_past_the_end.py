"""A page number past the last page shows the last page, never "Page 999 of 3" over an empty list that reads as
if nothing matched; the API's pages past the end stay empty."""

from __future__ import annotations

from datetime import date, timedelta

from models import AuditLog, InspectionResult, Role
from regulator.extensions import db
from regulator.services import name_index
from tests.regulator.test_public_results import _released


def _rows(page: str, table_id: str) -> str:
    return page.split(f'id="{table_id}"')[1].split("</table>")[0]


def test_the_audit_log_past_its_last_page_shows_the_last_page(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    db.session.add_all(AuditLog(username="coord", action="profile.view", object_type="probe", object_id=n)
                       for n in range(1, 231))
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/audit?object_type=probe&page=99999&lang=en").get_data(as_text=True)
    assert "Page 3 of 3" in page and "Nothing matches." not in page
    assert _rows(page, "audit").count("<tr><td>") == 30 and ">Next<" not in page and ">Previous<" in page
    assert 'href="/admin/audit?object_type=probe&amp;page=2&amp;lang=en"' in page


def test_search_past_its_last_page_shows_the_last_page(app, make, client) -> None:  # noqa: ANN001
    entities = [make.entity(f"深圳市翻页{i}号贸易有限公司") for i in range(45)]
    name_index.reindex()
    db.session.commit()
    prefix = entities[0].uscc[:8]
    assert all(e.uscc.startswith(prefix) for e in entities)
    page = client.get(f"/search?q={prefix}&page=999&lang=en").get_data(as_text=True)
    assert "45 results" in page and "Page 3 of 3" in page and "No entity matches." not in page
    assert _rows(page, "results").count("<tr><td>") == 5
    api = client.get(f"/api/v1/public/entities?q={prefix}&page=999").get_json()
    assert api["total"] == 45 and api["items"] == [] and api["page"] == 999  # the API's empty page, as before


def test_a_campaign_past_its_last_page_shows_the_last_page(app, make, client) -> None:  # noqa: ANN001
    campaign = _released(make, results=53)
    page = client.get(f"/campaigns/{campaign.id}?page=999&lang=en").get_data(as_text=True)
    assert "Page 2 of 2" in page and "No results recorded yet." not in page
    assert _rows(page, "public-results").count("<tr><td>") == 3 and "深圳市公示00号餐饮有限公司" in page


def test_a_public_profile_past_its_last_page_shows_the_last_page(app, make, client) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    entity = make.entity()
    for n in range(25):
        make.inspection(entity, samr, inspection_date=date(2024, 1, 1) + timedelta(days=n),
                        result=InspectionResult.PASS, published=True)
    db.session.commit()
    page = client.get(f"/entity/{entity.id}?page=999&lang=en").get_data(as_text=True)
    assert "Page 2 of 2" in page and "No inspection result is published." not in page
    assert "2024-01-05" in page and "2024-01-06" not in page  # the five oldest
    api = client.get(f"/api/v1/public/entities/{entity.id}?page=999").get_json()
    assert api["inspection_total"] == 25 and api["inspections"] == []  # the API's empty page, as before
