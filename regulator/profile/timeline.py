"""The profile timeline: every inspection, violation, penalty, list entry and complaint, one page at a time.

One UNION ALL over the five record tables gives, in one statement, the count of each kind and a page
of (kind, id, date) from the entity's indexes; the page is then loaded with one query per kind, one
for the revisions of all its records, and one each for open objections and repair applications
(unless the caller has them): a constant number of queries whatever the entity's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, literal, null, select, union_all

from models import Agency

from ..extensions import db
from ..record_kinds import KINDS, TIMELINE_KINDS
from ..services import objections as objection_service
from ..services import repairs as repair_service
from ..services.corrections import revisions_of

PAGE_SIZE = 50


@dataclass
class TimelineFilter:
    """What the viewer asked for and what they may see."""

    entity_id: int
    #: None: every agency; else only these agencies' records (inspectors at AGENCY level)
    agencies: set[int] | None = None
    kind: str | None = None
    agency: int | None = None


@dataclass
class TimelineItem:
    """One record on the timeline with what the page shows next to it."""

    kind: str
    record: Any
    day: date
    agency: Agency | None
    objection: Any = None
    repair: Any = None
    revisions: list[Any] = field(default_factory=list)


@dataclass
class TimelinePage:
    """A page of the timeline."""

    items: list[TimelineItem]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def _union(flt: TimelineFilter, all_kinds: bool = False):  # noqa: ANN202 - a SQLAlchemy selectable
    parts = []
    kinds = [flt.kind] if flt.kind in TIMELINE_KINDS and not all_kinds else list(TIMELINE_KINDS)
    for key in kinds:
        kind = KINDS[key]
        model = kind.model
        stmt = select(literal(key).label("kind"), model.id.label("id"),
                      getattr(model, kind.date_field).label("day")).where(model.entity_id == flt.entity_id)
        if flt.agencies is not None:
            stmt = stmt.where(model.agency_id.in_(flt.agencies))
        if flt.agency is not None:
            stmt = stmt.where(model.agency_id == flt.agency)
        parts.append(stmt)
    return union_all(*parts)


def _page_keys(sub, flt: TimelineFilter, page: int, page_size: int):  # noqa: ANN001, ANN202
    stmt = select(sub.c.kind, sub.c.id, sub.c.day)
    if flt.kind in TIMELINE_KINDS:
        stmt = stmt.where(sub.c.kind == flt.kind)
    return (stmt.order_by(sub.c.day.desc(), sub.c.kind, sub.c.id.desc())
            .limit(page_size).offset((page - 1) * page_size))


def counts_and_keys(flt: TimelineFilter, page: int, page_size: int) -> tuple[dict[str, int], list[tuple]]:
    """In one statement: how many records of each kind the viewer may see (ignoring the kind filter),
    and the (kind, id, day) keys of page ``page``, newest first."""
    sub = _union(flt, all_kinds=True).cte("timeline")
    counts = select(sub.c.kind, null().label("id"), null().label("day"), func.count().label("n")).group_by(sub.c.kind)
    keys = _page_keys(sub, flt, page, page_size).subquery("page")
    rows = db.session.execute(union_all(counts, select(keys.c.kind, keys.c.id, keys.c.day, null()))).all()
    return ({kind: n for kind, _id, _day, n in rows if n is not None},
            [(kind, rid, day) for kind, rid, day, n in rows if n is None])


def load_page(flt: TimelineFilter, page: int = 1, page_size: int = PAGE_SIZE,
              agencies: dict[int, Agency] | None = None,
              open_requests: tuple[dict, dict] | None = None) -> TimelinePage:
    """One page of the timeline, newest first, fully loaded for display.

    ``agencies`` (by id) and ``open_requests`` (open objections and repair applications by record) spare
    their queries when the caller has them already.
    """
    asked = max(page, 1)
    counts, keys = counts_and_keys(flt, asked, page_size)
    total = counts.get(flt.kind, 0) if flt.kind in TIMELINE_KINDS else sum(counts.values())
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(asked, pages)
    if page != asked:  # past the last page: the last page is shown
        keys = db.session.execute(_page_keys(_union(flt).subquery("timeline"), flt, page, page_size)).all()
    by_kind: dict[str, list[int]] = {}
    for key, rid, _day in keys:
        by_kind.setdefault(key, []).append(rid)
    loaded: dict[tuple[str, int], Any] = {}
    for key, ids in by_kind.items():
        model = KINDS[key].model
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            loaded[(key, row.id)] = row
    revisions = revisions_of(by_kind)
    if agencies is None:
        agencies = {a.id: a for a in db.session.scalars(select(Agency))}
    objections, repairs = open_requests or (objection_service.open_for_entity(flt.entity_id),
                                            repair_service.open_for_entity(flt.entity_id))
    items = []
    for key, rid, day in keys:
        record = loaded[(key, rid)]
        repair_key = ("enforcement_action" if key == "enforcement" else key, rid)
        items.append(TimelineItem(key, record, day, agencies.get(record.agency_id),
                                  objection=objections.get((key, rid)), repair=repairs.get(repair_key),
                                  revisions=revisions.get((key, rid), [])))
    return TimelinePage(items, total, page, pages, counts)
