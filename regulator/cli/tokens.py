"""`flask tokens ...`: issue and revoke agency API tokens."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Agency, ApiToken, Role

from ..extensions import db
from ..services.tokens import issue_token, revoke_token


@click.group()
def tokens() -> None:
    """Manage agency API tokens."""


@tokens.command("issue")
@click.option("--agency", "agency_code", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([Role.COORDINATOR.value, Role.INSPECTOR.value]),
              default=Role.COORDINATOR.value)
@with_appcontext
def issue(agency_code: str, name: str, role: str) -> None:
    """Issue a token; its clear text is printed once and never stored."""
    agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise click.ClickException(f"no agency with code {agency_code!r}")
    clear, token = issue_token(agency, name, role)
    db.session.commit()
    click.echo(f"token {token.id} for {agency.code} ({role}): {clear}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id: int) -> None:
    """Revoke a token by id."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token {token_id}")
    revoke_token(token)
    db.session.commit()
    click.echo(f"revoked token {token_id}")


@tokens.command("list")
@with_appcontext
def list_tokens() -> None:
    """List tokens (prefixes only)."""
    for token in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.id:>4}  {token.prefix}…  {token.agency.code:<8} {token.role:<12} {token.name} {state}")
