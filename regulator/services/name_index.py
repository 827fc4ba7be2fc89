"""The bigram index of entity names behind public search, kept current on ``records_changed``.

Chinese names have no spaces, so word tokens do not work; character bigrams of the name's core (region
and legal-form suffix removed by regulator.text) find a name from any part of it and survive a wrong or
missing character. PostgreSQL's pg_trgm would do this for Latin scripts but skips CJK characters in
common locales, and SQLite has nothing comparable, hence one small portable table.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from functools import lru_cache

from flask import has_app_context
from sqlalchemy import delete, insert, select, text

from models import EntityName, EntityNameGram, MarketEntity

from ..extensions import db
from ..ingest.bulk import insert_rows
from ..signals import records_changed
from ..text import company_name_parts, fold

log = logging.getLogger(__name__)
CHUNK = 900
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=50_000)  # search ranks a few hundred candidates' names per query; parsing is the cost
def name_core(name: str | None) -> str:
    """The part of a name that tells entities apart: no region, suffix, spaces or punctuation."""
    _region, core, _suffix, _branch, norm, _form = company_name_parts(name)
    return _squeeze(core) or _squeeze(norm) or _squeeze(fold(name))


def _squeeze(text: str) -> str:
    """``text`` without spaces, punctuation and underscores: what ``_NOISE`` matches is exactly what is not
    a letter or digit, so text of letters and digits only (most cores) is returned as it is."""
    return text if text.isalnum() else _NOISE.sub("", text)


def grams_of(name: str | None) -> set[str]:
    """Character bigrams of a name's core (a one-character core is its own gram)."""
    core = name_core(name)
    if len(core) == 1:
        return {core}
    return {core[i:i + 2] for i in range(len(core) - 1)}


def _names(ids: list[int] | None) -> list[tuple[int, str]]:
    current = select(MarketEntity.id, MarketEntity.name)
    others = select(EntityName.entity_id, EntityName.name)
    if ids is None:
        return list(db.session.execute(current).all()) + list(db.session.execute(others).all())
    rows: list[tuple[int, str]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows.extend(db.session.execute(current.where(MarketEntity.id.in_(chunk))).all())
        rows.extend(db.session.execute(others.where(EntityName.entity_id.in_(chunk))).all())
    return rows


def reindex(entity_ids: Iterable[int] | None = None, batch: int = 50_000) -> int:
    """Rebuild the grams of these entities (None: all); returns the number of grams written. Never commits."""
    started = time.perf_counter()
    ids = None if entity_ids is None else sorted({int(i) for i in entity_ids})
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    first_build = ids is None and postgresql and db.session.scalar(select(EntityNameGram.gram).limit(1)) is None
    if ids is None:
        db.session.execute(delete(EntityNameGram))
    else:
        for start in range(0, len(ids), CHUNK):
            db.session.execute(delete(EntityNameGram).where(EntityNameGram.entity_id.in_(ids[start:start + CHUNK])))
    pairs: set[tuple[str, int]] = set()
    for entity_id, name in _names(ids):
        pairs.update((gram, entity_id) for gram in grams_of(name))
    rows = [{"gram": g, "entity_id": e} for g, e in sorted(pairs)]  # in key order: appends to the index
    del pairs
    if ids is None and postgresql:
        _bulk_load_postgresql(rows, batch, rebuild_index=first_build)
    else:
        for start in range(0, len(rows), batch):
            db.session.execute(insert(EntityNameGram.__table__), rows[start:start + batch])
    log.info("name index: %d grams for %s entities in %.1f s", len(rows),
             "all" if ids is None else len(ids), time.perf_counter() - started)
    return len(rows)


def _bulk_load_postgresql(rows: list[dict[str, object]], batch: int, rebuild_index: bool) -> None:
    """The whole index through ``COPY``; into an empty table, the entity-id index and foreign key built after.

    Row by row, each gram costs a random insert into the entity-id index and a foreign-key check
    against market_entity; at a million entities that was most of the build's name-index step. Dropping
    them locks the table until commit, so only a first build (nothing for search to read yet) does it;
    rebuilding a live index keeps them and search reads the old grams meanwhile. The DDL is transactional:
    a failure leaves the table, index and constraint as they were.
    """
    table = EntityNameGram.__table__
    if not rebuild_index:
        for start in range(0, len(rows), batch):
            insert_rows(table, rows[start:start + batch])
        return
    fk = next(iter(table.foreign_key_constraints))
    index = next(iter(table.indexes))
    db.session.execute(text(f'ALTER TABLE "{table.name}" DROP CONSTRAINT "{fk.name}"'))
    db.session.execute(text(f'DROP INDEX "{index.name}"'))
    for start in range(0, len(rows), batch):
        insert_rows(table, rows[start:start + batch])
    db.session.execute(text(f'CREATE INDEX "{index.name}" ON "{table.name}" (entity_id)'))
    db.session.execute(text(f'ALTER TABLE "{table.name}" ADD CONSTRAINT "{fk.name}" FOREIGN KEY (entity_id) '
                            "REFERENCES market_entity (id)"))


@records_changed.connect
def _on_records_changed(_sender: str, entity_ids: set[int], **_kw: object) -> None:
    """New or renamed entities become findable in the sender's transaction."""
    if not has_app_context():  # no application, no database to act on
        log.warning("records_changed outside an application context ignored (%d entities)", len(entity_ids))
        return
    reindex(entity_ids)
