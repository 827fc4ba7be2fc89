"""A drawn inspector's full access to an entity (personal data in clear) lasts from the plan's publication until
the visit is done: not while the plan is a draft nobody was told of, not for ever after the visit."""

from __future__ import annotations

from datetime import date

from models import Campaign, CampaignStatus, Role, TaskStatus
from regulator.access import EntityAccess, entity_access
from regulator.extensions import db


def test_a_visit_gives_full_access_from_publication_until_it_is_done(app, make) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity, neighbour = make.entity(), make.entity()
    make.inspection(entity, samr)
    inspector = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    colleague = make.user("insp2", Role.INSPECTOR, agency_id=samr.id)
    campaign = make._add(Campaign(name="联合抽查", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)))
    task = make.task(entity, [samr, mee], [inspector], campaign=campaign)
    other = make.task(neighbour, [mee], [inspector], campaign=campaign)
    db.session.commit()

    def access() -> tuple[EntityAccess, EntityAccess, EntityAccess]:
        return entity_access(inspector, entity.id), entity_access(colleague, entity.id), \
            entity_access(inspector, neighbour.id)

    assert access() == (EntityAccess.AGENCY, EntityAccess.AGENCY, EntityAccess.PUBLIC)  # a draft: not told yet
    for status in (CampaignStatus.PUBLISHED, CampaignStatus.RELEASED):
        campaign.status = status
        db.session.commit()
        assert access() == (EntityAccess.FULL, EntityAccess.AGENCY, EntityAccess.FULL), status
    task.status = TaskStatus.IN_PROGRESS
    other.status = TaskStatus.CANCELLED
    db.session.commit()
    assert access() == (EntityAccess.FULL, EntityAccess.AGENCY, EntityAccess.PUBLIC)
    task.status = TaskStatus.DONE
    db.session.commit()
    assert access() == (EntityAccess.AGENCY, EntityAccess.AGENCY, EntityAccess.PUBLIC)  # the visit is over
