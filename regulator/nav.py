"""The navigation bar as data: each area registers its entries; the layout shows those the role may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_login import current_user

from .access import PUBLIC


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar."""

    endpoint: str
    label: Any  # a lazy gettext string
    roles: frozenset[str]
    order: int = 100


_items: list[NavItem] = []


def nav_item(endpoint: str, label: Any, *roles: str, order: int = 100) -> None:
    """Register a navigation entry shown to the given roles (``public``: everyone)."""
    _items.append(NavItem(endpoint, label, frozenset(str(r) for r in roles), order))
    _items.sort(key=lambda item: item.order)


def items_for_current_user() -> list[NavItem]:
    """The entries the current user may see, in order."""
    role = str(current_user.role) if current_user.is_authenticated else None
    return [i for i in _items if PUBLIC in i.roles or (role is not None and role in i.roles)]


def init_app(app: Flask) -> None:
    """Expose the navigation to templates."""
    app.jinja_env.globals["nav_items"] = items_for_current_user
