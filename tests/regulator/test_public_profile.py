"""The public profile shows only what the law makes public; publication ends are filled from the periods table."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models import EnforcementAction, InspectionResult, ListType, PenaltyType, RecordStatus, SelectionReason
from regulator.extensions import db
from regulator.services import disclosure
from regulator.signals import notify_records_changed

TODAY = date.today()


def test_public_profile_shows_only_public_records(app, make, client) -> None:  # noqa: ANN001
    """In period: shown. Expired, repaired, withdrawn, risk-ranked inspections, removed list entries: not shown."""
    samr = make.agency()
    entity = make.entity()
    make.enforcement(entity, samr, decision_no="公示中〔1〕", decision_date=TODAY - timedelta(days=30))
    make.enforcement(entity, samr, decision_no="已过期〔2〕", decision_date=TODAY - timedelta(days=400))
    make.enforcement(entity, samr, decision_no="已修复〔3〕", decision_date=TODAY - timedelta(days=200),
                     repaired_on=TODAY - timedelta(days=1))
    make.enforcement(entity, samr, decision_no="已撤销〔4〕", decision_date=TODAY - timedelta(days=20),
                     status=RecordStatus.WITHDRAWN)
    make.enforcement(entity, samr, decision_no="重罚〔5〕", decision_date=TODAY - timedelta(days=400),
                     penalty_type=PenaltyType.FINE, amount=200000)
    make.list_entry(entity, samr, list_type=ListType.ABNORMAL_OPERATIONS, added_date=TODAY - timedelta(days=9),
                    added_reason="通过登记的住所无法联系")
    make.list_entry(entity, samr, list_type=ListType.SERIOUS_ILLEGAL, added_date=TODAY - timedelta(days=900),
                    removed_date=TODAY - timedelta(days=100), added_reason="已移出的名单")
    make.inspection(entity, samr, selection_reason=SelectionReason.RANDOM_DRAW, result=InspectionResult.FAIL,
                    inspection_date=date(2025, 3, 3))
    make.inspection(entity, samr, selection_reason=SelectionReason.RISK_RANKING, inspection_date=date(2025, 4, 4))
    make.inspection(entity, samr, selection_reason=SelectionReason.RISK_RANKING, published=True,
                    inspection_date=date(2025, 5, 5))
    notify_records_changed("test", [entity.id])
    db.session.commit()
    for url in (f"/entity/{entity.id}", f"/entity/{entity.id}/report"):  # the page and its printable report
        page = client.get(url).get_data(as_text=True)
        assert "公示中〔1〕" in page and "重罚〔5〕" in page, url
        for hidden in ("已过期〔2〕", "已修复〔3〕", "已撤销〔4〕", "已移出的名单", "2025-04-04"):
            assert hidden not in page, (url, hidden)
        assert "通过登记的住所无法联系" in page and "2025-03-03" in page and "2025-05-05" in page
        assert "credit-" not in page and "points" not in page
    body = client.get(f"/api/v1/public/entities/{entity.id}").get_json()
    assert [p["decision_no"] for p in body["penalties"]] == ["公示中〔1〕", "重罚〔5〕"]
    assert body["inspection_total"] == 2 and "credit_class" not in body


def test_publication_end_filled_by_type_and_amount(app, make) -> None:  # noqa: ANN001
    """A penalty without a stated end gets decision + 1 year (general) or + 3 years (heavy); stated ends stay."""
    samr = make.agency()
    entity = make.entity()
    general = make.enforcement(entity, samr, decision_date=date(2024, 3, 1), penalty_type=PenaltyType.WARNING)
    heavy = make.enforcement(entity, samr, decision_date=date(2024, 3, 1), penalty_type=PenaltyType.SUSPENSION)
    stated = make.enforcement(entity, samr, decision_date=date(2024, 3, 1), publication_end=date(2024, 9, 1))
    assert disclosure.fill_publication_ends([entity.id]) == 2
    db.session.expire_all()
    ends = {e.id: e.publication_end for e in db.session.query(EnforcementAction)}
    assert ends == {general.id: date(2025, 3, 1), heavy.id: date(2027, 3, 1), stated.id: date(2024, 9, 1)}


def test_the_report_lists_every_result_and_says_when_and_where_to_check(app, make, client, auth,
                                                                       monkeypatch) -> None:  # noqa: ANN001
    from models import Role
    from regulator.public import routes

    samr, entity = make.agency(), make.entity("深圳市报告测试有限公司")
    for day in (1, 2, 3):
        make.inspection(entity, samr, inspection_date=date(2025, 3, day))
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    db.session.commit()
    report = client.get(f"/entity/{entity.id}/report?lang=en").get_data(as_text=True)
    assert f"The current state is at http://localhost/entity/{entity.id}." in report
    assert 'id="report-more"' not in report and "page=2" not in report and "data-print" in report
    assert all(f"2025-03-0{day}" in report for day in (1, 2, 3))
    monkeypatch.setattr(routes, "REPORT_INSPECTIONS", 2)
    report = client.get(f"/entity/{entity.id}/report?lang=en").get_data(as_text=True)
    assert "The 2 latest of 3 inspection results are listed." in report and "2025-03-01" not in report
    zh = client.get(f"/entity/{entity.id}/report", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "信用信息报告" in zh
    auth.login("ent")
    own = client.get("/enterprise/").get_data(as_text=True)
    assert f'href="/entity/{entity.id}/report"' in own and f'href="/entity/{entity.id}"' in own
    merged = make.entity()
    merged.merged_into_id = entity.id
    db.session.commit()
    moved = client.get(f"/entity/{merged.id}/report?lang=en")  # a printed report's link keeps working
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/entity/{entity.id}/report?lang=en")
    assert client.get(f"/entity/{merged.id}").headers["Location"].endswith(f"/entity/{entity.id}")
    assert client.get(f"/entity/{merged.id + 1000}/report").status_code == 404


def test_id_and_phone_numbers_in_a_penalty_or_listing_are_masked_for_the_public(app, make, client) -> None:  # noqa: ANN001
    """An agency's file named the person punished with their ID number and phone in the penalty's facts and the
    listing's reason; the public page, its report and the API showed them as written."""
    samr = make.agency()
    entity = make.entity()
    make.enforcement(entity, samr, decision_no="深市监罚〔2025〕7号", decision_date=TODAY - timedelta(days=30),
                     description="当事人王某某（公民身份号码44030519800101123X）销售过期食品",
                     legal_basis="《食品安全法》第一百二十四条；当事人联系电话0755-83070000")
    make.list_entry(entity, samr, list_type=ListType.ABNORMAL_OPERATIONS, added_date=TODAY - timedelta(days=9),
                    added_reason="联系人手机13912345678无法联系")
    notify_records_changed("test", [entity.id])
    db.session.commit()
    body = client.get(f"/api/v1/public/entities/{entity.id}").get_json()
    pages = [client.get(url).get_data(as_text=True) for url in (f"/entity/{entity.id}", f"/entity/{entity.id}/report")]
    for text in (*pages, str(body)):
        for secret in ("44030519800101123X", "13912345678", "83070000"):
            assert secret not in text
        assert "440305***********X" in text and "139****5678" in text and "深市监罚〔2025〕7号" in text
    assert body["penalties"][0]["description"] == "当事人王某某（公民身份号码440305***********X）销售过期食品"
    assert body["list_entries"][0]["reason"] == "联系人手机139****5678无法联系"


