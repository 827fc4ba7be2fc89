"""Enterprise users: their own profile, objections, credit repair."""

from flask import Blueprint

from models import Role

from ..access import blueprint_roles

bp = Blueprint("enterprise", __name__)
blueprint_roles("enterprise", Role.ENTERPRISE)

from . import home, objections, repairs  # noqa: E402,F401
