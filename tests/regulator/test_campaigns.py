"""Campaign services end to end on the database: create, commit, draw, plan, staff, results, release, verify."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import (
    Alert,
    AlertKind,
    CampaignSelection,
    CampaignStatus,
    ConflictDeclaration,
    CreditClass,
    EnforcementAction,
    Inspection,
    InspectionInspector,
    InspectionResult,
    InspectionTask,
    ListType,
    Notification,
    PenaltyType,
    ReferralStatus,
    Role,
    SelectionReason,
    Severity,
    TaskInspector,
    TaskStatus,
    Violation,
)
from regulator.extensions import db
from regulator.services import campaigns as service
from regulator.services import referrals, task_results, working_days
from risk.campaign import commitment, verify_document


def world(make, n: int = 80):  # noqa: ANN001, ANN201
    samr, mee = make.agency("SAMR", domain="market"), make.agency("MEE", domain="environment")
    classes = [CreditClass.A, CreditClass.B, CreditClass.C, CreditClass.D]
    entities = [make.entity(credit_class=classes[i % 4]) for i in range(n)]
    inspectors = [make.user(f"samr{i}", Role.INSPECTOR, agency_id=samr.id) for i in range(3)]
    inspectors += [make.user(f"mee{i}", Role.INSPECTOR, agency_id=mee.id) for i in range(3)]
    return samr, mee, entities, inspectors


def make_campaign(samr, mee, **kw):  # noqa: ANN001, ANN003, ANN201
    kw.setdefault("cost_per_visit", 0.2)
    return service.create_campaign("2025 第一季度双随机", date(2025, 1, 1), date(2025, 3, 31),
                                   [service.AgencyPart(samr.id, 12, ["价格", "食品安全"]),
                                    service.AgencyPart(mee.id, 6, ["排污许可"])], **kw)


def test_campaign_flow(app, make) -> None:  # noqa: ANN001
    """Commitment before the draw; draw stores reasons and probabilities; plan within capacity; staffed tasks."""
    samr, mee, entities, inspectors = world(make)
    db.session.add(ConflictDeclaration(user_id=inspectors[0].id, entity_id=entities[3].id, reason="亲属"))
    campaign = make_campaign(samr, mee)
    with pytest.raises(service.CampaignError, match="only be taken when it is “Seed committed”"):
        service.run_draw(campaign)
    published = service.commit_seed(campaign, seed="fixed-seed-1")
    assert published == commitment("fixed-seed-1") and campaign.status == CampaignStatus.COMMITTED
    selection = service.run_draw(campaign)
    assert campaign.status == CampaignStatus.DRAWN
    stored = db.session.scalars(select(CampaignSelection).where(CampaignSelection.campaign_id == campaign.id)).all()
    assert len(stored) == len(selection) == 18
    assert all(s.credit_class != CreditClass.A for s in stored)
    assert {s.reason for s in stored} <= {SelectionReason.RANDOM_DRAW, SelectionReason.RISK_RANKING}
    assert all(s.selection_probability is not None for s in stored)
    plan = service.build_plan(campaign)
    assert campaign.status == CampaignStatus.PLANNED
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    assert len(tasks) == plan.summary["visits"]
    per_agency: dict[int, int] = {}
    for task in tasks:
        assert campaign.period_start <= task.window_start <= task.window_end <= campaign.period_end
        for part in task.agencies:
            per_agency[part.agency_id] = per_agency.get(part.agency_id, 0) + 1
        assert len(task.inspectors) >= 2
        assert not (task.entity_id == entities[3].id and inspectors[0].id in {i.user_id for i in task.inspectors})
    assert per_agency.get(samr.id, 0) <= 12 and per_agency.get(mee.id, 0) <= 6
    random_drawn = {(s.entity_id, s.agency_id) for s in stored if s.reason == SelectionReason.RANDOM_DRAW}
    planned = {(t.entity_id, p.agency_id) for t in tasks for p in t.agencies}
    assert random_drawn <= planned
    service.publish_plan(campaign)
    assert campaign.status == CampaignStatus.PUBLISHED

    for entity in entities[:20]:  # classes move after the draw (results recorded): the draw still verifies
        entity.credit_class = CreditClass.A if entity.credit_class == CreditClass.D else CreditClass.D
    db.session.flush()
    document = json.loads(service.dumps(service.public_inputs(campaign)))
    assert "probability" not in json.dumps(document["pool"][:3])
    result = verify_document(document)
    assert result.ok, result
    document["random_selection"][0][0] += 100000
    assert not verify_document(document).ok


def test_inspectors_are_told_of_their_visits_when_the_plan_is_published(app, make) -> None:  # noqa: ANN001
    """Planning (and planning again) draws the teams but tells nobody: the visits are not in the inspectors'
    lists yet, and another plan may change them. Publishing tells each inspector how many visits they have."""
    samr, mee, _entities, inspectors = world(make)
    campaign = make_campaign(samr, mee)
    service.commit_seed(campaign, seed="told-at-publication")
    service.run_draw(campaign)
    service.build_plan(campaign)
    service.build_plan(campaign)
    told = select(Notification.user_id, Notification.details).where(Notification.kind == "tasks.assigned")
    assert db.session.execute(told).all() == []
    service.publish_plan(campaign)
    drawn = dict(db.session.execute(select(TaskInspector.user_id, func.count()).group_by(TaskInspector.user_id)).all())
    assert {u: d["visits"] for u, d in db.session.execute(told)} == drawn
    assert set(drawn) <= {i.id for i in inspectors} and drawn


def test_result_creates_records_and_release_publishes(app, make) -> None:  # noqa: ANN001
    """A recorded result becomes Inspection, Violation and EnforcementAction rows with the selection reason;
    the class is recomputed; release makes the inspection public."""
    samr, mee, entities, _inspectors = world(make, n=40)
    campaign = make_campaign(samr, mee)
    service.commit_seed(campaign)
    service.run_draw(campaign)
    service.build_plan(campaign)
    service.publish_plan(campaign)
    task = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)
                              .order_by(InspectionTask.id)).first()
    part = task.agencies[0]
    data = task_results.ResultInput(
        result=InspectionResult.FAIL, inspection_date=date(2025, 2, 3),
        violations=[task_results.FoundViolation("SC-01", Severity.CRITICAL, "无证经营"),
                    task_results.FoundViolation("JG-07", Severity.MINOR, "价签不全")],
        penalty_type=PenaltyType.FINE, penalty_amount="5000", decision_no="深市监罚〔2025〕1号",
        notes="现场检查", internal_notes="内部")
    for day in (working_days.local_day() + timedelta(days=1), campaign.period_start - timedelta(days=1)):
        with pytest.raises(task_results.ResultError, match="cannot be dated"):
            task_results.record_result(task, part.agency_id, replace(data, inspection_date=day))
    assert [task_results.parse_amount(t) for t in ("1,500.50", "１５００", "¥1,500", "1500元", " ", None)] == [
        Decimal("1500.50"), Decimal(1500), Decimal(1500), Decimal(1500), None, None]
    for amount in ("NaN", "-Infinity", "1e14", "x", "1.500,50", "1,50", "100000000000000"):  # refused before
        # anything is written
        with pytest.raises(task_results.ResultError, match="penalty amount"):
            task_results.record_result(task, part.agency_id, replace(data, penalty_amount=amount))
    assert db.session.scalar(select(Inspection).where(Inspection.task_id == task.id)) is None
    inspection = task_results.record_result(task, part.agency_id, data)
    assert inspection.selection_reason == part.selection_reason
    assert inspection.selection_probability == part.selection_probability
    assert inspection.task_id == task.id and inspection.source_record_id
    assert {v.code for v in db.session.scalars(select(Violation).where(Violation.inspection_id == inspection.id))} \
        == {"SC-01", "JG-07"}
    action = db.session.scalar(select(EnforcementAction).where(EnforcementAction.entity_id == task.entity_id))
    assert action.penalty_type == PenaltyType.FINE and action.publication_end is not None
    assert part.status == TaskStatus.DONE
    entity = db.session.get(type(task.entity), task.entity_id)
    assert entity.credit_points is not None  # records_changed recomputed the class
    assert db.session.scalars(select(InspectionInspector).where(
        InspectionInspector.inspection_id == inspection.id)).all()
    with pytest.raises(task_results.ResultError, match="already recorded"):
        task_results.record_result(task, part.agency_id, data)
    # the agency gave this decision number already: another task's penalty needs its own
    other = next(t for t in db.session.scalars(select(InspectionTask).where(
        InspectionTask.campaign_id == campaign.id, InspectionTask.entity_id != task.entity_id))
        if any(p.agency_id == part.agency_id for p in t.agencies))
    with pytest.raises(task_results.ResultError, match="decision 深市监罚〔2025〕1号 is already recorded") as refused:
        task_results.record_result(other, part.agency_id, data)
    assert refused.value.field == "decision_no"  # refused before anything was written
    assert not inspection.published
    # its source row reads in words, in the reader's language (the row's keys are the platform's own)
    coordinator = make.user("samr-coord-src", Role.COORDINATOR, agency_id=part.agency_id)
    db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"username": coordinator.username, "password": "test-password-123"})
    source = client.get(f"/entities/sources/{inspection.source_record_id}",
                        headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "在平台上录入" in source and "recorded on the platform" not in source
    assert "<td>检查日期</td>" in source and "<td>inspection_date</td>" not in source and "内部" not in source
    assert service.release_results(campaign) == 1
    assert inspection.published and campaign.status == CampaignStatus.RELEASED


def test_referral_and_joint_punishment(app, make, client) -> None:  # noqa: ANN001
    """A referral goes SENT -> ACCEPTED -> ACTED with both agencies' alerts; a serious-illegal entry alerts all."""
    samr, mee, entities, inspectors = world(make, n=8)
    coordinator = make.user("mee-coord", Role.COORDINATOR, agency_id=mee.id)
    referral = referrals.send(entities[0].id, samr.id, mee.id, "疑似偷排废水", user=inspectors[0])
    assert db.session.scalar(select(Alert).where(Alert.referral_id == referral.id)).agency_id == mee.id
    with pytest.raises(referrals.ReferralError):
        referrals.acted(referral, coordinator, "done")
    referrals.decide(referral, coordinator, accept=True)
    referrals.acted(referral, coordinator, "已立案调查")
    assert referral.status == ReferralStatus.ACTED
    entry = make.list_entry(entities[1], samr, list_type=ListType.SERIOUS_ILLEGAL)
    from regulator.signals import notify_records_changed

    notify_records_changed("ingest", [entities[1].id])
    alerts = db.session.scalars(select(Alert).where(Alert.kind == AlertKind.JOINT_PUNISHMENT)).all()
    assert {a.agency_id for a in alerts} == {samr.id, mee.id} and {a.list_entry_id for a in alerts} == {entry.id}
    assert referrals.raise_joint_punishment([entities[1].id]) == 0  # once per entry and agency
    # the alert names its listing: an entity listed by two agencies has two alerts that read differently
    second = make.list_entry(entities[1], mee, list_type=ListType.SERIOUS_ILLEGAL, added_date=date(2025, 2, 3),
                             added_reason="拒不履行环境行政处罚决定")
    assert referrals.raise_joint_punishment([entities[1].id]) == 2
    db.session.commit()
    client.post("/auth/login", data={"username": "mee-coord", "password": "test-password-123"})
    page = client.get("/coordinator/referrals?lang=en").get_data(as_text=True)
    rows = page.split('id="alerts"', 1)[1].split('data-kind="joint_punishment"')[1:]
    assert len(rows) == 2
    waiting = db.session.scalar(select(func.count(Alert.id)).where(Alert.agency_id == mee.id,
                                                                   Alert.acknowledged_at.is_(None)))
    assert waiting >= 2 and f"{waiting} alerts not yet acknowledged." in page
    assert any(f"since {entry.added_date}, listed by {samr.name}" in row for row in rows)
    assert any(f"since {second.added_date}, listed by {mee.name}" in row and "拒不履行环境行政处罚决定" in row
               for row in rows)


