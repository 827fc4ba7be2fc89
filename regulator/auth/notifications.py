"""The signed-in user's notifications: the list, opening one (read, and on to what it is about), all read."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from models import Notification, Role

from .. import notification_words
from ..access import role_required
from ..extensions import db
from ..paging import page_of
from ..services import notifications
from . import bp


@bp.route("/notifications")
@role_required(*Role)
def notification_list():
    """The user's notifications, newest first; unread ones stand out."""
    rows, page, pages, total = page_of(select(Notification).where(Notification.user_id == current_user.id)
                                       .order_by(Notification.id.desc()))
    return render_template("auth/notifications.html", items=notification_words.described(rows), page=page,
                           total=total, pages=pages, form=FlaskForm(), unread=current_user.unread_notifications)


@bp.route("/notifications/<int:notification_id>")
@role_required(*Role)
def notification_open(notification_id: int):
    """Mark the notification read and go to what it is about (another user's is not found)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    notifications.mark_read(current_user.id, note.id)
    db.session.commit()
    return redirect(notification_words.link(note, current_user.role) or url_for("auth.notification_list"))


@bp.route("/notifications/read", methods=["POST"])
@role_required(*Role)
def notifications_read():
    """Mark every notification of the user read."""
    if FlaskForm().validate_on_submit():
        notifications.mark_read(current_user.id)
        db.session.commit()
    return redirect(url_for("auth.notification_list"))
