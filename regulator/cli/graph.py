"""`flask graph build` and `flask graph clusters`: rebuild the relationship graph, its features and clusters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..extensions import db
from ..graph import service
from ..services.working_days import local_day

STEPS = ("entities", "relations", "events", "graph", "features", "clusters")


def _progress(total_steps: int):  # noqa: ANN202 - (rich Progress, step callback)
    bar = Progress(TextColumn("[bold]{task.description:<10}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   TimeElapsedColumn())
    task = bar.add_task("graph", total=total_steps)
    started = {"first": True}

    def step(name: str) -> None:
        if not started.pop("first", False):
            bar.advance(task)
        bar.update(task, description=name)

    return bar, task, step


def _as_of(value) -> date:  # noqa: ANN001
    return value.date() if value else local_day()


@click.group("graph")
def graph() -> None:
    """The relationship graph: entities, persons, addresses, phones."""


@graph.command("build")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Compute the features as of this day (default: today).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Parquet file for the feature frame (default: instance/graph/features-<day>.parquet).")
@with_appcontext
def build(as_of, out: Path | None) -> None:  # noqa: ANN001
    """Rebuild the whole graph from the database and write its point-in-time feature frame."""
    day = _as_of(as_of)
    bar, task, step = _progress(5)
    with bar:
        data = service.load_graph(progress=step)
        step("features")
        snapshot = service.feature_snapshot(day, data)
        bar.advance(task)
    out = out or Path(current_app.instance_path) / "graph" / f"features-{day.isoformat()}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    snapshot.to_parquet(out)
    counts = ", ".join(f"{k} {v}" for k, v in service.summary(data).items())
    related = int((snapshot["related_entities"] > 0).sum())
    click.echo(f"graph as of {day}: {counts}; {related} entities related to another; features -> {out}")


@graph.command("clusters")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Relations in force on this day (default: today).")
@click.option("--top", default=5, show_default=True, help="Riskiest clusters to print.")
@with_appcontext
def clusters(as_of, top: int) -> None:  # noqa: ANN001
    """Find, score and store the risk clusters (a new build), and commit."""
    day = _as_of(as_of)
    bar, task, step = _progress(5)
    with bar:
        data = service.load_graph(progress=step)
        build_id, count = service.rebuild_clusters(day, progress=step, data=data)
        bar.advance(task)
    db.session.commit()
    click.echo(f"build {build_id}: {count} clusters")
    for cluster in service.riskiest(top, build_id):
        why = "; ".join(f"{r['kind']} {r['label']} ({r['count']})" for r in cluster.reasons[:3])
        click.echo(f"  #{cluster.id} size {cluster.size} score {cluster.score:.2f}: {why}")