def test_acknowledge_all_stops_at_the_newest_alert_shown(app, make, client) -> None:  # noqa: ANN001
    """"Acknowledge all" marks the agency's waiting alerts up to the newest on the page; an alert raised after
    the page was shown, and another agency's, stay waiting."""
    import re

    samr, mee, entities, inspectors = world(make, n=6)
    coordinator = make.user("mee-coord", Role.COORDINATOR, agency_id=mee.id)
    for entity in entities[:3]:
        referrals.send(entity.id, samr.id, mee.id, "疑似无证经营", user=inspectors[0])
    referrals.send(entities[3].id, mee.id, samr.id, "疑似超范围经营", user=coordinator)
    db.session.commit()
    client.post("/auth/login", data={"username": "mee-coord", "password": "test-password-123"})
    page = client.get("/coordinator/referrals?lang=en").get_data(as_text=True)
    assert "Acknowledge all 3" in page
    up_to = re.search(r'name="up_to" value="(\d+)"', page).group(1)
    late = referrals.send(entities[4].id, samr.id, mee.id, "页面打开后才移送", user=inspectors[0])
    db.session.commit()
    done = client.post("/coordinator/alerts/acknowledge?lang=en", data={"up_to": up_to}, follow_redirects=True)
    assert "3 alerts acknowledged." in done.get_data(as_text=True)
    waiting = db.session.scalars(select(Alert).where(Alert.acknowledged_at.is_(None))).all()
    assert [a.referral_id for a in waiting if a.agency_id == mee.id] == [late.id]
    assert len([a for a in waiting if a.agency_id == samr.id]) == 1
    assert client.post("/coordinator/alerts/acknowledge", data={"up_to": "x"}).status_code == 400
    make.user("lost-coord", Role.COORDINATOR)  # bound to no agency: it may not acknowledge everyone's alerts
    db.session.commit()
    client.post("/auth/logout")
    client.post("/auth/login", data={"username": "lost-coord", "password": "test-password-123"})
    assert client.post("/coordinator/alerts/acknowledge", data={"up_to": "999999"}).status_code == 403
    assert len([a for a in db.session.scalars(select(Alert).where(Alert.acknowledged_at.is_(None)))]) == 2


