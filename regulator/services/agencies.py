"""Agencies: creating or updating them by code, and the checks an administrator's form goes through."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from models import Agency

from ..extensions import db

#: fields of supervision an agency may have (``i18n.LABELS`` says each in words); "context" is a source of
#: context data (weather, city statistics) rather than a supervising agency
DOMAINS = ("market", "environment", "work_safety", "fire", "health", "tax", "labour", "context")
#: an agency's code: what its files, tokens and mapping are named by
CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")


class AgencyError(ValueError):
    """The agency cannot be saved as given; the message says why, ``field`` which form field it is about
    (``code``, ``domain``, ``mapping``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def save_agency(agency: Agency | None, *, code: str, name: str, name_en: str | None, domain: str,
                mapping: str | None, active: bool = True) -> Agency:
    """Create an agency (``agency`` None) or change one, after the checks a form needs: a new code that is well
    formed and free, a known domain, a mapping file that exists and reads."""
    from ..ingest.errors import MappingError
    from ..ingest.mapping import available_mappings, load_mapping

    code = code.strip().upper()
    if agency is None:
        if not CODE.match(code):
            raise AgencyError(_("A code is 2 to 32 capital letters, digits or underscores, starting with a letter."),
                              "code")
        if db.session.scalar(select(Agency.id).where(func.upper(Agency.code) == code)) is not None:
            raise AgencyError(_("An agency with the code %(code)s exists already.", code=code), "code")
    if domain not in DOMAINS:
        raise AgencyError(_("Unknown field of supervision: %(domain)s.", domain=domain), "domain")
    # without a mapping named, the file named by the code is the agency's: it must read as well
    read = mapping or next((m for m in available_mappings() if m.upper() == code), None)
    if read:
        try:
            load_mapping(read)
        except MappingError as exc:
            raise AgencyError(_("The import mapping %(mapping)s cannot be used: %(error)s", mapping=read,
                                error=str(exc)), "mapping") from None
    if agency is None:
        agency = Agency(code=code, name=name.strip(), domain=domain)
        db.session.add(agency)
    agency.name, agency.name_en, agency.domain = name.strip(), (name_en or "").strip() or None, domain
    agency.mapping, agency.active = mapping or None, active
    db.session.flush()
    return agency


def upsert_agency(code: str, name: str, domain: str, *, name_en: str | None = None,
                  mapping: str | None = None) -> Agency:
    """Create the agency with this code, or update its names, domain and mapping."""
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        agency = Agency(code=code, name=name, domain=domain)
        db.session.add(agency)
    agency.name, agency.domain = name, domain
    agency.name_en = name_en or agency.name_en
    agency.mapping = mapping or agency.mapping
    db.session.flush()
    return agency
