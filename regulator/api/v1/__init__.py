"""Resources of API version 1, one module per resource."""

from .campaign_plans import bp as campaign_plans_bp
from .campaigns import bp as campaigns_bp
from .imports import bp as imports_bp
from .match_reviews import bp as match_reviews_bp
from .notifications import bp as notifications_bp
from .objections import bp as objections_bp
from .profiles import bp as profiles_bp
from .repairs import bp as repairs_bp
from .risk import bp as risk_bp
from .system import bp as system_bp
from .task_results import bp as task_results_bp

BLUEPRINTS = [
    system_bp,
    profiles_bp,
    objections_bp,
    repairs_bp,
    match_reviews_bp,
    imports_bp,
    campaigns_bp,
    campaign_plans_bp,
    task_results_bp,
    risk_bp,
    notifications_bp,
]
