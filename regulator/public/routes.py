"""Views of the public area."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from models import MarketEntity

from ..access import public
from ..extensions import db
from ..nav import nav_item
from ..request_guards import page_arg
from . import bp
from .profile import REPORT_INSPECTIONS, public_profile
from .search import search_entities

nav_item("public.search", _l("Search entities"), "public", order=10)


@bp.route("/")
@public
def index():
    """The public home: search and what the platform covers."""
    # an entity merged into another is the same business counted twice
    count = db.session.scalar(select(func.count(MarketEntity.id)).where(MarketEntity.merged_into_id.is_(None)))
    return render_template("public/index.html", entity_count=count)


_ICON: bytes | None = None


@bp.route("/favicon.ico")
@public
def favicon():
    """The icon, for clients that ask for it at the root instead of reading the page's link (bytes, not a file
    stream: a few hundred of them, read once)."""
    global _ICON  # noqa: PLW0603 - read once per process
    if _ICON is None:
        _ICON = (Path(current_app.static_folder or "") / "favicon.svg").read_bytes()
    return Response(_ICON, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


#: crawlers may index the public profiles and campaigns; not the sign-in, the staff and enterprise areas (which
#: answer 401 anyway), the API, nor search results (endless query URLs whose profiles are linked elsewhere)
ROBOTS = "\n".join(["User-agent: *", *(f"Disallow: {path}" for path in (
    "/auth/", "/admin/", "/coordinator/", "/inspector/", "/enterprise/", "/entities/", "/api/", "/search")),
    "Allow: /", ""])


@bp.route("/robots.txt")
@public
def robots():
    """What crawlers may read (a missing file answered 404, and crawlers read every page it did not rule out)."""
    return Response(ROBOTS, mimetype="text/plain", headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/search")
@public
def search():
    """Search entities by name, former name or USCC."""
    query = request.args.get("q", "").strip()
    results = search_entities(query, page=page_arg(), within=True) if query else None
    page = results.page if results else 1
    return render_template("public/search.html", query=query, results=results, page=page)


def _entity_or_404(entity_id: int) -> MarketEntity:
    """The entity, or the one it was merged into (a printed report's link, a bookmark keep working)."""
    from ..linkage.merge import EntityChangeError, resolve

    try:
        return resolve(entity_id)
    except EntityChangeError:
        abort(404)


@bp.route("/entity/<int:entity_id>")
@public
def entity(entity_id: int):
    """The public profile: registration facts, licences, penalties within their publication period, list
    entries in force, published inspection results; a masked legal representative; no class of any kind."""
    entity = _entity_or_404(entity_id)
    if entity.id != entity_id:
        return redirect(url_for("public.entity", entity_id=entity.id, **request.args))
    return render_template("public/entity.html", **public_profile(entity, page_arg(), within=True))


@bp.route("/entity/<int:entity_id>/report")
@public
def report(entity_id: int):
    """The public profile as a report to print or save as PDF: every section on one page, when it was made and
    where to check it (what is public changes: a penalty's publication ends, a listing is removed)."""
    entity = _entity_or_404(entity_id)
    if entity.id != entity_id:
        return redirect(url_for("public.report", entity_id=entity.id, **request.args))
    return render_template("public/report.html", made_at=datetime.now(UTC),
                           check_url=url_for("public.entity", entity_id=entity.id, _external=True),
                           **public_profile(entity, 1, per_page=REPORT_INSPECTIONS))
