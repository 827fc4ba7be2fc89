"""The inspector's visits as a calendar file (iCalendar, RFC 5545, written by the icalendar package): each open
visit an all-day event over its window, at the entity's address, with the agencies joining it and the top
reasons, and a link to the visit. Imported into any calendar app; the same visit keeps its UID, so importing
again updates rather than duplicates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Response, request, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..services.working_days import local_day
from . import bp
from .tasks import filtered_rows


@bp.route("/tasks.ics")
def tasks_calendar():
    """The filtered task list as an iCalendar file."""
    rows, _args, _notes = filtered_rows()
    calendar = Calendar()
    calendar.add("prodid", "-//Regulator//inspection visits//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Inspection visits"))
    now = datetime.now(UTC)
    host = request.host.split(":")[0] or "regulator"
    for row in rows:
        event = Event()
        event.add("uid", f"task-{row.task.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", row.task.window_start)
        # all-day events end the day after (a window to the last day there is ends on it)
        event.add("dtend", row.task.window_end + timedelta(days=1) if row.task.window_end < date.max
                  else date.max)
        event.add("summary", _("Visit: %(entity)s", entity=row.entity.name))
        if row.address:
            event.add("location", row.address)
        link = url_for("inspector.task", task_id=row.task.id, _external=True)
        event.add("description", "\n".join([
            _("Agencies: %(agencies)s", agencies=", ".join(row.agencies)),
            *row.reasons, link]))
        event.add("url", link)
        calendar.add_component(event)
    return Response(calendar.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="visits-{local_day().isoformat()}.ics"',
                             "Cache-Control": "no-store"})