def test_bad_campaign_settings(app, make) -> None:  # noqa: ANN001
    samr, mee, _e, _i = world(make, n=4)
    with pytest.raises(service.CampaignError, match="ends before"):
        service.create_campaign("x", date(2025, 2, 1), date(2025, 1, 1), [service.AgencyPart(samr.id, 1)])
    with pytest.raises(service.CampaignError, match="three years"):
        service.create_campaign("x", date(2025, 1, 1), date(2029, 1, 1), [service.AgencyPart(samr.id, 1)])
    for capacity in (-1, service.MAX_CAPACITY + 1):
        with pytest.raises(service.CampaignError, match="capacity"):
            service.create_campaign("x", date(2025, 1, 1), date(2025, 3, 1), [service.AgencyPart(samr.id, capacity)])
    with pytest.raises(service.CampaignError, match="between 0 and 1"):
        make_campaign(samr, mee, random_share=2.0)
    with pytest.raises(service.CampaignError, match="there is no class E"):
        make_campaign(samr, mee, class_ratios={"E": 0.1})


def test_unsolvable_plan_says_so(app, make, monkeypatch) -> None:  # noqa: ANN001
    """The planner's failure is a CampaignError with a message for the coordinator, and changes nothing."""
    samr, mee, _e, _i = world(make, n=8)
    campaign = make_campaign(samr, mee)
    service.commit_seed(campaign, seed="s")
    service.run_draw(campaign)

    def unsolvable(*_args, **_kw):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("the joint plan could not be solved: time limit reached")

    monkeypatch.setattr(service.planning, "plan_joint", unsolvable)
    with pytest.raises(service.CampaignError, match="The joint plan could not be built"):
        service.build_plan(campaign)
    assert campaign.status == CampaignStatus.DRAWN and not campaign.tasks


