"""Merging, splitting and undoing: market entities change, every row that belongs to them follows, history stays.

Every reference to an entity is found by introspecting the ORM metadata (``entity_references``), so a table
added later with a foreign key to ``market_entity`` moves with merges and splits without anyone having to
remember it. The few references that are history or derived data stay where they are (``KEPT``, each with
its reason). Each change writes an ``EntityEvent`` listing exactly which rows moved (by primary key), an
audit row, and sends ``records_changed`` for the entities touched, so credit classes and the name index
follow. Services flush and never commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import MetaData, Table, and_, select, update

from models import Base, EntityEvent, EntityName, InspectionTask, MarketEntity, MatchReview, SourceRecord, User
from models.enums import EntityStatus, LinkMethod, NameKind, ReviewStatus, Role, TaskStatus

from ..extensions import db
from ..i18n import label
from ..services import audit
from ..signals import notify_records_changed
from ..text import normalise_name

log = logging.getLogger(__name__)

#: references to an entity that never move, and why
KEPT: dict[tuple[str, str], str] = {
    ("audit_log", "entity_id"): "the audit log is append-only: it stays as it was written",
    ("entity_event", "from_entity_id"): "merge and split history",
    ("entity_event", "to_entity_id"): "merge and split history",
    ("market_entity", "merged_into_id"): "set by the merge itself",
    ("entity_name_gram", "entity_id"): "search index, rebuilt on records_changed",
    ("match_review", "candidate_entity_id"): "review history (a merged candidate is resolved when decided)",
    ("match_review", "provisional_entity_id"): "review history",
    ("risk_score", "entity_id"): "a score of what the entity's own records said, until the next scoring run: the "
                                 "survivor keeps its own (both entities' scores on one made the credit class and "
                                 "the profile use whichever had the higher id)",
}
MERGE, SPLIT, LINK, UNDO = "merge", "split", "link", "undo"


class EntityChangeError(ValueError):
    """A merge, split, review decision or undo that cannot be done as asked (the message says why)."""


@dataclass(frozen=True)
class Reference:
    """One column that points at a market entity."""

    table: Table
    column: str

    @property
    def key(self) -> str:
        """``table.column``: how the reference is named in ``EntityEvent.moved``."""
        return f"{self.table.name}.{self.column}"

    @property
    def pk(self) -> Any:
        """The table's single primary-key column."""
        return next(iter(self.table.primary_key.columns))

    @property
    def by_source_record(self) -> bool:
        """Rows of this table carry the source record they came from (they follow it in a split)."""
        return "source_record_id" in self.table.c or self.table.name == "source_record"

    def unique_with(self) -> list[list[str]]:
        """Unique constraints of the table that include this column (a move may collide with them)."""
        out = []
        for constraint in self.table.constraints:
            names = [c.name for c in getattr(constraint, "columns", [])]
            if constraint.__class__.__name__ == "UniqueConstraint" and self.column in names:
                out.append([n for n in names if n != self.column])
        return out


def entity_references(metadata: MetaData | None = None, *, kept: bool = False) -> list[Reference]:
    """Every column of every table with a foreign key to ``market_entity.id``, except those ``KEPT`` (with
    ``kept``: those too, where a row can be named by its id; an undo moves back what an older event moved)."""
    refs = []
    for table in (metadata or Base.metadata).sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "market_entity" for fk in column.foreign_keys):
                if kept and (table.name, column.name) in KEPT and len(table.primary_key.columns) == 1:
                    refs.append(Reference(table, column.name))
                elif (table.name, column.name) not in KEPT:
                    if len(table.primary_key.columns) != 1:
                        raise RuntimeError(f"{table.name}.{column.name}: entity references need a single-column "
                                           "primary key to be recorded; add it to KEPT with a reason or give the "
                                           "table an id")
                    refs.append(Reference(table, column.name))
    return refs


def _entity(entity_id: int) -> MarketEntity:
    entity = db.session.get(MarketEntity, int(entity_id))
    if entity is None:
        raise EntityChangeError(_("Entity %(id)s does not exist.", id=entity_id))
    return entity


