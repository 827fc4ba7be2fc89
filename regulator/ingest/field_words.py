"""The canonical fields an import mapping fills, and the types of their columns, in words (for the file formats
page); a field without words here is shown by its name."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..templating import listed

FIELDS = {
    # who the row is about
    "name": _l("Name"), "alt_name": _l("Other name (trading as)"), "uscc": _l("Unified social credit code"),
    "address": _l("Address"), "district": _l("District"), "postcode": _l("Postcode"), "phone": _l("Phone"),
    "latitude": _l("Latitude"), "longitude": _l("Longitude"), "legal_rep": _l("Legal representative"),
    "legal_rep_id": _l("Legal representative's ID number"), "entity_type": _l("Type of entity"),
    "entity_status": _l("Status of the entity"), "status_date": _l("Date of the status"),
    "industry": _l("Industry"), "industry_code": _l("Industry code"), "facility_type": _l("Facility type"),
    "registration_date": _l("Registration date"), "registered_capital": _l("Registered capital"),
    "parent_uscc": _l("Credit code of the parent company"), "entity_ref": _l("The register's key of the entity"),
    "subject_key": _l("The agency's key of the entity"), "licence_key": _l("Licence number the row is keyed by"),
    "owner_account": _l("Owner's account"), "workers": _l("Number of workers"), "risk": _l("Risk category"),
    "key_management": _l("Under key supervision"),
    # persons and investments
    "person_name": _l("Person's name"), "person_id": _l("Person's ID number"), "role": _l("Person's role"),
    "investor_name": _l("Investor's name"), "investor_uscc": _l("Investor's credit code"), "share": _l("Share"),
    # inspections and violations
    "inspection_date": _l("Inspection date"), "inspection_type": _l("Type of inspection"),
    "selection_reason": _l("Why it was inspected"), "selection_probability": _l("Probability of being drawn"),
    "result": _l("Result"), "inspectors": _l("Inspectors"), "inspectors_2": _l("Second inspector"),
    "violation_count": _l("Violations found"), "violation_codes": _l("Violation codes"),
    "violation_descriptions": _l("Violation descriptions"), "violation_severities": _l("Violation severities"),
    "violation_code": _l("Violation code"), "inspection_ref": _l("The inspection's key"),
    "follow_up_of": _l("Follow-up of inspection"), "purpose": _l("Purpose of the inspection"),
    "code": _l("Code"), "description": _l("Description"), "severity": _l("Severity"),
    "completed_date": _l("Completed on"),
    # penalties and lists
    "decision_no": _l("Decision number"), "decision_date": _l("Decision date"), "penalty_type": _l("Type of penalty"),
    "amount": _l("Amount (yuan)"), "amount_owed": _l("Amount owed"), "legal_basis": _l("Legal basis"),
    "publication_end": _l("Public until"), "list_type": _l("List"), "added_date": _l("Added on"),
    "added_reason": _l("Reason"), "removed_date": _l("Removed on"), "removed_reason": _l("Reason for removal"),
    # licences and complaints
    "licence_no": _l("Licence number"), "licence_type": _l("Licence"), "licence_status": _l("Status"),
    "application_type": _l("Application type"), "issue_date": _l("Issued on"), "valid_from": _l("Valid from"),
    "valid_to": _l("Valid until"), "received_date": _l("Received on"), "category": _l("Category"),
    "complaint_status": _l("Status"),
    # context
    "on_date": _l("Date"), "temperature_max": _l("Highest temperature"), "humidity": _l("Humidity"),
    "precip_intensity": _l("Precipitation"), "wind_speed": _l("Wind speed"),
    "heat_burglary": _l("Burglary density"), "heat_garbage_carts": _l("Garbage cart request density"),
    "heat_sanitation_complaints": _l("Sanitation complaint density"),
}

TYPES = {
    "text": _l("Text"), "date": _l("Date"), "int": _l("Whole number"), "float": _l("Number with decimals"),
    "decimal": _l("Amount"), "bool": _l("Yes or no"), "list": _l("Several values"),
}

#: separators that do not show on the page, in words
BLANKS = {" ": _l("a space"), "\t": _l("a tab"), "\n": _l("a line break"), "\r": _l("a line break"),
          "\u3000": _l("a full-width space")}


def separators(split: str | Sequence[str]) -> str:
    """A list column's separators for reading (each character of a ``split`` text separates, as each text of a
    list does): a blank one in words (a space, a tab, a line break), any other in quotation marks so that it
    shows (“;”), several joined by "or"."""
    words: list[str] = []
    for sep in split:
        if sep in BLANKS:
            word = str(BLANKS[sep])
        elif sep.isspace():
            word = _("a blank (%(code)s)", code=", ".join(f"U+{ord(c):04X}" for c in sep))
        else:
            word = f"“{sep}”"
        if word not in words:
            words.append(word)
    if len(words) > 1:
        return _("%(some)s or %(last)s", some=listed(words[:-1]), last=words[-1])
    return words[0] if words else ""
