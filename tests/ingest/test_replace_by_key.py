"""A row sent again under its key with other content replaces the one accepted before (Chicago's licence terms,
inspections, 311 requests), instead of standing beside it as a second record; unchanged rows stay duplicates."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.ingest.test_chicago_bench import LICENCE


def _file(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text)
    return path


#: two service requests as the city's export lists them: 13-1 once, 13-2 twice (closed on a later day)
COMPLAINTS = ("Creation_Date,Status,Completion_Date,Service_Request_Number,Type_of_Service_Request,"
              "What_is_the_Nature_of_this_Code_Violation,Street_Address,ZIP_Code,Ward,Latitude,Longitude\n"
              "2013-02-01,Completed,2013-02-05,13-1,Sanitation Code Violation,Garbage,200 W MADISON,60606,42,"
              "41.88,-87.63\n"
              "2013-03-01,Open,,13-2,Sanitation Code Violation,Other,200 W MADISON,60606,42,41.88,-87.63\n"
              "2013-03-01,Completed,2013-04-20,13-2,Sanitation Code Violation,Other,200 W MADISON,60606,42,"
              "41.88,-87.63\n")


def test_a_licence_term_sent_again_revoked_replaces_the_valid_one(app, make, client, auth, tmp_path: Path) -> None:
    from sqlalchemy import select

    from models import Agency, Licence, Role, SourceRecord
    from models.enums import LicenceStatus, RecordStatus, SourceStatus
    from regulator.extensions import db
    from regulator.ingest import IngestOptions, ingest_file
    from tests.conftest import PASSWORD

    ingest_file(_file(tmp_path / "business_licenses.csv.gz", LICENCE), "CHI_BACP", IngestOptions(notify=False))
    again = LICENCE.replace("2014-01-01,AAI,41.88,-87.62", "2014-01-01,REV,41.88,-87.62")
    assert again != LICENCE
    batch = ingest_file(_file(tmp_path / "business_licenses_2.csv.gz", again), "CHI_BACP",
                        IngestOptions(notify=False))

    terms = db.session.execute(select(Licence.licence_no, Licence.licence_status, Licence.status)
                               .where(Licence.licence_no == "100").order_by(Licence.id)).all()
    assert terms == [("100", LicenceStatus.VALID, RecordStatus.WITHDRAWN),
                     ("100", LicenceStatus.REVOKED, RecordStatus.ACTIVE)]
    old, new = db.session.scalars(select(SourceRecord).where(SourceRecord.source_key == "100-20120101")
                                  .order_by(SourceRecord.id)).all()
    assert old.status == SourceStatus.RESUBMITTED and old.resubmitted_as_id == new.id
    assert new.status == SourceStatus.ACCEPTED and new.entity_id == old.entity_id
    assert (batch.rows_accepted, batch.rows_duplicate, batch.report.get("replaced")) == (1, 1, 1)
    make.user("bacp.coord", Role.COORDINATOR, agency_id=db.session.scalar(select(Agency.id).filter_by(code="CHI_BACP")))
    db.session.commit()
    auth.login("bacp.coord", PASSWORD)
    page = client.get(f"/coordinator/imports/{batch.id}?lang=en").get_data(as_text=True)
    assert "1 row accepted earlier came again with the same key and other content: the new row replaces it" in page


def test_a_request_listed_twice_in_one_file_is_one_complaint(sqlite_app, tmp_path: Path) -> None:
    from sqlalchemy import select

    from models import Complaint
    from models.enums import ComplaintStatus, RecordStatus
    from regulator.extensions import db
    from regulator.ingest import IngestOptions, ingest_file

    batch = ingest_file(_file(tmp_path / "sanitation_complaints.csv.gz", COMPLAINTS), "CHI_DSS",
                        IngestOptions(notify=False))
    live = db.session.execute(select(Complaint.external_id, Complaint.complaint_status).where(
        Complaint.status != RecordStatus.WITHDRAWN).order_by(Complaint.external_id)).all()
    assert live == [("13-1", ComplaintStatus.CLOSED), ("13-2", ComplaintStatus.CLOSED)]
    assert (batch.rows_accepted, batch.report.get("replaced")) == (3, 1)


def test_a_replaced_rows_pending_match_review_is_closed_naming_the_row(app, tmp_path: Path) -> None:
    """The review asked about a record no longer in force: it leaves the queue, its note (in words on the review
    page) naming the row that replaced it; the new row is matched on its own."""
    from sqlalchemy import select

    from models import MarketEntity, MatchReview, SourceRecord
    from models.enums import ReviewStatus
    from regulator.coordinator.match_words import review_note
    from regulator.extensions import db
    from regulator.ingest import IngestOptions, ingest_file

    ingest_file(_file(tmp_path / "business_licenses.csv.gz", LICENCE), "CHI_BACP", IngestOptions(notify=False))
    old = db.session.scalar(select(SourceRecord).where(SourceRecord.source_key == "100-20120101"))
    other = db.session.scalar(select(MarketEntity.id).where(MarketEntity.id != old.entity_id))
    db.session.add(MatchReview(source_record_id=old.id, candidate_entity_id=other or old.entity_id,
                               provisional_entity_id=old.entity_id, probability=0.7))
    db.session.commit()
    again = LICENCE.replace("2014-01-01,AAI,41.88,-87.62", "2014-01-01,REV,41.88,-87.62")
    ingest_file(_file(tmp_path / "business_licenses_2.csv.gz", again), "CHI_BACP", IngestOptions(notify=False))
    review = db.session.scalar(select(MatchReview).where(MatchReview.source_record_id == old.id))
    new = db.session.get(SourceRecord, old.id).resubmitted_as_id
    assert review.status == ReviewStatus.REJECTED and review.decided_at is not None and new is not None
    with app.test_request_context("/?lang=en"):
        assert review_note(review.note) == (f"Closed: the record was replaced by source row {new}, sent again under "
                                            f"its key.")
