"""Browsing, filtering and exporting the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import AuditLog, MarketEntity, Role

from ..exports import to_csv
from ..extensions import db
from ..nav import nav_item
from ..paging import page_of
from ..request_guards import choice_filter, id_filter
from ..services import audit as audit_service
from . import bp

nav_item("admin.audit", _l("Audit log"), "admin", order=23, menu=_l("Administration"))

PAGE_SIZE = 100
EXPORT_LIMIT = 100_000


def _date_arg(name: str, label: str, refused: dict[str, str]) -> datetime | None:
    """The day asked for in ``name``; a text that is no day goes to ``refused`` with why it is not applied."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time.min)
    except ValueError:
        refused[name] = _("The list is not filtered by “%(filter)s”: “%(value)s” is not a date (year-month-day, "
                          "such as %(example)s).", filter=label, value=value, example="2024-03-31")
        return None


#: the roles an entry may name: the users' roles, and the public and the platform itself
AUDIT_ROLES = [r.value for r in Role] + ["public", "system"]


def _filtered():  # noqa: ANN202 - a Select
    """The log filtered by the request's user, role, action, entity, object and date range; the filters as asked
    for, and why each one that is not applied is not (by query argument)."""
    stmt = select(AuditLog)
    filters = {k: request.args.get(k, "").strip()
               for k in ("username", "role", "action", "entity_id", "object_type")}
    refused: dict[str, str] = {}
    if filters["username"]:
        stmt = stmt.where(AuditLog.username == filters["username"])
    role, why = choice_filter("role", _("Role"), AUDIT_ROLES)
    if role:
        stmt = stmt.where(AuditLog.role == role)
    elif why:
        refused["role"] = why
    if filters["action"]:
        stmt = stmt.where(AuditLog.action.startswith(filters["action"]))
    entity_id, why = id_filter("entity_id", _("Entity"))
    if entity_id is not None:
        stmt = stmt.where(AuditLog.entity_id == entity_id)
    elif why:
        refused["entity_id"] = why
    if filters["object_type"]:
        stmt = stmt.where(AuditLog.object_type == filters["object_type"])
    since, until = _date_arg("since", _("From date"), refused), _date_arg("until", _("Until"), refused)
    if since and until and until < since:
        refused["until"] = _("The list is not filtered by “Until”: %(until)s is before the “From date”, %(since)s; "
                             "it shows the entries from that date on.", until=until.date().isoformat(),
                             since=since.date().isoformat())
        until = None
    if since:
        stmt = stmt.where(AuditLog.at >= since)
    if until:
        stmt = stmt.where(AuditLog.at < until + timedelta(days=1))  # the whole of the day, its last second too
    return stmt, filters, refused


@bp.route("/audit")
def audit():
    """The audit log, newest first, filtered by user, role, action, entity, object and date range."""
    stmt, filters, refused = _filtered()
    rows, page, pages, total = page_of(stmt.order_by(AuditLog.id.desc()), PAGE_SIZE)
    entity_ids = {r.entity_id for r in rows if r.entity_id}
    names = dict(db.session.execute(select(MarketEntity.id, MarketEntity.name)
                                    .where(MarketEntity.id.in_(entity_ids))).all()) if entity_ids else {}
    actions = list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action).limit(200)))
    return render_template("admin/audit.html", rows=rows, filters=filters, page=page, total=total,
                           pages=pages, entity_names=names, actions=actions,
                           roles=AUDIT_ROLES,
                           since=request.args.get("since", ""), until=request.args.get("until", ""),
                           refused=refused,
                           export_args={k: v for k, v in request.args.items() if k not in refused and k != "page"})


def _utc_seconds(moment: datetime) -> str:
    """A stored time in UTC to the second, written as spreadsheet programs read a date-time (SQLite gives it back
    naive, already UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@bp.route("/audit/export.csv")
def audit_export():
    """The filtered log as CSV (UTF-8 with BOM so spreadsheet programs read Chinese); ``at_utc`` is the time in UTC
    to the second (2024-03-31 08:15:02). The export is audited. A filter not understood is refused (400): the
    page's link leaves out those the page said it did not apply."""
    stmt, filters, refused = _filtered()
    if refused:
        abort(400, description=" ".join([_("The audit log was not exported: a filter in the link is not understood."),
                                         *refused.values()]))
    rows = db.session.scalars(stmt.order_by(AuditLog.id.desc()).limit(EXPORT_LIMIT)).all()
    # usernames and details carry text typed by users: neutralised so no cell runs as a formula
    body = to_csv(["id", "at_utc", "username", "role", "action", "entity_id", "object_type", "object_id", "ip",
                   "details"],
                  ([r.id, _utc_seconds(r.at), r.username or "", r.role or "", r.action, r.entity_id or "",
                    r.object_type or "", r.object_id or "", r.ip or "",
                    ";".join(f"{k}={v}" for k, v in sorted((r.details or {}).items()))] for r in rows))
    audit_service.record("audit.export", rows=len(rows), filters={k: v for k, v in filters.items() if v})
    db.session.commit()
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=audit-{stamp}.csv"})
