"""Liveness, readiness and the caller's identity."""

from __future__ import annotations

import logging

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import text

from models import Role

from ...access import public, role_required
from ...extensions import db
from ..blueprint import Blueprint

bp = Blueprint("api_system", __name__, description="Service status and the caller's identity")
log = logging.getLogger(__name__)


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadySchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
    schema_revision = fields.String(allow_none=True)


class MeSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    agency_id = fields.Integer(allow_none=True)
    entity_id = fields.Integer(allow_none=True)


@bp.route("/health")
@public
@bp.response(200, HealthSchema)
def health():
    """Liveness: the process answers (no dependency is checked)."""
    return {"status": "ok"}


@bp.route("/ready")
@public
@bp.response(200, ReadySchema)
@bp.alt_response(503, schema=ReadySchema, description="Not ready: database unreachable or schema not at head")
def ready():
    """Readiness: the database answers and its schema is at the migrations' head."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = MigrationContext.configure(conn).get_current_heads()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        log.warning("readiness: database unreachable: %s", exc)
        abort(503, message="database unreachable")
    migrate = current_app.extensions["migrate"]
    heads = set(ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory)).get_heads())
    if set(current) != heads:
        abort(503, message=f"schema at {sorted(current)}, migrations at {sorted(heads)}")
    return {"status": "ready", "database": db.engine.dialect.name, "schema_revision": ",".join(current)}


@bp.route("/me")
@role_required(*Role)
@bp.response(200, MeSchema)
def me():
    """Who the API sees: a signed-in user or an agency token."""
    return {"username": current_user.username, "role": str(current_user.role),
            "agency_id": current_user.agency_id, "entity_id": current_user.entity_id}
