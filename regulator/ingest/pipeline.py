"""One import: read, map, validate, deduplicate, link and write a file's rows, in resumable chunks.

Each chunk is one transaction that writes its rows (accepted or quarantined), their facts and the batch's
counters and checkpoint together, so a crash leaves the database at a chunk boundary and the same command
resumes the batch (same agency, same file hash) from its checkpoint with exact counts.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, text, update

from models import (
    Address,
    Agency,
    BatchStatus,
    EntityAddress,
    EntityEvent,
    EntityName,
    EntityPhone,
    EntityRole,
    ImportBatch,
    Inspection,
    Licence,
    LinkMethod,
    MarketEntity,
    MatchReview,
    Person,
    Phone,
    RecordType,
    ReviewStatus,
    SourceRecord,
    SourceStatus,
)
from models.base import utcnow

from ..extensions import db
from ..identifiers import check_uscc
from ..signals import notify_records_changed
from ..sql_hints import rare
from . import checkpoint
from .bulk import JsonText
from .errors import FileError, IngestError, MappingError, RowError
from .facts import Writer
from .mapping import AgencyMapping, FileMapping, load_mapping
from .premap import open_source, prefetch, prepared_chunks
from .prepare import ENTITYLESS, Prepared, jsonable, source_column
from .readers import SourceFile
from .replace import replace_earlier
from .resolve import EntityIndex, Resolution, probabilistic, tax_number_org

log = logging.getLogger(__name__)
#: the stored JSON of no errors or findings (most rows), encoded once rather than per row
NO_ITEMS = JsonText("[]")
CHUNK_SIZE = 10_000
#: an import of at most this many rows reads the entity index and the writer's caches only as far as its rows
#: need (``EntityIndex.codes_only``); a larger one reads them whole at the start, which is cheaper per row
SMALL_IMPORT_ROWS = 10_000
#: an import of at least this many rows refreshes the planner's statistics when it ends (``_analyze``)
ANALYZE_ROWS = 50_000


@dataclass
class IngestOptions:
    """How an import runs."""

    kind: str | None = None
    chunk_size: int = CHUNK_SIZE
    user_id: int | None = None
    #: tell ``records_changed`` subscribers (credit classes, search index) after each chunk
    notify: bool = True
    linkage_settings: Any = None
    mapping_dir: Path | None = None
    #: stop after this many chunks (tests simulate an interrupted import)
    max_chunks: int | None = None
    progress: Callable[[int], Any] | None = None
    #: keep the writer's caches (every phone, person, entity name, address and phone link) for the next
    #: import in this process, and take the ones the last import kept when nothing was added to those
    #: tables since (``_stamp``): reading them again per file costs more than a small file's import. For a
    #: run of imports with no other writer meanwhile (a directory of files, a benchmark).
    reuse_index: bool = False
    #: read the file and map each next chunk in another process while this one links and writes
    #: (``premap``): for the command line and batch runs, not for a web request (a process per upload)
    map_ahead: bool = False


def _agency(code: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(func.upper(Agency.code) == code.upper()))


def refuse_inactive(agency: Agency) -> None:
    """An agency an administrator deactivated sends no more files: not from its coordinators' page, not through
    the API, not from the command line."""
    if not agency.active:
        raise IngestError(_("The agency %(code)s is deactivated: its files are not imported until an administrator "
                            "activates it again.", code=agency.code))


def _mapping(agency: Agency | None, agency_code: str, options: IngestOptions) -> AgencyMapping:
    return load_mapping(agency.mapping or agency.code if agency else agency_code, options.mapping_dir)


def prefetch_file(path: str | Path, agency_code: str, options: IngestOptions) -> None:
    """Have a worker read, and begin to map, the file that a run of imports takes next (``premap.prefetch``)."""
    if not options.map_ahead:
        return
    try:
        plan = (_mapping(_agency(agency_code), agency_code, options), options.kind, options.chunk_size)
    except MappingError:
        plan = None  # open_import will say why
    prefetch(path, plan)


def open_import(path: str | Path, agency_code: str, options: IngestOptions) -> tuple[Agency, FileMapping,
                                                                                     SourceFile]:
    """Everything that can refuse a file as a whole, checked before anything is written.

    With ``options.map_ahead`` a worker reads the file and keeps its rows to map them (``premap``):
    close the source when done with it (``ingest_file`` and ``flask ingest`` do, with ``with source:``).

    An agency not yet registered but with a mapping file (and a ``domain`` in it) is registered here.
    """
    agency = _agency(agency_code)
    if agency is not None:
        refuse_inactive(agency)
    try:
        mapping = _mapping(agency, agency_code, options)
    except MappingError:
        if agency is None:
            raise IngestError(f"unknown agency {agency_code!r}: register it first (flask agencies add) "
                              f"or add a mapping file for it") from None
        raise
    source = open_source(path, options.map_ahead, (mapping, options.kind, options.chunk_size))
    try:
        fmap = mapping.for_file(Path(path).name, source.headers, options.kind).for_format(source.file_format)
        missing = sorted(fmap.required_columns - set(source.headers))
        # a header row alone is checked as one with rows under it (it was imported as a batch of no rows); only
        # a JSON lines file with no objects has no header to check
        if missing and (source.headers or len(source.rows)):
            raise FileError(Path(path).name, _("%(file)s lacks the column(s) %(missing)s that the import "
                                               "mapping %(mapping)s needs (the file's columns: %(columns)s).",
                                               file=Path(path).name, missing=", ".join(missing),
                                               mapping=f"{mapping.agency}/{fmap.name}",
                                               columns=", ".join(source.headers[:20])))
        if agency is None:
            if not mapping.domain:
                raise IngestError(f"unknown agency {agency_code!r}: register it first (flask agencies add)")
            from ..services.agencies import upsert_agency

            agency = upsert_agency(mapping.agency, mapping.name or mapping.agency, mapping.domain,
                                   name_en=mapping.name_en, mapping=mapping.agency)
    except BaseException:
        source.close()
        raise
    return agency, fmap, source


def ingest_file(path: str | Path, agency_code: str, options: IngestOptions | None = None) -> ImportBatch:
    """Import one file for one agency (resuming an interrupted batch of the same file); commits per chunk."""
    options = options or IngestOptions()
    agency, fmap, source = open_import(path, agency_code, options)
    with source:
        return ingest_rows(agency, fmap, source.rows, options, filename=Path(path).name,
                           file_hash=source.file_hash, file_format=source.file_format, encoding=source.encoding,
                           title=source.title, header_row=source.header_row)


def ingest_rows(agency: Agency, fmap: FileMapping, rows: list[dict[str, Any]], options: IngestOptions, *,
                filename: str, file_hash: str | None, file_format: str, encoding: str | None = None,
                title: list[str] | None = None, header_row: int | None = None) -> ImportBatch:
    """Import already-read rows (a file, an upload or an API push) as one batch; ``title``: the text of the
    rows above the file's header, left out (``readers.title_rows``), and ``header_row``: the file's row of the
    header (``readers.SourceFile.header_row``), kept in the report."""
    batch = None
    if file_hash:
        batch = db.session.scalar(select(ImportBatch).where(
            ImportBatch.agency_id == agency.id, ImportBatch.file_hash == file_hash,
            ImportBatch.status == BatchStatus.RUNNING).order_by(ImportBatch.id.desc()).limit(1))
    if batch is None:
        batch = ImportBatch(agency_id=agency.id, filename=filename[:500], file_hash=file_hash,
                            file_format=file_format, encoding=encoding, mapping=f"{fmap.agency}/{fmap.name}",
                            status=BatchStatus.RUNNING, created_by_id=options.user_id,
                            report={"checkpoint": 0, "rejected_by_reason": {}, "findings": {}, "reviews": 0,
                                    **({"title": title} if title else {}),
                                    **({"header_row": header_row} if header_row is not None else {})})
        db.session.add(batch)
        db.session.commit()
    else:
        log.info("resuming batch %d of %s at row %d", batch.id, filename, batch.report.get("checkpoint", 0))
    with _collecting_less():
        return _ingest_chunks(batch, agency, fmap, rows, options)


#: allocations between two collections of the youngest generation while rows are imported (Python: 700)
GC_YOUNG_THRESHOLD = 50_000


@contextmanager
def _collecting_less() -> Iterator[None]:
    """Python's cyclic garbage collector, run less often during an import, then as before.

    An import allocates millions of short-lived dicts and lists while the entity index and the writer's
    caches hold millions of long-lived objects: with the default thresholds the collector walked that
    whole heap again and again (8.9 of ~58 CPU s at 100,000 rows; 2.0 s with this threshold).
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_YOUNG_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _ingest_chunks(batch: ImportBatch, agency: Agency, fmap: FileMapping, rows: list[dict[str, Any]],
                   options: IngestOptions) -> ImportBatch:
    started = time.perf_counter()
    writer = _take_writer(agency.id) if options.reuse_index else None
    position = int(batch.report.get("checkpoint", 0))
    small = not options.reuse_index and len(rows) - position <= SMALL_IMPORT_ROWS
    writer = writer or Writer(agency.id, EntityIndex.codes_only() if small else EntityIndex.load())
    index = writer.index
    chunks = 0
    if options.progress and position:
        options.progress(position)
    with prepared_chunks(fmap, rows, position, options.chunk_size) as prepared, checkpoint.beside(db.engine):
        while position < len(rows):
            if options.max_chunks is not None and chunks >= options.max_chunks:
                return batch
            try:
                n, items = next(prepared)
                _process_chunk(batch, agency, fmap, items, writer, index, options)
                position += n
                report = dict(batch.report)
                report["checkpoint"] = position
                batch.report = report
                db.session.commit()
                checkpoint.committed(db.engine)
            except Exception:
                db.session.rollback()
                raise
            chunks += 1
            if options.progress:
                options.progress(n)
    _finish(batch, writer, time.perf_counter() - started)
    if options.reuse_index:
        _keep_writer(writer)
    return batch


