"""Each role's main pages checked by axe-core (the WCAG rules it automates: labels, names, contrast, headings,
table headers ...), in English and Chinese: no violation of any impact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import ListType, PenaltyType, Role, Severity, SourceStatus
from regulator.services import credit

from .conftest import sign_in, sign_out

PAGES = {
    None: ["/", "/search?q=无障碍", "/entity/{entity}", "/entity/{entity}/report", "/campaigns", "/auth/login",
           "/auth/reset", "/auth/register"],
    "ent": ["/enterprise/", "/enterprise/objections", "/enterprise/repairs", "/auth/notifications",
            "/auth/account", "/entities/{entity}/records/enforcement/{penalty}", "/auth/two-step/setup"],
    "insp": ["/inspector/", "/entities/{entity}", "/inspector/conflicts",
             "/entities/{entity}/records/enforcement/{penalty}"],
    "coord": ["/coordinator/", "/coordinator/imports", "/coordinator/imports/formats", "/coordinator/referrals",
              "/coordinator/campaigns/new", "/coordinator/quarantine", "/coordinator/quarantine/{rejected}",
              "/coordinator/quarantine?show=dismissed", "/coordinator/reviews", "/coordinator/objections",
              "/coordinator/repairs"],
    "admin": ["/admin/", "/admin/users", "/admin/users/new", "/admin/agencies", "/admin/agencies/new",
              "/admin/audit", "/admin/tokens", "/admin/models"],
}


def _violations(page) -> list[str]:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}" for v in found]


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_pages_pass_axe(live_server, browser, locale) -> None:  # noqa: ANN001
    make = live_server.make
    samr, mee = make.agency("SAMR", name="市场监督管理局"), make.agency("MEE", name="生态环境局")
    entity = make.entity("深圳市无障碍测试有限公司")
    make.inspection(entity, samr, notes="follow-up of SJ1")
    make.violation(entity, samr, severity=Severity.SERIOUS, found_date=date.today() - timedelta(days=20))
    penalty = make.enforcement(entity, samr, penalty_type=PenaltyType.FINE, amount=5000,
                     decision_date=date.today() - timedelta(days=30))
    make.list_entry(entity, mee, list_type=ListType.ABNORMAL_OPERATIONS)
    rejected = make.source_record(samr, raw={"许可证编号": "", "企业名称": "深圳市无障碍测试有限公司"},
                                  status=SourceStatus.REJECTED, row_number=2,
                                  errors=[{"column": "许可证编号", "message": "is required but empty", "value": None}])
    make.source_record(samr, raw={"许可证编号": "X"}, status=SourceStatus.DISMISSED, dismissed_reason="测试数据",
                       row_number=3, errors=[{"column": None, "message": "is required but empty", "value": None}])
    enterprise = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    from regulator.services import notifications

    notifications.notify([enterprise.id], "objection.rejected", "objection", 1, entity.id)  # the bar's badge too
    make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("admin", Role.ADMIN)
    credit.recompute([entity.id])
    live_server.commit()
    context = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": locale})
    page = context.new_page()
    problems = []
    for user, paths in PAGES.items():
        if user:
            sign_in(page, live_server, user)
        for path in paths:
            url = path.format(entity=entity.id, rejected=rejected.id, penalty=penalty.id)
            response = page.goto(live_server.url + url)
            assert response.status == 200, path
            problems += [f"{path}: {v}" for v in _violations(page)]
        if user:
            sign_out(page)
    page.goto(live_server.url + "/")  # the first Tab reaches a link past the menu to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()
    assert problems == []
