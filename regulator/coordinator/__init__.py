"""Agency coordinators: campaigns, joint plans, imports and quarantine, reviews, referrals, publication."""

from flask import Blueprint

from models import Role

from ..access import blueprint_roles

bp = Blueprint("coordinator", __name__)
blueprint_roles("coordinator", Role.COORDINATOR, Role.ADMIN)

from . import (  # noqa: E402,F401
    campaigns,
    clusters,
    decisions,
    home,
    imports,
    linkage,
    referrals,
    tasks,
)
