"""Sign-in (two-step where set up), sign-out, language choice, password links, enterprise registration, notifications
and the user's own account."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account, notifications, register, reset, routes, two_step  # noqa: E402,F401  (routes attach themselves to bp)
