"""Access rules of the campaign routes: coordinators' campaigns and referrals, inspectors' tasks, public draws."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models import (
    Alert,
    AlertKind,
    Campaign,
    CampaignAgency,
    CampaignStatus,
    InspectionTask,
    MarketEntity,
    Referral,
    User,
)

from .rules import COORDINATION, EVERYONE, Route, roles
from .world import World, extend_world

LEAD = roles(admin="both", coordinator="own")
ASSIGNED = roles(inspector="own")
RULES = {
    "coordinator.campaigns": Route("/coordinator/campaigns", COORDINATION),
    "coordinator.campaign_new": Route("/coordinator/campaigns/new", COORDINATION),
    "coordinator.campaign": Route("/coordinator/campaigns/{campaign}", LEAD),
    "coordinator.campaign_plan_export": Route("/coordinator/campaigns/{campaign}/plan.xlsx", LEAD),
    "coordinator.task": Route("/coordinator/tasks/{visit}", LEAD),
    "coordinator.conflicts": Route("/coordinator/conflicts", COORDINATION),
    "coordinator.task_replace_inspector": Route("/coordinator/tasks/{visit}/inspectors/{visit_inspector}/replace",
                                                LEAD, method="POST", data={"reason": "休假"}),
    "coordinator.task_withdraw_agency": Route("/coordinator/tasks/{visit}/agencies/{visit_agency}/withdraw", LEAD,
                                              method="POST", data={"reason": "上月已检查"}),
    "coordinator.task_cancel": Route("/coordinator/tasks/{visit}/cancel", LEAD, method="POST",
                                     data={"reason": "已停业"}),
    "coordinator.campaign_step": Route("/coordinator/campaigns/{campaign}/commit", LEAD, method="POST"),
    "coordinator.referrals": Route("/coordinator/referrals", COORDINATION),
    "coordinator.referral": Route("/coordinator/referrals/{referral}", LEAD),
    "coordinator.alert_acknowledge": Route("/coordinator/alerts/{alert}/acknowledge", LEAD, method="POST"),
    "coordinator.alerts_acknowledge": Route("/coordinator/alerts/acknowledge", COORDINATION, method="POST",
                                            data={"up_to": "1"}),
    "inspector.tasks_export": Route("/inspector/tasks.xlsx", roles(inspector="both")),
    "inspector.tasks_calendar": Route("/inspector/tasks.ics", roles(inspector="both")),
    "inspector.task": Route("/inspector/tasks/{task}", ASSIGNED),
    "inspector.task_sheet": Route("/inspector/tasks/{task}/sheet", ASSIGNED),
    "inspector.task_result": Route("/inspector/tasks/{task}/result", ASSIGNED, method="POST"),
    "inspector.task_referral": Route("/inspector/tasks/{task}/referral", ASSIGNED, method="POST"),
    "public.campaigns": Route("/campaigns", EVERYONE),
    "public.campaign": Route("/campaigns/{public_campaign}", EVERYONE),
    "public.campaign_inputs": Route("/campaigns/{public_campaign}/inputs.json", EVERYONE),
    "public.campaign_results_export": Route("/campaigns/{public_campaign}/results.csv", EVERYONE),
    "public.campaign_verifier": Route("/campaigns/verifier.zip", EVERYONE),
    "api_campaigns.public_campaigns": Route("/api/v1/public/campaigns", EVERYONE, json=True),
    "api_campaigns.public_campaign": Route("/api/v1/public/campaigns/{public_campaign}", EVERYONE, json=True),
    "api_campaigns.public_campaign_results": Route("/api/v1/public/campaigns/{public_campaign}/results", EVERYONE,
                                                   json=True),
    "api_campaigns.tasks": Route("/api/v1/tasks", roles(inspector="both"), json=True),
    "api_campaign_plans.campaigns": Route("/api/v1/campaigns", COORDINATION, json=True),
    "api_campaign_plans.campaign_tasks": Route("/api/v1/campaigns/{campaign}/tasks", LEAD, json=True),
    "api_campaign_plans.campaign_results_view": Route("/api/v1/campaigns/{campaign}/results", LEAD, json=True),
    "api_task_results.record_result": Route("/api/v1/tasks/{task}/results", ASSIGNED, method="POST", json=True),
}


@extend_world
def campaign_objects(make, world: World) -> None:  # noqa: ANN001
    """Own: a SAMR-led campaign, a referral to SAMR, a SAMR alert; other: MEE's and FIRE's. Tasks' campaigns
    are published (the inspector is drawn for the own task only); two drawn campaigns are public."""
    from regulator.extensions import db

    samr, mee, fire = make.agency("SAMR"), make.agency("MEE"), make.agency("FIRE", domain="fire")
    for key in ("task",):
        for side in (world.own, world.other):
            db.session.get(InspectionTask, side[key]).campaign.status = CampaignStatus.PUBLISHED
    sender = db.session.query(User).filter_by(username="inspector").one()
    now = datetime.now(UTC)
    for side, agency, to_from in ((world.own, samr, (mee, samr)), (world.other, mee, (mee, fire))):
        campaign = Campaign(name=f"{agency.code} 抽查", period_start=date(2025, 1, 1), period_end=date(2025, 3, 31),
                            lead_agency_id=agency.id)
        shown = Campaign(name=f"{agency.code} 公示", period_start=date(2025, 1, 1), period_end=date(2025, 3, 31),
                         lead_agency_id=agency.id, status=CampaignStatus.RELEASED, seed="s", seed_commitment="c",
                         drawn_at=now, released_at=now, draw_inputs={"capacities": {agency.code: 1}})
        db.session.add_all([campaign, shown])
        db.session.flush()
        db.session.add_all([CampaignAgency(campaign_id=campaign.id, agency_id=agency.id, capacity=5),
                            CampaignAgency(campaign_id=shown.id, agency_id=agency.id, capacity=1)])
        referral = Referral(entity_id=world.own["entity"], from_agency_id=to_from[0].id, to_agency_id=to_from[1].id,
                            description="线索", created_by_id=sender.id)
        db.session.add(referral)
        db.session.flush()
        alert = Alert(kind=AlertKind.REFERRAL, entity_id=world.own["entity"], agency_id=agency.id,
                      referral_id=referral.id)
        db.session.add(alert)
        db.session.flush()
        visit = make.task(db.session.get(MarketEntity, world.own["entity"]), [agency],
                          [db.session.query(User).filter_by(username="inspector2").one()], campaign=campaign)
        side.update(campaign=campaign.id, public_campaign=shown.id, referral=referral.id, alert=alert.id,
                    visit=visit.id, visit_inspector=visit.inspectors[0].user_id, visit_agency=agency.id)