def test_clusters_planned_as_one_target(app, make) -> None:  # noqa: ANN001
    """With clusters, related entities' checks share one visit target: their tasks carry the cluster."""
    from models import ClusterMember, RiskCluster

    samr, mee, entities, _inspectors = world(make, n=40)
    cluster = RiskCluster(build="test", size=4, score=0.9)
    db.session.add(cluster)
    db.session.flush()
    members = [e for e in entities if e.credit_class == CreditClass.D][:4]
    db.session.add_all([ClusterMember(cluster_id=cluster.id, entity_id=e.id) for e in members])
    campaign = make_campaign(samr, mee, random_share=0.0, class_ratios={"A": 0, "B": 0, "C": 0, "D": 0.01})
    service.commit_seed(campaign)
    service.run_draw(campaign)
    plan = service.build_plan(campaign, use_clusters=True)
    assert f"c{cluster.id}" in set(plan.pairs["visit"])
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    in_cluster = [t for t in tasks if t.entity_id in {e.id for e in members}]
    assert in_cluster and all(t.cluster_id == cluster.id for t in in_cluster)


def test_last_inspectors_are_not_drawn_again(app, make) -> None:  # noqa: ANN001
    """Who inspected an entity last time is never drawn for its next visit (InspectionInspector history)."""
    from models import InspectionInspector, TaskInspector

    samr, _mee, entities, inspectors = world(make, n=12)
    last_time = make.inspection(entities[2], samr, inspection_date=date(2024, 12, 1))
    older = make.inspection(entities[2], samr, inspection_date=date(2023, 1, 1))
    db.session.add_all([InspectionInspector(inspection_id=last_time.id, user_id=inspectors[0].id),
                        InspectionInspector(inspection_id=older.id, user_id=inspectors[1].id)])
    db.session.flush()
    assert set(service.last_inspectors([entities[2].id])) == {(inspectors[0].id, entities[2].id)}
    campaign = service.create_campaign("c", date(2025, 1, 1), date(2025, 3, 31),
                                       [service.AgencyPart(samr.id, 9)], cost_per_visit=0.0)
    service.commit_seed(campaign)
    service.run_draw(campaign)
    service.build_plan(campaign)
    task = db.session.scalar(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id,
                                                          InspectionTask.entity_id == entities[2].id))
    assert task is not None
    drawn = set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id == task.id)))
    assert drawn == {inspectors[1].id, inspectors[2].id}


