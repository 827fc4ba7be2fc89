"""What SQLite's planner cannot know by itself: ``rare(condition)`` tells it that a condition holds for few rows
(``unlikely(...)``), ``visible(n)`` shows it a LIMIT or OFFSET.

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

from sqlalchemy import Boolean, Integer, bindparam
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


class Visible(ColumnElement[int]):
    """A LIMIT or OFFSET that SQLite's planner sees as a number."""

    inherit_cache = True
    _traverse_internals = [("value", InternalTraversal.dp_plain_obj)]

    def __init__(self, value: int) -> None:
        self.value = int(value)
        self.type = Integer()


def visible(value: int) -> Visible:
    """``value`` for ``Select.limit`` / ``offset``: written into the statement on SQLite, bound elsewhere.

    Bound, SQLite plans ``… WHERE status = ? ORDER BY id DESC LIMIT ?`` not knowing the limit, and chose to
    walk the whole table in id order (the quarantine of every agency: 175 ms at a million source records, none
    of them rejected) where ``LIMIT 50`` gets the index search of the few rows with that status. PostgreSQL
    keeps one prepared statement for every page.
    """
    return Visible(value)


@compiles(Visible)
def _bound(element: Visible, compiler: Any, **kw: Any) -> str:
    return compiler.process(bindparam(None, element.value, type_=Integer()), **kw)


@compiles(Visible, "sqlite")
def _written(element: Visible, compiler: Any, **kw: Any) -> str:
    return str(element.value)
