"""The direct loader of the Chicago benchmark (``bench/chicago.py --loader direct``), kept as a fallback.

``load_into_platform`` writes the departments' records straight into the platform's tables: entities keyed
by licence number, licences, canvass inspections with results and violations, every other inspection from
the log, sanitation complaints with their location only, daily weather and the city's per-inspection
densities as context values. It bypasses ``regulator.ingest`` and Splink (records link by licence number
only); the benchmark's default is the platform's own ingest (``bench/chicago_platform.py``). Outcomes of
inspections dated on or after the cutoff are never stored.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

FILES = {
    "food": ("food_inspections.csv.gz", ("Inspection_ID", "License", "DBA_Name", "Facility_Type", "Risk",
                                         "Address", "Zip", "Inspection_Date", "Results", "Latitude",
                                         "Longitude", "critical_count", "serious_count", "minor_count",
                                         "violations", "inspector")),
    "log": ("inspection_log.csv.gz", ("License", "DBA", "Inspection_Date", "Inspection_Purpose")),
    "licences": ("business_licenses.csv.gz", ("LICENSE_NUMBER", "LEGAL_NAME", "DOING_BUSINESS_AS_NAME",
                                              "LICENSE_DESCRIPTION", "LICENSE_TERM_START_DATE",
                                              "LICENSE_TERM_EXPIRATION_DATE", "LATITUDE", "LONGITUDE")),
    "complaints": ("sanitation_complaints.csv.gz", ("Creation_Date", "Service_Request_Number",
                                                    "Street_Address", "Latitude", "Longitude")),
    "weather": ("weather.csv.gz", ("date",)),
    "context": ("inspection_context.csv.gz", ("Inspection_ID",)),
}
OUTCOMES = ("Results", "critical_count", "serious_count", "minor_count", "violations")
PURPOSE = {"Canvass Re-Inspection": "follow_up", "Complaint Re-Inspection": "follow_up",
           "License Re-Inspection": "follow_up", "Complaint": "complaint", "Short Form Complaint": "complaint",
           "Suspected Food Poisoning": "complaint", "License": "licence", "License-Task Force": "licence"}
RESULT = {"Pass": "pass", "Fail": "fail", "Pass w/ Conditions": "pass_with_conditions",
          "Out of Business": "closed", "No Entry": "no_entry", "Business Not Located": "not_found"}


# ---------------------------------------------------------------------------------------------- reading
def read_sources(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read every file, checking the columns; errors name the file and what is missing."""
    out = {}
    for key, (name, required) in FILES.items():
        path = data_dir / name
        if not path.exists():
            raise SystemExit(f"{path}: file not found")
        frame = pd.read_csv(path, dtype={"License": str, "violations": str, "Zip": str, "LICENSE_NUMBER": str,
                                         "Service_Request_Number": str}, low_memory=False)
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise SystemExit(f"{path}: missing columns {missing}")
        out[key] = frame
    food = out["food"]
    food["Inspection_Date"] = pd.to_datetime(food["Inspection_Date"], errors="coerce")
    bad = food["Inspection_Date"].isna()
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2
        raise SystemExit(f"{data_dir / FILES['food'][0]}: row {row}, column Inspection_Date: not a date")
    return out


def licence_key(values: pd.Series) -> pd.Series:
    """The licence number as the linking key: leading digits ('1980406-1006' -> '1980406'); else empty."""
    return values.astype("string").str.extract(r"^\s*(\d+)")[0].str.lstrip("0")


