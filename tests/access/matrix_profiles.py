"""Access rules of the profile routes: records, source rows, enterprise portal, decisions, audit export, API."""

from __future__ import annotations

from models import Attachment, CreditRepair, ListType, MarketEntity, Objection, User

from .rules import ADMIN_ONLY, COORDINATION, EVERYONE, Route, roles
from .world import World, extend_world

OWN_ENTITY = roles(admin="both", coordinator="both", inspector="own", enterprise="own")
RULES = {
    "profile.record": Route("/entities/{entity}/records/inspection/{inspection}", OWN_ENTITY),
    "profile.source_record": Route("/entities/sources/{source}", roles(admin="both", coordinator="own",
                                                                        inspector="own")),
    "enterprise.objections": Route("/enterprise/objections", roles(enterprise="both")),
    "enterprise.objection_new": Route("/enterprise/objections/new/inspection/{inspection}", roles(enterprise="own")),
    "enterprise.objection": Route("/enterprise/objections/{objection}", roles(enterprise="own")),
    "enterprise.objection_withdraw": Route("/enterprise/objections/{objection}/withdraw", roles(enterprise="own"),
                                           method="POST"),
    "enterprise.repairs": Route("/enterprise/repairs", roles(enterprise="both")),
    "enterprise.repair_new": Route("/enterprise/repairs/new/list_entry/{list_entry}", roles(enterprise="own")),
    "enterprise.repair": Route("/enterprise/repairs/{repair}", roles(enterprise="own")),
    "coordinator.objections": Route("/coordinator/objections", COORDINATION),
    "coordinator.objection": Route("/coordinator/objections/{objection}", roles(admin="both", coordinator="own")),
    "coordinator.repairs": Route("/coordinator/repairs", COORDINATION),
    "coordinator.repair": Route("/coordinator/repairs/{repair}", roles(admin="both", coordinator="own")),
    "profile.attachment": Route("/entities/attachments/{attachment}",
                                roles(admin="both", coordinator="own", enterprise="own")),
    "admin.audit_export": Route("/admin/audit/export.csv", ADMIN_ONLY),
    "api_profiles.entity": Route("/api/v1/entities/{entity}", OWN_ENTITY, json=True),
    "api_profiles.records": Route("/api/v1/entities/{entity}/records", OWN_ENTITY, json=True),
    "api_profiles.public_search": Route("/api/v1/public/entities?q=测试", EVERYONE, json=True),
    "api_profiles.public_entity": Route("/api/v1/public/entities/{entity}", EVERYONE, json=True),
}


@extend_world
def profile_objects(make, world: World) -> None:  # noqa: ANN001
    """Records, a source row, an objection and a repair application on each side (own: SAMR on own entity)."""
    from regulator.extensions import db

    own = db.session.get(MarketEntity, world.own["entity"])
    other = db.session.get(MarketEntity, world.other["entity"])
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    enterprise = db.session.query(User).filter_by(username="enterprise").one()
    other_enterprise = db.session.query(User).filter_by(username="other_enterprise").one()
    for side, entity, agency, user in (("own", own, samr, enterprise), ("other", other, mee, other_enterprise)):
        inspection = make.inspection(entity, agency, internal_notes=f"{side} internal")
        entry = make.list_entry(entity, agency, list_type=ListType.ABNORMAL_OPERATIONS)
        objection = Objection(entity_id=entity.id, agency_id=agency.id, record_type="inspection",
                              record_id=inspection.id, submitted_by_id=user.id, reason="不是我们")
        repair = CreditRepair(entity_id=entity.id, agency_id=agency.id, target_type="list_entry",
                              target_id=entry.id, applicant_id=user.id, reason="已补报年报")
        db.session.add_all([objection, repair])
        db.session.flush()
        document = Attachment(subject_type="objection", subject_id=objection.id, filename="租赁合同.pdf",
                              content_type="application/pdf", size=9, sha256="0" * 64, data=b"%PDF-1.4\n",
                              uploaded_by_id=user.id)
        repair_document = Attachment(subject_type="credit_repair", subject_id=repair.id, filename="年报回执.pdf",
                                     content_type="application/pdf", size=9, sha256="1" * 64, data=b"%PDF-1.4\n",
                                     uploaded_by_id=user.id)
        db.session.add_all([document, repair_document])
        db.session.flush()
        getattr(world, side).update(inspection=inspection.id, source=inspection.source_record_id,
                                    list_entry=entry.id, objection=objection.id, repair=repair.id,
                                    attachment=document.id, repair_attachment=repair_document.id)
