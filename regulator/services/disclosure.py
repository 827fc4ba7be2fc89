"""What the law makes public about an entity, and the publication dates that decide it.

Penalties are public within their publication period (risk.disclosure) unless credit repair ended it;
list entries while the entity is on the list; inspection results once published (a campaign's results when
it releases them) or when an agency's record says the inspection came from a random draw ("double random, one
public": random-check results are published); licences granted (administrative licensing decisions are
public). Withdrawn records never.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

import pandas as pd
from flask import has_app_context
from sqlalchemy import and_, func, or_, select, update

from models import EnforcementAction, Inspection, Licence, ListEntry, RecordStatus, SelectionReason
from risk.disclosure import is_list_entry_public, is_penalty_public, publication_ends

from ..extensions import db
from ..paging import page_within
from ..signals import records_changed
from .working_days import local_day

log = logging.getLogger(__name__)
RANDOM_CHECK_BASIS = "《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）"
CHUNK = 900


def fill_publication_ends(entity_ids: Iterable[int] | None = None) -> int:
    """Set ``publication_end`` from the periods table where the agency did not state it (marked computed). Never
    commits."""
    stmt = select(EnforcementAction.id, EnforcementAction.decision_date, EnforcementAction.penalty_type,
                  EnforcementAction.amount).where(EnforcementAction.publication_end.is_(None))
    rows: list[tuple] = []
    if entity_ids is None:
        rows = list(db.session.execute(stmt).all())
    else:
        ids = sorted(set(entity_ids))
        for start in range(0, len(ids), CHUNK):
            rows.extend(db.session.execute(
                stmt.where(EnforcementAction.entity_id.in_(ids[start:start + CHUNK]))).all())
    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=["id", "decision_date", "penalty_type", "amount"])
    frame["penalty_type"] = frame["penalty_type"].map(lambda v: getattr(v, "value", v))
    frame["end"] = publication_ends(frame)
    db.session.execute(update(EnforcementAction), [
        {"id": int(i), "publication_end": end, "publication_end_computed": True}
        for i, end in zip(frame["id"], frame["end"], strict=True)])
    log.info("publication end set on %d penalties", len(frame))
    return len(frame)


def _live(model):  # noqa: ANN001, ANN202
    return model.status != RecordStatus.WITHDRAWN


def public_penalties(entity_id: int, as_of: date | None = None) -> list[EnforcementAction]:
    """Penalties inside their publication period today (the platform's local day), newest first."""
    as_of = as_of or local_day()
    rows = db.session.scalars(select(EnforcementAction).where(
        EnforcementAction.entity_id == entity_id, _live(EnforcementAction), EnforcementAction.repaired_on.is_(None),
        EnforcementAction.decision_date <= as_of,
        or_(EnforcementAction.publication_end.is_(None), EnforcementAction.publication_end > as_of))
        .order_by(EnforcementAction.decision_date.desc(), EnforcementAction.id.desc())).all()
    return [r for r in rows if is_penalty_public(r.decision_date, r.penalty_type, r.amount, as_of,
                                                 r.publication_end, r.repaired_on)]


def public_list_entries(entity_id: int, as_of: date | None = None) -> list[ListEntry]:
    """List entries in force today (the platform's local day)."""
    as_of = as_of or local_day()
    rows = db.session.scalars(select(ListEntry).where(ListEntry.entity_id == entity_id, _live(ListEntry))
                              .order_by(ListEntry.added_date.desc())).all()
    return [r for r in rows if is_list_entry_public(r.added_date, r.removed_date, as_of)]


def _public_inspection_filter(entity_id: int):  # noqa: ANN202
    # a campaign's result (recorded from its task) is public once the campaign releases it, random or not
    return and_(Inspection.entity_id == entity_id, _live(Inspection), Inspection.result.is_not(None),
                or_(Inspection.published.is_(True),
                    and_(Inspection.selection_reason == SelectionReason.RANDOM_DRAW, Inspection.task_id.is_(None))))


def public_inspections(entity_id: int, page: int = 1, page_size: int = 20,
                       *, within: bool = False) -> tuple[list[Inspection], int, int]:
    """Published inspection results, newest first, one page, their total and the page's number: with
    ``within``, a page past the last is the last page (the web page's), without it an empty one (the API's)."""
    where = _public_inspection_filter(entity_id)
    total = db.session.scalar(select(func.count(Inspection.id)).where(where)) or 0
    page = page_within(page, total, page_size) if within else max(page, 1)
    rows = db.session.scalars(select(Inspection).where(where)
                              .order_by(Inspection.inspection_date.desc(), Inspection.id.desc())
                              .limit(page_size).offset((page - 1) * page_size)).all()
    return list(rows), total, page


def public_licences(entity_id: int) -> list[Licence]:
    """Licences granted to the entity (not withdrawn), newest first."""
    return list(db.session.scalars(select(Licence).where(Licence.entity_id == entity_id, _live(Licence))
                                   .order_by(Licence.issue_date.desc().nulls_last(), Licence.id.desc())
                                   .limit(100)))


@records_changed.connect
def _on_records_changed(_sender: str, entity_ids: set[int], **_kw: object) -> None:
    """New penalties get their publication end in the sender's transaction."""
    if not has_app_context():  # no application, no database to act on
        log.warning("records_changed outside an application context ignored (%d entities)", len(entity_ids))
        return
    fill_publication_ends(entity_ids)
