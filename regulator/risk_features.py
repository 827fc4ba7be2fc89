"""The risk model's features by name, for the evaluation report and the registry: what each one counts."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .templating import in_brackets

NAMES = {
    "viol_12m": _l("Violations, last 12 months"),
    "viol_agencies_12m": _l("Agencies that found violations, last 12 months"),
    "viol_serious_12m": _l("Serious or critical violations, last 12 months"),
    "viol_count": _l("Violations on record"),
    "viol_critical": _l("Critical violations on record"),
    "viol_max_severity": _l("Most serious violation on record"),
    "viol_days_since": _l("Days since the last violation"),
    "insp_count": _l("Inspections on record"),
    "insp_3y": _l("Inspections, last 3 years"),
    "insp_days_since": _l("Days since the last inspection"),
    "insp_failed": _l("Failed inspections"),
    "insp_serious": _l("Inspections that found a serious violation"),
    "insp_share_violations": _l("Share of inspections with violations"),
    "insp_last_failed": _l("Last inspection failed"),
    "insp_last_serious": _l("Last inspection found a serious violation"),
    "insp_last_violations": _l("Violations at the last inspection"),
    "insp_complaint_12m": _l("Inspections after complaints, last 12 months"),
    "insp_complaint": _l("Inspections after complaints"),
    "insp_follow_up_12m": _l("Follow-up inspections, last 12 months"),
    "insp_follow_up": _l("Follow-up inspections"),
    "insp_licence_12m": _l("Licence inspections, last 12 months"),
    "insp_licence": _l("Licence inspections"),
    "insp_agencies_3y": _l("Agencies that inspected, last 3 years"),
    "enf_count": _l("Penalties on record"),
    "enf_3y": _l("Penalties, last 3 years"),
    "enf_severe": _l("Suspensions or revocations"),
    "enf_amount": _l("Fines in total"),
    "enf_days_since": _l("Days since the last penalty"),
    "list_abnormal": _l("On the abnormal operations list"),
    "list_serious": _l("On the serious illegal and dishonest list"),
    "complaints_12m": _l("Complaints, last 12 months"),
    "complaints_address_12m": _l("Complaints about its address, last 12 months"),
    "complaints_nearby_90d": _l("Complaints nearby, last 90 days"),
    "licence_count": _l("Licences on record"),
    "licence_in_force": _l("Licences in force"),
    "licence_age_days": _l("Days licensed"),
    "entity_age_days": _l("Days since registration"),
    "district": _l("District"),
    "industry": _l("Industry"),
    "entity_type": _l("Type of entity"),
    "related_entities": _l("Related companies (shared person, address or phone)"),
    "related_entities_hop2": _l("Companies two steps away in the relationship graph"),
    "ppr_serious": _l("Closeness to companies with serious violations"),
    "cluster_size": _l("Size of its group of related companies"),
}
_FLAGGED = re.compile(r"flagged_(person|address|any)_hop([12])_(12|36)m")
_VIA = {"person": _l("shared person"), "address": _l("shared address"), "any": _l("shared person, address or phone")}


def feature_name(feature: str) -> str:
    """A feature in words with its code in brackets ("Violations, last 12 months (viol_12m)"); unknown ones
    (a data source's context columns) by their code."""
    name = NAMES.get(feature)
    found = _FLAGGED.fullmatch(feature)
    if found:
        via, hops, months = found.groups()
        name = _("Related companies with violations or penalties (%(via)s, %(steps)s, %(window)s)",
                 via=_VIA[via], steps=_("1 step") if hops == "1" else _("2 steps"),
                 window=_("12 months") if months == "12" else _("3 years"))
    return f"{name}{in_brackets(feature)}" if name else feature
