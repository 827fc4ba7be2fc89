"""Rows of the relationship tables read in bulk into the entity, edge and event frames ``risk.graph`` takes.

One query per table (optionally restricted to some entities, in chunks), dates read as text and parsed by
pandas in one go. Merged-away entities are left out: their facts were moved to the surviving entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd
from sqlalchemy import String, cast, literal, null, or_, select

from models import (
    EnforcementAction,
    EntityAddress,
    EntityPhone,
    EntityRole,
    Investment,
    ListEntry,
    ListType,
    MarketEntity,
    PenaltyType,
    RecordStatus,
    Severity,
    Violation,
)
from risk.graph import EDGE_COLUMNS

from ..extensions import db

CHUNK = 900  # ids per IN list: below SQLite's default variable limit
SERIOUS_PENALTIES = (PenaltyType.SUSPENSION, PenaltyType.LICENCE_REVOCATION, PenaltyType.DETENTION)
SERIOUS_SEVERITIES = (Severity.SERIOUS, Severity.CRITICAL)


def _chunks(ids: list[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _frame(stmts: Iterable, columns: list[str]) -> pd.DataFrame:
    rows: list[tuple] = []
    for stmt in stmts:
        rows.extend(tuple(r) for r in db.session.execute(stmt).all())
    return pd.DataFrame(rows, columns=columns)


def _txt(column):  # noqa: ANN001, ANN202
    return cast(column, String)


def load_entities(entity_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """``entity_id``, ``registration_date`` of live (not merged-away) entities."""
    ids = sorted(set(entity_ids)) if entity_ids is not None else None
    base = select(MarketEntity.id, _txt(MarketEntity.registration_date)).where(MarketEntity.merged_into_id.is_(None))
    stmts = [base if chunk is None else base.where(MarketEntity.id.in_(chunk)) for chunk in _chunks(ids)]
    frame = _frame(stmts, ["entity_id", "registration_date"])
    frame["registration_date"] = pd.to_datetime(frame["registration_date"], errors="coerce")
    return frame.sort_values("entity_id", ignore_index=True)


def _edge_queries(chunk: list[int] | None) -> list:
    """One SELECT per relationship table, each yielding the EDGE_COLUMNS."""
    none = null()

    def within(*columns):  # noqa: ANN002, ANN202
        return or_(*(c.in_(chunk) for c in columns)) if chunk is not None else literal(True)

    registered = (select(MarketEntity.id, literal("address"), MarketEntity.address_id, literal("registered_address"),
                         none, none, none)
                  .where(MarketEntity.address_id.is_not(None), MarketEntity.merged_into_id.is_(None),
                         within(MarketEntity.id)))
    branch = (select(MarketEntity.id, literal("entity"), MarketEntity.parent_id, literal("branch"), none, none, none)
              .where(MarketEntity.parent_id.is_not(None), MarketEntity.merged_into_id.is_(None),
                     within(MarketEntity.id, MarketEntity.parent_id)))
    return [
        select(EntityRole.entity_id, literal("person"), EntityRole.person_id, _txt(EntityRole.role), EntityRole.share,
               _txt(EntityRole.start_date), _txt(EntityRole.end_date)).where(within(EntityRole.entity_id)),
        select(EntityAddress.entity_id, literal("address"), EntityAddress.address_id,
               _txt(EntityAddress.kind) + literal("_address"), none, _txt(EntityAddress.since), none)
        .where(within(EntityAddress.entity_id)),
        registered,
        select(EntityPhone.entity_id, literal("phone"), EntityPhone.phone_id, literal("phone"), none, none, none)
        .where(within(EntityPhone.entity_id)),
        select(Investment.investor_id, literal("entity"), Investment.investee_id, literal("investment"),
               Investment.share, _txt(Investment.since), _txt(Investment.until))
        .where(within(Investment.investor_id, Investment.investee_id)),
        branch,
    ]


def load_edges(entity_ids: Iterable[int] | None = None, live: set[int] | None = None) -> pd.DataFrame:
    """Every relation (or those touching ``entity_ids``) as an edge frame; ``live`` drops other entities."""
    ids = sorted(set(entity_ids)) if entity_ids is not None else None
    frame = _frame([q for chunk in _chunks(ids) for q in _edge_queries(chunk)], list(EDGE_COLUMNS))
    # the registered address is often also an EntityAddress row: one edge is enough
    frame = frame.drop_duplicates(["entity_id", "target_kind", "target_id", "relation", "start", "end"])
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column], errors="coerce")
    frame["share"] = pd.to_numeric(frame["share"], errors="coerce")
    frame[["entity_id", "target_id"]] = frame[["entity_id", "target_id"]].astype("int64")
    if live is not None:
        keep = frame["entity_id"].isin(live) & ((frame["target_kind"] != "entity") | frame["target_id"].isin(live))
        frame = frame[keep]
    return frame.reset_index(drop=True)


def load_events(entity_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Violations, penalties and serious-illegal listings: ``entity_id``, ``date``, ``serious``.

    Serious: a serious or critical violation, a suspension, revocation or detention, a listing as
    seriously illegal and dishonest. Withdrawn records do not count.
    """
    ids = sorted(set(entity_ids)) if entity_ids is not None else None
    stmts = []
    for chunk in _chunks(ids):
        for model, when, serious in (
            (Violation, Violation.found_date, Violation.severity.in_(SERIOUS_SEVERITIES)),
            (EnforcementAction, EnforcementAction.decision_date, EnforcementAction.penalty_type.in_(SERIOUS_PENALTIES)),
            (ListEntry, ListEntry.added_date, literal(True)),
        ):
            stmt = select(model.entity_id, _txt(when), serious).where(model.status != RecordStatus.WITHDRAWN)
            if model is ListEntry:
                stmt = stmt.where(ListEntry.list_type == ListType.SERIOUS_ILLEGAL)
            stmts.append(stmt if chunk is None else stmt.where(model.entity_id.in_(chunk)))
    frame = _frame(stmts, ["entity_id", "date", "serious"])
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    frame["serious"] = frame["serious"].astype(bool)
    return frame.dropna(subset=["entity_id", "date"]).reset_index(drop=True)
