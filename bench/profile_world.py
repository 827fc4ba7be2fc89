"""Bulk loader for the profile benchmark: the demo world's truth tables straight into the schema.

For the benchmark only: it skips ingest and linkage (each entity keyed by its true key) so that a
100k-entity world loads in a minute or two. Every fact still gets its SourceRecord, as ingest would.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import JSON, insert

from models import (
    Address,
    Agency,
    Complaint,
    EnforcementAction,
    EntityRole,
    Inspection,
    Licence,
    ListEntry,
    MarketEntity,
    Person,
    SourceRecord,
    Violation,
)
from regulator.demo import AGENCIES, generate_world
from regulator.extensions import db
from regulator.privacy import mask_id_number
from regulator.text import name_core, normalise_address, normalise_name

log = logging.getLogger(__name__)
BATCH = 20_000


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps to dates, missing values to None: what the database drivers take."""
    out = {}
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            series = series.dt.date
        out[col] = series.astype(object).where(series.notna(), None)
    return pd.DataFrame(out)


def _rows(frame: pd.DataFrame) -> Iterator[list[dict]]:
    plain = _plain(frame)
    for start in range(0, len(plain), BATCH):
        yield plain.iloc[start:start + BATCH].to_dict("records")


def _load(model: type, frame: pd.DataFrame) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        _copy(model.__table__, frame)
        return
    for chunk in _rows(frame):
        db.session.execute(insert(model.__table__), chunk)


def _copy(table, frame: pd.DataFrame) -> None:  # noqa: ANN001 - a sqlalchemy Table
    """PostgreSQL: COPY ... FROM STDIN on the session's connection (an order of magnitude above executemany)."""
    from psycopg.types.json import Jsonb

    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    columns = list(frame.columns)
    wrap = [name in json_columns for name in columns]
    raw = db.session.connection().connection.driver_connection
    quoted = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for chunk in _rows(frame):
            for row in chunk:
                copy.write_row([Jsonb(v) if w and v is not None else v
                                for v, w in zip(row.values(), wrap, strict=True)])


class _Sources:
    """Allocates SourceRecord ids and rows for facts, one per fact."""

    def __init__(self) -> None:
        self.next_id = 1

    def add(self, kind: str, frame: pd.DataFrame, agency_ids: pd.Series, keys: pd.Series) -> np.ndarray:
        ids = np.arange(self.next_id, self.next_id + len(frame))
        self.next_id += len(frame)
        _load(SourceRecord, pd.DataFrame({
            "id": ids, "agency_id": agency_ids.to_numpy(), "content_hash": kind + "-" + keys.astype(str),
            "record_type": "enforcement" if kind == "enforcement" else kind, "source_key": keys.astype(str),
            "raw": [{"key": int(k)} for k in keys], "status": "accepted", "entity_id": frame["entity_key"].to_numpy(),
            "link_method": "uscc", "batch_id": None, "row_number": None, "errors": [[]] * len(frame),
            "findings": [[]] * len(frame), "created_at": pd.Timestamp.now(tz="UTC")}))
        return ids