_kept: dict[str, Any] = {}
_kept_lock = threading.Lock()
#: tables whose rows the writer's caches and index hold (EntityEvent: merges and splits move them; SourceRecord:
#: any other import, which may have changed entities without adding rows to the others)
_STAMPED = (MarketEntity, EntityName, EntityAddress, EntityPhone, EntityRole, Phone, Person, Address, EntityEvent,
            SourceRecord)


def _stamp() -> tuple[Any, ...]:
    """The highest id of each table the writer caches: unchanged when nobody added rows to them."""
    return tuple(db.session.execute(select(*[select(func.max(m.id)).scalar_subquery() for m in _STAMPED])).one())


def _take_writer(agency_id: int) -> Writer | None:
    """The writer the last import of this process kept, if it is of this database and still current.

    Its index is brought up to date by reading again the entities whose identity that import changed
    (``refresh``): rows linked to an entity without teaching anything new about it leave its part as it was.
    """
    with _kept_lock:
        kept = dict(_kept)
        _kept.clear()  # one import at a time uses it; a concurrent one reads its own
    if not kept or kept["engine"] is not db.engine or kept["stamp"] != _stamp():
        return None
    writer = kept["writer"]
    writer.agency_id = agency_id
    writer.index = writer.index.refresh(writer.changed)
    writer.changed = set()
    return writer


