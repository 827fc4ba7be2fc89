"""Public entity search by name (current or former, tolerant of variants and typos) and by USCC.

A unified social credit code (or the start of one) goes to the unique index. A name is reduced to its
core (regulator.text folds width, region and 有限责任公司/有限公司) and looked up in the bigram index
(regulator.services.name_index): rare bigrams weigh more, bigrams shared by a large part of all names
are skipped when rarer ones exist, so a lookup touches few index rows even at 100k+ entities. The few
hundred candidates are then ranked by edit similarity of their cores (rapidfuzz) against every name the
entity has had, so 华胜达 finds 华盛达 and a former name finds the entity under its current one.

At a million entities the lookup stays bounded: a gram is "common" above 2 % of all names or above
2,000 names, whichever is fewer, so a query reads at most a few thousand postings per gram. Postings
are counted only up to that threshold (the counts are remembered per process for a while, as is the
registry's size; they only set the weights and which grams are skipped, postings themselves are always
read afresh), candidates are ranked on (id, name, core) rows with the cores the name index stored (so a
query parses no candidate's name; one without a stored core yet is parsed), and whole entities are loaded
only for the page shown.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy
from flask import current_app, has_app_context
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import (
    CompoundSelect,
    Float,
    Integer,
    String,
    bindparam,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)

from models import EntityName, EntityNameGram, EntityStatus, EntityType, MarketEntity, NameKind

from ..extensions import db
from ..identifiers import USCC_ALPHABET, normalise_uscc
from ..paging import page_within
from ..services.name_index import grams_of
from ..signals import records_changed
from ..sql_lists import in_list
from ..text import name_core, names_only_a_place, normalise_name

PAGE_SIZE = 20
CANDIDATES = 400
MAX_RESULTS = 200
MIN_SIMILARITY = 0.6
#: a bigram in more than this share of all names is skipped while rarer bigrams remain ...
COMMON_SHARE = 0.02
#: ... and so is one with more postings than this, whatever the registry's size: a query then reads at most
#: a few thousand postings per gram. At 100k entities this is the 2 % above; at a million it skips the
#: grams of 2,000-20,000 names, half of the query's database time, with the sought entity found as often
MAX_COMMON_POSTINGS = 2000
#: seconds a process trusts its count of entities and of grams' postings (its own writes reset them)
STATS_TTL = 300


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """What a result shows of its entity: the page's hits are read as plain rows, not ORM objects."""

    id: int
    name: str
    uscc: str | None
    entity_type: EntityType
    district: str | None
    status: EntityStatus


@dataclass
class SearchHit:
    """One result: the entity, the name that matched when it is not the current one, and the score."""

    entity_id: int
    matched_name: str | None
    matched_kind: str | None
    score: float
    #: loaded for the hits of the page shown
    entity: MarketEntity | EntitySummary | None = None


@dataclass
class SearchPage:
    """One page of results."""

    items: list[SearchHit]
    total: int
    page: int
    pages: int
    capped: bool = False
    #: nothing found, and the query names only a place (深圳市): names are searched without their region
    place_only: bool = False


_PAGE_ENTITIES = select(MarketEntity.id, MarketEntity.name, MarketEntity.uscc, MarketEntity.entity_type,
                        MarketEntity.district, MarketEntity.status).where(
    in_list(MarketEntity.id, "ids"))


def _page(hits: list[SearchHit], page: int, page_size: int, within: bool) -> SearchPage:
    total = len(hits)
    pages = (total + page_size - 1) // page_size
    if within:
        page = page_within(page, total, page_size)
    start = (max(page, 1) - 1) * page_size
    items = hits[start:start + page_size]
    missing = [h.entity_id for h in items if h.entity is None]
    if missing:
        entities = {row[0]: EntitySummary(*row) for row in db.session.execute(_PAGE_ENTITIES, {"ids": missing})}
        for hit in items:
            hit.entity = hit.entity or entities[hit.entity_id]
    return SearchPage(items, total, page, pages, capped=total >= MAX_RESULTS)


def _by_code(code: str) -> list[SearchHit]:
    if len(code) < 6 or any(c not in USCC_ALPHABET for c in code) or not any(c.isdigit() for c in code[:8]):
        return []
    stmt = select(MarketEntity).where(MarketEntity.merged_into_id.is_(None))
    if len(code) >= 18:
        stmt = stmt.where(MarketEntity.uscc == code[:18])
    else:  # a range on the unique index: a prefix search that both databases answer from the index
        stmt = stmt.where(MarketEntity.uscc >= code, MarketEntity.uscc < code + "Z")
    rows = db.session.scalars(stmt.order_by(MarketEntity.uscc).limit(MAX_RESULTS)).all()
    return [SearchHit(e.id, None, None, 1.0, e) for e in rows]


