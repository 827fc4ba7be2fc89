"""The signed-in user's notifications over JSON, in the language the caller asks for (Accept-Language)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import select

from models import Notification, Role

from ... import notification_words
from ...access import role_required
from ...extensions import db
from ...services import notifications
from ..blueprint import Blueprint
from ..pagination import IdArg, PageArgs, envelope, page_schema, paginate
from ..schemas import UtcDateTime

bp = Blueprint("api_notifications", __name__, url_prefix="/notifications",
               description="A person's notifications (an agency token has none)")


class NotificationSchema(Schema):
    """One notification: its kind, its words in the caller's language and where it leads."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "e.g. objection.accepted, tasks.assigned"})
    text = fields.String(required=True)
    subject_type = fields.String(required=True)
    subject_id = fields.Integer(required=True)
    entity_id = fields.Integer(allow_none=True)
    link = fields.String(allow_none=True, metadata={"description": "the page it is about, for this caller"})
    created_at = UtcDateTime(required=True)
    read_at = UtcDateTime(allow_none=True)


class NotificationArgs(PageArgs):
    """Filter of the list."""

    unread = fields.Boolean(load_default=False, metadata={"description": "only those not yet read"})


class ReadSchema(Schema):
    """Which notification to mark read (none: all of them)."""

    id = IdArg(load_default=None)


class ReadResultSchema(Schema):
    """How many were marked read, and how many are still unread."""

    marked = fields.Integer(required=True)
    unread = fields.Integer(required=True)


def _person() -> int:
    if current_user.id is None:
        abort(403, message="notifications belong to people: an agency token has none")
    return current_user.id


@bp.route("")
@role_required(*Role)
@bp.arguments(NotificationArgs, location="query")
@bp.response(200, page_schema(NotificationSchema))
def notification_list(args: dict[str, Any]):
    """The caller's notifications, newest first (``unread``: only those not yet read)."""
    stmt = select(Notification).where(Notification.user_id == _person())
    if args.get("unread"):
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paginate(stmt.order_by(Notification.id.desc()), args)
    return envelope(page, [{
        "id": n.id, "kind": n.kind, "text": words, "subject_type": n.subject_type, "subject_id": n.subject_id,
        "entity_id": n.entity_id, "link": notification_words.link(n, current_user.role),
        "created_at": n.created_at, "read_at": n.read_at,
    } for n, words in notification_words.described(list(page.items))])


@bp.route("/read", methods=["POST"])
@role_required(*Role)
@bp.arguments(ReadSchema)
@bp.response(200, ReadResultSchema)
def notifications_read(data: dict[str, Any]):
    """Mark one notification (``id``) or all of the caller's read."""
    user_id = _person()
    if data.get("id") is not None:
        note = db.session.get(Notification, data["id"])
        if note is None or note.user_id != user_id:
            abort(404, message="no such notification")
    marked = notifications.mark_read(user_id, data.get("id"))
    db.session.commit()
    return {"marked": marked, "unread": current_user.unread_notifications}
