"""Bulk inserts of an import chunk's rows: prebuilt tuples through the driver, one statement per table.

SQLAlchemy's Core executemany costs more per row than SQLite takes to store it (a parameter dict built
and processed per row, Python-side defaults evaluated per row). Here each table's statement and its
columns' bind processors (the ones SQLAlchemy itself applies, so the stored values are the same) are
prepared once per set of keys, the rows are converted column by column, and the driver runs them:
one executemany on SQLite, ``COPY`` on PostgreSQL. Python-side column defaults (``created_at``, a
default status) are evaluated once per call, so every row of a chunk's table gets the same
``created_at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any

from sqlalchemy import Date, DateTime, Table, event, func, select
from sqlalchemy.pool import Pool

from ..extensions import db
from . import checkpoint

#: SQLite page cache (KiB) of a connection that bulk-inserts. The default 2 MB holds little of the indexes
#: an import writes (``source_record``'s unique content hash, persons' and addresses' keys are random
#: insertion points), so each insert read index pages again: at a million rows they take some 430 MB, of
#: which 256 MB held part (the 1M run's persons file: 38.8 CPU s, 35.8 with 1 GB; docs/benchmarks.md,
#: "Stop 26"). Pages are only allocated as used, and the connection goes back to its own cache size
#: once the import is over (``_restore_cache``).
SQLITE_CACHE_KIB = 1_048_576
#: ``info`` keys of a connection whose cache was enlarged: its cache size before, and its database file
_CACHE_BEFORE, _CACHE_FILE = "bulk_cache_before", "bulk_cache_file"


class JsonText(str):
    """A JSON column's value already encoded (by the worker that mapped the row, ``prepare.pack``), with
    ``models.base.json_text`` as the column's own processor would: inserted as it is, not encoded again."""

    __slots__ = ()


class Ref:
    """The id of a row inserted later in the chunk (filled in once that row is in)."""

    __slots__ = ("id",)

    def __init__(self) -> None:
        self.id: int | None = None


@dataclass(frozen=True)
class _Plan:
    """How one table's rows with one set of keys are inserted."""

    keys: tuple[str, ...]
    processors: tuple[Any, ...]
    #: per key, whether its values repeat enough to process each distinct one once (dates, timestamps)
    repeating: tuple[bool, ...]
    #: Python-side defaults of the columns the rows leave out: (column name, processor, default)
    defaults: tuple[tuple[str, Any, Any], ...]


_plans: dict[tuple[Any, str, tuple[str, ...]], _Plan] = {}


def _plan(table: Table, keys: tuple[str, ...], dialect: Any) -> _Plan:
    key = (table, dialect.name, keys)
    plan = _plans.get(key)
    if plan is None:
        processors = tuple(table.c[k].type._cached_bind_processor(dialect) for k in keys)
        repeating = tuple(isinstance(table.c[k].type, Date | DateTime) for k in keys)
        defaults = tuple((c.name, c.type._cached_bind_processor(dialect), c.default) for c in table.columns
                         if c.name not in keys and c.default is not None and not c.primary_key)
        for _name, _proc, default in defaults:
            if not (default.is_scalar or default.is_callable):
                raise TypeError(f"{table.name}: only scalar and callable defaults are supported here")
        plan = _plans[key] = _Plan(keys, processors, repeating, defaults)
    return plan


def _default_value(default: Any) -> Any:
    return default.arg(None) if default.is_callable else default.arg


def _columns(plan: _Plan, rows: list[dict[str, Any]]) -> tuple[list[str], list[Any]]:
    """Column names and the processed values of each, ``Ref``s replaced by their ids."""
    names, columns = [], []
    for key, proc, repeating in zip(plan.keys, plan.processors, plan.repeating, strict=True):
        values = [row[key] for row in rows]
        types = set(map(type, values))
        if Ref in types:
            values = [v.id if v.__class__ is Ref else v for v in values]
        if proc is not None:
            if JsonText in types:
                values = [v if v.__class__ is JsonText else proc(v) for v in values]
            elif repeating:  # a chunk's timestamp, a few hundred dates: each formatted once
                done = {v: proc(v) for v in set(values)}
                values = list(map(done.__getitem__, values))
            else:
                values = list(map(proc, values))
        names.append(key)
        columns.append(values)
    for name, proc, default in plan.defaults:
        value = _default_value(default)
        names.append(name)
        columns.append(repeat(proc(value) if proc is not None else value, len(rows)))
    return names, columns


def insert_rows(table: Table, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int] | None:
    """Insert ``rows`` (dicts with the same keys) into ``table``; with ``ids``, return their ids in order.

    SQLite: one executemany; the ids are read back as the consecutive ones the rows took (from its
    first row this transaction holds SQLite's single write lock). PostgreSQL: the ids are drawn from
    the table's sequence first (in order, as ``INSERT … RETURNING`` would draw them) and the rows go
    in through ``COPY``.
    """
    if not rows:
        return [] if ids else None
    conn = db.session.connection()
    dialect = conn.dialect
    names, columns = _columns(_plan(table, tuple(rows[0]), dialect), rows)
    if dialect.name == "postgresql":
        return _copy(conn, table, names, columns, len(rows), ids)
    if dialect.paramstyle != "qmark":
        raise NotImplementedError(f"bulk inserts support SQLite and PostgreSQL, not {dialect.name}")
    if _CACHE_BEFORE not in conn.info:
        conn.info[_CACHE_BEFORE] = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.info[_CACHE_FILE] = conn.engine.url.database
        conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    checkpoint.writing(conn)
    quoted = ", ".join(f'"{name}"' for name in names)
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'  # noqa: S608
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))
    if not ids:
        return None
    n = len(rows)
    last = conn.execute(select(func.max(table.c.id))).scalar_one()
    first = last - n + 1
    if conn.execute(select(func.count()).select_from(table).where(table.c.id >= first)).scalar_one() != n:
        raise RuntimeError(f"ids of the {n} rows just inserted into {table.name} are not consecutive")
    return list(range(first, last + 1))


def _copy(conn: Any, table: Table, names: list[str], columns: list[Any], n: int, ids: bool) -> list[int] | None:
    raw = conn.connection.driver_connection
    new_ids: list[int] | None = None
    with raw.cursor() as cursor:
        if ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           (table.name, n))
            new_ids = sorted(r[0] for r in cursor.fetchall())
            names, columns = ["id", *names], [new_ids, *columns]
        quoted = ", ".join(f'"{name}"' for name in names)
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)
    return new_ids


@event.listens_for(Pool, "checkin")
def _restore_cache(dbapi_connection: Any, record: Any, *_proxy: Any) -> None:
    """A connection given back to the pool, or taken from it, after an import gets its own cache size again
    (SQLite frees the pages above it); between the chunks of an import (``checkpoint.importing``) it keeps
    the large one. An import may have used several of the pool's connections: each is reset when next used."""
    path = record.info.get(_CACHE_FILE)
    if dbapi_connection is None or _CACHE_BEFORE not in record.info or checkpoint.importing(path):
        return
    dbapi_connection.execute(f"PRAGMA cache_size={int(record.info.pop(_CACHE_BEFORE))}")
    record.info.pop(_CACHE_FILE, None)


event.listen(Pool, "checkout", _restore_cache)
