"""`flask campaign create|draw|plan|publish|release|staff|inputs|verify`: campaigns from the command line.

``verify`` needs no database when given ``--inputs FILE`` (the public inputs JSON): anyone can check a draw.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Agency, Campaign, InspectionTask
from risk.campaign import DEFAULT_RATIOS, describe, verify_document
from risk.campaign.public import version_note

from ..extensions import db
from ..services import campaigns as service


@click.group("campaign")
def campaign() -> None:
    """Inspection campaigns: the verifiable draw and the joint plan."""


def _campaign(campaign_id: int) -> Campaign:
    found = db.session.get(Campaign, campaign_id)
    if found is None:
        raise click.BadParameter(f"no campaign {campaign_id}", param_hint="CAMPAIGN_ID")
    return found


def _part(text: str) -> service.AgencyPart:
    code, _, rest = text.partition(":")
    capacity, _, matters = rest.partition(":")
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise click.BadParameter(f"{text!r}: no agency {code!r}", param_hint="--agency")
    try:
        cap = int(capacity)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: write CODE:CAPACITY[:matter,matter]", param_hint="--agency") from exc
    return service.AgencyPart(agency.id, cap, [m for m in matters.split(",") if m])


def _ratios(items: tuple[str, ...]) -> dict[str, float]:
    ratios = dict(DEFAULT_RATIOS)
    for item in items:
        cls, _, value = item.partition("=")
        try:
            ratios[cls.strip().upper()] = float(value)
        except ValueError as exc:
            raise click.BadParameter(f"{item!r}: write CLASS=RATIO, e.g. D=0.3", param_hint="--ratio") from exc
    return ratios


@campaign.command("create")
@click.option("--name", required=True)
@click.option("--start", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--end", "end", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--agency", "agencies", multiple=True, required=True,
              help="CODE:CAPACITY[:matter,matter] (repeatable); the first leads.")
@click.option("--ratio", "ratios", multiple=True, help="CLASS=RATIO, e.g. D=0.3 (defaults A=0 B=0.03 C=0.1 D=0.3).")
@click.option("--random-share", default=0.2, show_default=True, type=float)
@click.option("--cost-per-visit", default=0.3, show_default=True, type=float)
@click.option("--seed", default=None, help="Use this seed (default: a fresh random one).")
@with_appcontext
def create(name: str, start: datetime, end: datetime, agencies: tuple[str, ...], ratios: tuple[str, ...],
           random_share: float, cost_per_visit: float, seed: str | None) -> None:
    """Create a campaign and publish its seed commitment."""
    parts = [_part(a) for a in agencies]
    try:
        created = service.create_campaign(name, start.date(), end.date(), parts, class_ratios=_ratios(ratios),
                                          random_share=random_share, cost_per_visit=cost_per_visit)
        commitment = service.commit_seed(created, seed=seed)
    except service.CampaignError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"campaign {created.id} created; seed commitment (SHA-256): {commitment}")


@campaign.command("draw")
@click.argument("campaign_id", type=int)
@click.option("--no-plan", is_flag=True, help="Only draw; build the joint plan later with `flask campaign plan`.")
@with_appcontext
def draw(campaign_id: int, no_plan: bool) -> None:
    """Run the draw with the committed seed (revealing it), then build the joint plan."""
    found = _campaign(campaign_id)
    try:
        selection = service.run_draw(found)
        plan = None if no_plan else service.build_plan(found)
    except service.CampaignError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    counts = selection["reason"].value_counts().to_dict()
    click.echo(f"campaign {found.id}: {len(selection)} pairs drawn {counts}; seed {found.seed}")
    if plan is not None:
        s = plan.summary
        click.echo(f"joint plan: {s['pairs']} checks, {s['tasks']} tasks (one per entity) in {s['visits']} visits "
                   f"({s['joint_visits']} with several agencies, {s['cluster_visits']} to several entities of a "
                   "relationship cluster), "
                   f"expected findings {s['expected_findings']:.2f}; each agency alone (its fixed checks, then only "
                   f"checks worth a visit of their own): {s['alone_pairs']} checks in {s['alone_visits']} visits "
                   f"({s['alone_fixed']} fixed), expected findings {s['alone_expected_findings']:.2f}")


@campaign.command("plan")
@click.argument("campaign_id", type=int)
@click.option("--clusters", is_flag=True, help="Plan each relationship cluster as one joint target.")
@with_appcontext
def plan(campaign_id: int, clusters: bool) -> None:
    """(Re)build the joint plan of a drawn campaign."""
    found = _campaign(campaign_id)
    try:
        result = service.build_plan(found, use_clusters=clusters)
    except service.CampaignError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(json.dumps(result.summary, ensure_ascii=False))


@campaign.command("publish")
@click.argument("campaign_id", type=int)
@with_appcontext
def publish(campaign_id: int) -> None:
    """Publish the plan to the inspectors (drawing inspectors for unstaffed visits)."""
    _step(campaign_id, service.publish_plan, "plan published")


@campaign.command("release")
@click.argument("campaign_id", type=int)
@with_appcontext
def release(campaign_id: int) -> None:
    """Publish the recorded results on the public pages."""
    _step(campaign_id, service.release_results, "results released")


@campaign.command("staff")
@click.argument("campaign_id", type=int)
@with_appcontext
def staff(campaign_id: int) -> None:
    """Draw inspectors for the visits that have none (e.g. after inspector accounts were added)."""
    result = service.staff_tasks(_campaign(campaign_id))
    db.session.commit()
    if result is None:
        click.echo("nothing to staff (no unstaffed visits, or no inspectors in the agencies' pools)")
    else:
        tasks = db.session.scalars(select(InspectionTask).where(
            InspectionTask.id.in_([int(t) for t in result.assigned["task"].unique()]))).all()
        visits = len({service.visit_key(t) or f"task {t.id}" for t in tasks})
        click.echo(f"{len(tasks)} tasks staffed in {visits} visits (a relationship cluster visited as one is one "
                   f"visit); {len(result.shortfalls)} shortfalls (a visit's agency short of inspectors)")


def _step(campaign_id: int, action, message: str) -> None:  # noqa: ANN001
    found = _campaign(campaign_id)
    try:
        action(found)
    except service.CampaignError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"campaign {found.id}: {message}")


@campaign.command("inputs")
@click.argument("campaign_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def inputs(campaign_id: int, out: Path) -> None:
    """Write the public inputs of a drawn campaign (what /campaigns/ID/inputs.json serves)."""
    try:
        document = service.public_inputs(_campaign(campaign_id))
    except service.CampaignError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_text(service.dumps(document), encoding="utf-8")
    click.echo(f"wrote {out} ({len(document['pool'])} pool pairs, {len(document['random_selection'])} drawn)")


@campaign.command("verify")
@click.option("--inputs", "inputs_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Public inputs JSON (no database needed).")
@click.option("--campaign", "campaign_id", type=int, help="Verify a campaign in this database instead.")
@with_appcontext
def verify(inputs_path: Path | None, campaign_id: int | None) -> None:
    """Re-run a published draw: the seed must match its commitment and the random pairs the published ones."""
    if (inputs_path is None) == (campaign_id is None):
        raise click.UsageError("give --inputs FILE or --campaign ID")
    if inputs_path is not None:
        try:
            document = json.loads(inputs_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise click.ClickException(f"{inputs_path}: not JSON ({exc})") from exc
    else:
        try:
            document = service.public_inputs(_campaign(campaign_id))
        except service.CampaignError as exc:
            raise click.ClickException(str(exc)) from exc
    try:
        result = verify_document(document)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in version_note(document) + describe(result):
        click.echo(line)
    if not result.ok:
        raise SystemExit(1)
