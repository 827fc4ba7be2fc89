"""The navigation bar fits the screen: on one line on a laptop, behind its menu button on a narrower one,
and its drop-down menus lead to their pages, in both languages."""

from __future__ import annotations

import pytest

from models import Role

from .conftest import sign_in

pytestmark = pytest.mark.browser

#: every entry an administrator sees (the longest bar), by the path it leads to
ADMIN_PAGES = ("/search", "/campaigns", "/admin/", "/admin/users", "/admin/agencies", "/admin/audit", "/admin/models",
               "/admin/tokens", "/coordinator/", "/coordinator/campaigns", "/coordinator/imports",
               "/coordinator/reviews", "/coordinator/objections", "/coordinator/repairs", "/coordinator/referrals",
               "/coordinator/clusters")


def _overflow(page) -> int:  # noqa: ANN001
    """How many pixels the page is wider than the window (a bar that does not fit makes it wider)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _administrator_at(live_server, browser, width: int):  # noqa: ANN001, ANN202
    """An administrator with a long name, signed in on a window ``width`` pixels wide: (context, page)."""
    live_server.make.agency("SAMR", name="市场监督管理局")
    live_server.make.user("administrator.of.the.platform", Role.ADMIN)
    live_server.commit()
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-US")
    page = context.new_page()
    sign_in(page, live_server, "administrator.of.the.platform")
    page.wait_for_url(live_server.url + "/admin/")
    return context, page


def test_an_administrators_bar_fits_a_laptop_and_its_menus_work(live_server, browser) -> None:  # noqa: ANN001
    """At 1280 pixels the whole bar is on one line inside the window, in English and Chinese; its menus open
    and lead to their pages; every entry's page is linked from the bar."""
    context, page = _administrator_at(live_server, browser, 1280)
    for switch in (None, "#lang-zh"):
        if switch:
            page.click(switch)
            page.wait_for_selector("#lang-en")
        assert _overflow(page) == 0
        bar = page.locator("nav.navbar")
        assert bar.bounding_box()["height"] < 80, "the bar wraps onto a second line"
        for selector in ("#user-menu", "#lang-en" if switch else "#lang-zh"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1280, selector
        hrefs = {href.split("?")[0] for href in bar.locator("a[href^='/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")}
        assert set(ADMIN_PAGES) <= hrefs
    page.locator("a.dropdown-toggle", has_text="系统管理").click()
    page.locator("a.dropdown-item", has_text="用户").first.click()
    page.wait_for_url(live_server.url + "/admin/users")
    assert page.locator("a.dropdown-toggle.active", has_text="系统管理").count() == 1
    page.click("#user-menu")
    assert page.locator(".dropdown-menu.show", has_text="系统管理员").is_visible()  # the role, under the name
    page.click("#account-link")
    page.wait_for_url(live_server.url + "/auth/account")
    context.close()


def test_just_above_the_menu_buttons_width_nothing_leaves_the_window(live_server, browser) -> None:  # noqa: ANN001
    """At 1200 pixels, where the bar is first shown whole, an administrator's English bar may take two lines
    but keeps every entry, the language and the user's menu inside the window."""
    context, page = _administrator_at(live_server, browser, 1200)
    assert _overflow(page) == 0
    assert page.locator(".navbar-toggler").is_hidden()
    for selector in ("#user-menu", "#lang-zh", "a.dropdown-toggle >> text=To decide"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1200, selector
    context.close()


def test_a_narrow_window_gets_the_menu_button(live_server, browser) -> None:  # noqa: ANN001
    """Below the width that holds the bar, its entries fold behind the button, which opens them."""
    agency = live_server.make.agency("SAMR", name="市场监督管理局")
    live_server.make.user("coord", Role.COORDINATOR, agency_id=agency.id)
    live_server.commit()
    context = browser.new_context(viewport={"width": 900, "height": 800}, locale="en-US")
    page = context.new_page()
    sign_in(page, live_server, "coord")
    page.wait_for_url(live_server.url + "/coordinator/")
    assert _overflow(page) == 0
    assert not page.locator("#user-menu").is_visible()
    page.click(".navbar-toggler")
    page.locator("a.dropdown-toggle", has_text="To decide").click()
    page.locator("a.dropdown-item", has_text="Referrals").click()
    page.wait_for_url(live_server.url + "/coordinator/referrals")
    context.close()
