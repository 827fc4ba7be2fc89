"""The navigation bar as data: each area registers its entries; the layout shows those the role may use.

Entries may share a menu (``menu``: its label): they are shown as one drop-down where the first of them
would stand, so that a coordinator's or an administrator's bar fits a laptop's screen on one line.

The entries' HTML depends only on the role, the language, which entry is the current page and where the
application is mounted, so it is rendered once per process for each of those and reused (rendering it
for every request cost a lazy translation and a ``url_for`` per entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_login import current_user
from markupsafe import Markup

from .access import PUBLIC
from .i18n import translations


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar."""

    endpoint: str
    label: Any  # a lazy gettext string
    roles: frozenset[str]
    order: int = 100
    #: the label of the drop-down menu the entry is shown in (a lazy gettext string); None: on the bar itself
    menu: Any = None


_items: list[NavItem] = []
_CACHE = "regulator.nav_links"


def nav_item(endpoint: str, label: Any, *roles: str, order: int = 100, menu: Any = None) -> None:
    """Register a navigation entry shown to the given roles (``public``: everyone), in ``menu`` if given."""
    _items.append(NavItem(endpoint, label, frozenset(str(r) for r in roles), order, menu))
    _items.sort(key=lambda item: item.order)


def groups_for(role: str | None) -> list[tuple[Any, list[NavItem]]]:
    """What a role (None: anonymous visitors) sees on the bar, in order: ``(None, [entry])`` for an entry of
    its own, ``(menu label, entries)`` for a drop-down, placed where its first entry is."""
    groups: list[tuple[Any, list[NavItem]]] = []
    menus: dict[str, list[NavItem]] = {}
    for item in _items:
        if not (PUBLIC in item.roles or (role is not None and role in item.roles)):
            continue
        if item.menu is None:
            groups.append((None, [item]))
            continue
        members = menus.get(str(item.menu))
        if members is None:
            members = menus[str(item.menu)] = []
            groups.append((item.menu, members))
        members.append(item)
    return groups


def items_for(role: str | None) -> list[NavItem]:
    """The entries a role may see, in the order they are shown (a menu's entries where the menu is)."""
    return [item for _menu, members in groups_for(role) for item in members]


def nav_links() -> Markup:
    """The current user's entries as HTML (templates/_nav_links.html), the current page's marked active."""
    role = str(current_user.role) if current_user.is_authenticated else None
    endpoint = request.endpoint
    active = endpoint if any(i.endpoint == endpoint for i in _items) else None
    # the catalogue stands for the language; the script root for where the application is mounted
    key = (role, translations(), active, request.script_root, len(_items))
    cache = current_app.extensions.setdefault(_CACHE, {})
    html = cache.get(key)
    if html is None:
        template = current_app.jinja_env.get_template("_nav_links.html")
        html = cache[key] = Markup(template.render(groups=groups_for(role), active=active))  # noqa: S704 - autoescaped
    return html


def init_app(app: Flask) -> None:
    """Expose the navigation to templates."""
    app.jinja_env.globals["nav_links"] = nav_links
