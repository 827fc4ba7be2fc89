"""`flask risk train | evaluate | score | activate VERSION | list`: the risk model registry from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..services import risk_models
from ..services.risk_report import write_report


def _fail(exc: Exception) -> None:
    db.session.rollback()
    raise click.ClickException(str(exc)) from exc


@click.group("risk")
def risk() -> None:
    """The risk model: train, evaluate, activate, score."""


@risk.command("train")
@click.option("--test-fraction", default=0.2, show_default=True, type=click.FloatRange(0, 1, max_open=True),
              help="Latest share of inspections held out (0 to below 1).")
@click.option("--weighted", is_flag=True, help="Weight by inverse selection probability.")
@click.option("--activate", "activate_it", is_flag=True, help="Make the new version the active one.")
@click.option("--notes", default=None)
@click.option("--graph/--no-graph", default=True, show_default=True,
              help="Use the relationship-graph features (related entities with violations, PageRank ...).")
@click.option("--refit/--no-refit", default=True, show_default=True,
              help="Once tested on the held-out inspections, train the stored model again on all of them.")
@with_appcontext
def train(test_fraction: float, weighted: bool, activate_it: bool, notes: str | None, graph: bool,
          refit: bool) -> None:
    """Train on every inspection in the database and store the version."""
    try:
        row = risk_models.train(test_fraction=test_fraction, weighted=weighted, activate_it=activate_it,
                                notes=notes, graph=graph, refit=refit)
    except risk_models.RegistryError as exc:
        _fail(exc)
    db.session.commit()
    m = row.metrics
    auc = f"{m['auc']:.3f}" if m.get("auc") is not None else "-"
    ap = f"{m['average_precision']:.3f}" if m.get("average_precision") is not None else "-"
    graph_note = "with graph features" if risk_models.uses_graph(row) else "without graph features"
    tested = (f", tested (trained to {m['tested_train_end']}) on {m['test_start']}..{m['test_end']}"
              if m.get("tested_train_end") else "")
    click.echo(f"{row.version}: trained {row.train_start}..{row.train_end} on {m['n_train']} inspections "
               f"{graph_note}{tested}, test auc={auc} ap={ap}{' (active)' if row.active else ''}")


@risk.command("evaluate")
@click.option("--version", default=None, help="Default: the active version.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the HTML report to this file.")
@click.option("--lang", type=click.Choice(["en", "zh_Hans_CN"]), default="en", show_default=True,
              help="Language of the report.")
@with_appcontext
def evaluate_cmd(version: str | None, out: Path | None, lang: str) -> None:
    """Evaluate on the inspections the model never saw; print the summary, write the report."""
    try:
        row = risk_models.reevaluate(version)
    except risk_models.RegistryError as exc:
        _fail(exc)
    db.session.commit()
    summary = row.evaluation.get("summary", {})
    click.echo(f"{row.version}: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                              for k, v in summary.items()))
    if out is not None:
        write_report(row, out, lang)
        click.echo(f"report written to {out}")


@risk.command("score")
@click.option("--version", default=None, help="Default: the active version.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@with_appcontext
def score_cmd(version: str | None, as_of) -> None:  # noqa: ANN001
    """Score every entity, store the scores, recompute credit classes."""
    try:
        report = risk_models.score_all(version, as_of.date() if as_of else None)
    except risk_models.RegistryError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"{report.entities} entities scored with {report.version} in {report.seconds:.1f}s; "
               f"{report.credit_changed} credit classes changed")


@risk.command("activate")
@click.argument("version")
@with_appcontext
def activate(version: str) -> None:
    """Make VERSION the active model."""
    try:
        risk_models.activate(version)
    except risk_models.RegistryError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"{version} is active")


@risk.command("list")
@with_appcontext
def list_cmd() -> None:
    """Every version, newest first."""
    for row in risk_models.versions():
        auc = row.metrics.get("auc")
        click.echo(f"{'*' if row.active else ' '} {row.version}  {row.train_start}..{row.train_end}  "
                   f"auc={auc if auc is None else round(auc, 3)}")
