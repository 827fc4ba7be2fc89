"""Chicago's files into a fresh platform database through the platform's own ingest, and read back.

``ingest_directory`` imports each file with ``regulator.ingest.ingest_file`` and the Chicago agencies'
mappings (regulator/ingest/mappings/CHI_*.yaml), as ``flask ingest`` does: licences first (one business per
licence number), then the food inspections (linked by licence number, else by Splink on name, address and
coordinates), the inspection log, the sanitation complaints (linked by address), weather and the city's
per-inspection densities. The outcome columns of food inspections dated on or after the cutoff are blanked
in a temporary copy before the import, so they are never stored.

``read_canvass`` reads the canvass inspections back, whichever loader wrote them: outcome (a critical
violation among the inspection's violations; unknown where the result is empty), the facility type, risk
category, inspector group and postcode from the source row, and the licence holder's licence flags.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pandas as pd

#: (file, agency) in import order: licences first, so that inspections find the licence holders
ORDER = (("business_licenses.csv.gz", "CHI_BACP"), ("food_inspections.csv.gz", "CHI_CDPH"),
         ("inspection_log.csv.gz", "CHI_CDPH_LOG"), ("sanitation_complaints.csv.gz", "CHI_DSS"),
         ("weather.csv.gz", "CHI_WEATHER"), ("inspection_context.csv.gz", "CHI_CONTEXT"))
OUTCOMES = ("Results", "critical_count", "serious_count", "minor_count", "violations")
#: the city's licence flags (business_licenses), as in its model: alcohol served, tobacco sold
LICENCE_FLAGS = ("consumption_on_premises_incidental_activity", "tobacco")
CANVASS_AGENCIES = ("CHI_CDPH", "CDPH")  # the platform's ingest / the direct loader


def blank_outcomes(source: Path, target: Path, cutoff: date) -> int:
    """Copy the food inspections with the outcome columns of rows dated on or after ``cutoff`` emptied."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    later = pd.to_datetime(frame["Inspection_Date"], errors="coerce") >= pd.Timestamp(cutoff)
    frame.loc[later, [c for c in OUTCOMES if c in frame.columns]] = ""
    frame.to_csv(target, index=False)
    return int(later.sum())


def ingest_directory(data_dir: Path, cutoff: date, scratch: Path, log=print) -> dict[str, float]:  # noqa: ANN001
    """Import every file through ``regulator.ingest`` (within an app context); seconds per file."""
    from regulator.ingest import IngestOptions, ingest_file

    seconds = {}
    for name, agency in ORDER:
        path = data_dir / name
        if not path.exists():
            raise SystemExit(f"{path}: file not found")
        if agency == "CHI_CDPH":
            copy = scratch / name
            blanked = blank_outcomes(path, copy, cutoff)
            log(f"{name}: outcomes of {blanked} inspections on or after {cutoff} left out")
            path = copy
        started = time.perf_counter()
        # one writer for the run; large files read and mapped by a worker process (premap)
        batch = ingest_file(path, agency, IngestOptions(notify=False, reuse_index=True, map_ahead=True))
        seconds[name] = time.perf_counter() - started
        log(f"{name} -> {agency}: {batch.rows_accepted} accepted, {batch.rows_rejected} rejected, "
            f"{batch.entities_new} new entities in {seconds[name]:.0f}s")
    return seconds


def _raw(ids: list[int], columns: tuple[str, ...]) -> pd.DataFrame:
    """Columns of the source rows (as the agency sent them), indexed by source record id."""
    from sqlalchemy import select

    from models import SourceRecord
    from regulator.extensions import db

    rows = []
    for start in range(0, len(ids), 10_000):  # SQLite takes at most 32,766 parameters a statement
        part = ids[start:start + 10_000]
        rows += db.session.execute(select(SourceRecord.id, SourceRecord.raw).where(SourceRecord.id.in_(part))).all()
    frame = pd.DataFrame([{c: raw.get(c) for c in columns} for _, raw in rows], index=[i for i, _ in rows])
    return frame.reindex(ids)


