"""The public profile read on a phone: every section's rows fit the window, each value beside its column's name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import ListType, PenaltyType

pytestmark = pytest.mark.browser

TABLES = ("#public-penalties", "#public-lists", "#public-inspections", "#public-licences")


def test_the_public_profile_s_tables_fit_a_phone(live_server, browser) -> None:  # noqa: ANN001
    """At 390 pixels the penalties' table ran past the window (its facts and 'public until' out of sight, to be
    scrolled to table by table) and the licences' columns were squeezed a character wide; each row now stacks as
    lines naming their columns, as the other phone tables do, in both languages."""
    make, today = live_server.make, date.today()
    samr, entity = make.agency("SAMR", name="市场监督管理局"), make.entity("深圳市手机阅读测试餐饮管理有限公司")
    make.enforcement(entity, samr, decision_no="深市监罚〔2026〕12345号", decision_date=today - timedelta(days=20),
                     penalty_type=PenaltyType.FINE, amount=50000, description="销售超过保质期的食品" * 3,
                     legal_basis="《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
                     publication_end=today + timedelta(days=300))
    make.list_entry(entity, samr, list_type=ListType.ABNORMAL_OPERATIONS, added_date=today - timedelta(days=9),
                    added_reason="通过登记的住所或者经营场所无法联系")
    make.inspection(entity, samr, inspection_date=date(2025, 3, 3))
    make.licence(entity, samr, licence_type="危险化学品经营许可证", licence_no="粤深危化经字〔2025〕000004号",
                 issue_date=date(2025, 2, 7), valid_to=date(2028, 2, 6))
    live_server.commit()
    for locale, lang, label in (("en-US", "en", "Public until"), ("zh-CN", "zh_Hans_CN", "公示截止")):
        context = browser.new_context(viewport={"width": 390, "height": 800}, locale=locale)
        page = context.new_page()
        page.goto(f"{live_server.url}/entity/{entity.id}?lang={lang}")
        for table in TABLES:
            for cell in page.locator(f"{table} tbody td").all():
                box = cell.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (lang, table)
        until = page.locator("#public-penalties tbody td").last
        assert until.is_visible() and label in until.evaluate("c => getComputedStyle(c, '::before').content")
        licence = page.locator("#public-licences tbody td").first
        assert licence.bounding_box()["height"] < 40, "the licence's name wraps a character a line"
        context.close()
