"""Liveness and the caller's identity."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from models import Role

from ...access import public, role_required

bp = Blueprint("api_system", __name__, description="Service status and the caller's identity")


class HealthSchema(Schema):
    status = fields.String(required=True)


class MeSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    agency_id = fields.Integer(allow_none=True)
    entity_id = fields.Integer(allow_none=True)


@bp.route("/health")
@public
@bp.response(200, HealthSchema)
def health():
    """Liveness: the process answers."""
    return {"status": "ok"}


@bp.route("/me")
@role_required(*Role)
@bp.response(200, MeSchema)
def me():
    """Who the API sees: a signed-in user or an agency token."""
    return {"username": current_user.username, "role": str(current_user.role),
            "agency_id": current_user.agency_id, "entity_id": current_user.entity_id}
