"""The internal entity profile that staff open before a visit and enterprises see for themselves."""

from flask import Blueprint

bp = Blueprint("profile", __name__)

# Subscribers of records_changed: credit classes, publication ends and the search index follow every change.
from ..services import credit, disclosure, name_index  # noqa: E402,F401
from . import risk_panel, routes  # noqa: E402,F401
