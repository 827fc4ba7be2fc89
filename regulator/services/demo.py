"""The demo pipeline: a generated multi-agency world taken through every stage of the platform.

Each stage is a function of a ``DemoRun``; later capabilities add their stage to ``STAGES`` so that
`flask demo` (and `make demo`) always shows the whole data path on the embedded default database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from models import EnforcementAction, ListEntry, ListType, MarketEntity, Role, User

from ..extensions import db
from . import users as user_service
from .agencies import upsert_agency
from .demo_campaign import stage_campaign, stage_campaign_inspectors
from .demo_supplement import import_supplement

log = logging.getLogger(__name__)
DEFAULT_ENTITIES = 2000
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed demo accounts on a local demo
INSPECTORS_PER_AGENCY = 6
ENTERPRISE_ACCOUNTS = 3


@dataclass
class DemoSettings:
    """What to build."""

    entities: int = DEFAULT_ENTITIES
    seed: int = 7
    reset: bool = False
    out_dir: Path | None = None
    #: the generated world's last day (default: the end of last month, ``world_period``)
    end: date | None = None

    def world_period(self, today: date | None = None) -> tuple[date, date]:
        """The generated world's first and last day: five years up to ``end``.

        The demo's campaign, visits and credit classes happen today, so its history ends near today: a world
        ending years ago showed a penalty decided this week beside a risk score "as of" a year before it,
        whose reasons counted days from then.
        """
        end = self.end or (today or date.today()).replace(day=1) - timedelta(days=1)
        after = end + timedelta(days=1)
        return after.replace(year=after.year - 5, day=min(after.day, 28)), end


@dataclass
class DemoRun:
    """State passed from stage to stage."""

    settings: DemoSettings
    echo: Callable[[str], Any]
    out_dir: Path
    world: Any = None
    manifest: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    graph: Any = None


def stage_database(run: DemoRun) -> None:
    """Bring the schema up to date (emptying it first with --reset); refuse to mix into existing data.

    A SQLite file is reset by deleting it: that also recovers a file an interrupted migration left half-way
    (SQLite's schema changes are not transactional), which a downgrade would stop on.
    """
    path = db.engine.url.database if db.engine.dialect.name == "sqlite" else None
    if run.settings.reset and path and path != ":memory:":
        db.session.remove()
        db.engine.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
    elif run.settings.reset and "alembic_version" in inspect(db.engine).get_table_names():
        downgrade(revision="base")
    upgrade()
    if db.session.scalar(select(func.count(User.id))):
        raise RuntimeError("the database already holds data: run `flask demo --reset` to rebuild it")


def stage_agencies(run: DemoRun) -> None:
    """Register the demo world's agencies."""
    from ..demo import AGENCIES

    for agency in AGENCIES:
        upsert_agency(agency["code"], agency["name"], agency["domain"], name_en=agency.get("name_en"))
    db.session.commit()


def stage_generate(run: DemoRun) -> None:
    """Generate the world and write each agency's files (and the hidden truth) to the instance folder."""
    from ..demo import generate_world, write_agency_files

    start, end = run.settings.world_period()
    run.world = generate_world(n_entities=run.settings.entities, seed=run.settings.seed, start=start, end=end)
    run.manifest = write_agency_files(run.world, run.out_dir)
    rows = sum(item["rows"] for item in run.manifest)
    run.echo(f"  wrote {len(run.manifest)} agency files ({rows} rows, {start} to {end}) to {run.out_dir}")


def stage_ingest(run: DemoRun) -> None:
    """Ingest every agency file through the mappings and link the rows to market entities."""
    from ..ingest.demo import ingest_directory

    batches = ingest_directory(run.out_dir)
    rows = sum(b.rows_accepted for b in batches)
    rejected = sum(b.rows_rejected for b in batches)
    entities = db.session.scalar(select(func.count(MarketEntity.id)))
    run.echo(f"  ingested {rows} rows ({rejected} quarantined) from {len(batches)} files; {entities} entities")
    import_supplement(run.out_dir, run.echo)
    stage_recheck(run)


def stage_recheck(run: DemoRun) -> None:
    """The match reviews decided again against what every file taught (``flask linkage recheck``)."""
    from ..linkage.recheck import recheck

    report = recheck()
    db.session.commit()
    run.echo(f"  match reviews matched again: {report.summary()}")


def _enterprise_entities() -> list[MarketEntity]:
    """Entities for the demo's enterprise accounts, each showing what an enterprise can do: the one with most
    penalties (objections, credit repair), one on the abnormal operations list (repair by correcting the
    cause), then the first others; the first entities where the world has no such records."""
    live = MarketEntity.merged_into_id.is_(None)
    picked: list[int] = []
    penalised = db.session.scalar(
        select(EnforcementAction.entity_id).join(MarketEntity, MarketEntity.id == EnforcementAction.entity_id)
        .where(live).group_by(EnforcementAction.entity_id)
        .order_by(func.count().desc(), EnforcementAction.entity_id).limit(1))
    picked += [penalised] if penalised is not None else []
    listed = db.session.scalar(
        select(ListEntry.entity_id).join(MarketEntity, MarketEntity.id == ListEntry.entity_id)
        .where(live, ListEntry.list_type == ListType.ABNORMAL_OPERATIONS, ListEntry.removed_date.is_(None),
               ListEntry.entity_id.not_in(picked or [0])).order_by(ListEntry.entity_id).limit(1))
    picked += [listed] if listed is not None else []
    others = db.session.scalars(select(MarketEntity.id).where(live, MarketEntity.id.not_in(picked or [0]))
                                .order_by(MarketEntity.id).limit(ENTERPRISE_ACCOUNTS - len(picked))).all()
    return [db.session.get(MarketEntity, entity_id) for entity_id in [*picked, *others]]


def _staff_names(n: int) -> list[str]:
    """Distinct Chinese full names for the demo's accounts, the same on every run (a name, not a login, is
    what colleagues know each other by on task sheets and in campaign plans)."""
    import numpy as np

    from ..demo.names import person_names

    rng = np.random.default_rng(2026)
    names: list[str] = []
    while len(names) < n:
        for name in person_names(rng, rng.random(2 * n) < 0.5):
            if name not in names and len(names) < n:
                names.append(str(name))
    return names


def stage_accounts(run: DemoRun) -> None:
    """Demo accounts for every role: an administrator, each agency's coordinator and inspectors, enterprises."""
    from ..demo import AGENCIES

    people = iter(_staff_names(1 + len(AGENCIES) * (1 + INSPECTORS_PER_AGENCY) + ENTERPRISE_ACCOUNTS))

    def add(username: str, role: Role, note: str, **kwargs: Any) -> None:
        user_service.create_user(username, run.password, role, display_name=next(people), **kwargs)
        run.accounts.append((str(role), username, note))

    add("admin", Role.ADMIN, "all administration")
    for agency in AGENCIES:
        code = agency["code"]
        add(f"{code.lower()}.coordinator", Role.COORDINATOR, agency["name"], agency_code=code)
        for i in range(1, INSPECTORS_PER_AGENCY + 1):
            add(f"{code.lower()}.inspector{i}", Role.INSPECTOR, agency["name"], agency_code=code)
    entities = _enterprise_entities()
    for i, entity in enumerate(entities, start=1):
        add(f"enterprise{i}", Role.ENTERPRISE, entity.name, entity_id=entity.id)
    if not entities:
        run.echo("  no market entities yet: no enterprise accounts created")
    db.session.commit()


def stage_credit(run: DemoRun) -> None:
    """Publication ends, credit classes A-D and the public search index for every entity."""
    from . import credit, disclosure, name_index

    filled = disclosure.fill_publication_ends()
    report = credit.recompute(trigger="demo")
    grams = name_index.reindex()
    db.session.commit()
    if db.engine.dialect.name == "sqlite":  # planner statistics after bulk loads (PostgreSQL gathers its own)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    run.echo(f"  {report.entities} entities classed {report.by_class}; {filled} publication ends; "
             f"{grams} name grams")


