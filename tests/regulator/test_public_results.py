"""A campaign's released results for the public: a page at a time, and all of them as a CSV or Excel file
(open data), with only what the public may see (released results, never those not yet released)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from models import Campaign, CampaignStatus, Inspection, InspectionResult, InspectionType, TaskAgency
from regulator.extensions import db


def _released(make, results: int, unreleased: int = 0) -> Campaign:  # noqa: ANN001
    samr, mee = make.agency("SAMR", name="市场监督管理局"), make.agency("MEE", name="生态环境局")
    campaign = make._add(Campaign(name="2025年第一季度双随机抽查", period_start=date(2025, 1, 1),
                                  period_end=date(2025, 3, 31), status=CampaignStatus.RELEASED, seed="s",
                                  seed_commitment="c", drawn_at=datetime.now(UTC), released_at=datetime.now(UTC)))
    for n in range(results + unreleased):
        entity = make.entity(f"深圳市公示{n:02d}号餐饮有限公司")
        agency = samr if n % 2 else mee
        task = make.task(entity, [agency], campaign=campaign)
        make.inspection(entity, agency, task_id=task.id, inspection_date=date(2025, 1, 1) + timedelta(days=n),
                        result=InspectionResult.FAIL if n % 3 == 0 else InspectionResult.PASS,
                        violation_count=1 if n % 3 == 0 else 0, published=n < results,
                        inspection_type=InspectionType.JOINT if n % 5 == 0 else InspectionType.ROUTINE)
    db.session.commit()
    return campaign


def test_released_results_come_a_page_at_a_time_newest_first(app, client, make) -> None:  # noqa: ANN001
    campaign = _released(make, results=53, unreleased=2)
    first = client.get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    second = client.get(f"/campaigns/{campaign.id}?page=2&lang=en").get_data(as_text=True)
    assert "53 results released." in first and "Page 1 of 2" in first and "Page 2 of 2" in second
    rows = first.split('id="public-results"')[1].split("</table>")[0]
    assert rows.count("<tr><td>") == 50 and "深圳市公示52号餐饮有限公司" in rows and "深圳市公示00号" not in rows
    later = second.split('id="public-results"')[1].split("</table>")[0]
    assert later.count("<tr><td>") == 3 and "深圳市公示00号餐饮有限公司" in later
    assert "深圳市公示53号" not in first + second and "深圳市公示54号" not in first + second  # not released


def test_all_released_results_download_as_csv_and_excel(app, client, make) -> None:  # noqa: ANN001
    campaign = _released(make, results=53, unreleased=2)
    response = client.get(f"/campaigns/{campaign.id}/results.csv?lang=zh_Hans_CN")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f"campaign-{campaign.id}-results.csv" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs then read the Chinese right
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == ["主体", "统一社会信用代码", "日期", "部门", "联合检查", "结果", "违法行为", "公开档案"]
    assert len(table) == 54
    newest = table[1]
    assert newest[0] == "深圳市公示52号餐饮有限公司" and newest[2] == "2025-02-22"
    assert newest[3] == "生态环境局（MEE）"
    assert newest[7].startswith("http") and "/entity/" in newest[7]
    joint = next(r for r in table[1:] if r[0] == "深圳市公示45号餐饮有限公司")
    assert joint[4] == "是" and joint[5] == "不合格" and joint[6] == "1"
    assert table[-1][0] == "深圳市公示00号餐饮有限公司"
    book = load_workbook(io.BytesIO(client.get(f"/campaigns/{campaign.id}/results.xlsx?lang=en").data))
    sheet = list(book.active.iter_rows(values_only=True))
    assert sheet[0][:3] == ("Entity", "Unified social credit code", "Date") and len(sheet) == 54
    page = client.get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    assert f'href="/campaigns/{campaign.id}/results.csv"' in page


def test_no_download_before_the_results_are_released(app, client, make) -> None:  # noqa: ANN001
    campaign = _released(make, results=0, unreleased=3)
    campaign.released_at, campaign.status = None, CampaignStatus.PUBLISHED
    db.session.commit()
    assert client.get(f"/campaigns/{campaign.id}/results.csv").status_code == 404
    assert "results.csv" not in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)


def test_the_api_pages_the_released_results_too(app, client, make) -> None:  # noqa: ANN001
    campaign = _released(make, results=53, unreleased=2)
    first = client.get(f"/api/v1/public/campaigns/{campaign.id}/results?per_page=20").get_json()
    last = client.get(f"/api/v1/public/campaigns/{campaign.id}/results?per_page=20&page=3").get_json()
    assert first["total"] == 53 and first["pages"] == 3 and len(first["items"]) == 20 and len(last["items"]) == 13
    newest = first["items"][0]
    assert newest["entity"] == "深圳市公示52号餐饮有限公司" and newest["date"] == "2025-02-22"
    assert newest["agency"] == "MEE" and newest["uscc"] and newest["result"] == "pass" and newest["violations"] == 0
    assert last["items"][-1]["entity"] == "深圳市公示00号餐饮有限公司" and last["items"][-1]["joint"] is True
    detail = client.get(f"/api/v1/public/campaigns/{campaign.id}").get_json()
    # the campaign itself carries only the latest 50 and the count: a citywide release stays a small answer
    assert len(detail["results"]) == 50 and detail["results_total"] == 53 and detail["results"][0] == newest
    assert detail["results"][-1]["entity"] == "深圳市公示03号餐饮有限公司"
    campaign.released_at, campaign.status = None, CampaignStatus.PUBLISHED
    db.session.commit()
    assert client.get(f"/api/v1/public/campaigns/{campaign.id}/results").status_code == 404


def test_a_random_draw_result_is_on_the_public_profile_once_its_campaign_releases_it(app, client, make) -> None:  # noqa: ANN001
    """The campaign's release makes its results public, on the entity's profile, its report and the public API
    as on the campaign's page: a random-draw result recorded after the release waits for the next one. An
    agency's own random check (not a campaign's task) is public as it comes."""
    from models import SelectionReason
    from regulator.services import campaigns

    campaign = _released(make, results=0)
    samr = make.agency("SAMR")
    entity = make.entity("深圳市待公示餐饮有限公司")
    task = make.task(entity, [samr], campaign=campaign)
    recorded = make.inspection(entity, samr, task_id=task.id, selection_reason=SelectionReason.RANDOM_DRAW,
                               inspection_date=date(2025, 2, 3), result=InspectionResult.FAIL)
    db.session.commit()
    urls = (f"/entity/{entity.id}?lang=en", f"/entity/{entity.id}/report?lang=en")
    for url in urls:
        assert "2025-02-03" not in client.get(url).get_data(as_text=True), url
    assert client.get(f"/api/v1/public/entities/{entity.id}").get_json()["inspection_total"] == 0
    campaigns.release_results(campaign)
    db.session.commit()
    assert recorded.published
    for url in urls:
        assert "2025-02-03" in client.get(url).get_data(as_text=True), url
    make.inspection(entity, samr, selection_reason=SelectionReason.RANDOM_DRAW, inspection_date=date(2025, 1, 7))
    db.session.commit()
    assert client.get(f"/api/v1/public/entities/{entity.id}").get_json()["inspection_total"] == 2


def test_a_released_result_withdrawn_on_objection_leaves_the_campaign_page_file_and_api(app, client, make) -> None:  # noqa: ANN001
    """An objection upheld by withdrawing a released result took it off the entity's profile but left it on the
    campaign's public page, its CSV and Excel files, the API and the summary's counts: the public saw a result the
    agency had withdrawn as wrong. A corrected one shows as corrected."""
    from models import Role
    from regulator.services import objections

    campaign = _released(make, results=3)
    for inspection in db.session.scalars(select(Inspection)):  # each check's inspection, as recording links them
        db.session.execute(update(TaskAgency).where(TaskAgency.task_id == inspection.task_id)
                           .values(inspection_id=inspection.id))
    wrong = db.session.scalars(select(Inspection).where(Inspection.published.is_(True))
                               .order_by(Inspection.inspection_date.desc())).first()  # 深圳市公示02号, a pass
    coordinator = make.user("coord", Role.COORDINATOR, agency_id=wrong.agency_id)
    owner = make.user("ent", Role.ENTERPRISE, entity_id=wrong.entity_id)
    db.session.commit()
    page = client.get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    assert "深圳市公示02号餐饮有限公司" in page and "3 results released." in page
    assert sum(t["done"] for t in client.get(f"/api/v1/public/campaigns/{campaign.id}").get_json()["summary"]) == 3
    objection = objections.submit(owner, "inspection", wrong.id, "不是本企业")
    objections.accept(objection, coordinator, resolution="withdrawn", changes={}, reason="检查对象错误")
    db.session.commit()
    page = client.get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    assert "深圳市公示02号" not in page and "2 results released." in page
    assert "深圳市公示02号" not in client.get(f"/campaigns/{campaign.id}/results.csv").data.decode()
    sheet = load_workbook(io.BytesIO(client.get(f"/campaigns/{campaign.id}/results.xlsx").data)).active
    assert len(list(sheet.iter_rows())) == 3
    api = client.get(f"/api/v1/public/campaigns/{campaign.id}/results").get_json()
    assert api["total"] == 2 and all(r["entity_id"] != wrong.entity_id for r in api["items"])
    detail = client.get(f"/api/v1/public/campaigns/{campaign.id}").get_json()
    assert detail["results_total"] == 2 and sum(t["done"] for t in detail["summary"]) == 2
    assert sum(t["planned"] for t in detail["summary"]) == 3


def test_the_campaign_page_says_when_the_seed_was_committed_and_drawn_in_local_time(app, client, make) -> None:  # noqa: ANN001
    """The commitment's time was shown in UTC and the draw's not at all, so a reader could not see on the page
    that the seed was committed before the draw; both now show on the platform's local clock."""
    campaign = _released(make, results=0)
    campaign.committed_at = datetime(2025, 1, 1, 20, 30, tzinfo=UTC)
    campaign.drawn_at = datetime(2025, 1, 2, 1, 5, tzinfo=UTC)
    db.session.commit()
    page = client.get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)  # Asia/Shanghai, UTC+8
    assert 'id="public-committed-at">2025-01-02 04:30<' in page and 'id="public-drawn-at">2025-01-02 09:05<' in page
    assert " UTC<" not in page
