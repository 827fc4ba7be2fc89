"""Inspectors: ranked task lists with reasons, task pages, recording results, referrals."""

from flask import Blueprint

from models import Role

from ..access import blueprint_roles

bp = Blueprint("inspector", __name__)
blueprint_roles("inspector", Role.INSPECTOR)

from . import calendar, conflicts, home, tasks  # noqa: E402,F401