def stage_risk(run: DemoRun) -> None:
    """Train the risk model on the world's inspections, activate it and score every entity."""
    from . import risk_models
    from .risk_frames import load_frames

    frames = load_frames(graph=True)  # one read of the relationship graph for training and scoring
    if frames.inspections is None or frames.inspections.empty:
        run.echo("  no inspections in the database yet: no risk model trained")
        return
    try:
        row = risk_models.train(frames=frames, activate_it=True, notes="demo")
    except risk_models.RegistryError as exc:
        run.echo(f"  no risk model trained: {exc}")
        return
    as_of = frames.inspections["inspection_date"].max().date() + timedelta(days=1)
    report = risk_models.score_all(row.version, as_of, recompute_credit=False, frames=frames)
    db.session.commit()
    auc = row.metrics.get("auc")
    run.echo(f"  {row.version}: test auc {auc if auc is None else round(auc, 3)}; "
             f"{report.entities} entities scored as of {as_of}")


def stage_graph(run: DemoRun) -> None:
    """The relationship graph and its features as of the world's last day (Parquet beside the agency files)."""
    from ..graph import service as graph_service

    run.graph = graph_service.load_graph()
    as_of = run.world.end if run.world is not None else date.today()
    features = graph_service.feature_snapshot(as_of, run.graph)
    out = Path(run.out_dir) / f"graph-features-{as_of.isoformat()}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    features.to_parquet(out)
    counts = ", ".join(f"{k} {v}" for k, v in graph_service.summary(run.graph).items())
    related = int((features["related_entities"] > 0).sum()) if len(features) else 0
    run.echo(f"  {counts}; {related} entities related to another; features -> {out}")


def stage_clusters(run: DemoRun) -> None:
    """Risk clusters of related entities, scored by the members' classes and model probabilities."""
    from ..graph import service as graph_service

    as_of = run.world.end if run.world is not None else date.today()
    build, count = graph_service.rebuild_clusters(as_of, data=run.graph)
    db.session.commit()
    top = graph_service.riskiest(1, build)
    best = f"; riskiest: {top[0].size} entities, score {top[0].score:.2f}" if top else ""
    run.echo(f"  {count} risk clusters (build {build}){best}")


#: (name, stage) in order; capabilities insert their stage before "accounts"
STAGES: list[tuple[str, Callable[[DemoRun], None]]] = [
    ("database", stage_database),
    ("agencies", stage_agencies),
    ("generate", stage_generate),
    ("ingest", stage_ingest),
    ("graph", stage_graph),
    ("risk", stage_risk),
    ("credit", stage_credit),
    ("clusters", stage_clusters),
    ("campaign", stage_campaign),
    ("accounts", stage_accounts),
    ("campaign_inspectors", stage_campaign_inspectors),
]


def run_demo(settings: DemoSettings, echo: Callable[[str], Any] = log.info) -> DemoRun:
    """Run every stage in order, reporting each one's duration."""
    out_dir = settings.out_dir or Path(current_app.instance_path) / "demo"
    run = DemoRun(settings=settings, echo=echo, out_dir=out_dir)
    for name, stage in STAGES:
        started = time.perf_counter()
        echo(f"[{name}]")
        stage(run)
        echo(f"  {name} done in {time.perf_counter() - started:.1f}s")
    return run
