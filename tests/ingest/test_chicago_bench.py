"""The Chicago benchmark's platform path: six small files in the city's layout through ``regulator.ingest``,
outcomes on or after the cutoff never stored, and the canvass inspections read back for the risk model."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pandas as pd

from bench.chicago_platform import ingest_directory, licence_flags, licence_names, read_canvass

LICENCE = ("ID,LICENSE_ID,ACCOUNT_NUMBER,LEGAL_NAME,DOING_BUSINESS_AS_NAME,ADDRESS,CITY,STATE,ZIP_CODE,WARD,"
           "LICENSE_DESCRIPTION,BUSINESS_ACTIVITY,LICENSE_NUMBER,APPLICATION_TYPE,LICENSE_TERM_START_DATE,"
           "LICENSE_TERM_EXPIRATION_DATE,LICENSE_STATUS,LATITUDE,LONGITUDE,"
           "consumption_on_premises_incidental_activity,tobacco\n"
           "100-20120101,1,11,ALPHA LLC,ALPHA DINER,100 N STATE ST,CHICAGO,IL,60601,42,Retail Food Establishment,"
           "Retail Sales,100,ISSUE,2012-01-01,2014-01-01,AAI,41.88,-87.62,1,0\n"
           "200-20120101,2,22,BETA INC,BETA GROCERY,200 W MADISON ST,CHICAGO,IL,60606,42,Retail Food Establishment,"
           "Retail Sales,200,ISSUE,2012-01-01,2014-01-01,AAI,41.88,-87.63,0,1\n")
FOOD = ("Inspection_ID,DBA_Name,AKA_Name,License,Facility_Type,Risk,Address,City,State,Zip,Inspection_Date,"
        "Inspection_Type,Results,Latitude,Longitude,critical_count,serious_count,minor_count,violations,inspector\n"
        "1,ALPHA DINER,ALPHA DINER,100,Restaurant,Risk 1 (High),100 N STATE ST,CHICAGO,IL,60601,2013-03-01,"
        "Canvass,Fail,41.88,-87.62,1,0,1,3 33,blue\n"
        "2,BETA GROCERY,BETA GROCERY,200,Grocery Store,Risk 2 (Medium),200 W MADISON ST,CHICAGO,IL,60606,"
        "2013-04-01,Canvass,Pass,41.88,-87.63,0,0,1,35,green\n"
        "3,ALPHA DINER,ALPHA DINER,100,Restaurant,Risk 1 (High),100 N STATE ST,CHICAGO,IL,60601,2013-09-01,"
        "Canvass,Fail,41.88,-87.62,2,0,0,1 2,blue\n")
LOG = ("Inspector_Assigned,DBA,Address,License,License_Type,Inspection_Date,Inspection_Purpose\n"
       "blue,ALPHA DINER,\"100 N STATE ST CHICAGO, IL 60601\",100,Food,2013-03-01,Canvass\n"
       "green,BETA GROCERY,\"200 W MADISON ST CHICAGO, IL 60606\",200,Food,2013-05-01,Complaint\n")
COMPLAINTS = ("Creation_Date,Status,Completion_Date,Service_Request_Number,Type_of_Service_Request,"
              "What_is_the_Nature_of_this_Code_Violation,Street_Address,ZIP_Code,Ward,Latitude,Longitude\n"
              "2013-02-01,Completed,2013-02-05,13-1,Sanitation Code Violation,Garbage,200 W MADISON,60606,42,"
              "41.88,-87.63\n")
WEATHER = "precipIntensity,temperatureMax,windSpeed,humidity,date\n0.0,40.0,5.0,0.6,2013-02-28\n"
CONTEXT = "Inspection_ID,heat_burglary,heat_garbageCarts,heat_sanitationComplaints\n1,1.0,2.0,3.0\n3,4.0,5.0,6.0\n"


def _write(folder: Path) -> Path:
    for name, text in (("business_licenses", LICENCE), ("food_inspections", FOOD), ("inspection_log", LOG),
                       ("sanitation_complaints", COMPLAINTS), ("weather", WEATHER),
                       ("inspection_context", CONTEXT)):
        with gzip.open(folder / f"{name}.csv.gz", "wt", encoding="utf-8") as handle:
            handle.write(text)
    return folder


def test_outcomes_after_the_cutoff_are_never_stored_and_read_back_as_unknown(sqlite_app, tmp_path: Path) -> None:
    from sqlalchemy import select

    from models import SourceRecord
    from regulator.extensions import db

    (tmp_path / "data").mkdir()
    data = _write(tmp_path / "data")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    seconds = ingest_directory(data, date(2013, 6, 1), scratch, log=lambda line: None)
    assert len(seconds) == 6

    canvass = read_canvass().set_index("external_id")
    assert list(canvass.index) == ["1", "2", "3"]  # the log's canvass visit is not a second canvass inspection
    assert canvass.loc["1", "critical"] == 1.0 and canvass.loc["2", "critical"] == 0.0
    assert pd.isna(canvass.loc["3", "critical"])  # dated after the cutoff: unknown, not "none found"
    assert canvass.loc["1", "entity_id"] == canvass.loc["3", "entity_id"] != canvass.loc["2", "entity_id"]
    assert canvass.loc["2", "facility_type"] == "Grocery Store" and canvass.loc["2", "risk_level"] == 2
    assert canvass.loc["3", "inspector"] == "blue" and canvass.loc["3", "postcode"] == "60601"
    stored = [raw for raw in db.session.scalars(select(SourceRecord.raw)) if raw.get("Inspection_ID") == "3"]
    assert stored and not any(stored[0].get(c) for c in ("Results", "critical_count", "violations"))

    flags = licence_flags().set_index("entity_id")
    assert flags.loc[canvass.loc["1", "entity_id"], "consumption_on_premises_incidental_activity"] == 1
    assert flags.loc[canvass.loc["2", "entity_id"], "tobacco"] == 1

    names = licence_names().set_index("entity_id")
    assert names.loc[canvass.loc["1", "entity_id"], "name"] == "ALPHA DINER"
    assert str(names.loc[canvass.loc["2", "entity_id"], "start"].date()) == "2012-01-01"


def test_the_linear_ranking_does_not_depend_on_the_scored_rows_inspector() -> None:
    import numpy as np

    from bench.chicago import linear_scores, rank_average

    rng = np.random.default_rng(0)
    n = 400
    inspector = rng.choice(["blue", "green", "purple"], n)
    past = rng.poisson(1.0, n).astype(float)
    past[::17] = np.nan
    strict = pd.Series(inspector).map({"blue": 1.5, "green": -1.5, "purple": 0.0}).to_numpy()
    y = (rng.random(n) < 1 / (1 + np.exp(-(past - 1 + strict)))).astype(int)
    X = pd.DataFrame({"past": past, "kind": pd.Categorical(rng.choice(["a", "b"], n)),
                      "inspector": pd.Categorical(inspector)})
    train, test = np.arange(n) < 300, np.arange(n) >= 300
    score = linear_scores(X, y, train, test)
    swapped = X.copy()
    swapped.loc[test, "inspector"] = "purple"  # whoever will be drawn: the ranking stays
    assert np.allclose(linear_scores(swapped, y, train, test), score)
    known = ~np.isnan(past[test])
    assert np.corrcoef(score[known], past[test][known])[0, 1] > 0.9  # more past findings, higher risk

    blend = rank_average(np.array([0.1, 0.3, 0.2]), np.array([5.0, 9.0, 1.0]), weights=(0.5, 0.5))
    assert list(np.argsort(blend)) == [0, 2, 1] or list(np.argsort(blend)) == [2, 0, 1]
    assert blend.max() <= 1.0
