"""The navigation bar, rendered once per role, language, current page and script root (regulator/nav.py),
is still right for each: the entries of the viewer's role, in the viewer's language, the current page's
marked active, the links under the application's prefix; and the same as rendering it afresh."""

from __future__ import annotations

import re

from flask import url_for
from flask_babel import force_locale

from models import Role
from regulator.nav import items_for
from tests.factories import PASSWORD

LINK = re.compile(r'<a class="(?:nav-link|dropdown-item)( active)?"\s+href="([^"]+)">([^<]*)</a>')
MENU = re.compile(r'<a class="nav-link dropdown-toggle( active)?"[^>]*>([^<]*)</a>')


def _sign_in_coordinator(make, auth, client) -> None:  # noqa: ANN001
    """A SAMR coordinator signed in on ``client``, English chosen."""
    from regulator.extensions import db

    make.user("nav.coord", Role.COORDINATOR, agency_id=make.agency("SAMR").id)
    db.session.commit()
    auth.login("nav.coord")
    client.get("/auth/lang/en")


def _links(client, path: str, **kw) -> list[tuple[bool, str, str]]:  # noqa: ANN001, ANN003
    """(active, href, label) of each entry of the bar on ``path``."""
    response = client.get(path, **kw)
    assert response.status_code == 200, path
    bar = _bar(response.get_data(as_text=True))
    return [(bool(active), href, label) for active, href, label in LINK.findall(bar)]


def _bar(page: str) -> str:
    """The entries' part of the navigation bar (the account and language part follows it)."""
    return page.split('<ul class="navbar-nav me-auto">', 1)[1].split('<ul class="navbar-nav ms-auto">', 1)[0]


def _expected(app, role: str | None, locale: str, active: str | None = None, root: str = "") -> list:  # noqa: ANN001
    with app.test_request_context(), force_locale(locale):
        return [(item.endpoint == active, root + url_for(item.endpoint), str(item.label)) for item in items_for(role)]


def test_each_role_sees_its_own_entries_in_its_language(app, make) -> None:  # noqa: ANN001
    """Roles and languages one after another (each rendered bar cached): none sees another's entries or
    language."""
    from regulator.extensions import db

    samr = make.agency("SAMR")
    entity = make.entity("深圳市导航测试有限公司")
    users = {Role.ADMIN: {}, Role.COORDINATOR: {"agency_id": samr.id}, Role.INSPECTOR: {"agency_id": samr.id},
             Role.ENTERPRISE: {"entity_id": entity.id}}
    for role, kw in users.items():
        make.user(f"nav.{role.value}", role, **kw)
    db.session.commit()
    clients = {}
    for role in users:
        clients[role] = app.test_client()
        assert clients[role].post("/auth/login", data={"username": f"nav.{role.value}",
                                                       "password": PASSWORD}).status_code == 302
    anonymous = app.test_client()
    for _round in range(2):  # the second round is served from the cache
        for locale in ("en", "zh_Hans_CN", "en"):
            for role, client in clients.items():
                client.get(f"/auth/lang/{locale}")
                assert _links(client, "/") == _expected(app, role.value, locale), (role, locale)
            anonymous.get(f"/auth/lang/{locale}")
            assert _links(anonymous, "/") == _expected(app, None, locale)
    assert _expected(app, "inspector", "en") != _expected(app, "inspector", "zh_Hans_CN")


def test_the_current_page_is_marked_and_only_it(app, make, client, auth) -> None:  # noqa: ANN001
    """The entry of the page shown is active; on a page with no entry, none is."""
    _sign_in_coordinator(make, auth, client)
    for _round in range(2):
        for path, endpoint in (("/coordinator/", "coordinator.index"), ("/", None),
                               ("/coordinator/campaigns", "coordinator.campaigns"), ("/search", "public.search")):
            links = _links(client, path)
            assert links == _expected(app, "coordinator", "en", active=endpoint), path
            assert sum(active for active, _href, _label in links) == (endpoint is not None)


def test_links_follow_the_script_root(app, make, client, auth) -> None:  # noqa: ANN001
    """Mounted under a prefix the links carry it; the same bar without the prefix does not."""
    _sign_in_coordinator(make, auth, client)
    for _round in range(2):
        plain = _links(client, "/")
        mounted = _links(client, "/", base_url="http://localhost/regulator")
        assert plain == _expected(app, "coordinator", "en")
        assert mounted == _expected(app, "coordinator", "en", root="/regulator")
        assert all(href.startswith("/regulator/") for _active, href, _label in mounted)


def test_cached_bar_equals_a_fresh_rendering(app, make, client, auth) -> None:  # noqa: ANN001
    """Byte for byte: the page with the bar from the cache and with the cache emptied first."""
    from regulator.nav import _CACHE

    _sign_in_coordinator(make, auth, client)
    for locale in ("zh_Hans_CN", "en"):
        client.get(f"/auth/lang/{locale}")
        for path in ("/coordinator/", "/"):
            app.extensions.pop(_CACHE, None)
            fresh = client.get(path).get_data(as_text=True)
            cached = client.get(path).get_data(as_text=True)
            strip = re.compile(r'(csrf[-_]token"? (?:content|[^>]*value)=")[^"]+')
            assert strip.sub(r"\1", fresh) == strip.sub(r"\1", cached)



def test_menus_group_entries_where_the_first_stood(app, make, client, auth) -> None:  # noqa: ANN001
    """An administrator's bar: the administration pages in one menu, imports and reviews in another, the
    decisions in a third, each menu
    marked active when one of its pages is shown; the order of the entries is the order they are shown."""
    from regulator.extensions import db

    make.user("nav.admin", Role.ADMIN)
    db.session.commit()
    auth.login("nav.admin")
    client.get("/auth/lang/en")
    bar = _bar(client.get("/admin/users").get_data(as_text=True))
    assert MENU.findall(bar) == [(" active", "Administration"), ("", "Data"), ("", "To decide")]
    menus = [part.split("</ul>", 1)[0] for part in bar.split('class="nav-item dropdown"')]
    assert [label for _a, _h, label in LINK.findall(menus[1])] == [
        "Overview", "Users", "Agencies", "Audit log", "Risk models", "API tokens"]
    assert [label for _a, _h, label in LINK.findall(menus[2])] == ["Imports", "Match reviews"]
    assert [label for _a, _h, label in LINK.findall(menus[3])] == ["Objections", "Credit repair", "Referrals"]
    assert _links(client, "/admin/users") == _expected(app, "admin", "en", active="admin.users")
    on_search = _bar(client.get("/search").get_data(as_text=True))
    assert MENU.findall(on_search) == [("", "Administration"), ("", "Data"), ("", "To decide")]
    client.get("/auth/lang/zh_Hans_CN")
    assert [label for _a, label in MENU.findall(_bar(client.get("/admin/").get_data(as_text=True)))] == [
        "系统管理", "数据归集", "待处理"]
