"""`flask demo`, the README's main job, end to end on a SQLite file: it builds the world, refuses to mix into
a database that holds data, and `--reset` rebuilds it, also over what an interrupted migration left behind."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from models import (
    Campaign,
    CampaignStatus,
    EnforcementAction,
    Inspection,
    InspectionInspector,
    ListEntry,
    ListType,
    MarketEntity,
    SourceRecord,
    SourceStatus,
    User,
)
from regulator import create_app
from regulator.extensions import db
from regulator.services.demo import DemoSettings

from ..conftest import _config

pytestmark = pytest.mark.slow


def _counts() -> tuple[int, ...]:
    """Entities, imported rows and users: the same for the same seed (the campaign's draw is not: its seed is
    drawn afresh and committed, so which visits get results differs from run to run)."""
    imported = select(func.count()).select_from(SourceRecord).where(SourceRecord.batch_id.is_not(None))
    return (db.session.scalar(select(func.count()).select_from(MarketEntity)), db.session.scalar(imported),
            db.session.scalar(select(func.count()).select_from(User)))


def _inspected_by_platform_inspectors() -> int:
    return db.session.scalar(select(func.count()).select_from(InspectionInspector))


def test_demo_builds_refuses_to_mix_and_resets(tmp_path: Path) -> None:
    app = create_app(_config(f"sqlite:///{tmp_path / 'demo.db'}"))
    app.instance_path = str(tmp_path / "instance")  # the generated files and model files stay in the test's folder
    runner = app.test_cli_runner()
    with app.app_context():
        first = runner.invoke(args=["demo", "--entities", "80"])
        assert first.exit_code == 0, first.output
        assert "Demo accounts (password for all:" in first.output and "samr.coordinator" in first.output
        built = _counts()
        assert built[0] >= 80 and built[1] > built[0] and built[2] > 10 and _inspected_by_platform_inspectors()
        # the agencies' history runs up to last month, so the visits recorded today follow it
        last_month = date.today().replace(day=1) - timedelta(days=1)
        history = db.session.scalar(select(func.max(Inspection.inspection_date)).where(Inspection.task_id.is_(None)))
        assert last_month - timedelta(days=92) < history <= last_month
        campaign = db.session.scalar(select(Campaign))
        assert campaign.status == CampaignStatus.RELEASED
        today = date.today()  # named after its period, which begins this month (a fixed "2026 Q1" misled)
        assert campaign.name.startswith(f"{today.year}年{today.month}月至")
        assert campaign.period_start == today.replace(day=1)
        assert db.session.scalar(select(func.count()).select_from(Inspection).where(Inspection.task_id.is_not(None)))
        assert any((tmp_path / "instance" / "demo").iterdir())
        assert "quarantined for a coordinator to correct" in first.output  # the quarantine has rows to fix
        assert db.session.scalar(select(func.count()).select_from(SourceRecord).where(
            SourceRecord.status == SourceStatus.REJECTED)) == 6
        # the enterprise accounts show what an enterprise can do: penalties to object to or repair, a listing
        owners = {u.username: u.entity_id for u in db.session.scalars(select(User).where(User.entity_id.is_not(None)))}
        # (the agencies' penalties: the visits the demo's inspectors record after the accounts add their own)
        most = db.session.execute(select(EnforcementAction.entity_id, func.count()).join(
            SourceRecord, SourceRecord.id == EnforcementAction.source_record_id).where(
            SourceRecord.batch_id.is_not(None)).group_by(EnforcementAction.entity_id).order_by(
            func.count().desc(), EnforcementAction.entity_id)).first()
        assert owners["enterprise1"] == most[0]
        # accounts carry people's names (task sheets and plans show them), each different
        names = [u.display_name for u in db.session.scalars(select(User))]
        assert len(set(names)) == len(names) and all("\u4e00" <= n[0] <= "\u9fff" for n in names)
        assert db.session.scalar(select(func.count()).select_from(ListEntry).where(
            ListEntry.entity_id == owners["enterprise2"], ListEntry.list_type == ListType.ABNORMAL_OPERATIONS))
        db.session.remove()

        refused = runner.invoke(args=["demo", "--entities", "80"])
        assert refused.exit_code != 0 and "--reset" in str(refused.exception)
        db.session.remove()

        with db.engine.begin() as conn:  # what a migration stopped half-way leaves on SQLite
            conn.exec_driver_sql("CREATE TABLE _alembic_tmp_entity_name (id INTEGER PRIMARY KEY)")
        again = runner.invoke(args=["demo", "--reset", "--entities", "80"])
        assert again.exit_code == 0, again.output
        assert _counts() == built and _inspected_by_platform_inspectors()
        assert not [t for t in inspect(db.engine).get_table_names() if t.startswith("_alembic_tmp")]
        db.session.remove()
        db.engine.dispose()


def test_demo_history_is_five_years_up_to_last_month() -> None:
    assert DemoSettings().world_period(date(2026, 12, 7)) == (date(2021, 12, 1), date(2026, 11, 30))
    assert DemoSettings().world_period(date(2024, 3, 5)) == (date(2019, 3, 1), date(2024, 2, 29))
    assert DemoSettings(end=date(2025, 12, 31)).world_period() == (date(2021, 1, 1), date(2025, 12, 31))


def test_demo_world_end_option(tmp_path: Path) -> None:
    """--world-end makes the generated files the same whatever the day (README: reproducing a demo)."""
    app = create_app(_config(f"sqlite:///{tmp_path / 'demo.db'}"))
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "--entities", "60", "--world-end", "2024-06-30"])
        assert result.exit_code == 0, result.output
        assert "2019-07-01 to 2024-06-30" in result.output
        assert db.session.scalar(select(func.max(Inspection.inspection_date)).where(
            Inspection.task_id.is_(None))) <= date(2024, 6, 30)
        bad = app.test_cli_runner().invoke(args=["demo", "--entities", "60", "--world-end", "30/06/2024"])
        assert bad.exit_code != 0 and "--world-end" in bad.output
        db.session.remove()
        db.engine.dispose()
