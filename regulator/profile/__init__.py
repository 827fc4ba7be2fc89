"""The internal entity profile that staff open before a visit and enterprises see for themselves."""

from flask import Blueprint

bp = Blueprint("profile", __name__)

from . import routes  # noqa: E402,F401
