"""Quarantine: rejected rows kept verbatim with their reasons; fixing one re-submits it through its mapping,
dismissing one takes it out of the queue for a stated reason (it stays stored and can be returned)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from models import Agency, ImportBatch, SourceRecord, SourceStatus

from ..extensions import db
from ..services import audit
from ..sql_hints import rare
from .errors import IngestError
from .mapping import load_mapping
from .pipeline import IngestOptions, ingest_rows
from .prepare import content_hash

#: the most rows one dismissal may name (a page of the quarantine is 50)
DISMISS_LIMIT = 500


def quarantine_query(agency_id: int | None = None, status: SourceStatus = SourceStatus.REJECTED):  # noqa: ANN201
    """Rejected rows still waiting for a fix, or those dismissed (of one agency, or all), newest first."""
    stmt = select(SourceRecord).where(rare(SourceRecord.status == status))
    if agency_id is not None:
        stmt = stmt.where(SourceRecord.agency_id == agency_id)
    return stmt.order_by(SourceRecord.id.desc())


def count_query(agency_id: int | None = None, status: SourceStatus = SourceStatus.REJECTED):  # noqa: ANN201
    """How many rows ``quarantine_query`` finds (read through the same index)."""
    return select(func.count()).select_from(quarantine_query(agency_id, status).order_by(None).subquery())


def resubmit(record: SourceRecord, fixed: dict[str, Any], user_id: int | None = None) -> SourceRecord:
    """Run the corrected row through the mapping of its batch; the original points at what replaced it.

    Commits (as every import does). Returns the new source record: accepted, or rejected again with the
    new reasons. A correction identical to a row already imported links to that row instead.
    """
    if record.status != SourceStatus.REJECTED:
        raise IngestError(_("Source record %(id)s is not in quarantine: only a rejected row can be corrected.",
                            id=record.id))
    batch = db.session.get(ImportBatch, record.batch_id) if record.batch_id else None
    if batch is None or not batch.mapping or "/" not in batch.mapping:
        raise IngestError(_("Source record %(id)s has no import mapping to re-submit it through: correct the file "
                            "and import it again.", id=record.id))
    agency = db.session.get(Agency, record.agency_id)
    code, kind = batch.mapping.split("/", 1)
    fmap = load_mapping(code).for_file("", None, kind).for_format(batch.file_format)  # a workbook's serial dates
    row = {str(k): ("" if v is None else v) for k, v in fixed.items()}
    if set(row) == {"__text"}:
        row = _split_line(record, row["__text"])
    digest = content_hash(row)
    existing = db.session.scalar(select(SourceRecord).where(SourceRecord.agency_id == record.agency_id,
                                                            SourceRecord.content_hash == digest))
    if existing is None:
        new_batch = ingest_rows(agency, fmap, [{"__row": record.row_number or 1, **row}],
                                IngestOptions(user_id=user_id), filename=f"resubmission of #{record.id}"[:500],
                                file_hash=None, file_format="form")
        existing = db.session.scalar(select(SourceRecord).where(SourceRecord.batch_id == new_batch.id))
    record.status = SourceStatus.RESUBMITTED
    record.resubmitted_as_id = existing.id
    db.session.commit()
    return existing


def _split_line(record: SourceRecord, text: Any) -> dict[str, Any]:
    """A line that could not be split into columns (not valid JSON), corrected on the row's page: its columns,
    read as the file's reader reads a line (the importer's own ``__`` keys left out)."""
    try:
        obj = json.loads(str(text))
    except json.JSONDecodeError as exc:
        raise IngestError(_("The corrected row of source record %(id)s is still not valid JSON (at character "
                            "%(position)s): correct it and re-submit it again.", id=record.id,
                            position=exc.pos + 1)) from exc
    if not isinstance(obj, dict):
        raise IngestError(_("The corrected row of source record %(id)s is not a JSON object ({\"column\": "
                            "\"value\", ...}): correct it and re-submit it again.", id=record.id))
    return {str(k): v for k, v in obj.items() if not str(k).startswith("__")}


def dismiss(records: Sequence[SourceRecord], reason: str, user: Any) -> int:
    """Take rejected rows out of the queue: rows that will never be corrected (a test row, a business that
    closed before the file was sent, a row the agency withdrew). Each keeps who dismissed it, when and why; one
    audit row names them all. The caller commits. Returns how many."""
    reason = (reason or "").strip()
    if not reason:
        raise IngestError(_("Say why the rows are dismissed: the reason stays with them."))
    if not records:
        raise IngestError(_("Choose the rows to dismiss."))
    if len(records) > DISMISS_LIMIT:
        raise IngestError(_("At most %(n)d rows can be dismissed at once.", n=DISMISS_LIMIT))
    waiting = [r for r in records if r.status != SourceStatus.REJECTED]
    if waiting:
        raise IngestError(_("Source record %(id)s is not in quarantine: only a rejected row can be dismissed.",
                            id=waiting[0].id))
    now = datetime.now(UTC)
    for record in records:
        record.status, record.dismissed_reason = SourceStatus.DISMISSED, reason
        record.dismissed_by_id, record.dismissed_at = getattr(user, "id", None), now
    ids = [r.id for r in records]
    audit.record("quarantine.dismiss", object_type="source_record", object_id=ids[0] if len(ids) == 1 else None,
                 user=user, rows=len(ids), ids=ids, reason=reason)
    return len(ids)


def restore(record: SourceRecord, user: Any) -> None:
    """Return a dismissed row to the quarantine, to be corrected after all (the audit log keeps the
    dismissal's reason). The caller commits."""
    if record.status != SourceStatus.DISMISSED:
        raise IngestError(_("Source record %(id)s was not dismissed.", id=record.id))
    audit.record("quarantine.restore", object_type="source_record", object_id=record.id, user=user,
                 dismissed_reason=record.dismissed_reason)
    record.status = SourceStatus.REJECTED
    record.dismissed_reason = record.dismissed_by_id = record.dismissed_at = None
