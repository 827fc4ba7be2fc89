"""A row sent again under its key replaces the accepted row it corrects (file kinds whose key names one record).

Open-data exports and agency systems send the whole of a table again, or a table in which a record appears
twice as it changed (Chicago's 311 complaints: the same service request, closed on a later day). Where a file
kind's mapping says so (``options: {replace_by_key: true}``: its ``source_key`` names one record for good, as a
licence term's ID or a complaint's service request number do), an accepted row whose key comes again with other
content is no longer in force: its source row is marked ``resubmitted`` and points at the row that replaced it,
as a quarantined row corrected and sent again does, and its facts are withdrawn (they keep their history). The
later row of the file wins; a row sent again unchanged is a duplicate as before.

Keys such as a list's serial number (序号), which every export numbers from 1 again, name no record: their kinds
leave the option out.
"""

from __future__ import annotations

from sqlalchemy import select, update

from models import Complaint, EnforcementAction, Inspection, Licence, ListEntry, MatchReview, SourceRecord, Violation
from models.enums import RecordStatus, RecordType, ReviewStatus, SourceStatus

from ..extensions import db
from .prepare import Prepared

#: the facts a source row gives, withdrawn with it
FACTS = (Licence, Inspection, Violation, EnforcementAction, ListEntry, Complaint)
#: the note of a match review closed because its record was replaced (``match_words`` says it in words)
REPLACED_NOTE = "record replaced by source row {}"


def replace_earlier(agency_id: int, record_type: RecordType, accepted: list[Prepared]) -> tuple[int, set[int]]:
    """Withdraw what the ``accepted`` rows of a chunk (already flushed) replace; returns how many source rows
    were replaced and the entities they were linked to (their profiles changed)."""
    latest: dict[str, int] = {}
    for item in accepted:  # in the file's order: the later row of a key wins
        if item.source_key and item.source.ref.id is not None:
            latest[item.source_key] = item.source.ref.id
    if not latest:
        return 0, set()
    keys = sorted(latest)
    replaced: list[dict] = []
    entities: set[int] = set()
    for start in range(0, len(keys), 500):
        for row_id, key, entity_id in db.session.execute(select(
                SourceRecord.id, SourceRecord.source_key, SourceRecord.entity_id).where(
                SourceRecord.agency_id == agency_id, SourceRecord.record_type == record_type,
                SourceRecord.status == SourceStatus.ACCEPTED, SourceRecord.source_key.in_(keys[start:start + 500]))):
            if row_id != latest[key]:
                replaced.append({"id": row_id, "status": SourceStatus.RESUBMITTED, "resubmitted_as_id": latest[key]})
                if entity_id is not None:
                    entities.add(entity_id)
    if not replaced:
        return 0, set()
    db.session.execute(update(SourceRecord), replaced)
    _close_reviews({r["id"]: r["resubmitted_as_id"] for r in replaced})
    ids = [r["id"] for r in replaced]
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for model in FACTS:
            db.session.execute(update(model).where(model.source_record_id.in_(part),
                                                   model.status != RecordStatus.WITHDRAWN)
                               .values(status=RecordStatus.WITHDRAWN).execution_options(synchronize_session=False))
    return len(replaced), entities


def _close_reviews(replaced_by: dict[int, int]) -> None:
    """A pending match review of a replaced row asks about a record no longer in force: closed as rejected, its
    note naming the row that replaced it (which is matched, and reviewed if need be, on its own)."""
    ids = sorted(replaced_by)
    for start in range(0, len(ids), 500):
        for review in db.session.scalars(select(MatchReview).where(
                MatchReview.source_record_id.in_(ids[start:start + 500]), MatchReview.status == ReviewStatus.PENDING)):
            review.decide(ReviewStatus.REJECTED, None, REPLACED_NOTE.format(replaced_by[review.source_record_id]))
