"""Database wiring: the SQLAlchemy extension, migrations, and SQLite connection pragmas."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db, migrate

MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")


def init_app(app: Flask) -> None:
    """Bind the database and migrations to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects are untyped
    """Foreign keys on, WAL for concurrent readers, and a busy timeout instead of instant lock errors."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
