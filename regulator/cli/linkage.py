"""`flask linkage review-stats | recheck | merge | split | undo | train | settings`: entity resolution from the command
line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Agency

from ..extensions import db
from ..linkage import merge as merging
from ..linkage import review as reviews
from ..linkage.recheck import recheck as recheck_reviews


@click.group("linkage")
def linkage() -> None:
    """Entity resolution: review queue, merges, splits and undo, the model and its settings."""


def _run(action, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    """Run a change and commit it, or roll back and fail with its message."""
    try:
        result = action(*args, **kwargs)
    except merging.EntityChangeError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    return result


@linkage.command("review-stats")
@with_appcontext
def review_stats() -> None:
    """Match reviews by status; pending ones by probability band and by agency."""
    stats = reviews.stats()
    click.echo("reviews: " + (", ".join(f"{k} {v}" for k, v in sorted(stats.by_status.items())) or "none"))
    click.echo("pending by band: " + ", ".join(f"{k} {v}" for k, v in stats.pending_by_band.items()))
    codes = dict(db.session.execute(select(Agency.id, Agency.code)).all())
    by_agency = ", ".join(f"{codes.get(k, k)} {v}" for k, v in sorted(stats.pending_by_agency.items()))
    click.echo("pending by agency: " + (by_agency or "none"))


@linkage.command("recheck")
@click.option("--agency", "agency_code", default=None, help="Only the reviews of this agency's records (its code).")
@click.option("--dry-run", is_flag=True, help="Say what would be decided; change nothing.")
@with_appcontext
def recheck(agency_code: str | None, dry_run: bool) -> None:
    """Match the pending reviews' records again against what is known now (run after a run of imports): confirm
    those now above the upper threshold, reject those now below the lower one; the others stay for a
    coordinator."""
    agency_id = None
    if agency_code:
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code.upper()))
        if agency_id is None:
            raise click.ClickException(f"unknown agency {agency_code!r}")
    if dry_run:
        report = recheck_reviews(agency_id=agency_id, dry_run=True)
        db.session.rollback()
    else:
        report = _run(recheck_reviews, agency_id=agency_id)
    click.echo(("would decide: " if dry_run else "") + report.summary())


@linkage.command("merge")
@click.argument("source", type=int)
@click.argument("target", type=int)
@click.option("--reason", required=True, help="Why they are one entity (kept in the history).")
@with_appcontext
def merge(source: int, target: int, reason: str) -> None:
    """Merge entity SOURCE into TARGET: every row moves, names become former names."""
    event = _run(merging.merge, source, target, reason=reason)
    click.echo(f"merged {source} into {target}: event {event.id}, {merging.row_count(event.moved)} rows moved"
               + (f", kept for unique clashes: {event.moved['kept']}" if event.moved.get("kept") else "")
               + (f", match reviews it answered: {event.moved['reviews_settled']}"
                  if event.moved.get("reviews_settled") else ""))
    for campaign, tasks in (event.moved.get(merging.DOUBLE_VISITS) or {}).items():
        click.echo(f"campaign {campaign} now has {len(tasks)} open visits to entity {target} (tasks "
                   f"{', '.join(map(str, tasks))}): one visit can serve them all, each task's result recorded from it")


@linkage.command("split")
@click.argument("entity", type=int)
@click.option("--record", "records", type=int, multiple=True, required=True,
              help="A source record id to move (repeatable).")
@click.option("--name", default=None, help="Name of the new entity (default: the first record's name).")
@click.option("--reason", required=True, help="Why the records are another entity (kept in the history).")
@with_appcontext
def split(entity: int, records: tuple[int, ...], name: str | None, reason: str) -> None:
    """Move source records of ENTITY, and every fact from them, to a new entity."""
    event = _run(merging.split, entity, list(records), name=name, reason=reason)
    click.echo(f"split {len(records)} records of {entity} off to new entity {event.to_entity_id}: event {event.id}, "
               f"{merging.row_count(event.moved)} rows moved")


@linkage.command("undo")
@click.argument("event", type=int)
@click.option("--reason", default=None, help="Why (kept in the history).")
@with_appcontext
def undo(event: int, reason: str | None) -> None:
    """Undo merge, split or link EVENT: the rows it moved go back."""
    done = _run(merging.undo, event, reason=reason)
    kept = done.moved.get("kept")
    click.echo(f"undid event {event}: event {done.id}, {merging.row_count(done.moved)} rows moved back"
               + (f"; moved again since, left where they are: {kept}" if kept else ""))


@linkage.command("train")
@click.option("--profile", default="company", show_default=True, help="Linkage profile to train.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Model file to write (default: instance/linkage/<profile>.json, read before the shipped one).")
@click.option("--max-pairs", type=float, default=5e6, show_default=True, help="Random pairs for the u estimates.")
@with_appcontext
def train(profile: str, out: str | None, max_pairs: float) -> None:
    """Re-estimate a profile on this database: records its valid codes linked label the matching pairs."""
    import os
    from pathlib import Path

    from ..linkage import get_profile
    from ..linkage.model import ENV_DIR, INSTANCE_DIR
    from ..linkage.training import train_on_linked
    from ..linkage.training_data import linked_by_code  # splink loads only when training

    register, linked = linked_by_code()
    if register.empty or linked.empty:
        raise click.ClickException("no records linked by a valid code yet: ingest registrations and agency "
                                   "records first")
    try:
        model = train_on_linked(get_profile(profile), register, linked, max_pairs=max_pairs,
                                meta={"source": "database", "records": len(linked)})
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    folder = Path(os.environ[ENV_DIR]) if os.environ.get(ENV_DIR) else INSTANCE_DIR
    path = model.save(Path(out) if out else folder / f"{profile}.json")
    click.echo(f"trained {profile} on {len(register)} entities and {len(linked)} linked records "
               f"in {model.meta['seconds']} s: {path}")


@linkage.command("settings")
@click.option("--profile", default="company", show_default=True, help="Linkage profile.")
@click.option("--dialect", type=click.Choice(["spark", "duckdb"]), default="spark", show_default=True,
              help="SQL dialect the comparisons are rendered in.")
@click.option("--link-type", type=click.Choice(["link_only", "dedupe_only", "link_and_dedupe"]),
              default="link_only", show_default=True)
@click.option("--entities", type=click.IntRange(min=1), default=None,
              help="Records will be matched against this many entities: the prior ingest would use.")
@click.option("--prior", type=float, default=None,
              help="Probability that two random records match (default: the model's estimate).")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-",
              help="JSON file to write (default: stdout).")
@with_appcontext
def settings(profile: str, dialect: str, link_type: str, entities: int | None, prior: float | None,
             out) -> None:  # noqa: ANN001
    """Splink settings of a profile with the model this platform links with, for a Spark cluster.

    Load them with ``Linker(tables, json.load(file), SparkAPI(spark_session=...))``, the tables prepared by
    the profile (``get_profile(name).prepare``); ``regulator.linkage.spark.score_pairs`` runs them on
    prepared tables.
    """
    import json

    from ..linkage import get_profile
    from ..linkage.matching import entity_prior
    from ..linkage.model import load_model, settings_dict

    if entities is not None and prior is not None:
        raise click.UsageError("give --entities or --prior, not both")
    if prior is not None and not 0.0 < prior < 1.0:
        raise click.UsageError(f"--prior must lie between 0 and 1 (got {prior})")
    try:  # an unknown profile, no model file, a model that no longer fits the profile: ValueError / OSError
        chosen, model = get_profile(profile), load_model(profile)
        if entities is not None:
            prior = entity_prior(model, entities)
        elif prior is None:
            prior = float(model.splink.get("probability_two_random_records_match", 1e-4))
        rendered = settings_dict(chosen, link_type, dialect=dialect, model=model, prior=prior)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    json.dump({**rendered, "sql_dialect": dialect}, out, ensure_ascii=False, indent=1)
    out.write("\n")
