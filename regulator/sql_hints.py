"""``rare(condition)``: tells SQLite's planner that a condition holds for few rows (``unlikely(...)``).

SQLite's statistics (``sqlite_stat1``, this build has no ``stat4``) keep the average number of rows per
value of an index's columns, not how values are skewed. After a first large import every source record is
``accepted``, ``ANALYZE`` records that, and a later search for the agency's *quarantined* rows was planned as
a scan of the whole table (the index seemed to promise as many rows): 20-25 ms a chunk at 300,000 records,
53-57 ms at a million (20 s of that import). ``unlikely()`` is SQLite's own hint for such a term, and nothing
else expresses it through SQLAlchemy (the SQLite dialect renders no table hints such as ``INDEXED BY``).
PostgreSQL keeps the most common values of a column and needs no hint: the condition is rendered as it is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class Rare(ColumnElement[bool]):
    """A condition true for few rows of its table."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [("condition", InternalTraversal.dp_clauseelement)]

    def __init__(self, condition: ColumnElement[bool]) -> None:
        self.condition = condition


def rare(condition: Any) -> Rare:
    """``condition``, marked as true for few rows."""
    return Rare(condition)


@compiles(Rare)
def _plain(element: Rare, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.condition, **kw)


@compiles(Rare, "sqlite")
def _unlikely(element: Rare, compiler: Any, **kw: Any) -> str:
    return f"unlikely({compiler.process(element.condition, **kw)})"
