"""A page of a select for the web pages: the rows of the page asked for (``?page=``), and how many in all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from .extensions import db
from .request_guards import page_arg
from .sql_hints import visible


def page_of(stmt: Select, size: int = 50, *, rows: bool = False) -> tuple[list[Any], int, int, int]:
    """(items, page, pages, total) of ``stmt`` (ordered by the caller, without a limit of its own): ORM objects,
    or whole rows with ``rows`` (a select of several columns)."""
    page = page_arg()
    items, total = window(stmt, page, size, rows=rows)
    return items, page, max((total + size - 1) // size, 1), total


def window(stmt: Select, page: int, size: int, *, rows: bool = False) -> tuple[list[Any], int]:
    """Page ``page`` (from 1) of ``stmt`` at ``size`` items a page, and how many items in all (the web pages'
    ``page_of`` and the API's ``paginate``). The count leaves the order out, which PostgreSQL would sort for."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    part = stmt.limit(visible(size)).offset(visible((page - 1) * size))
    return list(db.session.execute(part).all() if rows else db.session.scalars(part).all()), total
