"""`flask users ...`: create and list accounts; set a password or turn off two-step sign-in from the server."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Role, User

from ..extensions import db
from ..services import two_step
from ..services import users as user_service


@click.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", "agency_code", help="Agency code (coordinators and inspectors).")
@click.option("--entity", "entity", help="Market entity's credit code or id (enterprise users).")
@click.option("--display-name", default="")
@click.option("--email")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def create(username: str, role: str, agency_code: str | None, entity: str | None, display_name: str,
           email: str | None, password: str) -> None:
    """Create a user account."""
    try:
        user = user_service.create_user(username, password, role, agency_code=agency_code,
                                        entity_id=user_service.entity_by_code(entity), display_name=display_name,
                                        email=email)
    except user_service.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created user {user.username} ({user.role}) id={user.id}")


@users.command("list")
@with_appcontext
def list_users() -> None:
    """List user accounts."""
    for user in db.session.scalars(select(User).order_by(User.role, User.username)):
        binding = user.agency.code if user.agency else (f"entity {user.entity_id}" if user.entity_id else "")
        state = ("" if user.active else " (inactive)") + (" (two-step)" if user.totp_secret else "")
        click.echo(f"{user.id:>5}  {user.username:<24} {user.role:<12} {binding}{state}")


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


@users.command("password")
@click.argument("username")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def password(username: str, password: str) -> None:
    """Set a user's password from the server (it ends the user's sessions and any lockout)."""
    user = _user(username)
    try:
        user_service.set_password(user, password)
    except user_service.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"new password set for {user.username}")


@users.command("two-step-off")
@click.argument("username")
@with_appcontext
def two_step_off(username: str) -> None:
    """Turn off a user's two-step sign-in from the server: for the last administrator who lost the phone and the
    recovery codes (others are helped on the administrators' user page)."""
    user = _user(username)
    if not user.totp_secret:
        raise click.ClickException(f"{user.username} does not sign in in two steps")
    two_step.turn_off(user)
    db.session.commit()
    click.echo(f"two-step sign-in turned off for {user.username}")