def resolve(entity_id: int) -> MarketEntity:
    """The entity that ``entity_id`` is now: itself, or the entity it was (transitively) merged into."""
    entity = _entity(entity_id)
    seen = {entity.id}
    while entity.merged_into_id is not None:
        entity = _entity(entity.merged_into_id)
        if entity.id in seen:
            raise EntityChangeError(_("The merges of market entity %(id)s form a loop at entity %(loop)s: tell "
                                      "the administrator.", id=entity_id, loop=entity.id))
        seen.add(entity.id)
    return entity


def _move(ref: Reference, source_id: int, target_id: int, where: Any = None) -> tuple[list[Any], list[Any]]:
    """Point the rows of ``ref`` from ``source_id`` to ``target_id``; returns (moved ids, ids left for a clash)."""
    column = ref.table.c[ref.column]
    condition = column == source_id
    if where is not None:
        condition = and_(condition, where)
    if ref.table.name == "market_entity":  # a branch of the source, never the target itself
        condition = and_(condition, ref.pk != target_id)
    ids = [row[0] for row in db.session.execute(select(ref.pk).where(condition).order_by(ref.pk))]
    if not ids:
        return [], []
    clashes: list[Any] = []
    for others in ref.unique_with():
        if not others:
            continue
        rows = db.session.execute(select(ref.pk, *[ref.table.c[n] for n in others]).where(ref.pk.in_(ids))).all()
        for row in rows:
            same = and_(column == target_id, *[ref.table.c[n] == v for n, v in zip(others, row[1:], strict=True)])
            if db.session.execute(select(ref.pk).where(same).limit(1)).first() is not None:
                clashes.append(row[0])
    moved = [i for i in ids if i not in set(clashes)]
    for start in range(0, len(moved), 500):
        db.session.execute(update(ref.table).where(ref.pk.in_(moved[start:start + 500])).values({ref.column: target_id})
                           .execution_options(synchronize_session=False))
    return moved, clashes


def _move_all(source_id: int, target_id: int, source_records: list[int] | None = None) -> dict[str, Any]:
    """Move every reference (or, with ``source_records``, the rows of those records) and say what moved."""
    moved: dict[str, Any] = {}
    kept: dict[str, list[Any]] = {}
    for ref in entity_references():
        where = None
        if source_records is not None:
            if not ref.by_source_record:
                continue
            key_column = ref.pk if ref.table.name == "source_record" else ref.table.c["source_record_id"]
            where = key_column.in_(source_records)
        ids, clashes = _move(ref, source_id, target_id, where)
        if ids:
            moved[ref.key] = ids
        if clashes:
            kept[ref.key] = clashes
    if source_records is not None:
        moved.update(_requests_follow(source_id, target_id, moved))
    if kept:
        moved["kept"] = kept
    db.session.expire_all()
    return moved


def _request_pointers() -> list[tuple[Table, str, str, dict[str, str]]]:
    """Tables that point at a record by (kind, id) and not by source record: objections and credit repair
    applications, with each kind's table name."""
    from ..record_kinds import KINDS, REPAIR_TARGETS

    tables = Base.metadata.tables
    kinds = {key: kind.model.__tablename__ for key, kind in KINDS.items()}
    return [(tables["objection"], "record_type", "record_id", kinds),
            (tables["credit_repair"], "target_type", "target_id",
             {key: kinds[kind] for key, kind in REPAIR_TARGETS.items()})]


def _requests_follow(source_id: int, target_id: int, moved: dict[str, Any]) -> dict[str, list[Any]]:
    """The objections and credit repair applications about the records a split or link moved go with them: the
    enterprise the record now belongs to sees them and the agency decides them on that entity."""
    out: dict[str, list[Any]] = {}
    for table, type_column, id_column, kinds in _request_pointers():
        pk = next(iter(table.primary_key.columns))
        ids: list[Any] = []
        for kind, table_name in kinds.items():
            if not (record_ids := moved.get(f"{table_name}.entity_id")):
                continue
            ids += [row[0] for row in db.session.execute(select(pk).where(
                table.c.entity_id == source_id, table.c[type_column] == kind, table.c[id_column].in_(record_ids)))]
        if ids:
            db.session.execute(update(table).where(pk.in_(ids)).values(entity_id=target_id)
                               .execution_options(synchronize_session=False))
            out[f"{table.name}.entity_id"] = sorted(ids)
    return out


