"""Access control in one place: a role rule on every view (fail closed) and entity access levels.

Every endpoint declares who may call it with ``@role_required(...)`` (or ``@public``), or inherits its
blueprint's rule set with ``blueprint_roles``. A view with no rule is refused, so a forgotten decorator
fails closed. Object-level checks (own entity, own agency, assigned task) go through ``entity_access``
and the fetch-and-authorise helpers, which abort with 404 or 403.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import exists, or_, select

from models import (
    Campaign,
    CampaignSelection,
    CampaignStatus,
    Complaint,
    EnforcementAction,
    Inspection,
    InspectionTask,
    Licence,
    ListEntry,
    MarketEntity,
    Role,
    TaskAgency,
    TaskInspector,
    TaskStatus,
    User,
    Violation,
)

from .extensions import db
from .services import two_step

log = logging.getLogger(__name__)
PUBLIC = "public"
INTERNAL_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    """The roles allowed to call a view; ``public`` admits anonymous visitors."""

    roles: frozenset[str]

    @property
    def is_public(self) -> bool:
        return PUBLIC in self.roles


_blueprint_rules: dict[str, AccessRule] = {}


def _rule(roles: Iterable[Role | str]) -> AccessRule:
    return AccessRule(frozenset(str(r) for r in roles))


def role_required(*roles: Role | str) -> Callable[[F], F]:
    """Declare the roles that may call this view (checked before the view runs)."""

    def decorator(view: F) -> F:
        view.access_rule = _rule(roles)  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: F) -> F:
    """Declare a view open to everyone, signed in or not."""
    return role_required(PUBLIC)(view)


def blueprint_roles(blueprint_name: str, *roles: Role | str) -> None:
    """Default rule for every view of a blueprint that declares none itself."""
    _blueprint_rules[blueprint_name] = _rule(roles)


def rule_for(app: Flask, endpoint: str) -> AccessRule | None:
    """The rule that applies to an endpoint, or None when it has none (and is refused)."""
    view = app.view_functions.get(endpoint)
    rule = getattr(view, "access_rule", None)
    if rule is None and "." in endpoint:
        rule = _blueprint_rules.get(endpoint.rsplit(".", 1)[0])
    return rule


def wants_json() -> bool:
    """API paths and clients that prefer JSON get JSON errors instead of pages and redirects."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _deny(status: int):  # noqa: ANN202 - returns a Flask response or aborts
    if status == 401:
        if wants_json():
            from .errors import error_body

            refused = g.get("token_refusal")
            response = jsonify(error_body("unauthorized", refused or "authentication required"))
            # RFC 6750: a token that was presented and does not work is an invalid_token
            response.headers["WWW-Authenticate"] = 'Bearer realm="regulator"' + (
                ', error="invalid_token"' if refused else "")
            return response, 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(status)


def enforce_rules() -> Any:
    """before_request hook: apply the endpoint's rule; refuse endpoints that have none."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
        return None
    rule = rule_for(current_app, endpoint)
    if rule is None:
        log.error("endpoint %s has no access rule; refusing", endpoint)
        return _deny(403)
    if rule.is_public:
        return None
    if not current_user.is_authenticated:
        return _deny(401)
    if str(current_user.role) not in rule.roles:
        return _deny(403)
    if endpoint not in TWO_STEP_SETUP and isinstance(current_user._get_current_object(), User) \
            and two_step.required(current_user):
        return _set_up_two_step()
    return None


#: what a user whose role must sign in in two steps may open before setting it up
TWO_STEP_SETUP = frozenset({"auth.two_step_setup", "auth.logout", "auth.set_language", "auth.account"})


def _set_up_two_step():  # noqa: ANN202 - a response
    if wants_json():
        from .errors import error_body

        return jsonify(error_body("two_step_required", "set up two-step sign-in first (/auth/two-step/setup)")), 403
    return redirect(url_for("auth.two_step_setup"))


def init_app(app: Flask) -> None:
    """Install the rule check in front of every request."""
    app.before_request(enforce_rules)


class EntityAccess(enum.IntEnum):
    """How much of an entity's profile a user may see."""

    NONE = 0
    PUBLIC = 1  #: what the law makes public
    AGENCY = 2  #: internal profile, limited to the viewer's agency's records beyond registration facts
    FULL = 3  #: the whole internal profile (own enterprise, coordinators, assigned joint-task inspectors)


