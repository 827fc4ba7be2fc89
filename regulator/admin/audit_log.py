"""Browsing and filtering the audit log."""

from __future__ import annotations

from datetime import datetime, time

from flask import render_template, request
from sqlalchemy import func, select

from models import AuditLog

from ..extensions import db
from . import bp

PAGE_SIZE = 100


def _date_arg(name: str) -> datetime | None:
    value = request.args.get(name, "")
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time.min)
    except ValueError:
        return None


@bp.route("/audit")
def audit():
    """The audit log, newest first, filtered by user, role, action, entity and date range."""
    stmt = select(AuditLog)
    filters = {k: request.args.get(k, "").strip() for k in ("username", "role", "action", "entity_id")}
    if filters["username"]:
        stmt = stmt.where(AuditLog.username == filters["username"])
    if filters["role"]:
        stmt = stmt.where(AuditLog.role == filters["role"])
    if filters["action"]:
        stmt = stmt.where(AuditLog.action.startswith(filters["action"]))
    if filters["entity_id"].isdigit():
        stmt = stmt.where(AuditLog.entity_id == int(filters["entity_id"]))
    since, until = _date_arg("since"), _date_arg("until")
    if since:
        stmt = stmt.where(AuditLog.at >= since)
    if until:
        stmt = stmt.where(AuditLog.at < until.replace(hour=23, minute=59, second=59))
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(AuditLog.id.desc()).limit(PAGE_SIZE)
                              .offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/audit.html", rows=rows, filters=filters, page=page, total=total,
                           pages=(total + PAGE_SIZE - 1) // PAGE_SIZE,
                           since=request.args.get("since", ""), until=request.args.get("until", ""))
