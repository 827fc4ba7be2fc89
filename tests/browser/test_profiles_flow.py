"""Browser walks: an enterprise objects to a record and sees a coordinator resolve it; the public searches."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import PenaltyType, Role, Severity
from regulator.services import credit, name_index

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser
TODAY = date.today()


def test_enterprise_objection_resolved_by_coordinator(live_server, page, tmp_path) -> None:  # noqa: ANN001
    """Profile with class and reasons -> objection -> coordinator corrects it -> enterprise sees it accepted."""
    make = live_server.make
    samr = make.agency("SAMR", name="市场监督管理局")
    entity = make.entity("深圳市浏览器异议测试有限公司")
    violation = make.violation(entity, samr, severity=Severity.CRITICAL, description="超范围经营",
                               found_date=TODAY - timedelta(days=15))
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    credit.recompute([entity.id])
    live_server.commit()

    sign_in(page, live_server, "ent")
    page.wait_for_url(live_server.url + "/enterprise/")
    assert page.locator("#credit-reasons tr[data-rule='violation_critical']").is_visible()
    row = page.locator(f"tr.timeline-row[data-kind='violation'][data-id='{violation.id}']")
    row.locator("a.object-link").click()
    page.fill("#reason", "该项已整改，且不属于重大违法")
    page.fill("#attachments_text", "整改验收报告（2026）")
    report = tmp_path / "整改验收报告.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#documents", str(report))
    page.click("#submit")
    page.wait_for_selector("#objection-status")
    assert "Submitted" in page.inner_text("#objection-status")
    with page.expect_download() as download:
        page.click("#documents a")
    assert download.value.suggested_filename == "整改验收报告.pdf"
    assert download.value.path().read_bytes() == report.read_bytes()
    page.goto(live_server.url + "/enterprise/")
    assert row.locator(".badge-objection").is_visible()
    sign_out(page)

    sign_in(page, live_server, "coord")
    page.goto(live_server.url + "/coordinator/objections")
    page.locator("#objections a").first.click()
    assert "该项已整改" in page.inner_text("#objection-reason")
    page.select_option("#field-severity", "minor")
    page.check("input[name='decision'][value='corrected']")
    page.fill("#reason", "经复核，按一般违法行为记录")
    page.click("#submit")
    page.wait_for_selector(".alert-success")
    assert "Accepted" in page.inner_text("#objection-status")
    sign_out(page)

    sign_in(page, live_server, "ent")
    page.goto(live_server.url + "/enterprise/objections")
    assert "Accepted" in page.inner_text("#objections .objection-state")
    page.locator("#objections a").first.click()
    assert "经复核，按一般违法行为记录" in page.inner_text("#decision-reason")
    page.goto(live_server.url + "/enterprise/")
    assert page.locator("#credit-reasons tr[data-rule='violation_minor']").is_visible()
    assert row.locator(".badge-objection").count() == 0
    make.enforcement(entity, samr, decision_no="深市监罚〔2026〕90号", penalty_type=PenaltyType.FINE, amount=5000,
                     decision_date=TODAY - timedelta(days=5), description="未按规定公示年度报告")
    live_server.commit()
    page.goto(live_server.url + "/enterprise/")  # a penalty too recent to repair: the page says when repair opens
    assert "Credit repair opens on" in page.inner_text(".repair-closed")
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone: each record a card, nothing wider
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert row.locator("td[data-label]").first.evaluate("td => getComputedStyle(td, '::before').content") == \
        '"Date: "'


def test_public_search_and_public_profile(live_server, page) -> None:  # noqa: ANN001
    """A visitor finds an entity by a misspelt name and sees its published penalty but no class."""
    make = live_server.make
    samr = make.agency("SAMR", name="市场监督管理局")
    entity = make.entity("深圳市明辉照明科技有限公司")
    make.entity("深圳市明亮电子有限公司")
    make.enforcement(entity, samr, decision_no="深市监罚〔2026〕88号", penalty_type=PenaltyType.FINE, amount=8000,
                     decision_date=TODAY - timedelta(days=40), description="销售不合格灯具")
    credit.recompute([entity.id])
    name_index.reindex()
    live_server.commit()
    page.goto(live_server.url + "/")
    page.fill("#q", "明晖照明科技")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results")
    page.locator("#results a", has_text="深圳市明辉照明科技有限公司").click()
    page.wait_for_selector("#public-penalties")
    assert "深市监罚〔2026〕88号" in page.inner_text("#public-penalties")
    assert page.locator(".badge.credit-B, .badge.credit-C, .badge.credit-D, .badge.credit-A").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the results fit, the headers stay one line
    page.goto(live_server.url + "/search?q=" + "明辉照明")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    heights = page.locator("#results thead th:visible").evaluate_all("cells => cells.map(c => c.offsetHeight)")
    assert len(set(heights)) == 1 and len(heights) == 3, heights  # name, district, status
    assert "91" in page.inner_text("#results tbody td:first-child")  # the code moves under the name
