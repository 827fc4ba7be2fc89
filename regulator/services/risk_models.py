"""The risk model registry: train, evaluate, activate and score, in bulk.

A trained model is a ``ModelVersion`` row (training window, features, parameters, metrics, evaluation,
data fingerprint) plus the fitted estimator, pickled into ``instance/models/<version>.pkl`` and kept in the
row's ``artifact`` too (so a copied database still scores). Exactly one version is active. Scoring writes
one ``RiskScore`` per entity with one bulk insert, then recomputes the credit classes, which take the
active model's probability into account (``services.credit``).
"""

from __future__ import annotations

import logging
import pickle
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from flask import current_app
from sqlalchemy import bindparam, insert, select, update

from models import ModelVersion, RiskScore
from risk.credit import class_for_probability
from risk.evaluate import evaluate
from risk.features import RecordFrames, build_features
from risk.graph import feature_names
from risk.model import RiskClassifier
from risk.training import fingerprint, fit_and_evaluate, labelled, score, training_set

from ..extensions import db
from . import audit
from . import credit as credit_service
from .risk_frames import graph_source, load_frames
from .working_days import local_day

log = logging.getLogger(__name__)


class RegistryError(ValueError):
    """A registry operation that cannot be done (unknown version, no active model, nothing to learn)."""


class MissingFeatures(RegistryError):
    """The model learned from features the current data does not give: it would read them as unknown everywhere."""

    def __init__(self, version: str, features: list[str]) -> None:
        super().__init__(f"model {version} uses {len(features)} feature(s) the current data does not give "
                         f"({', '.join(features)}): it would read them as unknown for every entity")
        self.version, self.features = version, features


@dataclass
class ScoreReport:
    """What one scoring run did."""

    version: str
    entities: int
    seconds: float
    credit_changed: int


def model_dir() -> Path:
    path = Path(current_app.instance_path) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_version() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    version, n = f"risk-{stamp}", 1
    while db.session.scalar(select(ModelVersion.id).where(ModelVersion.version == version)) is not None:
        n += 1
        version = f"risk-{stamp}-{n}"
    return version


def _json(value: object) -> object:
    """Dates and numpy scalars made JSON-safe."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def uses_graph(row: ModelVersion) -> bool:
    """Whether this version was trained with the relationship-graph features (so scoring needs them)."""
    return bool(set(row.features or ()) & set(feature_names()))


def _with_graph(frames: RecordFrames, graph: bool) -> RecordFrames:
    """The frames with the graph features attached (read once) or left out, as the model needs."""
    if graph and frames.graph is None:
        return replace(frames, graph=graph_source())
    return frames if graph else replace(frames, graph=None)


def train(*, test_fraction: float = 0.2, weighted: bool = False, params: dict | None = None,
          user_id: int | None = None, notes: str | None = None, frames: RecordFrames | None = None,
          activate_it: bool = False, graph: bool = True, refit: bool = True) -> ModelVersion:
    """Train on every live inspection in the database, store the version (inactive unless asked). Flushes.

    ``graph``: join the point-in-time relationship-graph features (``risk.graph``) to every training row.
    ``refit``: once tested on the latest inspections, the stored model is trained again on all of them
    (``risk.training``); without it, the stored model is the tested one.
    """
    frames = _with_graph(frames or load_frames(graph=graph), graph)
    inspections = frames.inspections
    if inspections is None or inspections.empty:
        raise RegistryError("there are no inspections to train on")
    try:
        result = fit_and_evaluate(frames, inspections, test_fraction=test_fraction, weighted=weighted,
                                  params=params, refit=refit)
    except ValueError as exc:
        raise RegistryError(str(exc)) from exc
    version = _new_version()
    blob = pickle.dumps(result.model, protocol=pickle.HIGHEST_PROTOCOL)
    (model_dir() / f"{version}.pkl").write_bytes(blob)
    row = ModelVersion(
        version=version, kind="risk", train_start=result.train_start, train_end=result.train_end,
        valid_start=result.valid_start, valid_end=result.valid_end, features=result.features,
        params=_json(result.params | {"graph": frames.graph is not None}), metrics=_json(result.metrics | {
            "test_start": result.test_start, "test_end": result.test_end}),
        evaluation=_json(result.evaluation), data_fingerprint=fingerprint(frames), artifact=blob,
        created_by_id=user_id, notes=notes)
    db.session.add(row)
    db.session.flush()
    log.info("trained %s: %s", version, result.metrics)
    if activate_it:
        activate(version, frames)
    return row


def get_version(version: str | None = None) -> ModelVersion:
    """The named version, or the active one."""
    stmt = select(ModelVersion).where(ModelVersion.kind == "risk")
    stmt = stmt.where(ModelVersion.version == version) if version else stmt.where(ModelVersion.active.is_(True))
    row = db.session.scalar(stmt.order_by(ModelVersion.id.desc()).limit(1))
    if row is None:
        raise RegistryError(f"no model version {version!r}" if version else "no active risk model")
    return row


def missing_features(row: ModelVersion, frames: RecordFrames) -> list[str]:
    """The model's features that ``frames`` do not give (weather columns no longer loaded, a renamed feature)."""
    if frames.entities.empty:
        return []
    probe = pd.DataFrame({"entity_id": frames.entities["entity_id"].iloc[:1].to_numpy("int64"),
                          "as_of": pd.Timestamp(local_day())})
    given = set(build_features(replace(frames, graph=None), probe).columns)
    if uses_graph(row):
        given |= set(feature_names())
    return [name for name in row.features or () if name not in given]