def _stats() -> dict:
    """Per application (tests build many), remembered figures: population and grams' posting counts."""
    stats = current_app.extensions.setdefault("search_stats", {"until": 0.0, "population": 1, "counts": {}})
    if stats["until"] < time.monotonic():
        stats["population"] = db.session.scalar(select(func.count(MarketEntity.id))) or 1
        stats["counts"] = {}
        stats["until"] = time.monotonic() + STATS_TTL
    return stats


@records_changed.connect
def _forget_stats(_sender: str, **_kw: object) -> None:
    """This process counts afresh after its own writes (other processes within ``STATS_TTL``)."""
    if has_app_context() and "search_stats" in current_app.extensions:
        current_app.extensions["search_stats"]["until"] = 0.0


@lru_cache(maxsize=64)
def _frequency_statement(n: int) -> CompoundSelect:
    """Postings of ``n`` grams (parameters g0, g1, ...), each counted up to ``cap``.

    Built once per number of grams: building the union anew cost more CPU than PostgreSQL spent on it.
    """
    cap = bindparam("cap", type_=Integer)
    return union_all(*[
        select(bindparam(f"g{i}", type_=String).label("gram"), func.count().label("n")).select_from(
            select(EntityNameGram.entity_id).where(EntityNameGram.gram == bindparam(f"g{i}", type_=String))
            .limit(cap).subquery())
        for i in range(n)])


def _frequencies(grams: set[str], cap: int, known: dict[str, int]) -> dict[str, int]:
    """Postings per gram, counted only up to ``cap`` (an index-only range of the primary key each).

    Every count is remembered in ``known`` (0 for a gram no name has): counting a mid-frequency gram read
    as many index rows as ranking its postings then did.
    """
    freq = {g: known[g] for g in grams if known.get(g)}
    ask = sorted(g for g in grams if g not in known)
    if ask:
        params = {"cap": cap, **{f"g{i}": g for i, g in enumerate(ask)}}
        for gram, n in db.session.execute(_frequency_statement(len(ask)), params).all():
            if n:
                freq[gram] = n
            known[gram] = n
    return freq


def _candidate_names(grams: set[str]) -> list[tuple[int, str, object, str | None]]:
    """(entity id, name, kind or None for the current name, stored core) of the best-scoring candidates, in
    one query.

    The candidates stay in the database (a CTE) rather than coming back as a long IN list twice.
    """
    stats = _stats()
    population = stats["population"]
    common = min(MAX_COMMON_POSTINGS, max(200, int(population * COMMON_SHARE)))
    freq = _frequencies(grams, common + 1, stats["counts"])
    if not freq:
        return []
    usable = [g for g in freq if freq[g] <= common] or sorted(freq, key=lambda g: (freq[g], g))[:2]
    params = {}
    # in gram order, the order one index scan of all the grams' postings reads them: each entity's
    # score adds up in the same order, to the same last bit
    for i, g in enumerate(sorted(usable)):
        params[f"g{i}"] = g
        params[f"w{i}"] = math.log(1 + population / freq[g])
    return list(db.session.execute(_candidate_statement(len(usable)), params).all())


@lru_cache(maxsize=64)
def _candidate_statement(n: int) -> CompoundSelect:
    """The candidates' names for ``n`` grams (parameters g0, g1, ... and their weights w0, w1, ...).

    Built once per number of grams, as ``_frequency_statement``.
    """
    # the query's grams with their weights as rows joined to the postings: PostgreSQL then reads each
    # gram's postings with its weight (a CASE on every posting cost about 15 % more at a million names)
    query_gram = union_all(*[select(bindparam(f"g{i}", type_=String).label("gram"),
                                    bindparam(f"w{i}", type_=Float).label("weight")) for i in range(n)]
                           ).subquery("query_gram")
    candidate = (select(EntityNameGram.entity_id).join(query_gram, EntityNameGram.gram == query_gram.c.gram)
                 .group_by(EntityNameGram.entity_id)
                 .order_by(func.sum(query_gram.c.weight).desc(), EntityNameGram.entity_id)
                 .limit(CANDIDATES).cte("candidate"))
    # the kind as its stored value: converting 400 rows' None to NameKind cost more than the ranking used
    others = (select(EntityName.entity_id, EntityName.name, type_coerce(EntityName.kind, String), EntityName.name_core)
              .join(candidate, candidate.c.entity_id == EntityName.entity_id))
    current = (select(MarketEntity.id, MarketEntity.name, literal(None, String), MarketEntity.name_core)
               .join(candidate, candidate.c.entity_id == MarketEntity.id).where(MarketEntity.merged_into_id.is_(None)))
    return union_all(others, current)