def test_cluster_sent_to_draft_keeps_draw_verifiable(app, make) -> None:  # noqa: ANN001
    """Capacity reserved for a cluster is not drawn: random and cluster pairs fit the plan, the draw verifies."""
    from models import ClusterMember, RiskCluster
    from regulator.graph.campaigns import send_cluster

    samr, mee, entities, _inspectors = world(make, n=60)
    coordinator = make.user("lead", Role.COORDINATOR, agency_id=samr.id)
    cluster = RiskCluster(build="t", size=3, score=0.8)
    db.session.add(cluster)
    db.session.flush()
    members = [e for e in entities if e.credit_class == CreditClass.D][:3]
    db.session.add_all([ClusterMember(cluster_id=cluster.id, entity_id=e.id) for e in members])
    db.session.flush()
    db.session.refresh(cluster)
    campaign = make_campaign(samr, mee, random_share=0.5, class_ratios={"A": 0, "B": 1.0, "C": 1.0, "D": 1.0})
    send_cluster(cluster, campaign, coordinator)
    service.commit_seed(campaign, seed="with-cluster")
    service.run_draw(campaign)
    assert campaign.draw_inputs["reserved_for_clusters"] == {"SAMR": 3}
    assert campaign.draw_inputs["capacities"]["SAMR"] == 12
    service.build_plan(campaign)
    assert verify_document(json.loads(service.dumps(service.public_inputs(campaign)))).ok
