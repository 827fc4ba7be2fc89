"""Working days on the country's calendar, for the time limits agencies work to: results public within 20
working days of a visit, an objection or a credit repair application decided within so many of its submission.

The calendar is the ``holidays`` package's (``WORKING_DAYS_COUNTRY``, China by default): public holidays, the
days off given in their place and the weekend days worked instead (调休), which weekday arithmetic gets wrong
around every long holiday. Days are the platform's local days (``BABEL_DEFAULT_TIMEZONE``), not UTC's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from flask import current_app

from models import CreditRepair, Objection

#: the setting that says in how many working days each kind of request is decided
DECISION_DAYS = {Objection: "OBJECTION_DECISION_WORKING_DAYS", CreditRepair: "REPAIR_DECISION_WORKING_DAYS"}


@cache
def _calendar(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


def add(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (the last day there is, for a day too near it)."""
    try:
        return _calendar(current_app.config["WORKING_DAYS_COUNTRY"]).get_nth_working_day(day, n)
    except (OverflowError, ValueError):  # past the year 9999
        return date.max


def local_time(moment: datetime | None = None) -> datetime:
    """A moment on the platform's local clock (now by default; stored times are UTC, naive on SQLite)."""
    moment = moment or datetime.now(UTC)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def local_day(moment: datetime | None = None) -> date:
    """The platform's local date of a moment (now by default)."""
    return local_time(moment).date()


class Due(NamedTuple):
    """When a request is to be decided: the day, whether it has passed, and the working days allowed."""

    day: date
    overdue: bool
    working_days: int


def decide_by(request: Objection | CreditRepair) -> Due | None:
    """When an open objection or repair application is due to be decided; None once it is decided or withdrawn."""
    if request.decided_at is not None or str(request.status) not in ("submitted", "under_review"):
        return None
    allowed = current_app.config[DECISION_DAYS[type(request)]]
    due = add(local_day(request.created_at), allowed)
    return Due(due, due < local_day(), allowed)
