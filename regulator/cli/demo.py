"""`flask demo`: build the demo world end to end on the configured database and print the accounts."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from ..services.demo import DEFAULT_ENTITIES, DemoSettings, run_demo


@click.command("demo")
@click.option("--entities", default=DEFAULT_ENTITIES, show_default=True, help="Size of the generated world.")
@click.option("--seed", default=7, show_default=True)
@click.option("--reset/--no-reset", default=False, help="Empty the database first.")
@click.option("--world-end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of the generated five years of history (YYYY-MM-DD; default: the end of last month).")
@with_appcontext
def demo(entities: int, seed: int, reset: bool, world_end: datetime | None) -> None:
    """Generate the demo world, run it through the platform, and create demo accounts for every role."""
    settings = DemoSettings(entities=entities, seed=seed, reset=reset, end=world_end.date() if world_end else None)
    result = run_demo(settings, echo=click.echo)
    click.echo("")
    click.echo("Demo accounts (password for all: %s)" % result.password)
    for role, username, note in result.accounts:
        click.echo(f"  {role:<12} {username:<22} {note}")
