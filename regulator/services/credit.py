"""Credit classes kept current: load records as events, score them with risk.credit, write assessments.

Set-based: one query per record table (filtered by entity ids in chunks, or none for all entities), one
bulk insert of CreditAssessment rows and one bulk update of MarketEntity. Subscribed to
``records_changed`` so that the class follows every ingest, correction, repair, merge or split.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
from flask import has_app_context
from sqlalchemy import String, bindparam, cast, insert, literal, null, select

from models import (
    Complaint,
    CreditAssessment,
    EnforcementAction,
    Inspection,
    ListEntry,
    MarketEntity,
    ModelVersion,
    RecordStatus,
    RiskScore,
    Role,
    User,
    Violation,
)
from risk.credit import CreditResult, assess

from ..extensions import db
from ..signals import records_changed
from . import notifications
from .working_days import local_day

log = logging.getLogger(__name__)
CHUNK = 900  # ids per IN list: below SQLite's default variable limit


@dataclass
class RecomputeReport:
    """What one recomputation did."""

    entities: int
    changed: int
    by_class: dict[str, int]
    seconds: float


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _event_queries():  # noqa: ANN202 - a list of (model, Select)
    """One SELECT per record table, each yielding entity_id, kind, detail, date, ended.

    Enum and date columns are read as text and parsed by pandas in one go: converting 100k-row results
    value by value in Python was most of the cost of a full recomputation.
    """
    def live(model):  # noqa: ANN001, ANN202
        return model.status != RecordStatus.WITHDRAWN

    def txt(column):  # noqa: ANN001, ANN202
        return cast(column, String)

    none = null()
    return [
        (Inspection, select(Inspection.entity_id, literal("inspection"), txt(Inspection.result),
                            txt(Inspection.inspection_date), none).where(live(Inspection))),
        (Violation, select(Violation.entity_id, literal("violation"), txt(Violation.severity),
                           txt(Violation.found_date), none).where(live(Violation))),
        (EnforcementAction, select(EnforcementAction.entity_id, literal("enforcement"),
                                   txt(EnforcementAction.penalty_type), txt(EnforcementAction.decision_date),
                                   txt(EnforcementAction.repaired_on)).where(live(EnforcementAction))),
        (ListEntry, select(ListEntry.entity_id, literal("list_entry"), txt(ListEntry.list_type),
                           txt(ListEntry.added_date), txt(ListEntry.removed_date)).where(live(ListEntry))),
        (Complaint, select(Complaint.entity_id, literal("complaint"), txt(Complaint.complaint_status),
                           txt(Complaint.received_date), none)
         .where(live(Complaint), Complaint.entity_id.is_not(None))),
    ]


def load_events(entity_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Every live (not withdrawn) record of these entities (all entities when None) as an events frame."""
    rows: list[tuple] = []
    ids = sorted(set(entity_ids)) if entity_ids is not None else None
    for model, stmt in _event_queries():
        if ids is None:
            rows.extend(db.session.execute(stmt).all())
            continue
        for chunk in _chunks(ids):
            rows.extend(db.session.execute(stmt.where(model.entity_id.in_(chunk))).all())
    frame = pd.DataFrame(rows, columns=["entity_id", "kind", "detail", "date", "ended"])
    for column in ("date", "ended"):
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    return frame


def load_probabilities(entity_ids: Iterable[int] | None = None) -> tuple[pd.Series, int | None]:
    """The active risk model's latest entity-wide probability per entity, and that model's id."""
    model_id = db.session.scalar(select(ModelVersion.id).where(ModelVersion.active.is_(True))
                                 .order_by(ModelVersion.activated_at.desc(), ModelVersion.id.desc()).limit(1))
    if model_id is None:
        return pd.Series(dtype=float), None
    stmt = select(RiskScore.entity_id, RiskScore.as_of, RiskScore.id, RiskScore.probability).where(
        RiskScore.model_version_id == model_id, RiskScore.agency_id.is_(None))
    rows: list[tuple] = []
    if entity_ids is None:
        rows = list(db.session.execute(stmt).all())
    else:
        for chunk in _chunks(sorted(set(entity_ids))):
            rows.extend(db.session.execute(stmt.where(RiskScore.entity_id.in_(chunk))).all())
    if not rows:
        return pd.Series(dtype=float), model_id
    frame = pd.DataFrame(rows, columns=["entity_id", "as_of", "id", "probability"])
    latest = frame.sort_values(["entity_id", "as_of", "id"]).drop_duplicates("entity_id", keep="last")
    return latest.set_index("entity_id")["probability"].astype(float), model_id


def _all_entity_ids() -> list[int]:
    return list(db.session.scalars(select(MarketEntity.id).where(MarketEntity.merged_into_id.is_(None))))


def _current(ids: list[int], everyone: bool) -> pd.DataFrame:
    stmt = select(MarketEntity.id, cast(MarketEntity.credit_class, String), MarketEntity.credit_points)
    rows: list[tuple] = []
    if everyone:
        rows = list(db.session.execute(stmt).all())
    else:
        for chunk in _chunks(ids):
            rows.extend(db.session.execute(stmt.where(MarketEntity.id.in_(chunk))).all())
    return pd.DataFrame(rows, columns=["entity_id", "old_class", "old_points"]).set_index("entity_id")


