"""Public entity search by name (current or former, tolerant of variants and typos) and by USCC.

A unified social credit code (or the start of one) goes to the unique index. A name is reduced to its
core (regulator.text folds width, region and 有限责任公司/有限公司) and looked up in the bigram index
(regulator.services.name_index): rare bigrams weigh more, bigrams shared by a large part of all names
are skipped when rarer ones exist, so a lookup touches few index rows even at 100k+ entities. The few
hundred candidates are then ranked by edit similarity of their cores (rapidfuzz) against every name the
entity has had, so 华胜达 finds 华盛达 and a former name finds the entity under its current one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import case, func, select

from models import EntityName, EntityNameGram, MarketEntity, NameKind

from ..extensions import db
from ..identifiers import USCC_ALPHABET, normalise_uscc
from ..services.name_index import grams_of, name_core
from ..text import normalise_name

PAGE_SIZE = 20
CANDIDATES = 400
MAX_RESULTS = 200
MIN_SIMILARITY = 0.6
#: a bigram in more than this share of all names is skipped while rarer bigrams remain
COMMON_SHARE = 0.02


@dataclass
class SearchHit:
    """One result: the entity, the name that matched when it is not the current one, and the score."""

    entity: MarketEntity
    matched_name: str | None
    matched_kind: str | None
    score: float


@dataclass
class SearchPage:
    """One page of results."""

    items: list[SearchHit]
    total: int
    page: int
    pages: int
    capped: bool = False


def _page(hits: list[SearchHit], page: int, page_size: int) -> SearchPage:
    total = len(hits)
    pages = (total + page_size - 1) // page_size
    start = (max(page, 1) - 1) * page_size
    return SearchPage(hits[start:start + page_size], total, page, pages, capped=total >= MAX_RESULTS)


def _by_code(code: str) -> list[SearchHit]:
    if len(code) < 6 or any(c not in USCC_ALPHABET for c in code) or not any(c.isdigit() for c in code[:8]):
        return []
    stmt = select(MarketEntity).where(MarketEntity.merged_into_id.is_(None))
    if len(code) >= 18:
        stmt = stmt.where(MarketEntity.uscc == code[:18])
    else:  # a range on the unique index: a prefix search that both databases answer from the index
        stmt = stmt.where(MarketEntity.uscc >= code, MarketEntity.uscc < code + "Z")
    rows = db.session.scalars(stmt.order_by(MarketEntity.uscc).limit(MAX_RESULTS)).all()
    return [SearchHit(e, None, None, 1.0) for e in rows]


def _candidates(grams: set[str]) -> list[int]:
    freq = dict(db.session.execute(select(EntityNameGram.gram, func.count())
                                   .where(EntityNameGram.gram.in_(grams)).group_by(EntityNameGram.gram)).all())
    if not freq:
        return []
    population = db.session.scalar(select(func.count(MarketEntity.id))) or 1
    common = max(200, int(population * COMMON_SHARE))
    usable = [g for g in freq if freq[g] <= common] or sorted(freq, key=freq.get)[:2]
    weight = case({g: math.log(1 + population / freq[g]) for g in usable}, value=EntityNameGram.gram, else_=0.0)
    score = func.sum(weight)
    rows = db.session.execute(select(EntityNameGram.entity_id, score).where(EntityNameGram.gram.in_(usable))
                              .group_by(EntityNameGram.entity_id).order_by(score.desc(), EntityNameGram.entity_id)
                              .limit(CANDIDATES)).all()
    return [r[0] for r in rows]


def _similarity(query_core: str, core: str) -> float:
    if not core:
        return 0.0
    if query_core == core:
        return 1.0
    score = fuzz.ratio(query_core, core) / 100
    if len(query_core) >= 2 and query_core in core:  # a part of the name: rank by how much of it
        score = max(score, 0.75 + 0.2 * len(query_core) / len(core))
    return score


def _rank(query: str, ids: list[int]) -> list[SearchHit]:
    query_core = name_core(query)
    entities = {e.id: e for e in db.session.scalars(
        select(MarketEntity).where(MarketEntity.id.in_(ids), MarketEntity.merged_into_id.is_(None)))}
    best: dict[int, tuple[float, str | None, str | None]] = {
        eid: (_similarity(query_core, name_core(e.name)), None, None) for eid, e in entities.items()}
    for entity_id, name, kind in db.session.execute(select(EntityName.entity_id, EntityName.name, EntityName.kind)
                                                    .where(EntityName.entity_id.in_(list(entities)))):
        score = _similarity(query_core, name_core(name))
        if score > best[entity_id][0] + 1e-9 and name != entities[entity_id].name:
            best[entity_id] = (score, name, getattr(kind, "value", kind))
    hits = [SearchHit(entities[eid], name, kind if kind != NameKind.REGISTERED.value else None, score)
            for eid, (score, name, kind) in best.items() if score >= MIN_SIMILARITY]
    hits.sort(key=lambda h: (-h.score, len(h.entity.name), h.entity.id))
    return hits[:MAX_RESULTS]


def _by_substring(norm: str) -> list[SearchHit]:
    rows = db.session.scalars(select(MarketEntity).where(MarketEntity.merged_into_id.is_(None),
                                                         MarketEntity.name_norm.contains(norm, autoescape=True))
                              .order_by(func.length(MarketEntity.name), MarketEntity.id).limit(MAX_RESULTS)).all()
    return [SearchHit(e, None, None, 1.0) for e in rows]


def search_entities(query: str, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """Entities matching a USCC (or its start) or a name, best first, one page."""
    query = (query or "").strip()[:200]
    if not query:
        return SearchPage([], 0, 1, 0)
    hits = _by_code(normalise_uscc(query))
    if not hits:
        grams = grams_of(query)
        ids = _candidates(grams) if grams and len(name_core(query)) > 1 else []
        hits = _rank(query, ids) if ids else []
        norm = normalise_name(query)
        if not hits and norm:
            hits = _by_substring(norm)
    return _page(hits, page, page_size)
