"""Campaigns: create, commit to a seed, draw, plan jointly, staff, publish, release; the public inputs.

The ORM side of ``risk.campaign``: the candidate pairs (supervised population x agency, with credit class
and the active model's probability where it has one) are loaded as a frame, drawn and planned in
``risk.campaign``, and written back as CampaignSelection, InspectionTask, TaskAgency and TaskInspector
rows. Never commits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import Select, String, cast, delete, func, or_, select

from models import (
    Agency,
    Campaign,
    CampaignAgency,
    CampaignSelection,
    CampaignStatus,
    ClusterMember,
    Complaint,
    ConflictDeclaration,
    EnforcementAction,
    EntityStatus,
    Inspection,
    InspectionInspector,
    InspectionTask,
    Licence,
    ListEntry,
    MarketEntity,
    ModelVersion,
    RiskScore,
    Role,
    SelectionReason,
    TaskAgency,
    TaskInspector,
    TaskStatus,
    User,
    Violation,
)
from risk import campaign as planning

from ..extensions import db
from ..i18n import label
from . import audit, notifications
from .working_days import local_day

log = logging.getLogger(__name__)
CHUNK = 900
#: days between one visit's window and the next when a campaign's period is split into windows
WINDOW_DAYS = 14
#: the longest campaign period, in days (three years)
MAX_PERIOD_DAYS = 3 * 366
#: visits one agency can make in one campaign, at most
MAX_CAPACITY = 100_000
PUBLIC_INPUTS_VERSION = 1


class CampaignError(ValueError):
    """A campaign step that cannot be taken now; the message says why."""


@dataclass
class AgencyPart:
    """One participating agency as the coordinator sets it up."""

    agency_id: int
    capacity: int
    matters: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def _require(campaign: Campaign, *allowed: CampaignStatus) -> None:
    if campaign.status not in allowed:
        needed = reduce(lambda a, b: _("%(first)s or %(second)s", first=a, second=b), map(label, allowed))
        raise CampaignError(_("Campaign %(id)s is “%(status)s”: this step can only be taken when it is "
                              "“%(needed)s”.", id=campaign.id, status=label(campaign.status), needed=needed))


def visible_campaigns(user: User | Any) -> Select:
    """The campaigns the user's agency leads or takes part in (administrators: all), as a select."""
    stmt = select(Campaign)
    if user.role != Role.ADMIN:
        stmt = stmt.where(or_(Campaign.lead_agency_id == user.agency_id,
                              Campaign.id.in_(select(CampaignAgency.campaign_id)
                                              .where(CampaignAgency.agency_id == user.agency_id))))
    return stmt


def create_campaign(name: str, period_start: date, period_end: date, parts: Sequence[AgencyPart], *,
                    user: User | None = None, class_ratios: dict[str, float] | None = None,
                    random_share: float = planning.DEFAULT_RANDOM_SHARE, cost_per_visit: float = 0.3,
                    description: str | None = None, lead_agency_id: int | None = None) -> Campaign:
    """A draft campaign with its agencies, matters, capacities, ratios and random share."""
    if not name.strip():
        raise CampaignError(_("Give the campaign a name."))
    if period_end < period_start:
        raise CampaignError(_("The period ends before it starts: check its dates."))
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise CampaignError(_("A campaign lasts at most three years."))
    if not parts:
        raise CampaignError(_("At least one agency must take part in the campaign."))
    ratios = dict(planning.DEFAULT_RATIOS if class_ratios is None else class_ratios)
    try:
        planning.DrawSettings(class_ratios=ratios, random_share=random_share)
    except ValueError as exc:
        unknown = sorted(set(ratios) - set(planning.CLASSES))
        raise CampaignError(
            _("Credit classes are A, B, C and D; there is no class %(classes)s.", classes=", ".join(unknown))
            if unknown else _("Each class ratio and the random share must lie between 0 and 1.")) from exc
    seen: set[int] = set()
    for part in parts:
        if part.agency_id in seen:
            raise CampaignError(_("Agency %(id)s is listed twice.", id=part.agency_id))
        if not 0 <= part.capacity <= MAX_CAPACITY:
            raise CampaignError(_("The capacity of agency %(id)s must be a whole number from 0 to %(max)s.",
                                  id=part.agency_id, max=MAX_CAPACITY))
        if db.session.get(Agency, part.agency_id) is None:
            raise CampaignError(_("Agency %(id)s does not exist.", id=part.agency_id))
        seen.add(part.agency_id)
    campaign = Campaign(name=name.strip(), description=description, period_start=period_start,
                        period_end=period_end, class_ratios=ratios, random_share=float(random_share),
                        cost_per_visit=float(cost_per_visit), created_by_id=getattr(user, "id", None),
                        lead_agency_id=lead_agency_id or parts[0].agency_id, status=CampaignStatus.DRAFT)
    db.session.add(campaign)
    db.session.flush()
    for part in parts:
        db.session.add(CampaignAgency(campaign_id=campaign.id, agency_id=part.agency_id, capacity=int(part.capacity),
                                      matters=[m for m in part.matters if m]))
    db.session.flush()
    audit.record("campaign.create", object_type="campaign", object_id=campaign.id, user=user, name=campaign.name)
    return campaign


