"""The world every access test runs in: two agencies, an "own" and an "other" entity, one user per role.

"Own" objects belong to the acting user (the enterprise user's entity, the inspector's agency and
assigned task); "other" objects belong to nobody the user is tied to. Area matrices refer to objects by
key (``{entity}``, ``{task}`` ...); each area adds the objects it needs in ``extend_world``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import Role

ROLES = ("anonymous", "admin", "coordinator", "inspector", "enterprise")


@dataclass
class World:
    """Ids of the users and of the own/other objects."""

    users: dict[str, str] = field(default_factory=dict)  # role -> username
    own: dict[str, Any] = field(default_factory=dict)
    other: dict[str, Any] = field(default_factory=dict)


#: functions (make, world) -> None that add an area's objects to the world
EXTENDERS: list[Callable[[Any, World], None]] = []


def extend_world(fn: Callable[[Any, World], None]) -> Callable[[Any, World], None]:
    """Register a function that adds objects an area's routes need."""
    EXTENDERS.append(fn)
    return fn


def build_world(make) -> World:  # noqa: ANN001
    """Create the users and objects; returns their ids."""
    samr = make.agency("SAMR", name="市场监督管理局", domain="market")
    mee = make.agency("MEE", name="生态环境局", domain="environment")
    own = make.entity("深圳市自有测试贸易有限公司")
    other = make.entity("深圳市他人测试科技有限公司")
    make.user("admin", Role.ADMIN)
    make.user("coordinator", Role.COORDINATOR, agency_id=samr.id)
    inspector = make.user("inspector", Role.INSPECTOR, agency_id=samr.id)
    make.user("inspector2", Role.INSPECTOR, agency_id=samr.id)
    make.user("enterprise", Role.ENTERPRISE, entity_id=own.id)
    make.user("other_enterprise", Role.ENTERPRISE, entity_id=other.id)
    make.inspection(own, samr)
    make.inspection(other, mee)
    own_task = make.task(own, [samr, mee], [inspector])
    other_task = make.task(other, [mee], [])
    world = World(users={r: r for r in ROLES if r != "anonymous"})
    world.own.update(entity=own.id, task=own_task.id, agency=samr.id, user=inspector.id)
    world.other.update(entity=other.id, task=other_task.id, agency=mee.id, user=inspector.id)
    world.ids = {"samr": samr.id, "mee": mee.id}  # type: ignore[attr-defined]
    for fn in EXTENDERS:
        fn(make, world)
    return world
