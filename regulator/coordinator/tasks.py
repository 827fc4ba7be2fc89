"""One visit of a joint plan as its agencies' coordinators see it: the entity, each agency's part, who goes,
replacing an inspector of one's own agency (leave, illness) by a fresh draw, withdrawing an agency's part or
cancelling the visit; and the conflicts of interest the agency's inspectors declared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from models import ConflictDeclaration, InspectionTask, MarketEntity, Role, TaskStatus, User

from ..extensions import db
from ..paging import page_of
from ..services import staffing, visit_withdrawal
from ..services.campaigns import visit_tasks
from ..services.working_days import local_day
from . import bp
from .campaigns import campaign_or_404
from .forms import CancelVisitForm, ReplaceForm, WithdrawForm


def task_or_404(task_id: int) -> InspectionTask:
    """A visit of a campaign the user's agency takes part in (any, for administrators)."""
    task = db.session.get(InspectionTask, task_id)
    if task is None:
        abort(404)
    campaign_or_404(task.campaign_id)
    return task


@bp.route("/tasks/<int:task_id>")
def task(task_id: int):
    """The visit: entity, agencies' parts with why each was chosen, inspectors, and who may be replaced."""
    task = task_or_404(task_id)
    mine = {p.agency_id for p in task.agencies if current_user.role == Role.ADMIN
            or p.agency_id == current_user.agency_id}
    replaceable = {i.user_id for i in task.inspectors
                   if i.agency_id in mine and staffing.part_open(task, i.agency_id)}
    together = [t for t in visit_tasks(task) if t.id != task.id]
    open_visit = task.status in staffing.OPEN
    withdrawable = {p.agency_id for p in task.agencies if open_visit and p.status not in staffing.CLOSED_PART
                    and visit_withdrawal.may_withdraw(task, p.agency_id, current_user)}
    cancellable = (open_visit and visit_withdrawal.may_cancel(task, current_user)
                   and not any(p.status == TaskStatus.DONE for p in task.agencies))
    return render_template("coordinator/task.html", task=task, replaceable=replaceable, form=ReplaceForm(),
                           together=together, withdrawable=withdrawable, withdraw_form=WithdrawForm(),
                           cancellable=cancellable, cancel_form=CancelVisitForm())


def _take_step(form: ReplaceForm | WithdrawForm | CancelVisitForm, invalid: str, action: Callable[[str], Any],
               refused: type[Exception]) -> tuple[bool, Any]:
    """A step on the visit that needs a reason: the form's reason to ``action``, committed; a form without one
    (``invalid``) or a step refused (``refused``, rolled back) is flashed. Returns whether it was taken and what
    it returned."""
    if not form.validate_on_submit():
        flash(invalid, "danger")
        return False, None
    try:
        result = action(form.reason.data)
    except LookupError:
        abort(404)
    except refused as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return False, None
    db.session.commit()
    return True, result


@bp.route("/tasks/<int:task_id>/inspectors/<int:user_id>/replace", methods=["POST"])
def task_replace_inspector(task_id: int, user_id: int):
    """Take an inspector of the coordinator's agency off the visit and draw another in their place."""
    task = task_or_404(task_id)
    taken, replacement = _take_step(ReplaceForm(), _("Say why the inspector is replaced."),
                                    lambda reason: staffing.replace(task, user_id, reason, current_user),
                                    staffing.StaffingError)
    if taken and replacement is None:
        flash(_("The inspector was taken off the visit; no other inspector of the agency is free."), "warning")
    elif taken:
        flash(_("The inspector was replaced by a fresh draw."), "success")
    return redirect(url_for("coordinator.task", task_id=task.id))


def _withdrawal(task: InspectionTask, form: WithdrawForm | CancelVisitForm, action: Callable[[str], Any],
                done: str):
    """Take a withdrawal or cancellation step with the form's reason; back to the visit with what happened."""
    taken, _result = _take_step(form, _("Say why, in at most %(n)s characters.", n=visit_withdrawal.MAX_REASON),
                                action, visit_withdrawal.WithdrawalError)
    if taken:
        flash(done, "success")
    return redirect(url_for("coordinator.task", task_id=task.id))


@bp.route("/tasks/<int:task_id>/agencies/<int:agency_id>/withdraw", methods=["POST"])
def task_withdraw_agency(task_id: int, agency_id: int):
    """Withdraw one agency's open part of the visit (the lead agency, or the agency itself)."""
    task = task_or_404(task_id)
    return _withdrawal(task, WithdrawForm(),
                       lambda reason: visit_withdrawal.withdraw_part(task, agency_id, reason, current_user),
                       _("The agency's part of the visit was withdrawn; its inspectors were taken off it."))


@bp.route("/tasks/<int:task_id>/cancel", methods=["POST"])
def task_cancel(task_id: int):
    """Cancel the whole visit while no agency has recorded its result (the lead agency only)."""
    task = task_or_404(task_id)
    return _withdrawal(task, CancelVisitForm(),
                       lambda reason: visit_withdrawal.cancel_visit(task, reason, current_user),
                       _("The visit was cancelled; its inspectors were taken off it."))


@bp.route("/conflicts")
def conflicts():
    """The conflicts of interest the agency's inspectors declared (all agencies', for administrators): who is
    never drawn for which entity, why, and until when."""
    stmt = (select(ConflictDeclaration, User, MarketEntity.name)
            .join(User, User.id == ConflictDeclaration.user_id)
            .join(MarketEntity, MarketEntity.id == ConflictDeclaration.entity_id)
            .order_by(ConflictDeclaration.id.desc()))
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(User.agency_id == current_user.agency_id)
    rows, page, pages, total = page_of(stmt, rows=True)
    return render_template("coordinator/conflicts.html", rows=rows, page=page, pages=pages, total=total,
                           today=local_day())
