"""Load the record frames ``risk.features`` needs from the database, one query per table (no per-entity reads).

Withdrawn records are left out; merged entities are left out of the entity frame (their records were moved).
Enum and date columns are read as text and parsed by pandas in one go (as ``services.credit`` does).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import String, cast, select

from models import (
    Address,
    Complaint,
    ContextValue,
    EnforcementAction,
    Inspection,
    Licence,
    ListEntry,
    MarketEntity,
    RecordStatus,
    Violation,
)
from risk.features import RecordFrames

from ..extensions import db


def _txt(column):  # noqa: ANN001, ANN202
    return cast(column, String)


def _read(stmt, columns: list[str], dates: tuple[str, ...] = ()) -> pd.DataFrame:  # noqa: ANN001
    frame = pd.DataFrame(db.session.execute(stmt).all(), columns=columns)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    return frame


def load_entities() -> pd.DataFrame:
    """entity_id, district, industry (code), industry_name, entity_type, registration_date, address_id, latitude,
    longitude."""
    stmt = (select(MarketEntity.id, MarketEntity.district, MarketEntity.industry_code, MarketEntity.industry,
                   _txt(MarketEntity.entity_type), _txt(MarketEntity.registration_date), MarketEntity.address_id,
                   Address.latitude, Address.longitude)
            .outerjoin(Address, Address.id == MarketEntity.address_id)
            .where(MarketEntity.merged_into_id.is_(None)))
    return _read(stmt, ["entity_id", "district", "industry", "industry_name", "entity_type", "registration_date",
                        "address_id", "latitude", "longitude"], ("registration_date",))


def load_inspections() -> pd.DataFrame:
    """Every live inspection with its selection reason and probability (training rows come from here)."""
    stmt = select(Inspection.id, Inspection.external_id, Inspection.entity_id, Inspection.agency_id,
                  _txt(Inspection.inspection_date),
                  _txt(Inspection.inspection_type), _txt(Inspection.selection_reason),
                  Inspection.selection_probability, _txt(Inspection.result), Inspection.serious_violation,
                  Inspection.violation_count, Inspection.inspectors_text).where(
                      Inspection.status != RecordStatus.WITHDRAWN)
    return _read(stmt, ["inspection_id", "external_id", "entity_id", "agency_id", "inspection_date", "inspection_type",
                        "selection_reason", "selection_probability", "result", "serious_violation",
                        "violation_count", "inspectors_text"], ("inspection_date",))


def load_frames(graph: bool = False) -> RecordFrames:
    """Every table the features use, for all entities; ``graph`` adds the relationship-graph features."""
    live = RecordStatus.WITHDRAWN
    violations = _read(select(Violation.entity_id, Violation.agency_id, _txt(Violation.found_date),
                              _txt(Violation.severity), Violation.inspection_id).where(Violation.status != live),
                       ["entity_id", "agency_id", "found_date", "severity", "inspection_id"], ("found_date",))
    enforcement = _read(select(EnforcementAction.entity_id, EnforcementAction.agency_id,
                               _txt(EnforcementAction.decision_date), _txt(EnforcementAction.penalty_type),
                               EnforcementAction.amount).where(EnforcementAction.status != live),
                        ["entity_id", "agency_id", "decision_date", "penalty_type", "amount"], ("decision_date",))
    enforcement["amount"] = pd.to_numeric(enforcement["amount"], errors="coerce")
    lists = _read(select(ListEntry.entity_id, _txt(ListEntry.list_type), _txt(ListEntry.added_date),
                         _txt(ListEntry.removed_date)).where(ListEntry.status != live),
                  ["entity_id", "list_type", "added_date", "removed_date"], ("added_date", "removed_date"))
    complaints = _read(select(Complaint.entity_id, Complaint.address_id, _txt(Complaint.received_date),
                              Complaint.latitude, Complaint.longitude).where(Complaint.status != live),
                       ["entity_id", "address_id", "received_date", "latitude", "longitude"], ("received_date",))
    licences = _read(select(Licence.entity_id, _txt(Licence.issue_date), _txt(Licence.valid_from),
                            _txt(Licence.valid_to), Licence.licence_type).where(Licence.status != live),
                     ["entity_id", "issue_date", "valid_from", "valid_to", "licence_type"],
                     ("issue_date", "valid_from", "valid_to"))
    return RecordFrames(entities=load_entities(), inspections=load_inspections(), violations=violations,
                        enforcement=enforcement, list_entries=lists, complaints=complaints, licences=licences,
                        context=load_weather(), graph=graph_source() if graph else None)


def graph_source() -> Callable[[pd.Timestamp], pd.DataFrame]:
    """Relationship-graph features by day from one read of the graph (``RecordFrames.graph``), cached per day."""
    from ..graph import graph_feature_frame, load_graph  # the graph package reads the risk scores: import late

    data = load_graph()
    cache: dict[pd.Timestamp, pd.DataFrame] = {}

    def features(day: pd.Timestamp) -> pd.DataFrame:
        if day not in cache:
            cache[day] = graph_feature_frame(day, data=data)
        return cache[day]

    return features


def load_weather() -> pd.DataFrame:
    """Daily context values of kind ``weather``: one row per day, one numeric column per value."""
    rows = db.session.execute(select(_txt(ContextValue.on_date), ContextValue.values)
                              .where(ContextValue.kind == "weather", ContextValue.on_date.is_not(None))).all()
    if not rows:
        return pd.DataFrame({"on_date": pd.Series(dtype="datetime64[ns]")})
    values = pd.DataFrame([v for _, v in rows]).apply(pd.to_numeric, errors="coerce")
    values.insert(0, "on_date", pd.to_datetime([d for d, _ in rows], format="%Y-%m-%d", errors="coerce"))
    return values.dropna(axis=1, how="all")
