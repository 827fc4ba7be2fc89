"""Chicago's inspection log holds visits without results or findings: their outcome is unknown, never "nothing
found", so the risk model neither learns nor is tested on them."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.ingest.test_chicago_bench import FOOD, LICENCE, LOG

#: a canvass that found the business closed: it inspected nothing
CLOSED = ("4,BETA GROCERY,BETA GROCERY,200,Grocery Store,Risk 2 (Medium),200 W MADISON ST,CHICAGO,IL,60606,"
          "2013-10-01,Canvass,Out of Business,41.88,-87.63,0,0,0,,green\n")


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text)
    return path


def test_a_logged_visit_without_results_has_no_outcome(sqlite_app, tmp_path: Path) -> None:
    from sqlalchemy import select

    from models import Agency, Inspection
    from regulator.extensions import db
    from regulator.ingest import IngestOptions, ingest_file

    files = (("business_licenses", LICENCE, "CHI_BACP"), ("food_inspections", FOOD + CLOSED, "CHI_CDPH"),
             ("inspection_log", LOG, "CHI_CDPH_LOG"))
    for name, text, agency in files:
        ingest_file(_file(tmp_path, name, text), agency, IngestOptions(notify=False))

    rows = db.session.execute(select(Agency.code, Inspection.external_id, Inspection.result,
                                     Inspection.serious_violation).join(Agency)).all()
    outcome = {(code, key): serious for code, key, _, serious in rows}
    assert outcome[("CHI_CDPH", "1")] is True  # violation 3: critical
    assert outcome[("CHI_CDPH", "2")] is False  # passed with a minor violation
    assert outcome[("CHI_CDPH", "4")] is None  # out of business: nothing was inspected
    logged = [serious for code, _, result, serious in rows if code == "CHI_CDPH_LOG"]
    assert len(logged) == 2 and logged == [None, None]
    from regulator.services.risk_frames import load_inspections
    from risk.training import labelled

    # the training and test rows are the food inspections only
    assert sorted(labelled(load_inspections())["external_id"]) == ["1", "2", "3"]
