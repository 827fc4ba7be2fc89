"""Browser walk: a coordinator sets up, draws and publishes a campaign; an inspector records a result; the
public page shows it once the coordinator releases the results."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import CreditClass, Inspection, Role, Severity, SourceStatus, TaskInspector, Violation
from regulator.extensions import db

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_campaign_from_setup_to_public_result(live_server, page) -> None:  # noqa: ANN001
    make = live_server.make
    samr = make.agency("SAMR", name="市场监督管理局")
    mee = make.agency("MEE", name="生态环境局", domain="environment")
    for i in range(40):
        make.entity(f"深圳市浏览器抽查{i}号有限公司", credit_class=[CreditClass.B, CreditClass.C, CreditClass.D][i % 3])
    make.violation(make.entity("深圳市往年检查有限公司"), samr, code="JG-07", description="价签不全",
                   severity=Severity.SERIOUS)  # a code the agency has used: suggested on the result form
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    for i in range(3):
        make.user(f"samr.insp{i}", Role.INSPECTOR, agency_id=samr.id)
        make.user(f"mee.insp{i}", Role.INSPECTOR, agency_id=mee.id)
    samr_id = samr.id
    live_server.commit()

    sign_in(page, live_server, "coord")
    page.goto(live_server.url + "/coordinator/campaigns")
    page.click("#new-campaign")
    page.fill("#name", "浏览器联合抽查")
    page.fill("#period_start", "2026-03-01")
    page.fill("#period_end", "2026-05-31")
    page.fill("#capacity-SAMR", "8")
    page.fill("#matters-SAMR", "价格行为, 食品安全")
    page.fill("#capacity-MEE", "4")
    page.fill("#matters-MEE", "排污许可")
    page.click("#submit")
    page.wait_for_selector("#campaign-status")
    assert "Draft" in page.inner_text("#campaign-status")
    page.click("#step-commit")
    page.wait_for_selector(".alert-success")
    commitment = page.inner_text("#commitment").strip()
    assert len(commitment) == 64
    for step, status in (("draw", "Drawn"), ("plan", "Planned"), ("publish", "Published")):
        page.click(f"#step-{step}")
        page.wait_for_selector(".alert-success")
        assert status in page.inner_text("#campaign-status")
    seed = page.inner_text("#seed").strip()
    assert page.locator("#plan-tasks tbody tr").count() >= 1
    sign_out(page)

    db.session.remove()
    drawn = db.session.scalars(select(TaskInspector).where(TaskInspector.agency_id == samr_id)
                               .order_by(TaskInspector.id)).first()
    task_id, username = drawn.task_id, drawn.user.username
    sign_in(page, live_server, username)
    page.goto(live_server.url + "/inspector/")
    page.set_viewport_size({"width": 390, "height": 844})  # in the field, on a phone: a row reads as a card
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cell = page.locator(f"#tasks tr[data-id='{task_id}'] td[data-label]").first
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Class: "'
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f"#tasks tr[data-id='{task_id}'] a.task-link").click()
    page.wait_for_selector("#result-form")
    entity_name = page.inner_text("h1").split(" ")[0]
    page.select_option("#result", "fail")
    page.fill("#inspection_date", "2026-03-05")
    page.fill("#violations-0-code", "SC-01")
    page.select_option("#violations-0-severity", "critical")
    page.fill("#violations-0-description", "未按规定明码标价")
    page.fill("#violations-1-code", "JG-07")
    page.locator("#violations-1-code").dispatch_event("change")  # as when the suggestion is picked
    assert page.input_value("#violations-1-description") == "价签不全"
    assert page.input_value("#violations-1-severity") == "serious"
    page.fill("#violations-2-code", "SC-02")
    assert page.locator("tr.violation-row").count() == 3
    page.click("#add-violation")
    assert page.locator("tr.violation-row").count() == 4
    assert page.input_value("#violations-3-code") == ""
    page.fill("#violations-3-code", "SC-03")
    page.fill("#violations-3-description", "进货查验记录不全")
    page.select_option("#penalty_type", "warning")
    page.click("#result-form #submit")
    page.wait_for_selector(".alert-success")
    assert "Fail" in page.inner_text("#task-results")
    db.session.remove()
    inspection = db.session.scalar(select(Inspection).where(Inspection.task_id == task_id))
    found = db.session.scalars(select(Violation).where(Violation.inspection_id == inspection.id)
                               .order_by(Violation.id)).all()
    assert [(v.code, v.severity, v.description) for v in found] == [
        ("SC-01", Severity.CRITICAL, "未按规定明码标价"), ("JG-07", Severity.SERIOUS, "价签不全"),
        ("SC-02", Severity.MINOR, None), ("SC-03", Severity.MINOR, "进货查验记录不全")]
    sign_out(page)

    page.goto(live_server.url + "/campaigns")
    page.locator("#public-campaigns a").first.click()
    assert commitment in page.inner_text("#public-commitment")
    assert entity_name not in page.inner_text("#public-results")

    sign_in(page, live_server, "coord")
    page.goto(live_server.url + "/coordinator/campaigns")
    page.locator("#campaigns a").first.click()
    page.click("#step-release")
    page.wait_for_selector(".alert-success")
    sign_out(page)

    page.goto(live_server.url + "/campaigns")
    page.locator("#public-campaigns a").first.click()
    assert seed in page.inner_text("#public-seed")
    results = page.inner_text("#public-results")
    assert entity_name in results and "Fail" in results


def test_coordinator_dismisses_every_row_of_the_quarantine_page(live_server, browser) -> None:  # noqa: ANN001
    """The box in the header ticks every row; one reason dismisses them all; the rows are listed apart."""
    make = live_server.make
    samr = make.agency("SAMR", name="市场监督管理局")
    rows = [make.source_record(samr, raw={"许可证编号": "", "记录号": f"XK{n}"}, status=SourceStatus.REJECTED,
                               row_number=n, errors=[{"column": "许可证编号", "message": "is required but empty"}])
            for n in (1, 2, 3)]
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    live_server.commit()
    page = browser.new_page()
    sign_in(page, live_server, "coord")
    page.goto(live_server.url + "/coordinator/quarantine?lang=en")
    page.check("[data-check-all=ids]")
    assert page.eval_on_selector_all("input[name=ids]:checked", "boxes => boxes.length") == 3
    page.fill("#reason", "测试数据")
    page.click("#dismiss")
    assert "3 rows dismissed." in page.inner_text("main")
    page.click("#show-dismissed")
    assert page.locator("#dismissed tbody tr[data-id]").count() == 3 and all(
        page.locator(f'#dismissed tr[data-id="{r.id}"]').count() for r in rows)
    page.close()
