"""PostgreSQL connections that keep their prepared statements when a transaction is rolled back.

psycopg prepares a statement on the server once it has run ``prepare_threshold`` (5) times on a connection,
so PostgreSQL then skips parsing and planning it. But psycopg forgets every prepared statement whenever the
connection rolls back (a rolled-back transaction may have dropped or altered what they refer to), and
SQLAlchemy ends each request's transaction with a rollback (``Session.close``, the pool's reset on return).
No statement of a web request ever reached the threshold: PostgreSQL parsed and planned every statement of
every request again, about half of its CPU for the inspector's ranked list at a million entities
(docs/benchmarks.md, "Stop 20").

``KeepPreparedConnection.rollback`` sends the ROLLBACK as psycopg's own ``rollback`` does, without clearing
the cache. Prepared statements are not transactional in PostgreSQL, and the server re-plans one whose
tables have changed. What psycopg guards against is DDL rolled back under a statement it prepared; the
application's requests run no DDL, schema changes run in Alembic's own process, and psycopg still clears
its cache itself when it sees a statement drop or alter anything. psycopg has no setting for this, hence the
subclass; ``tests/regulator/test_pg_prepared.py`` fails if a psycopg release changes what it relies on.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine


class KeepPreparedConnection(psycopg.Connection):
    """A psycopg connection whose ``rollback`` keeps the statements it has prepared."""

    def rollback(self) -> None:
        """End the transaction with ROLLBACK; prepared statements stay (psycopg's own ``rollback`` drops them)."""
        if self._num_transactions or self._tpc or self._pipeline:  # psycopg's checks and pipeline handling
            super().rollback()
            return
        with self.lock:
            if self.pgconn.transaction_status == pq.TransactionStatus.IDLE:
                return
            self.wait(self._exec_command(b"ROLLBACK"))


@event.listens_for(Engine, "do_connect")
def _connect(dialect: Dialect, _record: Any, cargs: tuple, cparams: dict) -> psycopg.Connection | None:
    """psycopg connections of every engine are ``KeepPreparedConnection``s, made with the dialect's arguments."""
    if dialect.driver != "psycopg" or getattr(dialect, "is_async", False):
        return None
    return KeepPreparedConnection.connect(*cargs, **cparams)
