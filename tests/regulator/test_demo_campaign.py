"""The demo's campaign stages: a campaign drawn, planned and published; then staffed, partly recorded by its
inspectors and released."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from models import (
    Campaign,
    CampaignStatus,
    CreditClass,
    Inspection,
    InspectionInspector,
    InspectionTask,
    Role,
)
from regulator.extensions import db
from regulator.services.demo_campaign import stage_campaign, stage_campaign_inspectors


def test_demo_campaign_stages(app, make) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE", domain="environment")
    for i in range(120):
        make.entity(credit_class=[CreditClass.B, CreditClass.C, CreditClass.D][i % 3])
    said: list[str] = []
    run = SimpleNamespace(world=None, echo=said.append, settings=SimpleNamespace(seed=3))
    stage_campaign(run)
    campaign = db.session.scalar(select(Campaign))
    assert campaign.status == CampaignStatus.PUBLISHED and campaign.seed
    assert not db.session.scalars(select(Inspection)).all()
    for i in range(3):
        make.user(f"s{i}", Role.INSPECTOR, agency_id=samr.id)
        make.user(f"m{i}", Role.INSPECTOR, agency_id=mee.id)
    stage_campaign_inspectors(run)
    assert campaign.status == CampaignStatus.RELEASED
    published = db.session.scalars(select(Inspection).where(Inspection.published.is_(True))).all()
    assert published and all(i.task_id for i in published)
    # recorded by the inspectors drawn for them, of their own agency, as an inspector would record them
    for inspection in published:
        task = db.session.get(InspectionTask, inspection.task_id)
        drawn = {ti.user_id for ti in task.inspectors if ti.agency_id == inspection.agency_id}
        took_part = set(db.session.scalars(select(InspectionInspector.user_id).where(
            InspectionInspector.inspection_id == inspection.id)))
        assert drawn and took_part == drawn
        assert inspection.inspectors_text
        assert task.window_start <= inspection.inspection_date <= min(task.window_end, date.today())  # in its window
    days = {}
    for inspection in published:  # a joint visit: every agency of the task on the same day
        days.setdefault(inspection.task_id, set()).add(inspection.inspection_date)
    assert all(len(d) == 1 for d in days.values())
    open_tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.completed_at.is_(None))).all()
    assert open_tasks and all(len(t.inspectors) >= 2 for t in open_tasks)
    assert "plan published" in said[0] and "staffed" in said[1] and "recorded by them and released" in said[1]


def test_demo_campaign_skips_without_entities(sqlite_app) -> None:  # noqa: ANN001
    said: list[str] = []
    stage_campaign(SimpleNamespace(world=None, echo=said.append, settings=None))
    assert "no demo campaign" in said[0]