def test_what_is_public_today_follows_the_platform_s_local_day(app, make, client) -> None:  # noqa: ANN001
    """A penalty is public from its decision day to the day its publication ends, on the platform's calendar (the
    working days and deadlines' clock): the profile counted them by the server's date, so for hours of every day
    (in China from midnight to 8 a.m. on a server kept in UTC) a penalty decided that day was missing, one whose
    period had ended still shown, a listing removed that day still there."""
    from zoneinfo import ZoneInfo

    from regulator.services.working_days import local_day

    # a zone whose day differs from the server's now, ahead or behind
    zone = next(z for z in ("Etc/GMT-14", "Etc/GMT+12") if datetime.now(ZoneInfo(z)).date() != date.today())
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    today = local_day()
    samr, entity = make.agency(), make.entity()
    make.enforcement(entity, samr, decision_no="今日决定〔1〕", decision_date=today)
    make.enforcement(entity, samr, decision_no="今日期满〔2〕", decision_date=today - timedelta(days=90),
                     publication_end=today)
    make.enforcement(entity, samr, decision_no="明日期满〔3〕", decision_date=today - timedelta(days=90),
                     publication_end=today + timedelta(days=1))
    make.list_entry(entity, samr, list_type=ListType.ABNORMAL_OPERATIONS, added_date=today - timedelta(days=30),
                    removed_date=today, added_reason="今日移出")
    make.list_entry(entity, samr, list_type=ListType.ABNORMAL_OPERATIONS, added_date=today, added_reason="今日列入")
    db.session.commit()
    for url in (f"/entity/{entity.id}", f"/entity/{entity.id}/report"):
        page = client.get(url).get_data(as_text=True)
        assert "今日决定〔1〕" in page and "明日期满〔3〕" in page and "今日列入" in page, url
        assert "今日期满〔2〕" not in page and "今日移出" not in page, url
    body = client.get(f"/api/v1/public/entities/{entity.id}").get_json()
    assert [p["decision_no"] for p in body["penalties"]] == ["今日决定〔1〕", "明日期满〔3〕"]


def test_the_report_says_when_it_was_made_on_the_platform_s_clock(app, make, client) -> None:  # noqa: ANN001
    """The report said when it was made in UTC, the date a day off for a reader in China before 8 a.m.; every
    other page gives times on the platform's local clock."""
    from regulator.services.working_days import local_time

    app.config["BABEL_DEFAULT_TIMEZONE"] = "Etc/GMT-14"  # 14 hours ahead: never the same hour and minute as UTC
    entity = make.entity()
    db.session.commit()
    before = local_time()
    report = client.get(f"/entity/{entity.id}/report?lang=en").get_data(as_text=True)
    after = local_time()
    meta = report.split('id="report-meta">')[1].split("</p>")[0]
    assert "UTC" not in meta
    assert any(f"Made on {moment:%Y-%m-%d %H:%M} from" in meta for moment in (before, after)), meta


def test_the_public_api_leads_from_a_merged_entity_to_the_one_it_is_now(app, make, client) -> None:  # noqa: ANN001
    """The public page of an entity merged into another redirects to it; the public API answered 404, so an id an
    open-data user kept from before the merge led nowhere."""
    survivor = make.entity("深圳市合并后有限公司")
    merged, gone = make.entity(), make.entity()
    merged.merged_into_id = gone.id
    gone.merged_into_id = survivor.id  # merged twice
    db.session.commit()
    moved = client.get(f"/api/v1/public/entities/{merged.id}?page=2")
    assert moved.status_code == 302 and moved.headers["Location"].endswith(
        f"/api/v1/public/entities/{survivor.id}?page=2")
    assert client.get(f"/api/v1/public/entities/{merged.id}", follow_redirects=True).get_json()["name"] == \
        "深圳市合并后有限公司"
    missing = client.get(f"/api/v1/public/entities/{survivor.id + 1000}")
    assert missing.status_code == 404 and missing.is_json