def load_world(n_entities: int, seed: int = 7) -> dict[str, float]:
    """Generate and load a world of ``n_entities``; returns the timings of each step (seconds)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    world = generate_world(n_entities=n_entities, seed=seed)
    timings["generate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    agency_ids = {}
    for i, agency in enumerate(AGENCIES, start=1):
        db.session.add(Agency(id=i, code=agency["code"], name=agency["name"], domain=agency["domain"]))
        agency_ids[agency["code"]] = i
    db.session.flush()
    now = pd.Timestamp.now(tz="UTC")
    a = world.addresses
    _load(Address, pd.DataFrame({"id": a.address_key, "text": a.address, "district": a.district,
                                 "text_norm": [f"{normalise_address(t)}#{k}" for t, k in zip(a.address, a.address_key,
                                                                                             strict=True)],
                                 "latitude": a.lat, "longitude": a.lon, "created_at": now}))
    e = world.entities
    _load(MarketEntity, pd.DataFrame({
        "id": e.entity_key, "uscc": e.uscc, "name": e.name, "name_norm": [normalise_name(n) for n in e.name],
        "name_core": [name_core(n) for n in e.name],
        "entity_type": e.entity_type, "industry_code": e.industry_code, "industry": e.industry, "district": e.district,
        "address_id": e.address_key, "registration_date": e.registration_date, "status": e.status,
        "registered_capital": e.registered_capital, "created_at": now, "updated_at": now}))
    p = world.persons
    _load(Person, pd.DataFrame({"id": p.person_key, "name": p.name, "name_norm": p.name,
                                "id_masked": [mask_id_number(x) for x in p.id_number], "created_at": now}))
    r = world.roles.reset_index(drop=True)
    _load(EntityRole, pd.DataFrame({"entity_id": r.entity_key, "person_id": r.person_key, "role": r.role,
                                    "share": r.share, "created_at": now}))
    timings["load_registry"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    _load_facts(world, agency_ids, now)
    timings["load_facts"] = time.perf_counter() - t0
    db.session.commit()
    return timings


def _load_facts(world, agency_ids: dict[str, int], now: pd.Timestamp) -> None:  # noqa: ANN001
    sources = _Sources()

    def fact(kind: str, model: type, frame: pd.DataFrame, key: str, columns: dict) -> None:
        agencies = frame["agency"].map(agency_ids)
        src = sources.add(kind, frame, agencies, frame[key])
        _load(model, pd.DataFrame({"id": frame[key], "agency_id": agencies, "source_record_id": src,
                                   "entity_id": frame["entity_key"], "status": "active", "created_at": now,
                                   **columns}))

    i = world.inspections
    fact("inspection", Inspection, i, "inspection_key", {
        "inspection_date": i.inspection_date, "inspection_type": i.inspection_type,
        "selection_reason": i.selection_reason, "selection_probability": i.selection_probability,
        "result": i.result, "serious_violation": i.serious_found, "violation_count": i.n_violations,
        "inspectors_text": i.inspector_1.astype(str) + "、" + i.inspector_2.astype(str), "published": False})
    v = world.violations
    fact("violation", Violation, v, "violation_key", {
        "inspection_id": v.inspection_key, "code": v.code, "description": v.description, "severity": v.severity,
        "found_date": v.inspection_date})
    en = world.enforcement
    fact("enforcement", EnforcementAction, en, "enforcement_key", {
        "decision_no": en.decision_number, "decision_date": en.decision_date, "legal_basis": en.legal_basis,
        "penalty_type": en.penalty_type, "amount": en.amount, "description": en.facts,
        "violation_id": en.violation_key, "publication_end": en.publication_end})
    li = world.list_entries
    fact("list_entry", ListEntry, li, "list_key", {
        "list_type": li.list_type, "added_date": li.added_date, "added_reason": li.reason,
        "removed_date": li.removed_date, "removed_reason": li.removed_reason.replace("", None)})
    c = world.complaints.loc[world.complaints.entity_key.notna()].copy()
    c["entity_key"] = c["entity_key"].astype("int64")
    fact("complaint", Complaint, c, "complaint_key", {
        "received_date": c.received_date, "category": c.category_name, "description": c.content,
        "complaint_status": np.where(c.substantiated, "substantiated", "closed"), "address_id": c.address_key})
    lic = world.licences
    fact("licence", Licence, lic, "licence_key", {
        "licence_no": lic.licence_number, "licence_type": lic.licence_name, "issue_date": lic.issue_date,
        "valid_to": lic.expiry_date, "licence_status": lic.status})


def add_heavy_entity(entity_id: int, inspections: int = 5000, start: date = date(2021, 1, 1)) -> int:
    """Give one entity thousands of extra inspections and violations from every agency (the worst case)."""
    agencies = [a.id for a in db.session.query(Agency).order_by(Agency.id)]
    first_source = (db.session.query(db.func.max(SourceRecord.id)).scalar() or 0) + 1
    first_fact = (db.session.query(db.func.max(Inspection.id)).scalar() or 0) + 1
    first_violation = (db.session.query(db.func.max(Violation.id)).scalar() or 0) + 1
    n = np.arange(inspections)
    frame = pd.DataFrame({"entity_key": entity_id, "agency": [agencies[k % len(agencies)] for k in n]})
    src = first_source + n
    _load(SourceRecord, pd.DataFrame({
        "id": src, "agency_id": frame.agency, "content_hash": [f"heavy-{k}" for k in n], "record_type": "inspection",
        "raw": [{"heavy": int(k)} for k in n], "status": "accepted", "entity_id": entity_id,
        "errors": [[]] * inspections, "findings": [[]] * inspections, "created_at": pd.Timestamp.now(tz="UTC")}))
    _load(Inspection, pd.DataFrame({
        "id": first_fact + n, "agency_id": frame.agency, "source_record_id": src, "entity_id": entity_id,
        "status": "active", "inspection_date": [start + timedelta(days=int(k) % 1800) for k in n],
        "inspection_type": "routine", "selection_reason": "risk_ranking", "result": np.where(n % 4, "pass", "fail"),
        "violation_count": (n % 4 == 0).astype(int), "published": False, "notes": "大户检查",
        "internal_notes": "内部备注", "created_at": pd.Timestamp.now(tz="UTC")}))
    fails = n[n % 4 == 0]
    _load(Violation, pd.DataFrame({
        "id": first_violation + np.arange(len(fails)), "agency_id": frame.agency.iloc[fails].to_numpy(),
        "source_record_id": src[fails], "entity_id": entity_id, "status": "active", "inspection_id": first_fact + fails,
        "severity": "serious", "found_date": [start + timedelta(days=int(k) % 1800) for k in fails],
        "description": "大户违法", "created_at": pd.Timestamp.now(tz="UTC")}))
    db.session.commit()
    return inspections + len(fails)
