"""The inspector's home: the ranked list of tasks this inspector is drawn for, with filters and exports."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from ..nav import nav_item
from ..paging import last_page, page_within
from ..request_guards import page_arg
from . import bp
from .tasks import filtered_rows, status_text

nav_item("inspector.index", _l("My tasks"), "inspector", order=30)

#: tasks a page of the list shows (its exports and calendar file hold every task the filters keep)
PAGE_SIZE = 50


@bp.route("/")
def index():
    """Open tasks (or all, with done=1), riskiest first by default; filter by name, class, agency; a page at a
    time."""
    rows, args, notes = filtered_rows()
    total = len(rows)
    page = page_within(page_arg(), total, PAGE_SIZE)
    return render_template("inspector/index.html", rows=rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], args=args,
                           notes=notes, page=page, pages=last_page(total, PAGE_SIZE), total=total,
                           filtered=bool(args["q"] or args["credit_class"] or args["agency"]), status_text=status_text)
