"""PostgreSQL connections: prepared statements kept across rollbacks, rollbacks that still roll back, and
connections lost mid-request dropped without an error."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from models import Agency
from regulator import create_app
from regulator.access import public
from regulator.extensions import db
from regulator.pg_prepared import KeepPreparedConnection
from tests.conftest import _config, _truncate_all

#: a statement no other part of the app sends, to find among the connection's prepared statements
_PROBE = select(func.count(Agency.id).label("prepared_probe")).where(Agency.code == "nobody")


#: a pool of one connection, so every transaction runs on the same one
ONE_CONNECTION = {"pool_size": 1, "max_overflow": 0}


@pytest.fixture
def pg_app(pg_database: str) -> Iterator:
    """The app on PostgreSQL with a pool of one connection."""
    app = create_app(_config(pg_database, SQLALCHEMY_ENGINE_OPTIONS=ONE_CONNECTION))
    with app.app_context():
        _truncate_all(app)
        yield app
        db.session.remove()
        db.engine.dispose()


def _conninfo(database_url: str) -> str:
    """The libpq form of the test database's SQLAlchemy URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _terminate(database_url: str, pid: int) -> None:
    """End a backend from another connection, as a database restart would."""
    with psycopg.connect(_conninfo(database_url), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def _prepared_probes() -> int:
    return db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements "
                                  "WHERE name LIKE '\\_pg3\\_%' AND statement LIKE '%prepared\\_probe%'"))


def _run_probe_in_transactions(times: int) -> None:
    for _ in range(times):  # each in its own transaction, ended by the rollback of Session.remove as after a request
        assert db.session.scalar(_PROBE) == 0
        db.session.remove()


def test_a_statement_run_in_many_transactions_is_prepared_once_and_stays(pg_app) -> None:  # noqa: ANN001
    assert type(db.session.connection().connection.dbapi_connection) is KeepPreparedConnection
    db.session.remove()
    _run_probe_in_transactions(4)
    assert _prepared_probes() == 0  # psycopg prepares a statement once it has run five times
    db.session.remove()
    _run_probe_in_transactions(3)
    assert _prepared_probes() == 1
    db.session.remove()
    _run_probe_in_transactions(5)
    assert _prepared_probes() == 1  # kept across the rollbacks, and not prepared again


@pytest.mark.parametrize(("threshold", "runs", "prepared"), [("", 5, 0), ("", 6, 1), ("2", 3, 1), ("off", 10, 0)])
def test_prepare_threshold_sets_when_psycopg_prepares_statements(pg_database, threshold, runs, prepared) -> None:  # noqa: ANN001
    """DB_PREPARE_THRESHOLD: empty for psycopg's default (prepared at the sixth run), a count, or "off" for a
    PgBouncer in transaction mode."""
    app = create_app(_config(pg_database, DB_PREPARE_THRESHOLD=threshold, SQLALCHEMY_ENGINE_OPTIONS=ONE_CONNECTION))
    with app.app_context():
        _truncate_all(app)
        _run_probe_in_transactions(runs)
        assert _prepared_probes() == prepared
        db.session.remove()
        db.engine.dispose()


def test_psycopg_itself_drops_prepared_statements_at_each_rollback(pg_database: str) -> None:
    """Why the subclass exists: were this ever to fail, psycopg keeps them itself and it can go."""
    for cls, expected in ((psycopg.Connection, 0), (KeepPreparedConnection, 1)):
        with cls.connect(_conninfo(pg_database)) as conn:
            for _ in range(8):
                conn.execute("SELECT count(*) AS prepared_probe FROM agency WHERE code = %s", ["nobody"]).fetchall()
                conn.rollback()
            count = conn.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE %s",
                                 ["\\_pg3\\_%"]).fetchone()[0]
            assert count == expected, cls


def test_a_rollback_still_undoes_the_transaction_and_recovers_from_an_error(pg_app) -> None:  # noqa: ANN001
    _run_probe_in_transactions(6)
    db.session.add(Agency(code="rolled-back", name="Rolled back", domain="food"))
    db.session.flush()
    assert db.session.scalar(select(func.count(Agency.id))) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count(Agency.id))) == 0
    with pytest.raises(Exception, match="no_such_table"):
        db.session.execute(text("SELECT * FROM no_such_table"))
    db.session.rollback()  # out of the failed transaction
    assert db.session.scalar(_PROBE) == 0
    assert _prepared_probes() == 1


def test_a_connection_lost_in_a_transaction_is_replaced(pg_app, pg_database: str) -> None:  # noqa: ANN001
    _run_probe_in_transactions(6)
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    _terminate(pg_database, pid)
    with pytest.raises(OperationalError) as lost:  # as with psycopg's own rollback: the error, and the pool
        db.session.remove()                          # drops the connection
    assert lost.value.connection_invalidated
    db.session.remove()
    assert db.session.scalar(text("SELECT pg_backend_pid()")) != pid
    assert db.session.scalar(_PROBE) == 0


def test_a_connection_lost_after_the_requests_last_statement_is_no_server_error(pg_database: str) -> None:
    """A database restart between a request's last statement and its end: the response stands (no 500 from
    the ROLLBACK that can no longer be sent), and the next request gets a new connection."""
    app = create_app(_config(pg_database, SQLALCHEMY_ENGINE_OPTIONS=ONE_CONNECTION))
    pids: list[int] = []

    @public
    def last_statement_then_restart() -> str:
        pids.append(db.session.scalar(text("SELECT pg_backend_pid()")))
        _terminate(pg_database, pids[-1])
        return "made"

    app.add_url_rule("/test/last-statement-then-restart", view_func=last_statement_then_restart)
    client = app.test_client()
    try:
        first = client.get("/test/last-statement-then-restart")
        assert (first.status_code, first.get_data(as_text=True)) == (200, "made")
        assert client.get("/test/last-statement-then-restart").status_code == 200
        assert len(set(pids)) == 2  # the second request ran on a new connection
    finally:
        with app.app_context():
            db.engine.dispose()