def activate(version: str, frames: RecordFrames | None = None) -> ModelVersion:
    """Make this version the only active one, in the audit log whoever does it (page, ``flask risk``). Flushes.

    Refused (``MissingFeatures``) where the current data (``frames``, default: the database's) lacks features
    the model learned from: reindexed to its columns they were read as unknown for every entity, silently.
    Every version's row is locked first, in id order: two activations at once then take turns (the later
    wins) where each used to lock the other's row and wait for its own, a deadlock on PostgreSQL.
    """
    row = get_version(version)
    missing = missing_features(row, frames or load_frames(graph=False))
    if missing:
        raise MissingFeatures(row.version, missing)
    db.session.execute(select(ModelVersion.id).where(ModelVersion.kind == "risk").order_by(ModelVersion.id)
                       .with_for_update())
    db.session.execute(update(ModelVersion).where(ModelVersion.kind == "risk", ModelVersion.id != row.id)
                       .values(active=False))
    row.active = True
    row.activated_at = datetime.now(UTC)
    audit.record("risk_model.activate", object_type="model_version", object_id=row.id, version=row.version)
    db.session.flush()
    return row


def load_model(row: ModelVersion) -> RiskClassifier:
    """The fitted estimator: from the instance folder, else from the row's artifact."""
    path = model_dir() / f"{row.version}.pkl"
    blob = path.read_bytes() if path.exists() else row.artifact
    if not blob:
        raise RegistryError(f"model {row.version} has no stored estimator")
    return pickle.loads(blob)  # noqa: S301 - written by train() above, never uploaded


def score_all(version: str | None = None, as_of: date | None = None, *, recompute_credit: bool = True,
              frames: RecordFrames | None = None) -> ScoreReport:
    """Score every entity with the given (default: active) model, bulk insert, recompute credit. Flushes."""
    started = time.perf_counter()
    row = get_version(version)
    as_of = as_of or local_day()
    frames = _with_graph(frames or load_frames(graph=uses_graph(row)), uses_graph(row))
    if frames.entities.empty:
        return ScoreReport(row.version, 0, 0.0, 0)
    missing = missing_features(row, frames)
    if missing:
        raise MissingFeatures(row.version, missing)
    scores = score(load_model(row), frames, as_of)
    classes = class_for_probability(scores["probability"])
    now = datetime.now(UTC)
    db.session.execute(insert(RiskScore.__table__), [
        {"entity_id": int(eid), "model_version_id": row.id, "agency_id": None, "as_of": as_of,
         "probability": float(p), "risk_class": cls, "reasons": reasons, "created_at": now}
        for eid, p, cls, reasons in zip(scores["entity_id"], scores["probability"], classes, scores["reasons"],
                                        strict=True)])
    changed = 0
    if recompute_credit and row.active:
        changed = credit_service.recompute(None, trigger=f"risk:{row.version}"[:64], as_of=as_of).changed
    report = ScoreReport(row.version, len(scores), time.perf_counter() - started, changed)
    log.info("scored %d entities with %s in %.1f s", report.entities, row.version, report.seconds)
    return report


