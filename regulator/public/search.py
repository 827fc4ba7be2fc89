"""Public entity search by name, registered or former, and by USCC."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from models import EntityName, MarketEntity

from ..extensions import db
from ..identifiers import normalise_uscc
from ..text import normalise_name

PAGE_SIZE = 20


@dataclass
class SearchPage:
    """One page of results."""

    items: list[MarketEntity]
    total: int
    page: int
    pages: int


def search_entities(query: str, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """Entities whose USCC equals the query or whose (normalised) current or former name contains it."""
    code = normalise_uscc(query)
    norm = normalise_name(query)
    conditions = []
    if len(code) == 18:
        conditions.append(MarketEntity.uscc == code)
    if norm:
        pattern = f"%{norm}%"
        conditions.append(MarketEntity.name_norm.like(pattern))
        conditions.append(MarketEntity.id.in_(
            select(EntityName.entity_id).where(EntityName.name_norm.like(pattern))))
    if not conditions:
        return SearchPage([], 0, 1, 0)
    where = (or_(*conditions), MarketEntity.merged_into_id.is_(None))
    total = db.session.scalar(select(func.count(MarketEntity.id)).where(*where)) or 0
    rows = db.session.scalars(
        select(MarketEntity).where(*where).order_by(func.length(MarketEntity.name), MarketEntity.id)
        .limit(page_size).offset((page - 1) * page_size)).all()
    return SearchPage(list(rows), total, page, (total + page_size - 1) // page_size)
