"""Guards on what a request may carry before any view sees it, so bad input is a 4xx and never a 500.

- ``<int:...>`` ids are bounded to the database's integer range: an id beyond the 32-bit id columns does not
  match the route (404) instead of overflowing the driver (SQLite's OverflowError, PostgreSQL's
  NumericValueOutOfRange).
- Ids from the query (``id_arg``) outside 1..MAX_ID read as absent, as a route's ids do; a list filtered by one
  (``id_filter``) says that it is not filtered by a text that is no id.
- Page numbers from the query (``page_arg``) are kept between 1 and MAX_PAGE, so a huge ``?page=`` is never an
  OFFSET beyond the database's 64-bit integers (the web pages then show their last page: ``regulator.paging``).
- Text with NUL characters (query arguments, form fields, JSON ``\\u0000``) is refused with 400: PostgreSQL
  text cannot hold them, and no legitimate name, code or search contains one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

#: largest value of an INTEGER column on PostgreSQL (ids, foreign keys)
MAX_ID = 2**31 - 1
#: deeper pages than this are not served (offset scans); filter instead
MAX_PAGE = 10_000


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string, from 1 to MAX_PAGE (1 when absent or not a number)."""
    return min(max(request.args.get(name, 1, type=int), 1), MAX_PAGE)


def parse_id(text: str | None) -> int | None:
    """``text`` as an object id; None when empty, not a whole number or outside 1..MAX_ID."""
    try:
        value = int((text or "").strip())
    except ValueError:
        return None
    return value if 1 <= value <= MAX_ID else None


def id_arg(name: str) -> int | None:
    """An object id from the query string; None when absent, not a number or outside 1..MAX_ID."""
    return parse_id(request.args.get(name))


def id_filter(name: str, label: str) -> tuple[int | None, str | None]:
    """A list's filter by an object id from the query string, and, when the text there is no id, the sentence that
    says the list is not filtered by it (None when absent or an id). ``label`` is the filter's name on the page."""
    text = (request.args.get(name) or "").strip()
    value = parse_id(text)
    if value is None and text:
        return None, _("The list is not filtered by “%(filter)s”: “%(value)s” is not a number from 1 to %(max)s.",
                       filter=label, value=text, max=MAX_ID)
    return value, None


def choice_filter(name: str, label: str, choices: Iterable[str], default: str | None = None, *,
                  args: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """A list's filter by one of ``choices`` from the query string (or ``args``; ``default`` when absent), and,
    when the text there is none of them, ``default`` and the sentence that says the list is not filtered by it."""
    text = ((request.args if args is None else args).get(name) or "").strip()
    if not text:
        return default, None
    if text in choices:
        return text, None
    return default, _("The list is not filtered by “%(filter)s”: “%(value)s” is not one of its choices.",
                      filter=label, value=text)


class IdConverter(IntegerConverter):
    """``<int:...>`` with 0 <= value <= MAX_ID unless the route says otherwise."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003, A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


#: JSON bodies up to this size are checked for an escaped NUL; larger ones are left to their endpoint
JSON_CHECK_LIMIT = 16 * 1024 * 1024


def refuse_nul() -> None:
    """before_request: 400 when a query argument, form field or JSON text holds a NUL character."""
    values = [request.query_string.decode("latin-1")]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values.extend(request.form.values())
        elif request.is_json and (request.content_length or 0) <= JSON_CHECK_LIMIT:
            body = request.get_data(cache=True)
            if b"\\u0000" in body or b"\x00" in body:
                values.append("\x00")
    if any("\x00" in v or "%00" in v for v in values):
        abort(400, description=_("Text must not contain NUL characters."))


def init_app(app: Flask) -> None:
    """Replace the ``int`` converter (before any route is registered) and refuse NUL characters."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul)
