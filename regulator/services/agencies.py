"""Agencies: creating or updating them by code."""

from __future__ import annotations

from sqlalchemy import select

from models import Agency

from ..extensions import db


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
