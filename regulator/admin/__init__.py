"""Administration: users, agencies and their import mappings, model versions, the audit log."""

from flask import Blueprint

from models import Role

from ..access import blueprint_roles

bp = Blueprint("admin", __name__)
blueprint_roles("admin", Role.ADMIN)

from . import audit_log, home, risk_models, tokens, users  # noqa: E402,F401
