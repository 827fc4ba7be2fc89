"""`flask agencies ...`: register and list agencies."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Agency

from ..extensions import db
from ..services.agencies import upsert_agency


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
    """Add an agency (or update its names and domain)."""
    agency = upsert_agency(code, name, domain, name_en=name_en)
    db.session.commit()
    click.echo(f"agency {agency.code} id={agency.id}")


@agencies.command("list")
@with_appcontext
def list_agencies() -> None:
    """List agencies."""
    for agency in db.session.scalars(select(Agency).order_by(Agency.code)):
        click.echo(f"{agency.id:>4}  {agency.code:<10} {agency.domain:<14} {agency.name}")
