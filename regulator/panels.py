"""Panels of the internal entity profile, contributed by each capability (risk, graph, campaigns ...).

A capability registers a panel at import time; the profile page renders every panel whose context
function returns a mapping for that entity and viewer. Keeps the profile page free of imports from
every feature that shows something on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from models import MarketEntity

from .access import EntityAccess


@dataclass(frozen=True)
class Panel:
    """One section of the profile page."""

    name: str
    template: str
    #: (entity, access level of the viewer) -> template context, or None to hide the panel
    context: Callable[[MarketEntity, EntityAccess], Mapping[str, Any] | None]
    order: int = 100
    min_access: EntityAccess = EntityAccess.AGENCY


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    """Add (or replace, by name) a profile panel."""
    _panels[panel.name] = panel


def panels_for(entity: MarketEntity, access: EntityAccess) -> list[tuple[Panel, Mapping[str, Any]]]:
    """The panels this viewer sees on this entity's profile, in order, with their contexts."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        if access < panel.min_access:
            continue
        context = panel.context(entity, access)
        if context is not None:
            shown.append((panel, context))
    return shown