# ------------------------------------------------------------------------------------- platform loading
def load_into_platform(sources: dict[str, pd.DataFrame], cutoff: date) -> dict[str, int]:
    """Write the departments' records into the platform's database (the one loading step).

    Records link to entities by licence number (the source key every department shares); complaints have
    no business key and keep their location only. Outcomes dated on or after ``cutoff`` are not stored.
    Uses bulk inserts within the current app context; returns row counts.
    """
    from sqlalchemy import insert

    from models import (
        Address,
        Complaint,
        ContextValue,
        Inspection,
        Licence,
        MarketEntity,
        SourceRecord,
        Violation,
    )
    from regulator.extensions import db
    from regulator.services.agencies import upsert_agency

    # an identical row sent twice is one record (the platform keeps one source row per content hash)
    food, log, lic = (sources[k].drop_duplicates().copy() for k in ("food", "log", "licences"))
    health = upsert_agency("CDPH", "Chicago Department of Public Health", "food", name_en="Public Health")
    bacp = upsert_agency("BACP", "Business Affairs and Consumer Protection", "market", name_en="Business Affairs")
    streets = upsert_agency("DSS", "Streets and Sanitation", "sanitation", name_en="Streets and Sanitation")
    now = datetime.now(UTC)
    food["key"], log["key"], lic["key"] = licence_key(food["License"]), licence_key(log["License"]), \
        licence_key(lic["LICENSE_NUMBER"])
    food, log, lic = food.dropna(subset=["key"]), log.dropna(subset=["key"]), lic.dropna(subset=["key"])
    log = log.loc[~log["Inspection_Purpose"].eq("Canvass")]  # canvass visits are in the food file, with results
    # entities: one per licence number; attributes from the latest canvass record, else the licence file
    latest = food.sort_values("Inspection_Date").drop_duplicates("key", keep="last").set_index("key")
    lic_latest = lic.sort_values("LICENSE_TERM_START_DATE").drop_duplicates("key", keep="last").set_index("key")
    keys = pd.Index(pd.unique(pd.concat([food["key"], log["key"], lic["key"]])))
    name = latest["DBA_Name"].reindex(keys).fillna(lic_latest["DOING_BUSINESS_AS_NAME"].reindex(keys))
    name = name.fillna(log.drop_duplicates("key").set_index("key")["DBA"].reindex(keys)).fillna("").astype(str)
    lat = latest["Latitude"].reindex(keys).fillna(lic_latest["LATITUDE"].reindex(keys))
    lon = latest["Longitude"].reindex(keys).fillna(lic_latest["LONGITUDE"].reindex(keys))
    address_text = latest["Address"].reindex(keys).fillna("licence " + keys.to_series(index=keys))
    address_rows = [{"id": i + 1, "text": str(t).strip() or f"licence {k}", "text_norm": f"{k}|{str(t).strip()}",
                     "latitude": None if pd.isna(a) else float(a), "longitude": None if pd.isna(o) else float(o),
                     "postcode": None, "district": None, "created_at": now}
                    for i, (k, t, a, o) in enumerate(zip(keys, address_text, lat, lon, strict=True))]
    db.session.execute(insert(Address.__table__), address_rows)
    entity_id = pd.Series(np.arange(1, len(keys) + 1), index=keys)
    facility = latest["Facility_Type"].reindex(keys)
    risk_level = latest["Risk"].reindex(keys).astype("string").str.extract(r"Risk (\d)")[0]
    zips = latest["Zip"].reindex(keys).astype("string").str.slice(0, 5)
    db.session.execute(insert(MarketEntity.__table__), [
        {"id": int(entity_id[k]), "name": n[:300] or f"licence {k}", "name_norm": n.upper()[:300],
         "entity_type": "company", "industry": None if pd.isna(f) else str(f)[:200],
         "industry_code": None if pd.isna(r) else f"risk{r}", "district": None if pd.isna(z) else str(z),
         "address_id": i + 1, "status": "active", "created_at": now, "updated_at": now}
        for i, (k, n, f, r, z) in enumerate(zip(keys, name, facility, risk_level, zips, strict=True))])

    next_source = [0]

    def sources_for(agency_id: int, record_type: str, frame: pd.DataFrame, key_column: str | None) -> np.ndarray:
        """One SourceRecord per row (raw row kept as JSON), linked by licence number; returns their ids."""
        start = next_source[0] + 1
        ids = np.arange(start, start + len(frame))
        next_source[0] += len(frame)
        raws = frame.drop(columns=["key", "day"], errors="ignore").astype("string").to_dict("records")
        rows = []
        for sid, raw, key in zip(ids, raws, frame["key"] if key_column else [None] * len(frame), strict=True):
            text = json.dumps({k: v for k, v in raw.items() if v is not pd.NA}, ensure_ascii=False, sort_keys=True)
            rows.append({"id": int(sid), "agency_id": agency_id, "content_hash": hashlib.sha256(text.encode())
                         .hexdigest(), "record_type": record_type, "source_key": key, "raw": json.loads(text),
                         "status": "accepted", "errors": [], "findings": [],
                         "entity_id": int(entity_id[key]) if key is not None else None,
                         "link_method": "source_key" if key is not None else None, "created_at": now})
        db.session.execute(insert(SourceRecord.__table__), rows)
        return ids

    # licences
    src = sources_for(bacp.id, "licence", lic, "key")
    starts = pd.to_datetime(lic["LICENSE_TERM_START_DATE"], errors="coerce")
    ends = pd.to_datetime(lic["LICENSE_TERM_EXPIRATION_DATE"], errors="coerce")
    db.session.execute(insert(Licence.__table__), [
        {"agency_id": bacp.id, "source_record_id": int(s), "status": "active", "entity_id": int(entity_id[k]),
         "licence_no": k, "licence_type": None if pd.isna(t) else str(t)[:200],
         "issue_date": None if pd.isna(a) else a.date(), "valid_to": None if pd.isna(b) else b.date(),
         "licence_status": "unknown", "created_at": now}
        for s, k, t, a, b in zip(src, lic["key"], lic["LICENSE_DESCRIPTION"], starts, ends, strict=True)])
    # canvass inspections: outcomes only before the cutoff
    day = pd.Timestamp(cutoff)
    known = food["Inspection_Date"] < day
    stored = food.copy()
    stored.loc[~known, list(OUTCOMES)] = None
    src = sources_for(health.id, "inspection", stored, "key")
    crit = pd.to_numeric(food["critical_count"], errors="coerce")
    counts = crit + pd.to_numeric(food["serious_count"], errors="coerce") + pd.to_numeric(
        food["minor_count"], errors="coerce")
    rows = []
    for i, (s, k, d, res, c, n, ext, insp) in enumerate(zip(
            src, food["key"], food["Inspection_Date"], food["Results"], crit, counts, food["Inspection_ID"],
            food["inspector"], strict=True)):
        ok = bool(known.iloc[i])
        rows.append({"id": i + 1, "agency_id": health.id, "source_record_id": int(s), "status": "active",
                     "external_id": str(ext), "entity_id": int(entity_id[k]), "inspection_date": d.date(),
                     "inspection_type": "routine", "selection_reason": "risk_ranking",
                     "result": RESULT.get(res, "other") if ok and not pd.isna(res) else None,
                     "serious_violation": bool(c > 0) if ok and not pd.isna(c) else None,
                     "violation_count": int(n) if ok and not pd.isna(n) else 0,
                     "inspectors_text": None if pd.isna(insp) else str(insp), "published": False,
                     "created_at": now})
    db.session.execute(insert(Inspection.__table__), rows)
    n_canvass = len(rows)
    # violations found at the canvass inspections before the cutoff
    found = food.assign(inspection_id=np.arange(1, len(food) + 1), source=src).loc[known]
    found = found.dropna(subset=["violations"])
    found = found.assign(code=found["violations"].str.split()).explode("code")
    number = pd.to_numeric(found["code"], errors="coerce")
    found = found.assign(number=number).dropna(subset=["number"])
    severity = np.select([found["number"] <= 14, found["number"] <= 29], ["critical", "serious"], "minor")
    db.session.execute(insert(Violation.__table__), [
        {"agency_id": health.id, "source_record_id": int(s), "status": "active", "entity_id": int(entity_id[k]),
         "inspection_id": int(i), "code": str(int(c)), "severity": sev, "found_date": d.date(), "created_at": now}
        for s, k, i, c, sev, d in zip(found["source"], found["key"], found["inspection_id"], found["number"],
                                      severity, found["Inspection_Date"], strict=True)])
    # every other inspection from the log (no results)
    log_days = pd.to_datetime(log["Inspection_Date"], errors="coerce")
    log = log.assign(day=log_days).dropna(subset=["day"])
    src = sources_for(health.id, "inspection", log, "key")
    db.session.execute(insert(Inspection.__table__), [
        {"agency_id": health.id, "source_record_id": int(s), "status": "active", "entity_id": int(entity_id[k]),
         "inspection_date": d.date(), "inspection_type": PURPOSE.get(p, "other"),
         "selection_reason": "complaint" if PURPOSE.get(p) == "complaint" else "other", "violation_count": 0,
         "published": False, "created_at": now}
        for s, k, d, p in zip(src, log["key"], log["day"], log["Inspection_Purpose"], strict=True)])
    # sanitation complaints: location only, no business key
    comp = sources["complaints"].drop_duplicates().assign(key=None)
    comp_days = pd.to_datetime(comp["Creation_Date"], errors="coerce")
    comp = comp.assign(day=comp_days).dropna(subset=["day"])
    src = sources_for(streets.id, "complaint", comp.drop(columns=["day"]), None)
    db.session.execute(insert(Complaint.__table__), [
        {"agency_id": streets.id, "source_record_id": int(s), "status": "active", "entity_id": None,
         "received_date": d.date(), "category": "sanitation", "complaint_status": "closed",
         "latitude": None if pd.isna(a) else float(a), "longitude": None if pd.isna(o) else float(o),
         "created_at": now}
        for s, d, a, o in zip(src, comp["day"], comp["Latitude"], comp["Longitude"], strict=True)])
    # context: daily weather and the city's per-inspection densities
    weather = sources["weather"].drop_duplicates().assign(key=None)
    src = sources_for(health.id, "context", weather, None)
    values = weather.drop(columns=["date", "key"]).apply(pd.to_numeric, errors="coerce")
    rows = [{"agency_id": health.id, "source_record_id": int(s), "kind": "weather", "subject_key": None,
             "on_date": pd.Timestamp(d).date(), "values": {k: (None if pd.isna(v) else float(v)) for k, v in
                                                          vals.items()}, "created_at": now}
            for s, d, vals in zip(src, weather["date"], values.to_dict("records"), strict=True)]
    context = sources["context"].drop_duplicates().assign(key=None)
    src = sources_for(health.id, "context", context, None)
    heat = context.drop(columns=["Inspection_ID", "key"]).apply(pd.to_numeric, errors="coerce")
    rows += [{"agency_id": health.id, "source_record_id": int(s), "kind": "inspection_context", "on_date": None,
              "subject_key": str(i), "values": {k: (None if pd.isna(v) else float(v)) for k, v in vals.items()},
              "created_at": now}
             for s, i, vals in zip(src, context["Inspection_ID"], heat.to_dict("records"), strict=True)]
    db.session.execute(insert(ContextValue.__table__), rows)
    db.session.commit()
    return {"entities": len(keys), "canvass": n_canvass, "violations": len(found), "log": len(log),
            "complaints": len(comp), "licences": len(lic), "source_records": next_source[0]}