def commit_seed(campaign: Campaign, *, user: User | None = None, seed: str | None = None) -> str:
    """Choose the seed and publish its SHA-256; the seed itself stays hidden until the draw."""
    _require(campaign, CampaignStatus.DRAFT)
    campaign.seed = seed or planning.new_seed()
    campaign.seed_commitment = planning.commitment(campaign.seed)
    campaign.committed_at = _now()
    campaign.status = CampaignStatus.COMMITTED
    db.session.flush()
    audit.record("campaign.commit", object_type="campaign", object_id=campaign.id, user=user,
                 commitment=campaign.seed_commitment)
    return campaign.seed_commitment


def _codes(campaign: Campaign) -> dict[int, str]:
    return {part.agency_id: part.agency.code for part in campaign.agencies}


def capacities(campaign: Campaign) -> dict[str, int]:
    """Capacity per agency code."""
    return {part.agency.code: int(part.capacity) for part in campaign.agencies}


def settings_of(campaign: Campaign) -> planning.DrawSettings:
    """The campaign's draw settings."""
    return planning.DrawSettings(class_ratios=dict(campaign.class_ratios or {}), random_share=campaign.random_share)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def supervised(agency: Agency, entities: pd.DataFrame) -> pd.Series:
    """Which entities an agency supervises: every one for market supervision or an agency with no records yet;
    otherwise the industries it holds records in, plus every entity it holds a record of."""
    touched: set[int] = set()
    for model in (Inspection, Violation, EnforcementAction, Licence, ListEntry, Complaint):
        touched.update(int(e) for e in db.session.scalars(
            select(model.entity_id).where(model.agency_id == agency.id, model.entity_id.is_not(None)).distinct()))
    if agency.domain == "market" or not touched:
        return pd.Series(True, index=entities.index)
    industries = set(entities.loc[entities["entity_id"].isin(touched), "industry_code"].dropna())
    return entities["entity_id"].isin(touched) | entities["industry_code"].isin(industries)


def _probabilities(agency_ids: dict[int, str]) -> pd.DataFrame:
    """The active model's latest probability per (entity, agency code): agency-specific, else entity-wide."""
    model_id = db.session.scalar(select(ModelVersion.id).where(ModelVersion.active.is_(True))
                                 .order_by(ModelVersion.activated_at.desc(), ModelVersion.id.desc()).limit(1))
    if model_id is None:
        return pd.DataFrame(columns=["entity_id", "agency_id", "probability"])
    rows = db.session.execute(select(RiskScore.entity_id, RiskScore.agency_id, RiskScore.as_of, RiskScore.id,
                                     RiskScore.probability).where(RiskScore.model_version_id == model_id)).all()
    frame = pd.DataFrame(rows, columns=["entity_id", "agency_id", "as_of", "id", "probability"])
    return (frame.sort_values(["entity_id", "agency_id", "as_of", "id"])
            .drop_duplicates(["entity_id", "agency_id"], keep="last")[["entity_id", "agency_id", "probability"]])


