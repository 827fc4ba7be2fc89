"""URL converters: ``<int:...>`` ids bounded to the database's integer range.

An id beyond the 32-bit range of the id columns does not match the route (404) instead of overflowing the
database driver (SQLite's OverflowError, PostgreSQL's NumericValueOutOfRange) into a server error.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: largest value of an INTEGER column on PostgreSQL (ids, foreign keys)
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` with 0 <= value <= MAX_ID unless the route says otherwise."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003, A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Replace the ``int`` converter before any route is registered."""
    app.url_map.converters["int"] = IdConverter
