"""Every role signs in through the real form (CSRF on) and reaches its area's home page."""

from __future__ import annotations

import time

import pyotp
import pytest

from models import Role

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_every_role_signs_in_and_sees_its_home(live_server, page) -> None:  # noqa: ANN001
    """Admin, coordinator, inspector and enterprise each land on their own page; sign-out works."""
    make = live_server.make
    agency = make.agency("SAMR", name="市场监督管理局")
    entity = make.entity("深圳市浏览器测试贸易有限公司")
    make.user("admin", Role.ADMIN)
    make.user("coord", Role.COORDINATOR, agency_id=agency.id)
    make.user("insp", Role.INSPECTOR, agency_id=agency.id)
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    live_server.commit()
    expectations = {
        "admin": ("/admin/", "#admin-stats"),
        "coord": ("/coordinator/", "#by-class"),
        "insp": ("/inspector/", "#tasks"),
        "ent": ("/enterprise/", "#record-counts"),
    }
    for username, (path, marker) in expectations.items():
        sign_in(page, live_server, username)
        page.wait_for_url(live_server.url + path)
        assert page.locator(marker).is_visible()
        if username == "ent":
            assert "深圳市浏览器测试贸易有限公司" in page.content()
        sign_out(page)
        page.wait_for_url(live_server.url + "/")
        assert page.locator("#login-link").is_visible()


def test_public_visitor_searches_in_chinese(live_server, browser) -> None:  # noqa: ANN001
    """A Chinese browser gets Chinese pages; the search finds an entity by a name variant."""
    live_server.make.entity("深圳市华盛达贸易有限公司")
    live_server.commit()
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert "市场主体信用信息" in page.content()
    page.fill("#q", "华盛达贸易有限责任公司")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results")
    assert page.locator("#results a", has_text="深圳市华盛达贸易有限公司").count() == 1
    context.close()


def test_two_step_sign_in_through_the_real_forms(live_server, page) -> None:  # noqa: ANN001
    """Set up with the key shown, sign out, and sign in again with the password and then a code (CSRF on)."""
    live_server.make.user("coord", Role.COORDINATOR, agency_id=live_server.make.agency("SAMR").id)
    live_server.commit()
    sign_in(page, live_server, "coord")
    page.goto(live_server.url + "/auth/account")
    page.click("#two-step-setup")
    key = page.inner_text("#totp-key").replace(" ", "")
    totp = pyotp.TOTP(key)
    page.fill("#code", totp.now())
    page.click("#submit")
    assert page.locator("#recovery-codes li").count() == 10
    sign_out(page)
    sign_in(page, live_server, "coord")
    page.wait_for_url(live_server.url + "/auth/two-step")
    page.fill("#code", totp.at(time.time() + 30))  # the next step's code: the one used to set up is spent
    page.click("#submit")
    page.wait_for_url(live_server.url + "/coordinator/")