def _keep_writer(writer: Writer) -> None:
    with _kept_lock:
        _kept.update(engine=db.engine, stamp=_stamp(), writer=writer)


def _finish(batch: ImportBatch, writer: Writer, seconds: float) -> None:
    writer.link_parents()
    new_methods = (LinkMethod.NEW, LinkMethod.REVIEW)
    # filtered here, not in SQL: with a condition on entity_id SQLite walks the entity_id index over every
    # import's rows instead of this batch's (0.5 s a file at 300k rows, growing with each import)
    created: set[int] = set()
    touched: set[int] = set()
    for entity_id, method in db.session.connection().execute(select(
            SourceRecord.entity_id, SourceRecord.link_method).where(SourceRecord.batch_id == batch.id)):
        if entity_id is not None:
            touched.add(entity_id)
            if method in new_methods:
                created.add(entity_id)
    batch.entities_new = len(created)
    batch.entities_updated = len(touched - created)
    report = dict(batch.report)
    report["seconds"] = round(report.get("seconds", 0) + seconds, 2)
    batch.report = report
    batch.status = BatchStatus.COMPLETED
    batch.finished_at = utcnow()
    db.session.commit()
    if batch.rows_read >= ANALYZE_ROWS:
        _analyze()
    log.info("batch %d %s: read %d, accepted %d, rejected %d, duplicate %d, new %d, updated %d", batch.id,
             batch.filename, batch.rows_read, batch.rows_accepted, batch.rows_rejected, batch.rows_duplicate,
             batch.entities_new, batch.entities_updated)


