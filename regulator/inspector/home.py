"""The inspector's home: the tasks this inspector is drawn for, riskiest first."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from models import InspectionTask, TaskInspector, TaskStatus

from ..extensions import db
from ..nav import nav_item
from ..risk_text import reason_text
from ..services.risk_models import latest_scores
from . import bp

nav_item("inspector.index", _l("My tasks"), "inspector", order=30)


@bp.route("/")
def index():
    """Open tasks assigned to the signed-in inspector, by expected findings."""
    tasks = db.session.scalars(
        select(InspectionTask)
        .join(TaskInspector, TaskInspector.task_id == InspectionTask.id)
        .where(TaskInspector.user_id == current_user.id,
               InspectionTask.status.in_([TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS]))
        .order_by(InspectionTask.expected_findings.desc(), InspectionTask.window_start)).all()
    risk = latest_scores([t.entity_id for t in tasks])
    return render_template("inspector/index.html", tasks=tasks, risk=risk, reason_text=reason_text)
