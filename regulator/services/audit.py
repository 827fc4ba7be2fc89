"""Writing to the append-only audit log."""

from __future__ import annotations

import logging
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from models import AuditLog

from ..extensions import db

log = logging.getLogger(__name__)


def record(action: str, *, entity_id: int | None = None, object_type: str | None = None,
           object_id: int | None = None, user: Any = None, **details: Any) -> AuditLog:
    """Append one audit row for the current (or given) user; the caller commits."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    row = AuditLog(
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", None),
        role=str(user.role) if user is not None else ("public" if has_request_context() else "system"),
        action=action,
        entity_id=entity_id,
        object_type=object_type,
        object_id=object_id,
        ip=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(row)
    log.info("audit %s user=%s entity=%s %s", action, row.username, entity_id, details or "")
    return row