def _analyze() -> None:
    """The planner's statistics of every table, after an import large enough to have made them stale.

    Without them PostgreSQL estimated an agency's share of ``source_record`` at its default 0.5 % and checked
    each chunk's content hashes by scanning all of the agency's rows (0.4-0.6 s per 10,000-row chunk at a
    million rows) instead of probing the unique index (36 ms). Autovacuum, where it runs, lags a bulk import.
    """
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _process_chunk(batch: ImportBatch, agency: Agency, fmap: FileMapping, items: list[Prepared],
                   writer: Writer, index: EntityIndex, options: IngestOptions) -> None:
    known = writer.stored_hashes(agency.id, [i.content_hash for i in items])
    fresh: list[Prepared] = []
    duplicates = 0
    for item in items:
        if item.content_hash in known:
            duplicates += 1
            continue
        known.add(item.content_hash)
        fresh.append(item)
    _resolve_refs(agency, fmap, fresh)
    rejected = Counter()
    findings = Counter()
    rows: dict[int, dict[str, Any]] = {}
    for item in fresh:
        status = SourceStatus.REJECTED if item.errors else SourceStatus.ACCEPTED
        for err in item.errors:
            rejected[f"{err.column or 'row'}: {_reason(err.message)}"] += 1
        for f in item.findings:
            findings[f["kind"]] += 1
        source_key = item.source_key
        rows[id(item)] = row = {
            "agency_id": agency.id, "batch_id": batch.id, "row_number": item.row_number,
            "content_hash": item.content_hash, "record_type": fmap.record_type, "source_key": source_key,
            "raw": item.raw, "canonical": None if item.errors else item.canonical_json or jsonable(item.canonical),
            "status": status,
            "errors": [e.as_dict() for e in item.errors] if item.errors else NO_ITEMS,
            "findings": item.findings or NO_ITEMS, "uscc_raw": item.uscc_raw,
            "uscc_valid": (item.uscc is not None) if item.uscc_raw else None, "entity_id": None,
            "link_method": None, "link_probability": None, "linked_at": None}
        item.source = writer.source(row, fmap.record_type, source_key)
    accepted = [i for i in fresh if not i.errors]
    writer.prefetch_addresses([i.canonical for i in accepted])
    touched = _link(accepted, fmap, writer, index, options)
    reviews = 0
    now = utcnow()
    for item in accepted:
        res = item.resolution
        src = item.source
        src.link_method = res.method
        rows[id(item)].update(entity_id=res.entity_id, link_method=res.method, link_probability=res.probability,
                              linked_at=now if res.entity_id else None)
        if res.candidate_id and res.entity_id:
            writer.add(MatchReview, {"source_record_id": src.ref, "candidate_entity_id": res.candidate_id,
                                     "provisional_entity_id": res.entity_id, "probability": res.probability or 0.0,
                                     "match_weights": stored_weights(res.match_weights)})
            reviews += 1
        if fmap.record_type == RecordType.REGISTRATION and res.entity_id:
            writer.registration(res.entity_id, item.canonical, src, item.uscc)
        writer.write(fmap.record_type, res.entity_id, item.canonical, src, fmap.options)
    writer.flush()
    superseded = _supersede_quarantined(agency.id, fmap.record_type, accepted)
    replaced = 0
    if fmap.options.get("replace_by_key"):
        replaced, earlier = replace_earlier(agency.id, fmap.record_type, accepted)
        touched |= earlier
    batch.rows_read += len(items)
    batch.rows_duplicate += duplicates
    batch.rows_accepted += len(accepted)
    batch.rows_rejected += len(fresh) - len(accepted)
    report = dict(batch.report)
    report["rejected_by_reason"] = _merge(report.get("rejected_by_reason", {}), rejected)
    report["findings"] = _merge(report.get("findings", {}), findings)
    report["reviews"] = report.get("reviews", 0) + reviews
    if superseded:
        report["superseded"] = report.get("superseded", 0) + superseded
    if replaced:
        report["replaced"] = report.get("replaced", 0) + replaced
    batch.report = report
    if options.notify:
        notify_records_changed("ingest", touched)


