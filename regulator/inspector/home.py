"""The inspector's home: the ranked list of tasks this inspector is drawn for, with filters and exports."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from ..nav import nav_item
from . import bp
from .tasks import filtered_rows

nav_item("inspector.index", _l("My tasks"), "inspector", order=30)


@bp.route("/")
def index():
    """Open tasks (or all, with done=1), riskiest first by default; filter by name, class, agency."""
    rows, args, notes = filtered_rows()
    return render_template("inspector/index.html", rows=rows, args=args, notes=notes)
