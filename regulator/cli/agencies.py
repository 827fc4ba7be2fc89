"""`flask agencies ...`: register and list agencies."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from models import Agency

from ..extensions import db
from ..services import audit
from ..services.agencies import AgencyError, save_agency


@click.group()
def agencies() -> None:
    """Manage agencies."""


@agencies.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--name-en")
@click.option("--domain", required=True, help="market, environment, work_safety, fire, health, tax, labour ...")
@with_appcontext
def add(code: str, name: str, name_en: str | None, domain: str) -> None:
    """Add an agency (or update its names and domain), with the checks and the audit row of the agency form."""
    agency = db.session.scalar(select(Agency).where(func.upper(Agency.code) == code.strip().upper()))
    try:
        saved = save_agency(agency, code=code, name=name, name_en=name_en or (agency.name_en if agency else None),
                            domain=domain, mapping=agency.mapping if agency else None,
                            active=agency.active if agency else True)
    except AgencyError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record("agency.create" if agency is None else "agency.update", object_type="agency", object_id=saved.id,
                 code=saved.code, active=saved.active, mapping=saved.mapping)
    db.session.commit()
    agency = saved
    click.echo(f"agency {agency.code} id={agency.id}")


@agencies.command("list")
@with_appcontext
def list_agencies() -> None:
    """List agencies."""
    for agency in db.session.scalars(select(Agency).order_by(Agency.code)):
        click.echo(f"{agency.id:>4}  {agency.code:<10} {agency.domain:<14} {agency.name}")
