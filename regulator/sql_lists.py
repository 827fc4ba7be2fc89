"""A list of values as one bound parameter: ``column = ANY(:name)`` on PostgreSQL, an expanding IN elsewhere.

SQLAlchemy's expanding IN (``bindparam(name, expanding=True)``) renders the statement anew at every
execution, one placeholder per value, and each length of list makes a statement text of its own, for
psycopg to prepare separately. The pages under load pass lists of 20-40 ids to several statements per
request: at a million entities the ranked list spent 9 % of its Python instructions on that rendering. On
PostgreSQL an array is one parameter: the statement is compiled once, its text never changes, and psycopg
prepares it once per connection (regulator/pg_prepared.py).
SQLAlchemy has no construct that is an array on one dialect and an expanding IN on another (SQLite has no
arrays), hence this small one: statements built once at import time work on both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class InList(ColumnElement[bool]):
    """``column`` is one of the values of the list bound as ``name`` at execution."""

    inherit_cache = True
    type = Boolean()
    #: a comparison, as IN is: SQLite must not get it as ``(... IN ...) = 1``, which no index serves
    _is_implicitly_boolean = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("name", InternalTraversal.dp_string)]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name


def in_list(column: Any, name: str) -> InList:
    """``column IN (...)`` of the list passed as parameter ``name`` (a list or tuple of values)."""
    return InList(column, name)


@compiles(InList)
def _expanding(element: InList, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(InList, "postgresql")
def _array(element: InList, compiler: Any, **kw: Any) -> str:
    array = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(array), **kw)