#: the rows that a row sent again corrected replaces
_REPLACEABLE = (SourceStatus.REJECTED, SourceStatus.DISMISSED)


def _supersede_quarantined(agency_id: int, record_type: RecordType,
                           accepted: list[Prepared]) -> int:
    """Quarantined rows of the agency that an accepted row of this chunk replaces (the same source key, the same
    kind of record: the agency corrected the row in its own system and sent it again) leave the quarantine,
    pointing at the row that replaced them, as a row corrected on the page does; so do dismissed ones (their
    reason stays with them). Returns how many.

    Most agencies have nothing of the kind in quarantine: one indexed look (``ix_source_record_status_agency``)
    per chunk says so before any key is looked up.
    """
    keyed = {i.source_key: i.source.ref.id for i in accepted if i.source_key and i.source.ref.id is not None}
    if not keyed or db.session.scalar(select(SourceRecord.id).where(
            rare(SourceRecord.status.in_(_REPLACEABLE)), SourceRecord.agency_id == agency_id,
            SourceRecord.record_type == record_type).limit(1)) is None:
        return 0
    keys = sorted(keyed)
    changes = []
    for start in range(0, len(keys), 500):
        for row_id, key in db.session.execute(select(SourceRecord.id, SourceRecord.source_key).where(
                SourceRecord.agency_id == agency_id, SourceRecord.source_key.in_(keys[start:start + 500]),
                SourceRecord.status.in_(_REPLACEABLE), SourceRecord.record_type == record_type)):
            changes.append({"id": row_id, "status": SourceStatus.RESUBMITTED, "resubmitted_as_id": keyed[key]})
    if changes:
        db.session.execute(update(SourceRecord), changes)
    return len(changes)


def _reason(message: str) -> str:
    """A rejection message without the offending value, so that reasons group."""
    return message.split(":")[0].split(" (expected")[0].split(" '")[0][:120]


def _merge(old: dict[str, int], new: Counter) -> dict[str, int]:
    out = dict(old)
    for k, v in new.items():
        out[k] = out.get(k, 0) + v
    return out


def stored_weights(weights: dict[str, Any] | None) -> dict[str, Any]:
    """A match's evidence as JSON, as ``linkage.explain.evidence`` reads it: the prior's weight, and each
    comparison's level and weight (NumPy numbers made plain); notes beside them (keys beginning with ``_``,
    such as ``linkage.explain.RUNNER_UP``) keep their numbers."""
    out: dict[str, Any] = {}
    for key, value in (weights or {}).items():
        if str(key).startswith("_") and isinstance(value, dict):
            out[str(key)] = {str(k): v.item() if hasattr(v, "item") else v for k, v in value.items()}
        elif isinstance(value, dict):
            level = value.get("level")
            out[str(key)] = {"level": None if level is None else str(level),
                             "weight": float(value.get("weight") or 0.0)}
        else:
            out[str(key)] = float(value) if isinstance(value, (int, float)) else str(value)
    return out


def _resolve_refs(agency: Agency, fmap: FileMapping, items: list[Prepared]) -> None:
    """Rows that point at another row of the agency: violations at their inspection, persons at the register."""
    want = [i for i in items if not i.errors and i.canonical.get("inspection_ref")]
    if want and fmap.record_type == RecordType.VIOLATION:
        refs = {i.canonical["inspection_ref"] for i in want}
        found = {ext: (iid, eid, d) for ext, iid, eid, d in db.session.execute(
            select(Inspection.external_id, Inspection.id, Inspection.entity_id, Inspection.inspection_date)
            .where(Inspection.agency_id == agency.id, Inspection.external_id.in_(refs))).all()}
        for item in want:
            hit = found.get(item.canonical["inspection_ref"])
            if hit is None:
                item.errors.append(RowError(source_column(fmap, "inspection_ref"), "refers to an inspection not "
                                            "imported (or rejected)", item.canonical["inspection_ref"]))
                continue
            item.canonical["_inspection_id"], entity_id, item.canonical["_inspection_date"] = hit
            item.resolution = Resolution(entity_id, LinkMethod.SOURCE_KEY, 1.0)
    refs = {i.canonical["entity_ref"] for i in items if not i.errors and i.canonical.get("entity_ref")}
    if refs:
        ref_type = RecordType(fmap.options.get("entity_ref", "registration"))
        found = dict(db.session.execute(select(SourceRecord.source_key, SourceRecord.entity_id).where(
            SourceRecord.agency_id == agency.id, SourceRecord.record_type == ref_type,
            SourceRecord.status == SourceStatus.ACCEPTED, SourceRecord.source_key.in_(refs),
            SourceRecord.entity_id.is_not(None))).all())
        for item in items:
            ref = item.canonical.get("entity_ref")
            if not item.errors and ref and found.get(ref):
                item.resolution = Resolution(found[ref], LinkMethod.SOURCE_KEY, 1.0)
    if fmap.record_type == RecordType.ROLE:
        for item in items:
            if not item.errors and item.resolution.entity_id is None and not item.canonical.get("name") \
                    and not item.canonical.get("uscc"):
                item.errors.append(RowError(source_column(fmap, "entity_ref"), "refers to an entity not imported",
                                            item.canonical.get("entity_ref")))


