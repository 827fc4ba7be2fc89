"""Benchmark databases: an empty one at a URL, created afresh each run, and the application migrated onto it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def fresh_database(url: str) -> None:
    """Delete the SQLite file, or drop and re-create the PostgreSQL database, named by ``url``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


@contextmanager
def demo_app(url: str) -> Iterator[Flask]:
    """The application on a fresh, migrated database at ``url`` with the demo world's agencies, in its context."""
    from flask_migrate import upgrade

    from regulator import create_app
    from regulator.config import TestingConfig
    from regulator.demo import AGENCIES
    from regulator.extensions import db
    from regulator.services.agencies import upsert_agency

    fresh_database(url)
    cfg = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    cfg.update(SQLALCHEMY_DATABASE_URI=url, TESTING=False)
    app = create_app(cfg)
    with app.app_context():
        upgrade()
        for agency in AGENCIES:
            upsert_agency(agency["code"], agency["name"], agency["domain"])
        db.session.commit()
        yield app
