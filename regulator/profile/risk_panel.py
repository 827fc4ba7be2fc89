"""The risk panel of the internal profile: the active model's probability, class and top reasons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_login import current_user

from models import MarketEntity, Role

from ..access import EntityAccess
from ..panels import Panel, register_panel
from ..risk_text import reason_text
from ..services.risk_models import latest_score_and_version


def risk_context(entity: MarketEntity, access: EntityAccess) -> Mapping[str, Any] | None:
    """The latest score of the active model, or None (panel hidden) when the entity has none.

    Staff only: an enterprise seeing its own profile gets the credit class and its rules, not the model.
    """
    if getattr(current_user, "role", None) not in (Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR):
        return None
    found = latest_score_and_version(entity.id)
    if found is None:
        return None
    row, version = found
    return {"score": row, "version": version, "reasons": [reason_text(r) for r in row.reasons or []]}


register_panel(Panel(name="risk", template="profile/_risk.html", context=risk_context, order=20,
                     min_access=EntityAccess.AGENCY))