def _link(items: list[Prepared], fmap: FileMapping, writer: Writer, index: EntityIndex,
          options: IngestOptions) -> set[int]:
    """Give each accepted row its entity; create the new ones; return every entity touched."""
    if fmap.record_type in ENTITYLESS:
        return set()
    _by_licence(items, fmap)
    pending: list[Prepared] = []
    for item in items:
        if item.resolution.entity_id is not None:
            continue
        if item.resolution.method == LinkMethod.NEW:  # a licence number first seen: its own business
            pending.append(item)
            continue
        if item.uscc and item.uscc in index.by_uscc:
            item.resolution = Resolution(index.by_uscc[item.uscc], LinkMethod.USCC, 1.0)
            continue
        if item.uscc and fmap.record_type == RecordType.REGISTRATION:  # the register creates what it names
            item.resolution = Resolution(None, LinkMethod.NEW, new_group=f"u{item.uscc}")
            pending.append(item)
            continue
        org = tax_number_org(item.uscc_raw and check_uscc(item.uscc_raw).code or "")
        if org and org in index.by_org:
            item.resolution = Resolution(index.by_org[org], LinkMethod.USCC, 1.0)
            continue
        pending.append(item)
    named = [i for i in pending if i.canonical.get("name") and i.resolution.method is None]
    if named or any(not i.canonical.get("name") for i in pending):
        index.read_whole()  # Splink matches against every identity row; address-only rows look up addresses
    decisions = probabilistic([(n, i.canonical, i.uscc_raw) for n, i in enumerate(named)], index,
                              options.linkage_settings)
    for n, item in enumerate(named):
        item.resolution = decisions.get(n, Resolution(None, LinkMethod.NEW, new_group=f"r{n}"))
    _join_waiting(named)
    for item in pending:
        if not item.canonical.get("name"):  # address-only rows
            norm = _address_norm(item.canonical.get("address"))
            at = index.by_address.get(norm, set()) if norm else set()
            if not at:
                at = index.by_site.get(_site(item.canonical.get("address")), set())
            if len(at) == 1:
                item.resolution = Resolution(next(iter(at)), LinkMethod.ADDRESS, None)
            elif item.uscc and fmap.record_type != RecordType.COMPLAINT:
                item.resolution = Resolution(None, LinkMethod.NEW, new_group=f"u{item.uscc}")
    _create_new(pending, fmap, writer)
    if fmap.record_type == RecordType.INVESTMENT:
        for item in items:
            item.canonical["_investor_id"] = _investor(item.canonical, index)
    touched = {i.resolution.entity_id for i in items if i.resolution.entity_id is not None}
    writer.prefetch_entities(touched)
    for item in items:
        res = item.resolution
        if res.entity_id is None:
            continue
        if res.method not in (LinkMethod.NEW, LinkMethod.REVIEW) and fmap.record_type != RecordType.REGISTRATION:
            writer.enrich(res.entity_id, item.canonical, item.source, item.uscc)
    return touched


#: key of a match's evidence naming the other entity that matched as well (``linkage.explain.RUNNER_UP``; not
#: imported from there: the importing process reads the linkage engine only once a row needs matching)
_RUNNER_UP = "_runner_up"


