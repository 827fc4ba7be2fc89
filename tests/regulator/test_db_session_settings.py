"""PostgreSQL session settings from DB_SESSION_SETTINGS, and the web workers' default (no parallel plans)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from sqlalchemy import text

from regulator import create_app
from regulator.extensions import db
from tests.conftest import _config

ROOT = Path(__file__).resolve().parents[2]


def test_settings_apply_to_every_postgresql_connection(database_url, backend) -> None:  # noqa: ANN001
    """Each pooled connection starts with the settings; on SQLite they are not used and nothing breaks."""
    app = create_app(_config(database_url, DB_SESSION_SETTINGS="max_parallel_workers_per_gather=0, work_mem = 8MB"))
    with app.app_context():
        if backend == "postgresql":
            connections = [db.engine.connect() for _ in range(2)]
            assert [c.execute(text("SHOW max_parallel_workers_per_gather")).scalar() for c in connections] == ["0"] * 2
            assert connections[0].execute(text("SHOW work_mem")).scalar() == "8MB"
            for connection in connections:
                connection.close()
        else:
            assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.engine.dispose()


def test_a_malformed_setting_stops_the_app_from_starting(database_url) -> None:  # noqa: ANN001
    """A setting that is not name=value (or would smuggle another option) is refused at start-up, by name."""
    for bad in ("max_parallel_workers_per_gather", "work_mem=8MB -c fsync=off"):
        with pytest.raises(RuntimeError, match="DB_SESSION_SETTINGS"):
            create_app(_config(database_url, DB_SESSION_SETTINGS=bad))


def test_gunicorn_workers_plan_without_parallel_workers_unless_told(monkeypatch) -> None:  # noqa: ANN001
    """deploy/gunicorn.conf.py gives its workers max_parallel_workers_per_gather=0; the environment wins."""
    monkeypatch.delenv("DB_SESSION_SETTINGS", raising=False)
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert "DB_SESSION_SETTINGS=max_parallel_workers_per_gather=0" in conf["raw_env"]
    monkeypatch.setenv("DB_SESSION_SETTINGS", "work_mem=16MB")
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert "DB_SESSION_SETTINGS=work_mem=16MB" in conf["raw_env"]


def test_a_malformed_prepare_threshold_stops_the_app_from_starting(database_url) -> None:  # noqa: ANN001
    for bad in ("five", "-1", "5;"):
        with pytest.raises(RuntimeError, match="DB_PREPARE_THRESHOLD"):
            create_app(_config(database_url, DB_PREPARE_THRESHOLD=bad))


def test_a_new_sqlite_database_gets_large_pages_and_an_old_one_keeps_its_own(tmp_path) -> None:  # noqa: ANN001
    """New files get ``SQLITE_PAGE_SIZE`` (the bulk inserts' B-trees do better with them); a file made with
    SQLite's default 4 KiB pages stays as it is and is used as before, in write-ahead-log mode."""
    import sqlite3

    from flask_migrate import upgrade

    from regulator.db_setup import SQLITE_PAGE_SIZE

    old = tmp_path / "old.db"
    with sqlite3.connect(old) as con:
        con.execute("CREATE TABLE kept (x INTEGER)")
        con.execute("INSERT INTO kept VALUES (1)")
    for path in (tmp_path / "new.db", old):
        app = create_app(_config(f"sqlite:///{path}"))
        with app.app_context():
            upgrade()
            assert db.session.execute(text("SELECT count(*) FROM agency")).scalar() == 0
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            db.engine.dispose()
    sizes = {}
    for path in (tmp_path / "new.db", old):
        with sqlite3.connect(path) as con:
            sizes[path.name] = con.execute("PRAGMA page_size").fetchone()[0]
    assert sizes == {"new.db": SQLITE_PAGE_SIZE, "old.db": 4096}
    assert SQLITE_PAGE_SIZE != 4096
    with sqlite3.connect(old) as con:
        assert con.execute("SELECT x FROM kept").fetchall() == [(1,)]
