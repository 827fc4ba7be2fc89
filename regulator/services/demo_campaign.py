"""Demo stages of campaigns: a sample campaign committed, drawn, planned and published; once inspector
accounts exist, its visits staffed and some of them recorded by their inspectors (findings drawn from the
generated world's hidden compliance) and released, as the platform's users would do it.

``stage_campaign`` runs before the ``accounts`` stage (no inspector accounts yet: its visits are staffed
and recorded by ``stage_campaign_inspectors`` after it).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select

from models import (
    Agency,
    Campaign,
    EntityStatus,
    InspectionResult,
    InspectionTask,
    MarketEntity,
    PenaltyType,
    Severity,
)

from ..extensions import db
from ..signals import notify_records_changed
from . import campaigns as service
from . import referrals, task_results

log = logging.getLogger(__name__)
#: the demo campaign's description, by which the later stage finds it (its name says its period)
DEMO_DESCRIPTION = "演示：分层随机抽取 + 风险排序，联合检查一次到位"
MATTERS = {
    "SAMR": ["价格行为", "食品安全", "特种设备"], "MEE": ["排污许可", "危险废物"],
    "MEM": ["安全生产责任制", "隐患排查"], "FIRE": ["消防设施", "疏散通道"],
    "NHC": ["公共场所卫生", "医疗机构执业"], "TAX": ["发票管理", "纳税申报"], "HRSS": ["劳动合同", "工资支付"],
}
CAPACITY_SHARE = 0.03
RESULT_SHARE = 0.4


def _compliance(run: Any) -> dict[str, float]:
    world = getattr(run, "world", None)
    if world is None:
        return {}
    ents = world.entities
    return dict(zip(ents["uscc"].astype(str), ents["compliance"].astype(float), strict=True))


def _findings(rng: np.random.Generator, compliance: float, agency: str) -> list[task_results.FoundViolation]:
    """Violations as the generator draws them: more, and graver, as compliance falls."""
    from ..demo.catalogue import VIOLATION_CATALOGUE

    risk = 1.0 - compliance
    count = int(rng.poisson(0.05 + 2.0 * risk ** 1.7))
    catalogue = VIOLATION_CATALOGUE.loc[VIOLATION_CATALOGUE["agency"] == agency]
    found = []
    for _ in range(min(count, 4)):
        u = rng.random()
        p_crit = 0.03 + 0.25 * risk
        severity = "critical" if u < p_crit else "serious" if u < p_crit + 0.12 + 0.45 * risk else "minor"
        options = catalogue.loc[catalogue["severity"] == severity]
        if options.empty:
            continue
        row = options.iloc[int(rng.integers(0, len(options)))]
        found.append(task_results.FoundViolation(code=str(row["code"]), severity=Severity(severity),
                                                 description=str(row["description"])))
    return found


def demo_name(start: date, end: date) -> str:
    """The campaign's name after its period, as agencies name theirs ("2026年12月至2027年2月…")."""
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月“双随机、一公开”联合抽查"


def stage_campaign(run: Any) -> None:
    """A joint campaign over every demo agency, drawn and planned, with part of its results released."""
    active = db.session.scalar(select(func.count(MarketEntity.id)).where(
        MarketEntity.merged_into_id.is_(None), MarketEntity.status == EntityStatus.ACTIVE)) or 0
    if not active:
        run.echo("  no market entities yet: no demo campaign")
        return
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.id)).all()
    capacity = max(int(active * CAPACITY_SHARE), 5)
    start = date.today().replace(day=1)
    end = start + timedelta(days=89)
    parts = [service.AgencyPart(a.id, capacity, MATTERS.get(a.code, [])) for a in agencies]
    campaign = service.create_campaign(demo_name(start, end), start, end, parts, description=DEMO_DESCRIPTION)
    service.commit_seed(campaign)
    selection = service.run_draw(campaign)
    plan = service.build_plan(campaign)
    service.publish_plan(campaign)
    db.session.commit()
    s = plan.summary
    run.echo(f"  campaign {campaign.id}: {len(selection)} pairs drawn; {s['pairs']} checks in {s['visits']} visits "
             f"({s['joint_visits']} joint, {s['visits_saved']} visits saved); plan published")


def _record_some(run: Any, campaign: Campaign) -> int:
    truth = _compliance(run)
    rng = np.random.default_rng(getattr(getattr(run, "settings", None), "seed", 7))
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)
                               .order_by(InspectionTask.window_start, InspectionTask.id)).all()
    today = date.today()
    # visits whose window has begun, each dated on a day of its window up to today (never before it opens)
    tasks = [t for t in tasks[: int(len(tasks) * RESULT_SHARE)] if t.window_start <= today]
    recorded = 0
    for task in tasks:
        entity = task.entity
        fallback = {"A": 0.9, "B": 0.75, "C": 0.55, "D": 0.35}.get(getattr(entity.credit_class, "value", "B"), 0.75)
        compliance = truth.get(entity.uscc or "", fallback)
        day = _visit_day(rng, task, today)  # one visit: every agency of a joint task records the same day
        for part in list(task.agencies):
            inspector = next((ti.user for ti in task.inspectors if ti.agency_id == part.agency_id), None)
            found = _findings(rng, compliance, part.agency.code)
            grave = any(v.severity != Severity.MINOR for v in found)
            result = (InspectionResult.FAIL if grave or len(found) >= 3
                      else InspectionResult.PASS_WITH_CONDITIONS if found else InspectionResult.PASS)
            data = task_results.ResultInput(
                result=result, inspection_date=day, violations=found,
                penalty_type=PenaltyType.FINE if grave else None, penalty_amount="5000" if grave else None,
                notes="演示检查结果")
            task_results.record_result(task, part.agency_id, data, user=inspector, notify=False)
            recorded += 1
    notify_records_changed("result", [task.entity_id for task in tasks])
    return recorded


def _visit_day(rng: np.random.Generator, task: InspectionTask, today: date) -> date:
    last = min(task.window_end, today)
    return task.window_start + timedelta(days=int(rng.integers(0, (last - task.window_start).days + 1)))


def stage_campaign_inspectors(run: Any) -> None:
    """Draw inspectors for the demo campaign's visits, now that inspector accounts exist; then the first of
    its visits are recorded by their inspectors, the results released and joint-punishment alerts raised."""
    staffed = recorded = 0
    for campaign in db.session.scalars(select(Campaign).where(Campaign.description == DEMO_DESCRIPTION)).all():
        result = service.staff_tasks(campaign)
        staffed += 0 if result is None else int(result.assigned["task"].nunique())
        recorded += _record_some(run, campaign)
        service.release_results(campaign)
    # entities the ingested lists name as seriously illegal, and any the recorded results added
    alerts = referrals.raise_joint_punishment(db.session.scalars(select(MarketEntity.id)))
    db.session.commit()
    run.echo(f"  {staffed} demo visits staffed with inspectors; {recorded} results recorded by them and released; "
             f"{alerts} joint-punishment alerts")
