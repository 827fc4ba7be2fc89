"""Sign-in, sign-out, language choice and the user's own account."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import notifications, register, reset, routes, two_step  # noqa: E402,F401  (routes attach themselves to bp)