def _similarities(query_core: str, cores: list[str]) -> list[float]:
    """The similarity of each core to the query's: edit similarity, or for a query that is a part of the
    name, how much of the name it is (at least 0.75).

    The edit similarities come from one ``cdist`` call (in double precision, the same figures as one
    ``fuzz.ratio`` per core): a call per candidate was a fifth of search's Python time at a million entities.
    """
    if not cores:
        return []
    ratios = process.cdist([query_core], cores, scorer=fuzz.ratio, dtype=numpy.float64)[0].tolist()
    partial = len(query_core) >= 2
    return [0.0 if not core else 1.0 if core == query_core
            else max(ratio / 100, 0.75 + 0.2 * len(query_core) / len(core)) if partial and query_core in core
            else ratio / 100
            for core, ratio in zip(cores, ratios, strict=True)]


def _core(name: str, stored: str | None) -> str:
    """A candidate name's core: as stored by the name index, parsed only where it has not stored one yet."""
    return stored if stored is not None else name_core(name)


def _rank(query: str, rows: list[tuple[int, str, object, str | None]]) -> list[SearchHit]:
    """Hits without their entities (``_page`` loads those of the page shown), best first.

    Equal cores are common (the same shop name in every district, with and without its legal form), so
    among equal scores the name closest to the whole query comes first: the exact name, then the one in
    the district typed, then shorter names.
    """
    scores = _similarities(name_core(query), [_core(name, core) for _eid, name, _kind, core in rows])
    names: dict[int, str] = {}
    best: dict[int, tuple[float, str | None, str | None]] = {}
    for (entity_id, name, kind, _core_stored), score in zip(rows, scores, strict=True):
        if kind is None:
            names[entity_id] = name
            best[entity_id] = (score, None, None)
    for (entity_id, name, kind, _core_stored), score in zip(rows, scores, strict=True):
        if kind is None or entity_id not in names:  # a current name, or a merged-away entity's
            continue
        if score > best[entity_id][0] + 1e-9 and name != names[entity_id]:
            best[entity_id] = (score, name, kind)
    hits = [(score, eid, name, kind) for eid, (score, name, kind) in best.items() if score >= MIN_SIMILARITY]
    # one call over all hits' whole names (case, width and punctuation ignored) instead of one per name
    whole = process.cdist([query], [name or names[eid] for _score, eid, name, _kind in hits], scorer=fuzz.ratio,
                          processor=default_process)[0] if hits else ()
    ranked = sorted(zip(hits, whole, strict=True), key=lambda r: (-r[0][0], -r[1], len(names[r[0][1]]), r[0][1]))
    return [SearchHit(eid, name, kind if kind != NameKind.REGISTERED else None, score)
            for (score, eid, name, kind), _whole in ranked[:MAX_RESULTS]]


def _by_substring(norm: str) -> list[SearchHit]:
    rows = db.session.scalars(select(MarketEntity).where(MarketEntity.merged_into_id.is_(None),
                                                         MarketEntity.name_norm.contains(norm, autoescape=True))
                              .order_by(func.length(MarketEntity.name), MarketEntity.id).limit(MAX_RESULTS)).all()
    return [SearchHit(e.id, None, None, 1.0, e) for e in rows]


def search_entities(query: str, page: int = 1, page_size: int = PAGE_SIZE, *, within: bool = False) -> SearchPage:
    """Entities matching a USCC (or its start) or a name, best first, one page: with ``within``, a page past the
    last is the last page (the web page's), without it an empty one (the API's)."""
    query = (query or "").strip()[:200]
    if not query:
        return SearchPage([], 0, 1, 0)
    hits = _by_code(normalise_uscc(query))
    if not hits:
        grams = grams_of(query)
        rows = _candidate_names(grams) if grams and len(name_core(query)) > 1 else []
        hits = _rank(query, rows) if rows else []
        norm = normalise_name(query)
        # only where the grams offered no candidate (a one-character core, grams no name has): the scan reads
        # every name, and where candidates were offered a name holding the query would have been one of them
        if not rows and norm:
            hits = _by_substring(norm)
    result = _page(hits, page, page_size, within)
    result.place_only = not hits and names_only_a_place(query)
    return result
