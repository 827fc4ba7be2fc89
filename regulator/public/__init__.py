"""What the law makes public: search, public profiles, published results."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import campaigns, routes  # noqa: E402,F401
