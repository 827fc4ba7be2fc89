"""The bigram index of entity names behind public search, kept current on ``records_changed``.

Chinese names have no spaces, so word tokens do not work; character bigrams of the name's core (region
and legal-form suffix removed by regulator.text) find a name from any part of it and survive a wrong or
missing character. PostgreSQL's pg_trgm would do this for Latin scripts but skips CJK characters in
common locales, and SQLite has nothing comparable, hence one small portable table.

The same reindex keeps each name's core stored beside it (``name_core`` of ``market_entity`` and
``entity_name``), so search ranks its candidates without parsing their names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from flask import has_app_context
from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, delete, insert, select, text, update

from models import EntityName, EntityNameGram, MarketEntity

from ..extensions import db
from ..ingest.bulk import insert_rows
from ..signals import records_changed
from ..text import name_core

log = logging.getLogger(__name__)
CHUNK = 900


def grams_of(name: str | None) -> set[str]:
    """Character bigrams of a name's core (a one-character core is its own gram)."""
    return _grams(name_core(name))


def _grams(core: str) -> set[str]:
    if len(core) == 1:
        return {core}
    return {core[i:i + 2] for i in range(len(core) - 1)}


def _names(ids: list[int] | None) -> list[tuple[Table, list[tuple[int, int, str, str | None]]]]:
    """Per table of names (entities' current names, their other names): (row id, entity id, name, stored core)."""
    current = select(MarketEntity.id, MarketEntity.id, MarketEntity.name, MarketEntity.name_core)
    others = select(EntityName.id, EntityName.entity_id, EntityName.name, EntityName.name_core)
    if ids is None:
        return [(MarketEntity.__table__, list(db.session.execute(current).all())),
                (EntityName.__table__, list(db.session.execute(others).all()))]
    rows: tuple[list, list] = ([], [])
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows[0].extend(db.session.execute(current.where(MarketEntity.id.in_(chunk))).all())
        rows[1].extend(db.session.execute(others.where(EntityName.entity_id.in_(chunk))).all())
    return [(MarketEntity.__table__, rows[0]), (EntityName.__table__, rows[1])]


def reindex(entity_ids: Iterable[int] | None = None, batch: int = 50_000) -> int:
    """Rebuild the grams and stored cores of these entities' names (None: all); returns the number of grams
    written. Never commits.

    Search reads each name's core from its row (``name_core``) instead of parsing a few hundred candidates'
    names per query; the cores are kept here, with the grams, so they are exactly as current: every change
    of names sends ``records_changed``, and a core that differs from its name's (a new name, a renamed
    entity, a changed parsing rule after a full reindex) is written.
    """
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
    stale = 0
    for table, names in _names(ids):
        changed = []
        for row_id, entity_id, name, stored in names:
            core = name_core(name)
            pairs.update((gram, entity_id) for gram in _grams(core))
            if stored != core:
                changed.append((row_id, core))
        _store_cores(table, changed, postgresql)
        stale += len(changed)
    rows = [{"gram": g, "entity_id": e} for g, e in sorted(pairs)]  # in key order: appends to the index
    del pairs
    if ids is None and postgresql:
        _bulk_load_postgresql(rows, batch, rebuild_index=first_build)
    else:
        for start in range(0, len(rows), batch):
            db.session.execute(insert(EntityNameGram.__table__), rows[start:start + batch])
    log.info("name index: %d grams and %d cores written for %s entities in %.1f s", len(rows), stale,
             "all" if ids is None else len(ids), time.perf_counter() - started)
    return len(rows)


#: above this many cores to write, PostgreSQL gets them through ``COPY`` into a temporary table and one
#: joined UPDATE (a full reindex after a migration or a change of parsing rules: every name at once)
COPY_CORES = 10_000


def _store_cores(table: Table, changed: list[tuple[int, str]], postgresql: bool) -> None:
    """Write ``(row id, core)`` pairs into ``table.name_core``, leaving every other column as it was."""
    if not changed:
        return
    keep = {"updated_at": table.c.updated_at} if "updated_at" in table.c else {}  # a core is no change of data
    if postgresql and len(changed) > COPY_CORES:
        scratch = Table(f"{table.name}_core_update", MetaData(), Column("id", Integer, primary_key=True),
                        Column("core", Text), prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
        scratch.create(db.session.connection())
        for start in range(0, len(changed), 50_000):
            insert_rows(scratch, [{"id": i, "core": c} for i, c in changed[start:start + 50_000]])
        db.session.execute(update(table).where(table.c.id == scratch.c.id).values(name_core=scratch.c.core, **keep))
        scratch.drop(db.session.connection())
        return
    statement = update(table).where(table.c.id == bindparam("row_id")).values(name_core=bindparam("core"), **keep)
    for start in range(0, len(changed), CHUNK * 10):
        db.session.execute(statement, [{"row_id": i, "core": c} for i, c in changed[start:start + CHUNK * 10]])


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
