"""`flask credit recompute` and `flask search reindex`: bring classes and the search index up to date."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..services import credit as credit_service
from ..services import disclosure, name_index
from ..services.working_days import local_day


@click.group("credit")
def credit() -> None:
    """Credit classes A-D."""


@credit.command("recompute")
@click.option("--all", "all_entities", is_flag=True, help="Every entity (a daily run keeps time windows current).")
@click.option("--entity", "entity_ids", multiple=True, type=int, help="An entity id (repeatable).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Assess as of this day (default: today).")
@click.option("--force", is_flag=True, help="Write an assessment even where nothing changed.")
@with_appcontext
def recompute(all_entities: bool, entity_ids: tuple[int, ...], as_of, force: bool) -> None:  # noqa: ANN001
    """Recompute credit classes, set-based, and commit."""
    if not all_entities and not entity_ids:
        raise click.UsageError("give --all or at least one --entity ID")
    ids = None if all_entities else list(entity_ids)
    filled = disclosure.fill_publication_ends(ids)
    report = credit_service.recompute(ids, trigger="cli", as_of=as_of.date() if as_of else local_day(),
                                      force=force)
    db.session.commit()
    classes = ", ".join(f"{k}: {v}" for k, v in report.by_class.items())
    click.echo(f"{report.entities} entities assessed in {report.seconds:.1f}s, {report.changed} changed; "
               f"{classes}; {filled} publication ends set")


@click.group("search")
def search() -> None:
    """The public search index."""


@search.command("reindex")
@click.option("--entity", "entity_ids", multiple=True, type=int, help="An entity id (repeatable); default all.")
@with_appcontext
def reindex(entity_ids: tuple[int, ...]) -> None:
    """Rebuild the name bigram index behind public search, and commit."""
    count = name_index.reindex(list(entity_ids) or None)
    db.session.commit()
    click.echo(f"{count} name grams indexed")