def _event(kind: str, source_id: int | None, target_id: int | None, moved: dict[str, Any], *, user: Any,
           reason: str | None) -> EntityEvent:
    event = EntityEvent(kind=kind, from_entity_id=source_id, to_entity_id=target_id, moved=moved, reason=reason,
                        user_id=getattr(user, "id", None))
    db.session.add(event)
    db.session.flush()
    return event


def row_count(moved: dict[str, Any]) -> int:
    """How many rows an event moved (its ``moved`` lists, not names re-kinded or rows left)."""
    return sum(len(v) for k, v in moved.items() if "." in k and isinstance(v, list))


def merge(source_id: int, target_id: int, *, user: Any = None, reason: str | None = None) -> EntityEvent:
    """Merge entity ``source_id`` into ``target_id``: every row moves, its names become former names.

    The source keeps its id, marked ``merged_into_id`` (links and bookmarks to it resolve to the target).
    Rows that would break a unique constraint on the target (the same campaign selection twice) stay on
    the source and are listed under ``moved["kept"]``.
    """
    source, target = _entity(source_id), _entity(target_id)
    if source.id == target.id:
        raise EntityChangeError(_("A market entity cannot be merged into itself: choose another entity."))
    for entity in (source, target):
        if entity.merged_into_id is not None:
            raise EntityChangeError(_("Market entity %(id)s was already merged into entity %(into)s.",
                                      id=entity.id, into=entity.merged_into_id))
    if source.uscc and target.uscc and source.uscc != target.uscc:
        raise EntityChangeError(_("Market entities %(source)s and %(target)s have different valid unified social "
                                  "credit codes (%(source_code)s, %(target_code)s): they are two entities and "
                                  "cannot be merged.", source=source.id, target=target.id,
                                  source_code=source.uscc, target_code=target.uscc))
    _claim_unmerged(source.id, target.id)
    source_name, source_status, source_uscc = source.name, source.status, source.uscc
    moved = _move_all(source.id, target.id)
    kinds: dict[str, str] = {}
    for name in db.session.scalars(select(EntityName).where(EntityName.id.in_(moved.get("entity_name.entity_id",
                                                                                         [])))):
        if name.kind != NameKind.FORMER:
            kinds[str(name.id)] = str(name.kind)
            name.kind = NameKind.FORMER
    known = {n.name for n in db.session.scalars(select(EntityName).where(EntityName.entity_id == target.id))}
    added = []
    if source_name not in known | {target.name}:
        former = EntityName(entity_id=target.id, name=source_name, name_norm=normalise_name(source_name),
                            kind=NameKind.FORMER)
        db.session.add(former)
        db.session.flush()
        added.append(former.id)
    moved.update({"name_kinds": kinds, "names_added": added, "status": str(source_status)})
    source = _entity(source_id)
    source.merged_into_id, source.status = target.id, EntityStatus.MERGED
    db.session.flush()
    settled = _settle_reviews(source.id, target.id, user)
    if settled:
        moved["reviews_settled"] = settled
    if doubled := _double_visits(target.id, moved.get("inspection_task.entity_id") or []):
        moved[DOUBLE_VISITS] = doubled
    if source_uscc and not target.uscc:  # the code is unique: it passes to the survivor
        source.uscc = None
        db.session.flush()
        _entity(target_id).uscc = source_uscc
        moved["uscc"] = source_uscc
    event = _event(MERGE, source.id, target.id, moved, user=user, reason=reason)
    _tell_accounts(moved.get("user.entity_id") or [], "entity.merged", target.id, source_name)
    audit.record("entity.merge", entity_id=target.id, object_type="entity_event", object_id=event.id, user=user,
                 merged=source.id, rows=row_count(moved), reason=reason, reviews_settled=len(settled))
    db.session.flush()
    notify_records_changed("merge", [source.id, target.id])
    log.info("merged entity %s into %s: %d rows", source.id, target.id, row_count(moved))
    return event


