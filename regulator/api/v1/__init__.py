"""Resources of API version 1, one module per resource."""

from .system import bp as system_bp

BLUEPRINTS = [system_bp]