def _records(result: CreditResult, ids: pd.Index) -> tuple[dict[int, list], dict[int, list]]:
    reasons: dict[int, list] = {int(i): [] for i in ids}
    for row in result.reasons.itertuples(index=False):
        if int(row.entity_id) not in reasons:  # unchanged entities keep their last assessment
            continue
        reasons[int(row.entity_id)].append({"rule": row.rule, "count": int(row.count),
                                            "points": float(row.points), "basis": row.basis})
    overrides: dict[int, list] = {int(i): [] for i in ids}
    for row in result.overrides.itertuples(index=False):
        if int(row.entity_id) not in overrides:
            continue
        overrides[int(row.entity_id)].append({"rule": row.rule, "floor": row.floor, "from": row.from_class,
                                              "to": row.to_class, "basis": row.basis})
    return reasons, overrides


def recompute(entity_ids: Iterable[int] | None = None, *, trigger: str = "manual", as_of: date | None = None,
              force: bool = False) -> RecomputeReport:
    """Reclassify the given entities (None: all); write an assessment where class or points changed.

    ``force`` writes an assessment for every entity even when nothing changed. Never commits.
    """
    started = time.perf_counter()
    as_of = as_of or local_day()
    ids = _all_entity_ids() if entity_ids is None else sorted({int(i) for i in entity_ids})
    if not ids:
        return RecomputeReport(0, 0, {}, 0.0)
    events = load_events(None if entity_ids is None else ids)
    probabilities, model_id = load_probabilities(None if entity_ids is None else ids)
    result = assess(events, ids, as_of, probabilities if len(probabilities) else None)
    classes = result.classes.join(_current(ids, entity_ids is None))
    changed_mask = (force | classes["old_class"].ne(classes["credit_class"])
                    | ~np.isclose(classes["old_points"].astype(float).fillna(np.inf), classes["points"]))
    changed = classes.loc[changed_mask]
    if not changed.empty:
        _write(result, changed, model_id, trigger)
        moved = changed.loc[changed["old_class"].notna() & changed["old_class"].ne(changed["credit_class"])]
        _tell_enterprises(moved)
    by_class = {str(k): int(v) for k, v in classes["credit_class"].value_counts().sort_index().items()}
    report = RecomputeReport(len(ids), len(changed), by_class, time.perf_counter() - started)
    log.info("credit recompute (%s): %d entities, %d changed in %.2f s", trigger, report.entities,
             report.changed, report.seconds)
    return report


def _write(result: CreditResult, changed: pd.DataFrame, model_id: int | None, trigger: str) -> None:
    """Insert the assessments and update the entities, as two executemany statements (Core: no ORM overhead)."""
    now = datetime.now(UTC)
    reasons, overrides = _records(result, changed.index)
    ids = [int(i) for i in changed.index]
    points = changed["points"].astype(float).tolist()
    classes = changed["credit_class"].astype(str).tolist()
    probability = [None if pd.isna(p) else float(p) for p in changed["probability"]]
    db.session.execute(insert(CreditAssessment.__table__), [
        {"entity_id": eid, "points": pts, "credit_class": cls, "risk_probability": prob,
         "model_version_id": model_id if prob is not None else None, "reasons": reasons[eid],
         "overrides": overrides[eid], "trigger": trigger[:64], "created_at": now}
        for eid, pts, cls, prob in zip(ids, points, classes, probability, strict=True)])
    table = MarketEntity.__table__
    db.session.execute(
        table.update().where(table.c.id == bindparam("eid"))
        .values(credit_class=bindparam("cls"), credit_points=bindparam("pts"), credit_updated_at=bindparam("at")),
        [{"eid": eid, "cls": cls, "pts": pts, "at": now} for eid, pts, cls in zip(ids, points, classes, strict=True)])
    _expire_loaded(set(ids))


def _tell_enterprises(moved: pd.DataFrame) -> None:
    """Tell the users of each entity whose class moved (not its first class) the old class and the new."""
    if moved.empty:
        return
    items = []
    for chunk in _chunks([int(i) for i in moved.index]):
        for user_id, entity_id in db.session.execute(select(User.id, User.entity_id).where(
                User.role == Role.ENTERPRISE, User.active.is_(True), User.entity_id.in_(chunk))):
            row = moved.loc[entity_id]
            items.append({"user_id": user_id, "kind": "credit.class_changed", "subject_type": "entity",
                          "subject_id": entity_id, "entity_id": entity_id,
                          "details": {"from": str(row["old_class"]), "to": str(row["credit_class"])}})
    if items:
        notifications.notify_each(items)


def _expire_loaded(ids: set[int]) -> None:
    """Bulk updates bypass loaded objects: make those in the session reload their credit columns."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, MarketEntity) and obj.id in ids:
            db.session.expire(obj, ["credit_class", "credit_points", "credit_updated_at"])


#: built once, the entity a parameter (every profile page asks)
_LATEST_ASSESSMENT = (select(CreditAssessment).where(CreditAssessment.entity_id == bindparam("entity_id"))
                      .order_by(CreditAssessment.created_at.desc(), CreditAssessment.id.desc()).limit(1))


def latest_assessment(entity_id: int) -> CreditAssessment | None:
    """The entity's most recent credit assessment."""
    return db.session.scalar(_LATEST_ASSESSMENT, {"entity_id": entity_id})


@records_changed.connect
def _on_records_changed(sender: str, entity_ids: set[int], **_kw: object) -> None:
    """Reclassify the entities whose records changed, in the sender's transaction."""
    if not has_app_context():  # no application, no database to act on
        log.warning("records_changed outside an application context ignored (%d entities)", len(entity_ids))
        return
    recompute(entity_ids, trigger=str(sender))