def _claim_unmerged(*entity_ids: int) -> None:
    """Lock the entities of a merge (in id order) with a conditional UPDATE that finds them still unmerged in the
    database: of two merges read at once (a button pressed twice, A into B in one tab and B into A in another)
    the second waits for the first and is then refused, instead of recording the merge twice or a loop."""
    for entity_id in sorted(entity_ids):
        found = db.session.execute(update(MarketEntity).where(MarketEntity.id == entity_id,
                                                              MarketEntity.merged_into_id.is_(None))
                                   .values(merged_into_id=None).execution_options(synchronize_session=False)).rowcount
        if found != 1:
            entity = db.session.get(MarketEntity, entity_id)
            db.session.refresh(entity)
            raise EntityChangeError(_("Market entity %(id)s was already merged into entity %(into)s.",
                                      id=entity.id, into=entity.merged_into_id))


def _tell_accounts(user_ids: list[int], kind: str, entity_id: int, other_name: str) -> None:
    """The enterprise accounts a merge (or its undo) moved learn which entity they belong to now: each one sees
    another profile, under another name, from its next page on."""
    from ..services import notifications

    if user_ids:
        users = notifications.active_users(User.id.in_(user_ids), User.role == Role.ENTERPRISE)
        notifications.notify(users, kind, "entity", entity_id, entity_id=entity_id, other=other_name)


#: ``EntityEvent.moved`` key of a merge: campaign id -> the open visits the survivor now has in it (two or more)
DOUBLE_VISITS = "double_visits"
OPEN_TASKS = (TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)


def _double_visits(target_id: int, moved_tasks: list[int]) -> dict[str, list[int]]:
    """Campaigns in which the merge left the survivor two or more open visits (each entity had its own): a
    coordinator cancels one or lets one inspection cover both."""
    if not moved_tasks:
        return {}
    rows = db.session.execute(select(InspectionTask.campaign_id, InspectionTask.id).where(
        InspectionTask.entity_id == target_id, InspectionTask.status.in_(OPEN_TASKS)).order_by(InspectionTask.id))
    by_campaign: dict[str, list[int]] = {}
    for campaign_id, task_id in rows:
        by_campaign.setdefault(str(campaign_id), []).append(task_id)
    moved = set(moved_tasks)
    return {c: ids for c, ids in by_campaign.items() if len(ids) > 1 and moved & set(ids)}


#: the note of a match review that a merge settled (undoing the merge opens it again)
SETTLED_BY_MERGE = "settled by the merge of entity {source} into entity {target}"


def _settle_reviews(source_id: int, target_id: int, user: Any) -> list[int]:
    """Pending match reviews that the merge of ``source_id`` into ``target_id`` answered: the record waited on
    one of the two entities for the other to be confirmed, and now both are one (the coordinator merged the
    entity on which records of a business waited into the business's entity). They are confirmed, by the
    merging user; returns their ids."""
    pair = (source_id, target_id)
    # the record's entity read in the same statement: the merge moved records with UPDATEs, which records already
    # loaded into the session (a confirm loads its own) do not show
    settled = db.session.scalars(select(MatchReview).join(SourceRecord, SourceRecord.id == MatchReview.source_record_id)
                                 .where(MatchReview.status == ReviewStatus.PENDING,
                                        MatchReview.provisional_entity_id.in_(pair),
                                        MatchReview.candidate_entity_id.in_(pair), SourceRecord.entity_id == target_id)
                                 .order_by(MatchReview.id)).all()
    note = SETTLED_BY_MERGE.format(source=source_id, target=target_id)
    for review in settled:
        review.decide(ReviewStatus.CONFIRMED, getattr(user, "id", None), note)
    return [review.id for review in settled]


#: ``EntityEvent.moved`` key: the reviews whose confirmation made the event (and those it rejected with it)
REVIEWS_DECIDED = "reviews_decided"
#: how a confirmed review's record was linked before (method, probability by record id), given back on undo
LINK_BEFORE = "link_before"


def _reopen_reviews(review_ids: list[int], statuses: tuple[ReviewStatus, ...] = (ReviewStatus.CONFIRMED,)) -> None:
    """Reviews a merge settled or a confirmation decided, pending again once the change is undone."""
    for review in db.session.scalars(select(MatchReview).where(MatchReview.id.in_(review_ids))):
        if review.status in statuses:
            review.decide(ReviewStatus.PENDING, None, None)


def _record_name(record: SourceRecord) -> str | None:
    canonical = record.canonical or {}
    for key in ("name", "entity_name", "company_name"):
        if canonical.get(key):
            return str(canonical[key])
    return None


