"""A visit's page on a phone: the agencies' matters and each violation row read as blocks of lines naming their
columns. The matters table scrolled sideways inside itself at 390 px (the probability and each part's status
out of sight), and the violation rows squeezed three inputs into a line (the severity read "Mino"). The printed
task sheet keeps its table."""

from __future__ import annotations

import re

from models import CampaignStatus, Role
from regulator.extensions import db


def test_the_visit_page_stacks_on_a_phone_and_the_sheet_does_not(app, make, client, auth) -> None:  # noqa: ANN001
    samr, fire = make.agency("SAMR"), make.agency("FIRE", domain="fire")
    inspector = make.user("samr1", Role.INSPECTOR, agency_id=samr.id)
    task = make.task(make.entity("深圳市手机版测试餐饮有限公司"), [samr, fire], [inspector])
    task.campaign.status = CampaignStatus.PUBLISHED
    db.session.commit()
    auth.login("samr1")
    page = client.get(f"/inspector/tasks/{task.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert '<table class="table table-sm stack-on-phone" id="task-agencies">' in page
    assert '<td class="part-status" data-label="状态：">' in page and '<td data-label="概率：">' in page
    assert re.search(r'<table class="[^"]*stack-on-phone" id="violation-rows">', page)
    rows = page[page.index('id="violation-rows"'):page.index("</table>", page.index('id="violation-rows"'))]
    assert rows.count('<td data-label="代码：">') == 3 and rows.count('<td data-label="严重程度：">') == 3
    sheet = client.get(f"/inspector/tasks/{task.id}/sheet?lang=zh_Hans_CN").get_data(as_text=True)
    assert '<table class="table table-sm" id="task-agencies">' in sheet


def test_the_declarations_stack_on_a_phone(app, make, client, auth) -> None:  # noqa: ANN001
    """The declarations' five columns squeezed the entity's name a character a line at 390 px."""
    from models import ConflictDeclaration

    samr = make.agency("SAMR")
    inspector = make.user("samr1", Role.INSPECTOR, agency_id=samr.id)
    make._add(ConflictDeclaration(user_id=inspector.id, entity_id=make.entity("深圳市回避手机测试有限公司").id,
                                  reason="亲属在该企业任职"))
    db.session.commit()
    auth.login("samr1")
    page = client.get("/inspector/conflicts?lang=zh_Hans_CN").get_data(as_text=True)
    assert '<table class="table table-sm stack-on-phone" id="conflicts">' in page
    assert '<td data-label="原因：">亲属在该企业任职</td>' in page and '<td data-label="截止日期：">' in page
