"""Quarantine: rejected rows kept verbatim with their reasons; fixing one re-submits it through its mapping."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from models import Agency, ImportBatch, SourceRecord, SourceStatus

from ..extensions import db
from .errors import IngestError
from .mapping import load_mapping
from .pipeline import IngestOptions, ingest_rows
from .prepare import content_hash


def quarantine_query(agency_id: int | None = None):  # noqa: ANN201 - a Select
    """Rejected rows still waiting for a fix (of one agency, or all), newest first."""
    stmt = select(SourceRecord).where(SourceRecord.status == SourceStatus.REJECTED)
    if agency_id is not None:
        stmt = stmt.where(SourceRecord.agency_id == agency_id)
    return stmt.order_by(SourceRecord.id.desc())


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
    fmap = load_mapping(code).for_file("", None, kind)
    row = {str(k): ("" if v is None else v) for k, v in fixed.items()}
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