def new_entity_for(record: SourceRecord, name: str | None = None) -> MarketEntity:
    """A new entity named after ``name`` or the record's canonical name (district too, when it has one)."""
    name = (name or _record_name(record) or "").strip()
    if not name:
        raise EntityChangeError(_("Source record %(id)s has no name to give the new entity: enter a name.",
                                  id=record.id))
    canonical = record.canonical or {}
    entity = MarketEntity(name=name, name_norm=normalise_name(name), district=canonical.get("district"))
    db.session.add(entity)
    db.session.flush()
    return entity


def split(entity_id: int, source_record_ids: list[int], *, name: str | None = None, user: Any = None,
          reason: str | None = None) -> EntityEvent:
    """Move the chosen source records of an entity, and every row that came from them, to a new entity."""
    entity = _entity(entity_id)
    if entity.merged_into_id is not None:
        raise EntityChangeError(_("Market entity %(id)s was merged into entity %(into)s: split that one instead.",
                                  id=entity.id, into=entity.merged_into_id))
    wanted = sorted({int(i) for i in source_record_ids})
    if not wanted:
        raise EntityChangeError(_("Choose at least one source record to split off."))
    records = {r.id: r for r in db.session.scalars(select(SourceRecord).where(SourceRecord.id.in_(wanted)))}
    strangers = [i for i in wanted if i not in records or records[i].entity_id != entity.id]
    if strangers:
        raise EntityChangeError(_("Source records %(records)s are not records of market entity %(id)s.",
                                  records=", ".join(map(str, strangers)), id=entity.id))
    remaining = db.session.scalar(select(SourceRecord.id).where(SourceRecord.entity_id == entity.id,
                                                                 SourceRecord.id.not_in(wanted)).limit(1))
    if remaining is None:
        raise EntityChangeError(_("Those are all the records of market entity %(id)s: nothing would be left. "
                                  "Leave at least one record with it.", id=entity.id))
    new = new_entity_for(records[wanted[0]], name)
    return _split_to(entity.id, new.id, wanted, SPLIT, user=user, reason=reason, created=True)


def _split_to(source_id: int, target_id: int, records: list[int], kind: str, *, user: Any, reason: str | None,
              created: bool) -> EntityEvent:
    moved = _move_all(source_id, target_id, records)
    moved["created"] = created
    event = _event(kind, source_id, target_id, moved, user=user, reason=reason)
    audit.record(f"entity.{kind}", entity_id=source_id, object_type="entity_event", object_id=event.id, user=user,
                 to=target_id, source_records=records, rows=row_count(moved), reason=reason)
    db.session.flush()
    notify_records_changed(kind, [source_id, target_id])
    return event


def move_records(source_id: int, target_id: int, source_record_ids: list[int], *, user: Any = None,
                 reason: str | None = None, created: bool = False) -> EntityEvent:
    """Move source records and their rows from one existing entity to another (a "link" event)."""
    _entity(source_id)
    current = resolve(target_id)
    if current.id != int(target_id):
        raise EntityChangeError(_("Market entity %(id)s was merged: link the records to entity %(into)s instead.",
                                  id=target_id, into=current.id))
    return _split_to(int(source_id), int(target_id), sorted({int(i) for i in source_record_ids}), LINK, user=user,
                     reason=reason, created=created)


def undone_by(event: EntityEvent) -> EntityEvent | None:
    """The undo event of ``event``, if it was undone."""
    candidates = db.session.scalars(select(EntityEvent).where(
        EntityEvent.kind == UNDO, EntityEvent.from_entity_id == event.to_entity_id,
        EntityEvent.to_entity_id == event.from_entity_id))
    return next((e for e in candidates if (e.moved or {}).get("undoes") == event.id), None)