def candidates(campaign: Campaign) -> pd.DataFrame:
    """Every eligible (entity, agency) pair of the campaign: active entities each agency supervises."""
    rows = db.session.execute(select(MarketEntity.id, cast(MarketEntity.credit_class, String),
                                     MarketEntity.industry_code)
                              .where(MarketEntity.merged_into_id.is_(None),
                                     MarketEntity.status == EntityStatus.ACTIVE)).all()
    entities = pd.DataFrame(rows, columns=["entity_id", "credit_class", "industry_code"])
    codes = _codes(campaign)
    scores = _probabilities(codes)
    overall = scores.loc[scores["agency_id"].isna()].set_index("entity_id")["probability"]
    parts = []
    for part in sorted(campaign.agencies, key=lambda p: p.agency.code):
        mine = entities.loc[supervised(part.agency, entities)]
        specific = scores.loc[scores["agency_id"] == part.agency_id].set_index("entity_id")["probability"]
        prob = mine["entity_id"].map(specific).fillna(mine["entity_id"].map(overall))
        parts.append(pd.DataFrame({"entity_id": mine["entity_id"].to_numpy(), "agency": part.agency.code,
                                   "credit_class": mine["credit_class"].to_numpy(),
                                   "probability": prob.to_numpy(dtype=float)}))
    if not parts:
        return pd.DataFrame(columns=list(planning.CANDIDATE_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def run_draw(campaign: Campaign, *, user: User | None = None) -> pd.DataFrame:
    """Draw with the committed seed, store the selection and the published inputs, reveal the seed."""
    _require(campaign, CampaignStatus.COMMITTED)
    cands = candidates(campaign)
    settings = settings_of(campaign)
    agency_of = {code: aid for aid, code in _codes(campaign).items()}
    # risk clusters sent to the draft (regulator.graph.campaigns) stay: they are targets, not draws, and the
    # capacity reserved for them is not drawn (so random and cluster pairs always fit the plan)
    kept = {(int(e), int(a)) for e, a in db.session.execute(select(
        CampaignSelection.entity_id, CampaignSelection.agency_id).where(
        CampaignSelection.campaign_id == campaign.id, CampaignSelection.reason == SelectionReason.CLUSTER))}
    code_of = {aid: code for code, aid in agency_of.items()}
    reserved: dict[str, int] = {}
    for _entity, agency_id in kept:
        if agency_id in code_of:
            reserved[code_of[agency_id]] = reserved.get(code_of[agency_id], 0) + 1
    caps = {code: max(cap - reserved.get(code, 0), 0) for code, cap in capacities(campaign).items()}
    selection = planning.draw(cands, caps, campaign.seed, settings)
    db.session.execute(delete(CampaignSelection).where(CampaignSelection.campaign_id == campaign.id,
                                                       CampaignSelection.reason != SelectionReason.CLUSTER))
    db.session.add_all([CampaignSelection(
        campaign_id=campaign.id, entity_id=int(r.entity_id), agency_id=agency_of[r.agency],
        credit_class=r.credit_class, reason=SelectionReason(r.reason),
        selection_probability=float(r.selection_probability), risk_probability=float(r.risk_probability),
        rank=int(r.rank)) for r in selection.itertuples(index=False)
        if (int(r.entity_id), agency_of[r.agency]) not in kept])
    campaign.draw_inputs = {
        "version": PUBLIC_INPUTS_VERSION, "capacities": caps, "class_ratios": dict(settings.class_ratios),
        "random_share": settings.random_share, "candidates": len(cands),
        "fingerprint": planning.fingerprint(cands, caps, settings),
        "public_fingerprint": planning.fingerprint(planning.public_pool(cands), caps, settings),
        "by_reason": {str(k): int(v) for k, v in selection["reason"].value_counts().items()},
        "by_stratum": {str(k): int(v) for k, v in selection["stratum"].value_counts().items()},
        "pool": _compact_pool(cands), "reserved_for_clusters": reserved,
        "numpy": np.__version__,  # NumPy's generators promise the same numbers only within a version
        "random_pairs": {str(a): sorted(int(e) for e in g["entity_id"])
                         for a, g in selection.loc[selection["reason"] == "random_draw"].groupby("agency")},
    }
    campaign.drawn_at = _now()
    campaign.status = CampaignStatus.DRAWN
    db.session.flush()
    audit.record("campaign.draw", object_type="campaign", object_id=campaign.id, user=user,
                 selected=len(selection), fingerprint=campaign.draw_inputs["fingerprint"])
    log.info("campaign %d drawn: %d pairs from %d candidates", campaign.id, len(selection), len(cands))
    return selection


def _compact_pool(cands: pd.DataFrame) -> dict[str, dict[str, list[int]]]:
    """The pool as it was at the draw, {agency: {class: [entity ids]}}: later class changes (results recorded
    after the draw move classes) must not change what the public re-runs."""
    frame = planning.validate_candidates(cands)
    return {str(agency): {str(cls): sorted(int(e) for e in ids) for cls, ids in g.groupby("credit_class")["entity_id"]}
            for agency, g in frame.groupby("agency")}


def pool_at_draw(campaign: Campaign) -> pd.DataFrame:
    """The public pool (entity, agency, class) the draw ran on."""
    stored = (campaign.draw_inputs or {}).get("pool")
    if stored is None:
        return planning.public_pool(candidates(campaign))
    rows = [(e, agency, cls) for agency, by_class in stored.items() for cls, ids in by_class.items() for e in ids]
    return pd.DataFrame(rows, columns=["entity_id", "agency", "credit_class"]).assign(probability=float("nan"))


def selection_frame(campaign: Campaign) -> pd.DataFrame:
    """The stored selection as a frame with agency codes."""
    codes = _codes(campaign)
    rows = db.session.execute(select(CampaignSelection.entity_id, CampaignSelection.agency_id,
                                     cast(CampaignSelection.credit_class, String),
                                     cast(CampaignSelection.reason, String), CampaignSelection.selection_probability,
                                     CampaignSelection.risk_probability, CampaignSelection.rank)
                              .where(CampaignSelection.campaign_id == campaign.id)).all()
    frame = pd.DataFrame(rows, columns=["entity_id", "agency_id", "credit_class", "reason", "selection_probability",
                                        "risk_probability", "rank"])
    frame["agency"] = frame["agency_id"].map(codes)
    return frame


def _clusters(entity_ids: Iterable[int]) -> dict[int, int]:
    """Entity -> its latest risk cluster, for planning a cluster as one target."""
    out: dict[int, int] = {}
    ids = sorted(set(entity_ids))
    for chunk in _chunks(ids):
        for entity_id, cluster_id in db.session.execute(
                select(ClusterMember.entity_id, ClusterMember.cluster_id).where(ClusterMember.entity_id.in_(chunk))
                .order_by(ClusterMember.cluster_id)):
            out[int(entity_id)] = int(cluster_id)
    return out


def _sent_clusters(campaign: Campaign) -> dict[int, int]:
    """Entity -> the risk cluster it was sent to this campaign with (regulator.graph.campaigns)."""
    return {int(e): int(c) for e, c in db.session.execute(select(
        CampaignSelection.entity_id, CampaignSelection.cluster_id).where(
        CampaignSelection.campaign_id == campaign.id, CampaignSelection.reason == SelectionReason.CLUSTER,
        CampaignSelection.cluster_id.is_not(None)))}


def build_plan(campaign: Campaign, *, user: User | None = None, use_clusters: bool = False,
               staff: bool = True) -> planning.JointPlan:
    """Solve the joint plan (random pairs fixed, risk pairs chosen by the MILP) and write the tasks."""
    _require(campaign, CampaignStatus.DRAWN, CampaignStatus.PLANNED)
    cands = candidates(campaign)
    selection = selection_frame(campaign)
    pinned = selection["reason"].isin([SelectionReason.RANDOM_DRAW.value, SelectionReason.CLUSTER.value])
    fixed = selection.loc[pinned, ["entity_id", "agency"]].merge(cands[["entity_id", "agency"]])
    clusters = _clusters(cands["entity_id"]) if use_clusters else {}
    clusters.update(_sent_clusters(campaign))  # a cluster sent to the campaign is always one visit
    try:
        plan = planning.plan_joint(cands, capacities(campaign), campaign.cost_per_visit, fixed=fixed,
                                   clusters=clusters)
    except (ValueError, RuntimeError) as exc:
        log.warning("campaign %d: no joint plan: %s", campaign.id, exc)
        raise CampaignError(_("The joint plan could not be built: the drawn checks do not fit the agencies' "
                              "capacities, or no plan was found in time. Try again; if it fails again, tell "
                              "the administrator.")) from exc
    _clear_tasks(campaign)
    _write_tasks(campaign, plan, selection)
    campaign.plan_summary = plan.summary
    campaign.planned_at = _now()
    campaign.status = CampaignStatus.PLANNED
    db.session.flush()
    if staff:
        staff_tasks(campaign)
    audit.record("campaign.plan", object_type="campaign", object_id=campaign.id, user=user,
                 visits=plan.summary["visits"], pairs=plan.summary["pairs"])
    return plan


def cluster_visits(campaign: Campaign) -> set[int]:
    """The relationship clusters the plan visits as one with several entities (several tasks share the visit)."""
    return set(db.session.scalars(
        select(InspectionTask.cluster_id).where(InspectionTask.campaign_id == campaign.id,
                                                InspectionTask.cluster_id.is_not(None))
        .group_by(InspectionTask.cluster_id).having(func.count() > 1)))


def shared_visits(campaign: Campaign) -> dict[int, list[int]]:
    """Task id -> the ids of all the tasks of its visit, for the tasks that share one (a relationship cluster
    visited as one: the same cluster and window, as ``visit_tasks`` has it); a task visited alone is not in it."""
    groups: dict[tuple[int, date, date], list[int]] = {}
    for task_id, cluster_id, start, end in db.session.execute(
            select(InspectionTask.id, InspectionTask.cluster_id, InspectionTask.window_start,
                   InspectionTask.window_end)
            .where(InspectionTask.campaign_id == campaign.id, InspectionTask.cluster_id.is_not(None))
            .order_by(InspectionTask.id)):
        groups.setdefault((cluster_id, start, end), []).append(task_id)
    return {task_id: ids for ids in groups.values() if len(ids) > 1 for task_id in ids}


def plan_figures(campaign: Campaign) -> dict[str, Any]:
    """The plan summary with every count the campaign page shows.

    A check is one agency's part at one entity, a task one entity's visit (its checks), a visit one outing: to
    an entity, or to a relationship cluster planned as one target, whose entities each have their task
    (``InspectionTask.cluster_id``). A plan stored before tasks were counted gets them from its tasks.

    "Each agency alone" is each agency's own best plan (``planning.separate_plans``): the checks fixed before
    planning (random draw, relationship clusters sent to the campaign; ``alone_fixed``) and, up to its capacity,
    only the others worth a visit of their own (``alone_worth``): other, and often fewer, checks than the joint
    plan's. A plan stored before ``alone_fixed`` gets it from its tasks: the joint plan makes every fixed check.
    """
    summary = dict(campaign.plan_summary or {})
    if summary.get("visits") is None:
        return summary
    if "tasks" not in summary:
        tasks = db.session.scalar(select(func.count()).select_from(InspectionTask)
                                  .where(InspectionTask.campaign_id == campaign.id)) or 0
        summary.update(tasks=tasks, cluster_visits=len(cluster_visits(campaign)),
                       saved_by_agencies=summary["pairs"] - tasks, saved_by_clusters=tasks - summary["visits"])
    if "alone_fixed" not in summary:
        summary["alone_fixed"] = db.session.scalar(
            select(func.count()).select_from(TaskAgency).join(InspectionTask)
            .where(InspectionTask.campaign_id == campaign.id,
                   TaskAgency.selection_reason.in_([SelectionReason.RANDOM_DRAW, SelectionReason.CLUSTER]))) or 0
    if "alone_pairs" in summary:
        summary["alone_worth"] = summary["alone_pairs"] - summary["alone_fixed"]
    return summary


def _clear_tasks(campaign: Campaign) -> None:
    ids = list(db.session.scalars(select(InspectionTask.id).where(InspectionTask.campaign_id == campaign.id)))
    for chunk in _chunks(ids):
        db.session.execute(delete(TaskInspector).where(TaskInspector.task_id.in_(chunk)))
        db.session.execute(delete(TaskAgency).where(TaskAgency.task_id.in_(chunk)))
        db.session.execute(delete(InspectionTask).where(InspectionTask.id.in_(chunk)))
    db.session.expire(campaign, ["tasks"])


def _windows(campaign: Campaign, n: int) -> list[tuple[date, date]]:
    """Spread visits over the period in windows of WINDOW_DAYS, riskiest first."""
    days = max((campaign.period_end - campaign.period_start).days + 1, 1)
    slots = max(days // WINDOW_DAYS, 1)
    out = []
    for i in range(n):
        start = campaign.period_start + timedelta(days=(i * slots // max(n, 1)) * WINDOW_DAYS)
        out.append((start, start + timedelta(days=min(WINDOW_DAYS - 1, (campaign.period_end - start).days))))
    return out


def _write_tasks(campaign: Campaign, plan: planning.JointPlan, selection: pd.DataFrame) -> None:
    agency_of = {code: aid for aid, code in _codes(campaign).items()}
    matters = {part.agency.code: list(part.matters or []) for part in campaign.agencies}
    drawn = {(int(r.entity_id), r.agency): r for r in selection.itertuples(index=False)}
    pairs = plan.pairs.copy()
    # a task per entity; a visit target (an entity, or a cluster visited as one) gets one window for all its
    # tasks, the targets with most expected findings first
    entities = (pairs.groupby("entity_id").agg(expected=("probability", "sum"), visit=("visit", "first"))
                .reset_index().sort_values(["expected", "entity_id"], ascending=[False, True], kind="stable"))
    targets = (entities.groupby("visit").agg(expected=("expected", "sum"), first=("entity_id", "min"))
               .sort_values(["expected", "first"], ascending=[False, True], kind="stable"))
    windows = dict(zip(targets.index, _windows(campaign, len(targets)), strict=True))
    order = {visit: i for i, visit in enumerate(targets.index)}
    entities = entities.assign(order=entities["visit"].map(order)).sort_values("order", kind="stable")
    groups = dict(iter(pairs.groupby("entity_id", sort=False)))
    for entity_id, expected, visit in zip(entities["entity_id"], entities["expected"], entities["visit"],
                                          strict=True):
        mine = groups[entity_id].sort_values("probability", ascending=False)
        visit = str(visit)
        start, end = windows[visit]
        task = InspectionTask(campaign_id=campaign.id, entity_id=int(entity_id), window_start=start, window_end=end,
                              expected_findings=float(expected), status=TaskStatus.PLANNED,
                              cluster_id=int(visit[1:]) if visit.startswith("c") else None)
        db.session.add(task)
        db.session.flush()
        for row in mine.itertuples(index=False):
            hit = drawn.get((int(entity_id), row.agency))
            random_pair = hit is not None and hit.reason == SelectionReason.RANDOM_DRAW.value
            cluster_pair = hit is not None and hit.reason == SelectionReason.CLUSTER.value
            db.session.add(TaskAgency(
                task_id=task.id, agency_id=agency_of[row.agency], matters=matters.get(row.agency, []),
                risk_probability=float(row.probability),
                selection_reason=(SelectionReason.RANDOM_DRAW if random_pair else
                                  SelectionReason.CLUSTER if cluster_pair else SelectionReason.RISK_RANKING),
                selection_probability=float(hit.selection_probability) if random_pair else 1.0))
    db.session.flush()


def visit_key(task: InspectionTask) -> str | None:
    """What the tasks of one visit share: a relationship cluster visited as one and its window (None: the task
    is a visit of its own)."""
    if task.cluster_id is None:
        return None
    return f"c{task.cluster_id}:{task.window_start.isoformat()}:{task.window_end.isoformat()}"


def visit_tasks(task: InspectionTask) -> list[InspectionTask]:
    """The tasks of the task's visit (the task alone, unless a relationship cluster is visited as one), by id."""
    if task.cluster_id is None:
        return [task]
    return list(db.session.scalars(select(InspectionTask).where(
        InspectionTask.campaign_id == task.campaign_id, InspectionTask.cluster_id == task.cluster_id,
        InspectionTask.window_start == task.window_start, InspectionTask.window_end == task.window_end)
        .order_by(InspectionTask.id)))


def staff_tasks(campaign: Campaign, *, seed: str | None = None) -> planning.Assignment | None:
    """Draw inspectors for every task of the campaign that has none yet (None when no pool exists yet)."""
    tasks = db.session.scalars(select(InspectionTask).where(
        InspectionTask.campaign_id == campaign.id, ~InspectionTask.inspectors.any(),
        InspectionTask.status.in_([TaskStatus.PLANNED, TaskStatus.ASSIGNED]))).all()
    if not tasks:
        return None
    agency_ids = [part.agency_id for part in campaign.agencies]
    codes = _codes(campaign)
    pool_rows = db.session.execute(select(User.id, User.agency_id).where(
        User.role == Role.INSPECTOR, User.active.is_(True), User.agency_id.in_(agency_ids))).all()
    if not pool_rows:
        return None
    pool = pd.DataFrame([(u, codes[a]) for u, a in pool_rows], columns=["user_id", "agency"])
    visit_rows = []
    for task in sorted(tasks, key=lambda t: t.id):
        for part in sorted(task.agencies, key=lambda p: -(p.risk_probability or 0)):
            visit_rows.append({"task": task.id, "entity_id": task.entity_id, "agency": codes[part.agency_id],
                               "visit": visit_key(task)})
    visits = pd.DataFrame(visit_rows, columns=["task", "entity_id", "agency", "visit"])
    entity_ids = sorted({t.entity_id for t in tasks})
    today = local_day()
    conflict_rows, last_rows = [], []
    for chunk in _chunks(entity_ids):
        conflict_rows += db.session.execute(select(ConflictDeclaration.user_id, ConflictDeclaration.entity_id).where(
            ConflictDeclaration.entity_id.in_(chunk),
            (ConflictDeclaration.valid_until.is_(None)) | (ConflictDeclaration.valid_until >= today))).all()
        last_rows += last_inspectors(chunk)
    load = open_load()
    result = planning.assign_inspectors(
        visits, pool, seed or campaign.seed or str(campaign.id),
        conflicts=pd.DataFrame(conflict_rows, columns=["user_id", "entity_id"]),
        last=pd.DataFrame(last_rows, columns=["user_id", "entity_id"]), existing_load=load)
    agency_of = {code: aid for aid, code in codes.items()}
    for row in result.assigned.itertuples(index=False):
        db.session.add(TaskInspector(task_id=int(row.task), user_id=int(row.user_id), agency_id=agency_of[row.agency]))
    staffed = set(result.assigned["task"])
    for task in tasks:
        if task.id in staffed:
            task.status = TaskStatus.ASSIGNED
    if campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.RELEASED):  # else told when it is published
        outing = {task.id: visit_key(task) or task.id for task in tasks}
        visits = result.assigned.assign(visit=result.assigned["task"].map(outing)).groupby("user_id")["visit"].nunique()
        notifications.tasks_assigned(campaign.id, {int(u): int(n) for u, n in visits.items()})
    summary = dict(campaign.plan_summary or {})
    summary["shortfalls"] = result.shortfalls.to_dict("records")
    campaign.plan_summary = summary
    db.session.flush()
    return result


def open_load() -> dict[int, int]:
    """Open visits each inspector is drawn for (the draw gives the next to the least loaded): the tasks of a
    relationship cluster visited as one count once."""
    is_open = InspectionTask.status.in_([TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS])
    load = dict(db.session.execute(
        select(TaskInspector.user_id, func.count(TaskInspector.id)).join(InspectionTask)
        .where(is_open, InspectionTask.cluster_id.is_(None)).group_by(TaskInspector.user_id)).all())
    outings = (select(TaskInspector.user_id).join(InspectionTask)
               .where(is_open, InspectionTask.cluster_id.is_not(None))
               .group_by(TaskInspector.user_id, InspectionTask.campaign_id, InspectionTask.cluster_id,
                         InspectionTask.window_start, InspectionTask.window_end).subquery())
    for user_id, n in db.session.execute(select(outings.c.user_id, func.count()).group_by(outings.c.user_id)):
        load[user_id] = load.get(user_id, 0) + n
    return load


def last_inspectors(entity_ids: list[int]) -> list[tuple[int, int]]:
    """(user, entity) for the platform inspectors of each entity's most recent inspection that had any."""
    rows = db.session.execute(select(Inspection.entity_id, Inspection.inspection_date, Inspection.id,
                                     InspectionInspector.user_id)
                              .join(InspectionInspector, InspectionInspector.inspection_id == Inspection.id)
                              .where(Inspection.entity_id.in_(entity_ids))).all()
    if not rows:
        return []
    frame = pd.DataFrame(rows, columns=["entity_id", "day", "inspection_id", "user_id"])
    latest = frame.sort_values(["entity_id", "day", "inspection_id"]).groupby("entity_id")["inspection_id"].last()
    last = frame.loc[frame["inspection_id"].isin(set(latest))]
    return [(int(u), int(e)) for u, e in zip(last["user_id"], last["entity_id"], strict=True)]


def visits_by_inspector(campaign: Campaign) -> dict[int, int]:
    """How many of the campaign's visits each inspector is drawn for (a relationship cluster visited as one
    counts once)."""
    outings: dict[int, set[Any]] = {}
    for user_id, task in db.session.execute(select(TaskInspector.user_id, InspectionTask).join(InspectionTask)
                                            .where(InspectionTask.campaign_id == campaign.id)):
        outings.setdefault(user_id, set()).add(visit_key(task) or task.id)
    return {user_id: len(visits) for user_id, visits in outings.items()}


def publish_plan(campaign: Campaign, *, user: User | None = None) -> None:
    """Hand the plan to the inspectors (their task lists show it from now on)."""
    _require(campaign, CampaignStatus.PLANNED)
    staff_tasks(campaign)
    campaign.status = CampaignStatus.PUBLISHED
    campaign.published_at = _now()
    db.session.flush()
    notifications.tasks_assigned(campaign.id, visits_by_inspector(campaign))
    audit.record("campaign.publish", object_type="campaign", object_id=campaign.id, user=user)


def release_results(campaign: Campaign, *, user: User | None = None) -> int:
    """Make the campaign's recorded results public; returns how many inspections were published."""
    _require(campaign, CampaignStatus.PUBLISHED, CampaignStatus.RELEASED)
    now = _now()
    inspections = db.session.scalars(select(Inspection).join(InspectionTask, InspectionTask.id == Inspection.task_id)
                                     .where(InspectionTask.campaign_id == campaign.id,
                                            Inspection.published.is_(False))).all()
    for inspection in inspections:
        inspection.published, inspection.published_at = True, now
    campaign.status = CampaignStatus.RELEASED
    campaign.released_at = campaign.released_at or now
    db.session.flush()
    audit.record("campaign.release", object_type="campaign", object_id=campaign.id, user=user,
                 inspections=len(inspections))
    return len(inspections)


def seed_public(campaign: Campaign) -> bool:
    """Whether the seed and the draw's inputs are public: once results are released and no visit is left to make
    (each done or cancelled) or the period is over. The seed names every entity drawn, so revealing it at the draw
    would announce the checks; the commitment published before the draw still binds it."""
    if campaign.released_at is None or campaign.drawn_at is None:
        return False
    if campaign.period_end < local_day():
        return True
    return db.session.scalar(select(InspectionTask.id).where(
        InspectionTask.campaign_id == campaign.id,
        InspectionTask.status.in_((TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS))).limit(1)) is None


def public_inputs(campaign: Campaign) -> dict[str, Any]:
    """Everything a member of the public needs to re-run the draw (after it), as one JSON-able document."""
    if campaign.drawn_at is None:
        raise CampaignError(_("The draw has not run yet: only the seed commitment is public."))
    stored = (campaign.draw_inputs or {}).get("random_pairs")
    if stored is not None:  # as drawn (a drawn pair that was also a cluster target is stored as the cluster's)
        random_pairs = pd.DataFrame([(e, a) for a, ids in stored.items() for e in ids],
                                    columns=["entity_id", "agency"])
    else:
        selection = selection_frame(campaign)
        random_pairs = selection.loc[selection["reason"] == SelectionReason.RANDOM_DRAW.value]
    caps = {str(k): int(v) for k, v in campaign.draw_inputs.get("capacities", capacities(campaign)).items()}
    settings = planning.DrawSettings(class_ratios=campaign.draw_inputs.get("class_ratios", campaign.class_ratios),
                                     random_share=campaign.draw_inputs.get("random_share", campaign.random_share))
    drawn_with = {"numpy": campaign.draw_inputs["numpy"]} if campaign.draw_inputs.get("numpy") else {}
    return planning.build_document(pool_at_draw(campaign), caps, settings, campaign.seed, campaign.seed_commitment,
                                   random_pairs, version=PUBLIC_INPUTS_VERSION, campaign=campaign.id,
                                   name=campaign.name, **drawn_with)


def dumps(document: dict[str, Any]) -> str:
    """The public inputs as stable JSON text."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