def _join_waiting(items: list[Prepared]) -> None:
    """Rows sent to review because two entities matched them equally well, where the other one is the entity
    made meanwhile for an earlier row of the same suggestion (its review still waiting for a coordinator), join
    that entity instead of making one more.

    The first row of a business that the register spells differently waits for review on an entity of its
    own; each later row then matched the register's entity and that one alike, and made yet another entity
    (three or four entities of one business in the demo's queue). They are one business waiting to be
    confirmed: one entity, one review per row, and one merge puts all of them where they belong.
    """
    waiting: dict[int, int] = {}
    for n, item in enumerate(items):
        res = item.resolution
        other = (res.match_weights or {}).get(_RUNNER_UP) if res.method == LinkMethod.REVIEW else None
        if other and res.candidate_id is not None:
            waiting[n] = int(other["entity_id"])
    if not waiting:
        return
    candidates = {items[n].resolution.candidate_id for n in waiting}
    pending = set(db.session.execute(select(MatchReview.provisional_entity_id, MatchReview.candidate_entity_id).where(
        MatchReview.candidate_entity_id.in_(candidates), MatchReview.status == ReviewStatus.PENDING,
        MatchReview.provisional_entity_id.in_(set(waiting.values())))).all())
    for n, other in waiting.items():
        res = items[n].resolution
        if (other, res.candidate_id) in pending:
            res.entity_id, res.new_group = other, None


def _by_licence(items: list[Prepared], fmap: FileMapping) -> None:
    """Rows keyed by a licence number: the entity that holds it (a new one per number for licence files)."""
    keyed = [i for i in items if i.resolution.entity_id is None and i.canonical.get("licence_key")]
    if not keyed:
        return
    keys = {str(i.canonical["licence_key"]) for i in keyed}
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        part = sorted(keys)[start:start + 500]
        found.update(db.session.execute(select(Licence.licence_no, Licence.entity_id)
                                        .where(Licence.licence_no.in_(part))).all())
    for item in keyed:
        key = str(item.canonical["licence_key"])
        if key in found:
            item.resolution = Resolution(found[key], LinkMethod.SOURCE_KEY, 1.0)
        elif fmap.record_type == RecordType.LICENCE:
            item.resolution = Resolution(None, LinkMethod.NEW, new_group=f"k{key}")


def _address_norm(address: str | None) -> str:
    from ..text import normalise_address

    return normalise_address(address) if address else ""


def _site(address: str | None) -> str:
    from ..text import parse_address

    return parse_address(address).site if address else ""


def _create_new(items: list[Prepared], fmap: FileMapping, writer: Writer) -> None:
    """One new entity per new-entity group (and per distinct valid code within a group)."""
    groups: dict[tuple[str, str | None], list[Prepared]] = {}
    codes_of: dict[str | None, set[str]] = {}
    for item in items:
        if item.uscc:
            codes_of.setdefault(item.resolution.new_group, set()).add(item.uscc)
    for item in items:
        res = item.resolution
        if res.entity_id is not None or res.method not in (LinkMethod.NEW, LinkMethod.REVIEW):
            continue
        codes = codes_of.get(res.new_group, set())
        key_code = item.uscc if item.uscc else (sorted(codes)[0] if len(codes) == 1 else None)
        groups.setdefault((res.new_group or f"x{id(item)}", key_code), []).append(item)
    firsts = []
    for members in groups.values():
        firsts.append(next((m for m in members if fmap.record_type == RecordType.REGISTRATION), members[0]))
    claimed: set[str] = set()
    wanted = []
    for (_group, code), first in zip(groups, firsts, strict=True):
        uscc = code if code and code not in writer.index.by_uscc and code not in claimed else None
        if uscc:
            claimed.add(uscc)
        wanted.append((first.canonical, uscc, first.source))
    for members, entity_id in zip(groups.values(), writer.new_entities(wanted), strict=True):
        for member in members:
            member.resolution.entity_id = entity_id


def _investor(c: dict[str, Any], index: EntityIndex) -> int | None:
    check = check_uscc(c.get("investor_uscc"))
    if check.valid and check.code in index.by_uscc:
        return index.by_uscc[check.code]
    from ..text import normalise_name

    norm = normalise_name(c.get("investor_name"))
    if norm:
        return db.session.scalar(select(MarketEntity.id).where(MarketEntity.name_norm == norm).limit(1))
    return None