def reevaluate(version: str | None = None, frames: RecordFrames | None = None) -> ModelVersion:
    """Evaluate the model on every inspection dated after its validation window (data it never saw).

    Where there are none yet, the evaluation made at training stays. Flushes.
    """
    row = get_version(version)
    frames = _with_graph(frames or load_frames(graph=uses_graph(row)), uses_graph(row))
    inspections = frames.inspections
    after = row.valid_end or row.train_end
    if inspections is None or after is None:
        return row
    inspections = labelled(inspections)
    unseen = inspections.loc[pd.to_datetime(inspections["inspection_date"]) > pd.Timestamp(after)]
    if unseen.empty:
        return row
    X, y, _ = training_set(frames, unseen)
    rows = unseen.sort_values("inspection_date", kind="stable").reset_index(drop=True)
    model = load_model(row)
    p = model.predict_proba(X.reindex(columns=list(model.feature_names_in_)))[:, 1]
    groups = {name: X[name] for name in ("district", "industry") if name in X}
    result = evaluate(y, p, selection_reason=rows.get("selection_reason"), groups=groups)
    result["importance"] = row.evaluation.get("importance", {})
    result["evaluated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["test_start"], result["test_end"] = (pd.Timestamp(rows["inspection_date"].iloc[i]).date().isoformat()
                                                for i in (0, -1))
    row.evaluation = _json(result)
    db.session.flush()
    return row


#: built once, the entity a parameter (every staff profile page asks); the model's version name with it,
#: since reading ``score.model_version`` loads that whole row, booster included
_LATEST_SCORE = (select(RiskScore, ModelVersion.version)
                 .join(ModelVersion, ModelVersion.id == RiskScore.model_version_id)
                 .where(RiskScore.entity_id == bindparam("entity_id"), RiskScore.agency_id.is_(None),
                        ModelVersion.active.is_(True))
                 .order_by(RiskScore.as_of.desc(), RiskScore.id.desc()).limit(1))


def latest_score_and_version(entity_id: int) -> tuple[RiskScore, str] | None:
    """The active model's latest entity-wide score for this entity, and the version name of its model."""
    row = db.session.execute(_LATEST_SCORE, {"entity_id": entity_id}).first()
    return None if row is None else (row[0], row[1])


def versions() -> list[ModelVersion]:
    """Every risk model version, newest first."""
    return list(db.session.scalars(select(ModelVersion).where(ModelVersion.kind == "risk")
                                  .order_by(ModelVersion.id.desc())))


def latest_scores(entity_ids: list[int]) -> dict[int, RiskScore]:
    """The active model's latest entity-wide score per entity, for lists (one query per 900 ids)."""
    out: dict[int, RiskScore] = {}
    ids = sorted(set(entity_ids))
    for start in range(0, len(ids), 900):
        rows = db.session.scalars(
            select(RiskScore).join(ModelVersion, ModelVersion.id == RiskScore.model_version_id)
            .where(RiskScore.entity_id.in_(ids[start:start + 900]), RiskScore.agency_id.is_(None),
                   ModelVersion.active.is_(True))
            .order_by(RiskScore.entity_id, RiskScore.as_of, RiskScore.id))
        out.update({row.entity_id: row for row in rows})  # the latest wins
    return out
