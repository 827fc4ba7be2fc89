"""Resources of API version 1, one module per resource."""

from .objections import bp as objections_bp
from .profiles import bp as profiles_bp
from .system import bp as system_bp

BLUEPRINTS = [system_bp, profiles_bp, objections_bp]
