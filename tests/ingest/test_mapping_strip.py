"""A mapping's ``strip``: what a cell holds beyond the value is removed before it is read (the city and postcode
after Chicago's inspection-log addresses, the licence code after its licence numbers), so those rows meet the
licence holders' addresses and licence numbers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from regulator.ingest.errors import MappingError
from regulator.ingest.mapping import parse_mapping
from tests.ingest.test_chicago_bench import LICENCE

LOG = ("Inspector_Assigned,DBA,Address,License,License_Type,Inspection_Date,Inspection_Purpose\n"
       "blue,ALPHA DINER,\"100 N STATE ST CHICAGO, IL 60601 \",100-1006,Food,2013-03-01,Canvass\n"
       "green,BETA GROCERY,\"200 W MADISON ST CHICAGO, IL 60606\",200,Food,2013-05-01,Complaint\n")


def _mapping(strip: str) -> dict:
    return {"agency": "X", "files": {"rows": {"record_type": "inspection", "fields": {
        "licence_key": {"column": "License", "strip": strip, "nulls": ["0"]}}}}}


def test_strip_removes_what_the_cell_holds_beyond_the_value() -> None:
    fmap = parse_mapping(_mapping("-.*$")).files[0]
    assert fmap.apply({"License": "1649643-1006"})[0] == {"licence_key": "1649643"}
    assert fmap.apply({"License": "0-H"})[0] == {"licence_key": None}  # what is left may be a null
    assert fmap.apply_all([{"License": "2073967"}, {"License": "56131-O.B."}]) == [
        ({"licence_key": "2073967"}, []), ({"licence_key": "56131"}, [])]
    with pytest.raises(MappingError, match="licence_key.*strip is not a regular expression"):
        parse_mapping(_mapping("(-"))


def test_logged_visits_meet_the_licence_holder_and_its_address(sqlite_app, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from models import Address, Agency, Inspection, Licence, LinkMethod, SourceRecord
    from regulator.extensions import db
    from regulator.ingest import IngestOptions, ingest_file

    for name, text, agency in (("business_licenses", LICENCE, "CHI_BACP"), ("inspection_log", LOG, "CHI_CDPH_LOG")):
        path = tmp_path / f"{name}.csv.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
        ingest_file(path, agency, IngestOptions(notify=False))

    holder = dict(db.session.execute(select(Licence.licence_no, Licence.entity_id)).all())
    logged = db.session.execute(select(SourceRecord.source_key, SourceRecord.raw["License"].as_string(),
                                       Inspection.entity_id, SourceRecord.link_method)
                                .join(Inspection, Inspection.source_record_id == SourceRecord.id)
                                .join(Agency, Agency.id == SourceRecord.agency_id)
                                .where(Agency.code == "CHI_CDPH_LOG")).all()
    assert sorted((lic, entity, method) for _, lic, entity, method in logged) == [
        ("100-1006", holder["100"], LinkMethod.SOURCE_KEY), ("200", holder["200"], LinkMethod.SOURCE_KEY)]
    # one address each: "100 N STATE ST CHICAGO, IL 60601" is the licence's "100 N STATE ST"
    assert db.session.scalar(select(func.count()).select_from(Address)) == 2
