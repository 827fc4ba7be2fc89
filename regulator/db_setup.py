"""Database wiring: the SQLAlchemy extension, migrations, PostgreSQL session settings and SQLite pragmas."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from models.base import include_object, json_text

from . import pg_prepared  # noqa: F401 - its do_connect listener makes every psycopg connection keep prepared statements
from .extensions import db, migrate

log = logging.getLogger(__name__)
MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")
_SETTING = re.compile(r"\s*(?P<name>[a-z_][a-z0-9_.]*)\s*=\s*(?P<value>[\w.]+)\s*")


def init_app(app: Flask) -> None:
    """Bind the database and migrations to the app."""
    _session_settings(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_serializer": json_text,
                                               **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    db.init_app(app)
    app.teardown_appcontext(_end_session)  # runs before Flask-SQLAlchemy's own (teardowns run in reverse)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True,
                     include_object=include_object)


def _end_session(_error: BaseException | None) -> None:
    """Close the request's session, as Flask-SQLAlchemy does, except when the connection died since its
    last statement (a database restart): the server has rolled the transaction back already, and the
    response is made, so the failed ROLLBACK must not turn it into a 500. The pool drops the connection."""
    try:
        db.session.remove()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("database connection lost before the request's transaction was closed: %s",
                    str(error.orig or error).splitlines()[0][:300])
        db.session.remove()


def _session_settings(app: Flask) -> None:
    """``DB_SESSION_SETTINGS`` (``name=value,...``) passed to PostgreSQL as each connection's startup options,
    and ``DB_PREPARE_THRESHOLD`` to psycopg.

    The settings cost no statement: the server applies them when the connection opens, and they last as long
    as it.
    """
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or ""
    settings = []
    for pair in filter(None, (p.strip() for p in (app.config.get("DB_SESSION_SETTINGS") or "").split(","))):
        match = _SETTING.fullmatch(pair)
        if not match:
            raise RuntimeError(f"DB_SESSION_SETTINGS: {pair!r} is not name=value")
        settings.append(f"-c {match['name']}={match['value']}")
    prepare = _prepare_threshold(app.config.get("DB_PREPARE_THRESHOLD"))
    if not url.startswith("postgresql") or not (settings or prepare):
        return
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    connect_args = {**options.get("connect_args", {}), **prepare}
    if settings:
        connect_args["options"] = " ".join(filter(None, [connect_args.get("options"), *settings]))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}


def _prepare_threshold(value: object) -> dict[str, int | None]:
    """psycopg's connection argument for ``DB_PREPARE_THRESHOLD``: none for psycopg's default (empty),
    ``prepare_threshold=None`` for "off" (nothing prepared: PgBouncer in transaction mode), or the count."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("", "default"):
        return {}
    if text in ("off", "none"):
        return {"prepare_threshold": None}
    if text.isdigit():
        return {"prepare_threshold": int(text)}
    raise RuntimeError(f"DB_PREPARE_THRESHOLD: {value!r} is not a number of executions, 'off' or empty")


#: bytes per page of a new SQLite database. Imports insert at random points of several indexes (content
#: hashes, entity ids, persons' keys); with 16 KiB pages instead of SQLite's 4 KiB the rows of a million-record
#: import took 34.2-34.8 s to insert instead of 37.8-39.2 s (``bench/sqlite_floor.py --page-size``,
#: docs/benchmarks.md "Stop 28").
SQLITE_PAGE_SIZE = 16_384


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects are untyped
    """Foreign keys on, WAL for concurrent readers, and a busy timeout instead of instant lock errors.

    A new database file gets pages of ``SQLITE_PAGE_SIZE`` bytes (an existing one keeps its own: the size is
    fixed once the file has a table or a write-ahead log, so the pragma must come first).
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