def _agency_touches_entity(agency_id: int, entity_id: int) -> bool:
    """True when the agency holds any record of the entity or has it in a campaign."""
    checks = [
        exists().where(model.entity_id == entity_id, model.agency_id == agency_id)
        for model in (Inspection, Violation, EnforcementAction, ListEntry, Licence, Complaint,
                      CampaignSelection)
    ]
    checks.append(
        exists().where(TaskAgency.task_id == InspectionTask.id, InspectionTask.entity_id == entity_id,
                       TaskAgency.agency_id == agency_id)
    )
    return bool(db.session.execute(select(or_(*checks))).scalar())


#: a drawn inspector's visit gives full access from the plan's publication until the visit is done
VISIT_CAMPAIGNS = (CampaignStatus.PUBLISHED, CampaignStatus.RELEASED, CampaignStatus.CLOSED)
VISIT_OPEN = (TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)


def inspector_assigned(user_id: int, entity_id: int) -> bool:
    """True when the inspector is drawn for a visit to the entity that is in their list and not yet done: not
    before the plan is published (they have not been told of it), not once the visit is done or cancelled."""
    return bool(db.session.execute(select(exists().where(
        TaskInspector.user_id == user_id, TaskInspector.task_id == InspectionTask.id,
        InspectionTask.entity_id == entity_id, InspectionTask.status.in_(VISIT_OPEN),
        InspectionTask.campaign_id == Campaign.id, Campaign.status.in_(VISIT_CAMPAIGNS)))).scalar())


def entity_access(user: User | Any, entity_id: int) -> EntityAccess:
    """The access level ``user`` (possibly anonymous) has to entity ``entity_id``."""
    if not getattr(user, "is_authenticated", False):
        return EntityAccess.PUBLIC
    role = user.role
    if role in (Role.ADMIN, Role.COORDINATOR):
        return EntityAccess.FULL
    if role == Role.ENTERPRISE:
        return EntityAccess.FULL if user.entity_id == entity_id else EntityAccess.PUBLIC
    if role == Role.INSPECTOR:
        if inspector_assigned(user.id, entity_id):
            return EntityAccess.FULL
        if user.agency_id and _agency_touches_entity(user.agency_id, entity_id):
            return EntityAccess.AGENCY
        return EntityAccess.PUBLIC
    return EntityAccess.NONE


def get_entity_or_404(entity_id: int, need: EntityAccess = EntityAccess.AGENCY) -> MarketEntity:
    """Fetch an entity the current user may see at level ``need``; 404 if missing, 403 if not allowed."""
    return entity_and_access(db.session.get(MarketEntity, entity_id), need)[0]


def entity_and_access(entity: MarketEntity | None, need: EntityAccess) -> tuple[MarketEntity, EntityAccess]:
    """A loaded entity and the current user's access to it, checked once: 404 if None, 403 below ``need``."""
    if entity is None:
        abort(404)
    access = entity_access(current_user, entity.id)
    if access < need:
        abort(403)
    return entity, access


def can_see_personal_data(user: User | Any, entity_id: int | None, access: EntityAccess | None = None) -> bool:
    """Unmasked names and phones: staff with full access (administrators, coordinators, inspectors drawn for
    a visit to the entity), and the enterprise for its own entity. An inspector whose agency merely holds a
    record of the entity (``EntityAccess.AGENCY``) sees the masked forms: they have no visit to prepare.

    ``access``: the user's access to the entity where the caller has it already (spares its queries).
    """
    if not getattr(user, "is_authenticated", False) or entity_id is None:
        return False
    if user.role == Role.ENTERPRISE:
        return user.entity_id == entity_id
    return (entity_access(user, entity_id) if access is None else access) >= EntityAccess.FULL


def may_see_agency_internals(user: User | Any, agency_id: int) -> bool:
    """Internal notes of an agency's records: that agency's staff and administrators only."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or (user.role in (Role.COORDINATOR, Role.INSPECTOR)
                                       and user.agency_id == agency_id)


def may_decide_requests(user: User | Any, agency_id: int | None) -> bool:
    """Who decides an objection or a credit repair application of ``agency_id``: its coordinators and
    administrators (the rule of the coordinator's decision pages, for links shown elsewhere)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or (user.role == Role.COORDINATOR and agency_id is not None
                                       and user.agency_id == agency_id)


def same_agency_or_admin(agency_id: int | None) -> bool:
    """True for administrators and for coordinators/inspectors of ``agency_id``."""
    if not current_user.is_authenticated:
        return False
    return current_user.role == Role.ADMIN or (agency_id is not None and current_user.agency_id == agency_id)
