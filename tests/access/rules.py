"""How an area declares who may reach each of its routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .world import ROLES

#: "both": allowed on own and other objects; "own": only on own objects; "none": refused
Access = str


@dataclass(frozen=True)
class Route:
    """One endpoint: how to call it and which roles may."""

    path: str  # may contain {entity}, {task} ... filled from the world's own/other objects
    allow: dict[str, Access]
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    json: bool = False


def roles(**overrides: Access) -> dict[str, Access]:
    """Every role refused, except those named."""
    spec = {role: "none" for role in ROLES}
    spec.update(overrides)
    return spec


EVERYONE = {role: "both" for role in ROLES}
SIGNED_IN = roles(admin="both", coordinator="both", inspector="both", enterprise="both")
ADMIN_ONLY = roles(admin="both")
COORDINATION = roles(admin="both", coordinator="both")