def read_canvass() -> pd.DataFrame:
    """Canvass inspections: inspection_id, external_id, entity_id, inspection_date, critical (1/0, NaN where
    the outcome is not stored), facility_type, risk_level, inspector, postcode (as the food inspection row gave
    them)."""
    from sqlalchemy import String, cast, func, select

    from models import Agency, Inspection, Severity, Violation
    from regulator.extensions import db

    agencies = select(Agency.id).where(Agency.code.in_(CANVASS_AGENCIES))
    rows = db.session.execute(
        select(Inspection.id, Inspection.external_id, Inspection.entity_id, cast(Inspection.inspection_date, String),
               cast(Inspection.result, String), Inspection.source_record_id)
        .where(Inspection.agency_id.in_(agencies), cast(Inspection.inspection_type, String) == "routine")).all()
    canvass = pd.DataFrame(rows, columns=["inspection_id", "external_id", "entity_id", "inspection_date", "result",
                                          "source_record_id"])
    canvass["inspection_date"] = pd.to_datetime(canvass["inspection_date"], format="%Y-%m-%d")
    critical = dict(db.session.execute(
        select(Violation.inspection_id, func.count()).where(Violation.severity == Severity.CRITICAL)
        .group_by(Violation.inspection_id)).all())
    found = canvass["inspection_id"].map(critical).fillna(0).gt(0).astype(float)
    canvass["critical"] = found.where(canvass["result"].notna())
    raw = _raw(canvass["source_record_id"].tolist(), ("Facility_Type", "Risk", "inspector", "Zip"))
    canvass["facility_type"] = raw["Facility_Type"].to_numpy()
    canvass["risk_level"] = pd.to_numeric(raw["Risk"].astype("string").str.extract(r"(\d)")[0],
                                          errors="coerce").to_numpy()
    canvass["inspector"] = raw["inspector"].to_numpy()
    canvass["postcode"] = raw["Zip"].astype("string").str.slice(0, 5).to_numpy()
    canvass = canvass.dropna(subset=["entity_id"]).sort_values(["inspection_date", "inspection_id"], kind="stable")
    return canvass.reset_index(drop=True)


def licence_flags() -> pd.DataFrame:
    """The licences' flags: entity_id, start (the term's first day) and one 0/1 column per ``LICENCE_FLAGS``."""
    from sqlalchemy import String, cast, select

    from models import Licence
    from regulator.extensions import db

    rows = db.session.execute(select(Licence.entity_id, cast(Licence.issue_date, String),
                                     Licence.source_record_id).where(Licence.entity_id.is_not(None))).all()
    frame = pd.DataFrame(rows, columns=["entity_id", "start", "source_record_id"])
    raw = _raw(frame["source_record_id"].tolist(), LICENCE_FLAGS)
    for column in LICENCE_FLAGS:
        frame[column] = pd.to_numeric(raw[column], errors="coerce").fillna(0).to_numpy()
    frame["start"] = pd.to_datetime(frame["start"], format="%Y-%m-%d", errors="coerce")
    return frame.drop(columns=["source_record_id"])


def licence_names() -> pd.DataFrame:
    """The trade name of every licence term: entity_id, name (DOING_BUSINESS_AS_NAME), start (the term's first
    day), as the licence rows gave them."""
    from sqlalchemy import String, cast, select

    from models import Licence
    from regulator.extensions import db

    rows = db.session.execute(select(Licence.entity_id, cast(Licence.issue_date, String),
                                     Licence.source_record_id).where(Licence.entity_id.is_not(None))).all()
    frame = pd.DataFrame(rows, columns=["entity_id", "start", "source_record_id"])
    raw = _raw(frame["source_record_id"].tolist(), ("DOING_BUSINESS_AS_NAME",))
    frame["name"] = raw["DOING_BUSINESS_AS_NAME"].to_numpy()
    frame["start"] = pd.to_datetime(frame["start"], format="%Y-%m-%d", errors="coerce")
    return frame.drop(columns=["source_record_id"])
