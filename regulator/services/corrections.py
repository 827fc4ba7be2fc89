"""Changing a fact after the fact: corrections, withdrawals and repairs, each with its history.

Every change writes a RecordRevision (before, after, who, why) and a SourceRecord holding the decision
as submitted (batch NULL), which the fact then points to: the fact's current values trace to the
decision that set them, and the revision's ``before`` keeps the source row they replaced.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select

from models import (
    EnforcementAction,
    LinkMethod,
    RecordRevision,
    RecordStatus,
    RecordType,
    SourceRecord,
    SourceStatus,
    User,
)
from risk.disclosure import default_publication_end

from ..extensions import db
from ..record_kinds import RecordKind, snapshot
from ..sql_lists import in_list

log = logging.getLogger(__name__)


def change_record(kind: RecordKind, record: Any, *, changes: dict[str, Any], status: RecordStatus | None,
                  reason: str, user: User | Any, origin: str, objection_id: int | None = None,
                  ) -> RecordRevision:
    """Apply ``changes`` (and a new lifecycle ``status``) to a fact, keeping its history. Never commits."""
    before = snapshot(kind, record)
    stated_end = getattr(record, "publication_end", None)
    for name, value in changes.items():
        setattr(record, name, value)
    if isinstance(record, EnforcementAction):
        _publication_end_follows(record, stated_end)
    if status is not None:
        record.status = status
    now = datetime.now(UTC)
    payload = {"origin": origin, "record_type": kind.key, "record_id": record.id, "objection_id": objection_id,
               "changes": {k: v for k, v in snapshot(kind, record).items() if before.get(k) != v},
               "reason": reason, "by": getattr(user, "username", None), "at": now.isoformat()}
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    source = SourceRecord(agency_id=record.agency_id, batch_id=None, row_number=None, content_hash=digest,
                          record_type=RecordType(kind.key), source_key=f"{origin}:{kind.key}:{record.id}",
                          raw=payload, canonical=None, status=SourceStatus.ACCEPTED,
                          entity_id=record.entity_id, link_method=LinkMethod.MANUAL, link_probability=1.0,
                          linked_at=now, note=reason[:2000] if reason else None)
    db.session.add(source)
    db.session.flush()
    record.source_record_id = source.id
    after = snapshot(kind, record)
    source.canonical = after
    revision = RecordRevision(record_type=kind.key, record_id=record.id, before=before, after=after,
                              reason=reason, user_id=getattr(user, "id", None), objection_id=objection_id)
    db.session.add(revision)
    db.session.flush()
    log.info("%s %s %s changed by %s (%s)", origin, kind.key, record.id, getattr(user, "username", None),
             ", ".join(sorted(payload["changes"])) or "no field")
    return revision


def _publication_end_follows(record: EnforcementAction, end_before: date | None) -> None:
    """A corrected penalty's "public until": the end given in the correction is stated; an end computed from the
    periods table is computed again from the corrected date, type and amount (a fine's amount decides its period)."""
    if record.publication_end is not None and record.publication_end != end_before:
        record.publication_end_computed = False
    elif record.publication_end is None or record.publication_end_computed:
        record.publication_end = default_publication_end(record.decision_date, str(record.penalty_type),
                                                         record.amount)
        record.publication_end_computed = True


@functools.cache
def _revisions_statement(kinds: tuple[str, ...]) -> Select:
    """Revisions of records of these kinds (ids as parameters ids_0, ids_1, ...), built once per set of kinds."""
    return select(RecordRevision).where(or_(*[
        and_(RecordRevision.record_type == kind, in_list(RecordRevision.record_id, f"ids_{i}"))
        for i, kind in enumerate(kinds)])).order_by(RecordRevision.id)


def revisions_of(ids_by_kind: dict[str, list[int]]) -> dict[tuple[str, int], list[RecordRevision]]:
    """Revisions of these records (record ids by kind), oldest first, by (kind, record id), in one query."""
    out: dict[tuple[str, int], list[RecordRevision]] = {}
    wanted = {kind: ids for kind, ids in ids_by_kind.items() if ids}
    if not wanted:
        return out
    kinds = tuple(wanted)
    params = {f"ids_{i}": list(wanted[kind]) for i, kind in enumerate(kinds)}
    for row in db.session.scalars(_revisions_statement(kinds), params):
        out.setdefault((row.record_type, row.record_id), []).append(row)
    return out
