"""Shared fixtures: the app on SQLite and PostgreSQL, clients, sign-in helper, factories, a live server.

Database tests use the ``app`` fixture, which runs every test on SQLite and, when TEST_DATABASE_URL
points at a PostgreSQL server, on PostgreSQL too. Each backend's schema is built once per session by
the Alembic migrations (so every run also proves the migrations work); SQLite tests then get a fresh
copy of that file, PostgreSQL tests a truncated database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from regulator import create_app
from regulator.config import TestingConfig

from .factories import Factory

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = "/usr/bin/chromium"


def _config(url: str, **extra: object) -> dict[str, object]:
    cfg = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    cfg.update(SQLALCHEMY_DATABASE_URI=url, BABEL_DEFAULT_LOCALE="en", **extra)
    return cfg


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        from regulator.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the migrated schema, copied for each test."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


def _pg_reachable(url: str) -> str | None:
    try:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}"
    return None


def require_postgres() -> None:
    """Skip the calling test, with the reason, when no PostgreSQL is configured or reachable (fail in CI when
    one is configured but unreachable)."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests skipped: set TEST_DATABASE_URL "
                    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run them")
    problem = _pg_reachable(PG_URL)
    if problem:
        if IN_CI:
            pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {problem}")
        pytest.skip(f"PostgreSQL tests skipped: {PG_URL} unreachable ({problem})")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of our own for this session (parallel runs do not collide), migrated."""
    require_postgres()
    name = f"regulator_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_all(app) -> None:  # noqa: ANN001
    from regulator.extensions import db

    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on."""
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean, migrated database for one test."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("pg_database")


@pytest.fixture
def app(database_url: str, backend: str):  # noqa: ANN201
    """The application bound to a clean database, with an app context pushed."""
    from regulator.extensions import db

    application = create_app(_config(database_url))
    with application.app_context():
        if backend == "postgresql":
            _truncate_all(application)
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path, sqlite_template: Path):  # noqa: ANN201
    """The application on SQLite only (for tests that are about something other than the database)."""
    from regulator.extensions import db

    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    application = create_app(_config(f"sqlite:///{path}"))
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):  # noqa: ANN001, ANN201
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factory:  # noqa: ANN001
    """Factories: ``make.entity(...)``, ``make.user(...)``, ``make.inspection(...)`` ..."""
    return Factory()


PASSWORD = "test-password-123"


class AuthActions:
    """Sign a test client in and out."""

    def __init__(self, client) -> None:  # noqa: ANN001
        self.client = client

    def login(self, username: str, password: str = PASSWORD):  # noqa: ANN201
        return self.client.post("/auth/login", data={"username": username, "password": password})

    def logout(self):  # noqa: ANN201
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:  # noqa: ANN001
    """Sign-in helper bound to ``client``."""
    return AuthActions(client)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, which browser tests drive (Playwright never downloads its own browser)."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs Debian's chromium package")
        pytest.skip(f"browser tests skipped: {CHROMIUM} not installed (apt-get install chromium)")
    return CHROMIUM
