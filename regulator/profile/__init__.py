"""The internal entity profile that staff open before a visit and enterprises see for themselves."""

from flask import Blueprint

bp = Blueprint("profile", __name__)

# Subscribers of records_changed: credit classes, publication ends and the search index follow every change.
from ..graph import service as graph_service  # noqa: E402,F401 - risk clusters follow records_changed too
from ..services import credit, disclosure, name_index  # noqa: E402,F401
from . import relations, risk_panel, routes  # noqa: E402,F401
