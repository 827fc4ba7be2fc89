"""Pagination and filtering shared by every list endpoint of the API (see docs/api.md).

A list endpoint takes ``page`` and ``per_page`` (``PageArgs``, or a subclass adding its filters), and
answers the envelope ``{items, total, page, per_page, pages, links}`` (``page_schema(ItemSchema)``),
built with ``paginate(stmt, args)`` for a SQLAlchemy select or ``Page(...)`` for an already-sliced list,
then ``envelope(page, items)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from marshmallow import Schema, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from ..paging import window
from ..request_guards import MAX_ID, MAX_PAGE

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def IdArg(**kwargs: Any) -> fields.Integer:  # noqa: N802 - reads like a field class
    """A query argument holding an object id (1..MAX_ID, so no value overflows the database)."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class PageArgs(Schema):
    """``page`` (from 1) and ``per_page`` (1..100) query arguments."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE),
                          metadata={"description": "page number, from 1"})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"items per page, at most {MAX_PER_PAGE}"})


class LinksSchema(Schema):
    """Relative URLs of neighbouring pages (absent when there is none)."""

    self = fields.String(required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    next = fields.String()
    prev = fields.String()


class PageMetaSchema(Schema):
    """What every page carries besides its items."""

    total = fields.Integer(required=True, metadata={"description": "items matching, over all pages"})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True, metadata={"description": "number of pages (at least 1)"})
    links = fields.Nested(LinksSchema, required=True)


_page_schemas: dict[str, type[Schema]] = {}


def page_schema(item_schema: type[Schema], name: str | None = None) -> type[Schema]:
    """The envelope schema for pages of ``item_schema`` (one class per item schema, named ``<Item>Page``)."""
    name = name or item_schema.__name__.removesuffix("Schema") + "Page"
    if name not in _page_schemas:
        _page_schemas[name] = type(name, (PageMetaSchema,), {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "__doc__": f"One page of {item_schema.__name__.removesuffix('Schema')} items.",
        })
    return _page_schemas[name]


@dataclass
class Page:
    """A slice of a result: its items, the total, and where it sits."""

    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def paginate(stmt: Select, args: Mapping[str, Any], *, rows: bool = False) -> Page:
    """Run ``stmt`` for one page (``args['page']``, ``args['per_page']``); counts the whole result once. Items are
    ORM objects, or whole rows with ``rows`` (a select of several columns)."""
    page, per_page = int(args.get("page", 1)), int(args.get("per_page", DEFAULT_PER_PAGE))
    items, total = window(stmt, page, per_page, rows=rows)
    return Page(items, total, page, per_page)


def _link(page: int, per_page: int) -> str:
    args = request.args.to_dict()
    args.update(page=page, per_page=per_page)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def envelope(page: Page, items: Iterable[Any] | None = None) -> dict[str, Any]:
    """The JSON body of a page: ``items`` (default: the page's own) with totals and links."""
    links = {"self": _link(page.page, page.per_page), "first": _link(1, page.per_page),
             "last": _link(page.pages, page.per_page)}
    if page.page < page.pages:
        links["next"] = _link(page.page + 1, page.per_page)
    if page.page > 1:
        links["prev"] = _link(min(page.page - 1, page.pages), page.per_page)
    return {"items": list(page.items if items is None else items), "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages, "links": links}


def apply_filters(stmt: Select, args: Mapping[str, Any],
                  columns: Mapping[str, InstrumentedAttribute]) -> Select:
    """Narrow ``stmt`` by each argument that is set: equality, or membership when the value is a list.

    ``columns`` maps query argument names to columns; arguments left unset (None, missing) do not filter.
    Validation belongs to the argument schema (``fields.Enum``, ``validate.OneOf``), so values here are clean.
    """
    for name, column in columns.items():
        value = args.get(name)
        if value is None or value == []:
            continue
        stmt = stmt.where(column.in_(value) if isinstance(value, list | tuple | set) else column == value)
    return stmt
