"""`flask tokens ...`: issue and revoke agency API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from models import Agency, ApiToken, Role

from ..extensions import db
from ..services.tokens import SCOPES, issue_token, revoke_token


@click.group()
def tokens() -> None:
    """Manage agency API tokens."""


@tokens.command("issue")
@click.option("--agency", "agency_code", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([Role.COORDINATOR.value, Role.INSPECTOR.value]),
              default=Role.COORDINATOR.value)
@click.option("--scope", "scopes", type=click.Choice(SCOPES), multiple=True,
              help="read (GET) or write (every other method); repeat for both, the default")
@click.option("--days", type=click.IntRange(min=1), default=None, help="expires this many days from now")
@with_appcontext
def issue(agency_code: str, name: str, role: str, scopes: tuple[str, ...], days: int | None) -> None:
    """Issue a token; its clear text is printed once and never stored."""
    agency = db.session.scalar(select(Agency).where(func.upper(Agency.code) == agency_code.upper()))
    if agency is None:
        raise click.ClickException(f"no agency with code {agency_code!r}")
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    clear, token = issue_token(agency, name, role, list(scopes) or None, expires_at=expires)
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
    """List tokens (prefixes only), with their scopes and whether each still works."""
    now = datetime.now(UTC)
    for token in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        expires = token.expires_at and (token.expires_at.astimezone(UTC) if token.expires_at.tzinfo
                                        else token.expires_at.replace(tzinfo=UTC))
        state = ("revoked" if token.revoked_at else "expired" if expires and expires <= now
                 else f"active until {expires:%Y-%m-%d %H:%M} UTC" if expires else "active")
        click.echo(f"{token.id:>4}  {token.prefix}…  {token.agency.code:<8} {token.role:<12} "
                   f"{','.join(token.scopes or SCOPES):<11} {token.name} {state}")
