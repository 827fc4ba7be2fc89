"""Two administrators activating two risk models at once (PostgreSQL): both are served, one model is active."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, event, select, text

from models import ModelVersion
from regulator.extensions import db
from regulator.services import risk_models


def _waiting_on_a_lock(engine) -> bool:  # noqa: ANN001
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND datname = current_database()")).scalar())


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only: SQLite runs one writer at a time, so two activations never overlap there."""
    return request.param


def test_two_activations_at_once_both_succeed_and_leave_one_active(app) -> None:  # noqa: ANN001
    """The first has switched the others off and not yet itself on when the second starts: the second used to
    lock the first's row and wait for its own, the first then waited for its row (a deadlock, a 500 page)."""
    for name in ("m-first", "m-second"):
        db.session.add(ModelVersion(version=name, kind="risk"))
    db.session.commit()
    watcher = create_engine(db.engine.url)
    first_switched_others_off = threading.Event()
    errors: dict[str, BaseException] = {}

    def hold_before_switching_itself_on(conn, cursor, statement, *_args) -> None:  # noqa: ANN001
        if threading.current_thread().name == "m-first" and statement.startswith("UPDATE model_version SET active=") \
                and "activated_at" in statement:
            first_switched_others_off.set()
            for _ in range(100):  # until the second waits on a lock (at most 10 s)
                if _waiting_on_a_lock(watcher):
                    break
                time.sleep(0.1)

    def activate(version: str) -> None:
        with app.app_context():
            try:
                risk_models.activate(version)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors[version] = exc
                db.session.rollback()
            finally:
                db.session.remove()

    event.listen(db.engine, "before_cursor_execute", hold_before_switching_itself_on)
    try:
        first = threading.Thread(target=activate, args=("m-first",), name="m-first")
        first.start()
        assert first_switched_others_off.wait(30)
        second = threading.Thread(target=activate, args=("m-second",), name="m-second")
        second.start()
        first.join(60)
        second.join(60)
    finally:
        event.remove(db.engine, "before_cursor_execute", hold_before_switching_itself_on)
        watcher.dispose()
    assert errors == {}
    db.session.expire_all()
    assert list(db.session.scalars(select(ModelVersion.version).where(ModelVersion.active.is_(True)))) == ["m-second"]