def undo(event_id: int, *, user: Any = None, reason: str | None = None) -> EntityEvent:
    """Undo a merge, split or link: the rows it moved go back (those still where it put them).

    Rows moved again since (by a later event) stay where they are and are listed under ``kept`` (rows deleted
    since, under ``gone``); a merge whose survivor was itself merged since must wait until that later merge is
    undone.
    """
    event = db.session.get(EntityEvent, int(event_id))
    if event is None:
        raise EntityChangeError(_("Entity change %(id)s does not exist.", id=event_id))
    if event.kind not in (MERGE, SPLIT, LINK):
        raise EntityChangeError(_("Entity change %(id)s is of kind “%(kind)s”: only merges, splits and moved "
                                  "records can be undone.", id=event.id, kind=label(f"entity_event_{event.kind}")))
    if event.from_entity_id is None:
        raise EntityChangeError(_("Entity change %(id)s linked a record that had no entity: there is nothing to go "
                                  "back to.", id=event.id))
    # the change's row locked before it is read as not undone: of two undos at once (the button pressed twice, two
    # tabs) the second waits here for the first and then finds it undone, instead of writing a second undo
    db.session.execute(update(EntityEvent).where(EntityEvent.id == event.id).values(kind=EntityEvent.kind)
                       .execution_options(synchronize_session=False))
    if (undoing := undone_by(event)) is not None:
        raise EntityChangeError(_("Entity change %(id)s was already undone (by change %(undo)s).", id=event.id,
                                  undo=undoing.id))
    source, target = _entity(event.from_entity_id), _entity(event.to_entity_id)
    if target.merged_into_id is not None:
        raise EntityChangeError(_("Market entity %(id)s has since been merged into entity %(into)s: undo that "
                                  "merge first.", id=target.id, into=target.merged_into_id))
    moved = event.moved or {}
    back: dict[str, Any] = {}
    kept: dict[str, list[Any]] = {}
    gone: dict[str, list[Any]] = {}
    refs = {ref.key: ref for ref in entity_references(kept=True)}
    for key, ids in moved.items():
        if key not in refs or not isinstance(ids, list):
            continue
        ref = refs[key]
        done, _kept = _move(ref, target.id, source.id, ref.pk.in_(ids))
        if done:
            back[key] = done
        if missing := sorted(set(ids) - set(done)):
            # rows deleted since (derived rows rebuilt, a graph cluster redrawn) are gone, not kept elsewhere
            still = set(db.session.scalars(select(ref.pk).where(ref.pk.in_(missing))))
            if still:
                kept[key] = [i for i in missing if i in still]
            if len(still) < len(missing):
                gone.setdefault(key, []).extend(i for i in missing if i not in still)
    if event.kind == MERGE:
        _tell_accounts(back.get("user.entity_id") or [], "entity.merge_undone", source.id, target.name)
        for name_id, kind in (moved.get("name_kinds") or {}).items():
            name = db.session.get(EntityName, int(name_id))
            if name is not None and name.entity_id == source.id:
                name.kind = NameKind(kind)
        for name_id in moved.get("names_added") or []:
            name = db.session.get(EntityName, int(name_id))
            if name is not None:
                db.session.delete(name)
        _reopen_reviews(moved.get("reviews_settled") or [])
        source = _entity(event.from_entity_id)
        source.merged_into_id = None
        source.status = EntityStatus(moved.get("status") or EntityStatus.ACTIVE)
        if moved.get("uscc"):
            target.uscc = None
            db.session.flush()
            source.uscc = moved["uscc"]
    elif moved.get("created") and db.session.scalar(
            select(SourceRecord.id).where(SourceRecord.entity_id == target.id).limit(1)) is None:
        target.merged_into_id, target.status = source.id, EntityStatus.MERGED  # the split-off entity is empty
    if decided := moved.get(REVIEWS_DECIDED):
        _reopen_reviews(decided, (ReviewStatus.CONFIRMED, ReviewStatus.REJECTED))
        back["reviews_reopened"] = decided
    for record_id, (method, probability) in (moved.get(LINK_BEFORE) or {}).items():
        record = db.session.get(SourceRecord, int(record_id))
        if record is not None and record.link_method == LinkMethod.REVIEW:
            record.link_method, record.link_probability = LinkMethod(method) if method else None, probability
    back.update({"undoes": event.id, **({"kept": kept} if kept else {}), **({"gone": gone} if gone else {})})
    undo_event = _event(UNDO, target.id, source.id, back, user=user, reason=reason)
    audit.record("entity.undo", entity_id=source.id, object_type="entity_event", object_id=undo_event.id, user=user,
                 undoes=event.id, kind=event.kind, rows=row_count(back), reason=reason)
    db.session.flush()
    notify_records_changed("undo", [source.id, target.id])
    return undo_event
