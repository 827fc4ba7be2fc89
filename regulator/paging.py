"""A page of a select for the web pages: the rows of the page asked for (``?page=``), and how many in all.

A page asked for past the last one shows the last page (a page number is never larger than the number of
pages): ``last_page`` and ``page_within`` do the sums for the views that page their own lists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from .extensions import db
from .request_guards import page_arg
from .sql_hints import visible


def last_page(total: int, size: int) -> int:
    """How many pages ``total`` items make at ``size`` a page; 1 when there are none."""
    return max((total + size - 1) // size, 1)


def page_within(page: int, total: int, size: int) -> int:
    """``page`` brought between 1 and the last page of ``total`` items at ``size`` a page."""
    return min(max(page, 1), last_page(total, size))


def page_of(stmt: Select, size: int = 50, *, rows: bool = False) -> tuple[list[Any], int, int, int]:
    """(items, page, pages, total) of ``stmt`` (ordered by the caller, without a limit of its own): ORM objects,
    or whole rows with ``rows`` (a select of several columns). Past the last page, the last page."""
    total = count(stmt)
    page = page_within(page_arg(), total, size)
    return fetch(stmt, page, size, rows=rows), page, last_page(total, size), total


def window(stmt: Select, page: int, size: int, *, rows: bool = False) -> tuple[list[Any], int]:
    """Page ``page`` (from 1) of ``stmt`` at ``size`` items a page, and how many items in all (the API's
    ``paginate``: a page past the last is empty there)."""
    total = count(stmt)
    return fetch(stmt, page, size, rows=rows), total


def count(stmt: Select) -> int:
    """How many rows ``stmt`` gives. The count leaves the order out, which PostgreSQL would sort for."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def fetch(stmt: Select, page: int, size: int, *, rows: bool = False) -> list[Any]:
    """The items of page ``page`` (from 1) of ``stmt`` at ``size`` a page."""
    part = stmt.limit(visible(size)).offset(visible((page - 1) * size))
    return list(db.session.execute(part).all() if rows else db.session.scalars(part).all())
