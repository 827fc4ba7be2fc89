"""The public profile's content: only what the law makes public, the masked legal representative, and free text
with ID and phone numbers masked."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from models import Agency, MarketEntity

from ..extensions import db
from ..i18n import local_name
from ..paging import last_page
from ..privacy import mask_personal_text
from ..profile.identity import former_names, public_representative
from ..services import disclosure
from ..services.working_days import local_day

INSPECTIONS_PER_PAGE = 20
#: inspection results in a printed report, newest first (the report says when there are more)
REPORT_INSPECTIONS = 200


def public_profile(entity: MarketEntity, page: int = 1, as_of: date | None = None,
                   per_page: int = INSPECTIONS_PER_PAGE, *, within: bool = False) -> dict[str, Any]:
    """Registration facts, licences, published penalties and list entries, published inspection results (with
    ``within``, past their last page the last page)."""
    inspections, total, page = disclosure.public_inspections(entity.id, page, per_page, within=within)
    agencies = db.session.execute(select(Agency.id, Agency.name, Agency.name_en)).all()
    return {
        "entity": entity,
        "representative": public_representative(entity.id),
        "former_names": former_names(entity.id),
        "licences": disclosure.public_licences(entity.id),
        "penalties": disclosure.public_penalties(entity.id, as_of),
        "list_entries": disclosure.public_list_entries(entity.id, as_of),
        "inspections": inspections,
        "inspection_total": total,
        "page": page,
        "pages": last_page(total, per_page),
        "agency_names": {i: local_name(name, name_en) for i, name, name_en in agencies},
        "stored_agency_names": {i: name for i, name, _name_en in agencies},  # the API's: whatever the language
    }


def public_payload(entity: MarketEntity, page: int = 1) -> dict[str, Any]:
    """The public profile as JSON."""
    ctx = public_profile(entity, page)
    names = ctx["stored_agency_names"]
    today = local_day()
    return {
        "id": entity.id, "name": entity.name, "uscc": entity.uscc, "entity_type": entity.entity_type.value,
        "industry": entity.industry, "status": entity.status.value, "registration_date": entity.registration_date,
        "address": entity.address.text if entity.address else None, "legal_representative": ctx["representative"],
        "former_names": [n.name for n in ctx["former_names"]],
        "licences": [{"licence_no": lic.licence_no, "licence_type": lic.licence_type,
                      "agency": names.get(lic.agency_id),
                      "issue_date": lic.issue_date, "valid_to": lic.valid_to,
                      "status": lic.licence_status.on(today, lic.valid_to).value,
                      "recorded_status": lic.licence_status.value}
                     for lic in ctx["licences"]],
        "penalties": [{"decision_no": p.decision_no, "decision_date": p.decision_date,
                       "agency": names.get(p.agency_id),
                       "penalty_type": p.penalty_type.value,
                       "amount": float(p.amount) if p.amount is not None else None,
                       "legal_basis": mask_personal_text(p.legal_basis) or None,
                       "description": mask_personal_text(p.description) or None,
                       "public_until": p.publication_end} for p in ctx["penalties"]],
        "list_entries": [{"list_type": e.list_type.value, "added_date": e.added_date,
                          "reason": mask_personal_text(e.added_reason) or None,
                          "agency": names.get(e.agency_id)} for e in ctx["list_entries"]],
        "inspections": [{"date": i.inspection_date, "agency": names.get(i.agency_id),
                         "inspection_type": i.inspection_type.value, "result": i.result.value if i.result else None}
                        for i in ctx["inspections"]],
        "inspection_total": ctx["inspection_total"],
    }
