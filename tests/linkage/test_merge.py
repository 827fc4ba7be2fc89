"""Merging, splitting and undoing entities: every row follows, history says exactly what moved, undo restores."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, func, select

from models import (
    AuditLog,
    Base,
    Campaign,
    CampaignSelection,
    EntityEvent,
    EntityName,
    EntityNameGram,
    EntityRole,
    Inspection,
    Licence,
    MarketEntity,
    Person,
    SourceRecord,
    Violation,
)
from models.enums import EntityStatus, NameKind, PersonRole, SelectionReason
from regulator.extensions import db
from regulator.linkage import merge as merging
from regulator.linkage.merge import KEPT, EntityChangeError, entity_references, merge, split, undo
from regulator.services.credit import latest_assessment
from regulator.text import normalise_name


def _facts(entity_id: int) -> dict[str, set[int]]:
    """Ids of the rows of each fact table that belong to the entity."""
    out = {}
    for model in (Inspection, Violation, Licence, SourceRecord, EntityName, EntityRole):
        out[model.__tablename__] = set(db.session.scalars(select(model.id).where(model.entity_id == entity_id)))
    return out


def test_every_entity_foreign_key_moves_or_is_kept_for_a_reason() -> None:
    """Introspection finds every reference to an entity; the kept ones exist and say why."""
    found = {(r.table.name, r.column) for r in entity_references()}
    every = {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns
             if any(fk.column.table.name == "market_entity" for fk in c.foreign_keys)}
    assert found | set(KEPT) == every
    assert not found & set(KEPT)
    assert {("inspection", "entity_id"), ("source_record", "entity_id"), ("entity_name", "entity_id"),
            ("investment", "investor_id"), ("market_entity", "parent_id"), ("user", "entity_id")} <= found
    assert all(reason for reason in KEPT.values())


def test_a_table_added_later_is_found_without_being_listed() -> None:
    """A new table with an entity foreign key moves with merges: nobody has to remember to add it."""
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("new_fact", metadata, Column("id", Integer, primary_key=True),
          Column("owner_id", Integer, ForeignKey("market_entity.id")))
    assert ("new_fact", "owner_id") in {(r.table.name, r.column) for r in entity_references(metadata)}


@pytest.fixture
def world(make):  # noqa: ANN001, ANN201
    samr, health = make.agency("SAMR"), make.agency("HEALTH", domain="health")
    keep = make.entity("深圳市华盛达贸易有限公司")
    dup = make.entity("华盛达贸易（深圳）有限公司", uscc=None)
    make.inspection(keep, samr)
    for _ in range(2):
        make.inspection(dup, health)
    make.violation(dup, health)
    make.licence(dup, samr, licence_no="L-1")
    db.session.add(EntityName(entity_id=dup.id, name="华盛达商行", name_norm=normalise_name("华盛达商行"),
                              kind=NameKind.TRADE))
    person = Person(name="张三", name_norm="张三")
    db.session.add(person)
    db.session.flush()
    db.session.add(EntityRole(entity_id=dup.id, person_id=person.id, role=PersonRole.LEGAL_REPRESENTATIVE))
    branch = make.entity("华盛达贸易（深圳）有限公司福田分公司", uscc=None, parent_id=dup.id)
    user = make.user("ent-dup", "enterprise", entity_id=dup.id)
    db.session.commit()
    return {"samr": samr, "health": health, "keep": keep.id, "dup": dup.id, "branch": branch.id, "user": user.id}


def test_merge_moves_every_row_and_records_it(world) -> None:  # noqa: ANN001
    """All of the duplicate's rows move; its names become former names; the event lists each row moved."""
    keep, dup = world["keep"], world["dup"]
    before_keep, before_dup = _facts(keep), _facts(dup)
    event = merge(dup, keep, reason="same company")
    db.session.commit()
    after = _facts(keep)
    for table, ids in before_dup.items():
        assert ids <= after[table], table
        assert not _facts(dup)[table], table
    assert event.kind == "merge" and event.from_entity_id == dup and event.to_entity_id == keep
    assert set(event.moved["inspection.entity_id"]) == before_dup["inspection"]
    assert set(event.moved["source_record.entity_id"]) == before_dup["source_record"]
    assert event.moved["market_entity.parent_id"] == [world["branch"]]
    assert event.moved["user.entity_id"] == [world["user"]]
    assert "inspection.entity_id" not in {k for k in event.moved if k.startswith("audit_log")}
    assert before_keep["inspection"] <= after["inspection"]
    source = db.session.get(MarketEntity, dup)
    assert source.merged_into_id == keep and source.status == EntityStatus.MERGED
    names = {n.name: n.kind for n in db.session.scalars(select(EntityName).where(EntityName.entity_id == keep))}
    assert names == {"华盛达商行": NameKind.FORMER, "华盛达贸易（深圳）有限公司": NameKind.FORMER}
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "entity.merge")).one()
    assert audit.entity_id == keep and audit.object_id == event.id and audit.details["merged"] == dup
    # records_changed reached the name index: the former name finds the survivor
    grams = set(db.session.scalars(select(EntityNameGram.gram).where(EntityNameGram.entity_id == keep)))
    assert "商行" in grams
    # ... and the credit class: the survivor was reassessed with the duplicate's serious violation
    assessment = latest_assessment(keep)
    assert assessment is not None and assessment.trigger == "merge"


def test_undo_of_a_merge_restores_everything(world) -> None:  # noqa: ANN001
    """Undo puts back exactly the rows the merge moved, the names' kinds and the duplicate's state."""
    keep, dup = world["keep"], world["dup"]
    before_keep, before_dup = _facts(keep), _facts(dup)
    event = merge(dup, keep)
    db.session.commit()
    back = undo(event.id, reason="not the same")
    db.session.commit()
    assert _facts(keep) == before_keep and _facts(dup) == before_dup
    source = db.session.get(MarketEntity, dup)
    assert source.merged_into_id is None and source.status == EntityStatus.ACTIVE
    assert db.session.get(MarketEntity, world["branch"]).parent_id == dup
    kinds = {n.name: n.kind for n in db.session.scalars(select(EntityName).where(EntityName.entity_id == dup))}
    assert kinds == {"华盛达商行": NameKind.TRADE}
    assert back.kind == "undo" and back.moved["undoes"] == event.id
    with pytest.raises(EntityChangeError, match="already undone"):
        undo(event.id)


def test_merge_passes_the_valid_code_on_and_undo_takes_it_back(make) -> None:  # noqa: ANN001
    """A duplicate holding the code gives it to the survivor that had none."""
    coded, bare = make.entity("甲公司"), make.entity("甲公司", uscc=None)
    code = coded.uscc
    event = merge(coded.id, bare.id)
    assert db.session.get(MarketEntity, bare.id).uscc == code
    assert db.session.get(MarketEntity, coded.id).uscc is None
    undo(event.id)
    assert db.session.get(MarketEntity, coded.id).uscc == code
    assert db.session.get(MarketEntity, bare.id).uscc is None


def test_merge_refuses_what_makes_no_sense(world, make) -> None:  # noqa: ANN001
    """Itself, two different valid codes, an entity already merged, an unknown id: clear errors."""
    keep, dup = world["keep"], world["dup"]
    with pytest.raises(EntityChangeError, match="into itself"):
        merge(keep, keep)
    other = make.entity("乙公司")
    with pytest.raises(EntityChangeError, match="different valid unified social credit codes"):
        merge(other.id, keep)
    merge(dup, keep)
    with pytest.raises(EntityChangeError, match="already merged"):
        merge(dup, other.id)
    with pytest.raises(EntityChangeError, match="does not exist"):
        merge(999999, keep)


def test_a_unique_clash_stays_behind_and_is_listed(world) -> None:  # noqa: ANN001
    """Both entities drawn in one campaign for one agency: the duplicate's selection stays, listed as kept."""
    keep, dup, samr = world["keep"], world["dup"], world["samr"]
    campaign = Campaign(name="抽查", period_start=date(2025, 1, 1), period_end=date(2025, 3, 31))
    db.session.add(campaign)
    db.session.flush()
    rows = [CampaignSelection(campaign_id=campaign.id, entity_id=e, agency_id=samr.id,
                              reason=SelectionReason.RANDOM_DRAW) for e in (keep, dup)]
    db.session.add_all(rows)
    db.session.flush()
    event = merge(dup, keep)
    assert event.moved["kept"] == {"campaign_selection.entity_id": [rows[1].id]}
    assert db.session.scalar(select(func.count()).select_from(CampaignSelection)
                             .where(CampaignSelection.entity_id == keep)) == 1


def test_split_moves_chosen_records_and_their_facts(world) -> None:  # noqa: ANN001
    """The chosen source records and every row from them go to a new entity; undo brings them back."""
    dup = world["dup"]
    inspection = db.session.scalars(select(Inspection).where(Inspection.entity_id == dup)).first()
    violation = db.session.scalars(select(Violation).where(Violation.entity_id == dup)).one()
    chosen = [inspection.source_record_id, violation.source_record_id]
    before = _facts(dup)
    event = split(dup, chosen, name="华盛达餐饮店", reason="another business at the address")
    db.session.commit()
    new = db.session.get(MarketEntity, event.to_entity_id)
    assert new.name == "华盛达餐饮店" and new.name_norm == normalise_name("华盛达餐饮店")
    moved = _facts(new.id)
    assert moved["source_record"] == set(chosen)
    assert moved["inspection"] == {inspection.id} and moved["violation"] == {violation.id}
    assert _facts(dup)["licence"] == before["licence"]
    assert event.moved["inspection.entity_id"] == [inspection.id]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "entity.split")) == 1
    undo(event.id)
    db.session.commit()
    assert _facts(dup) == before
    emptied = db.session.get(MarketEntity, new.id)
    assert emptied.merged_into_id == dup and emptied.status == EntityStatus.MERGED


def test_split_refuses_foreign_or_all_records(world) -> None:  # noqa: ANN001
    """Records of another entity, none at all, or every record: refused with the reason."""
    dup, keep = world["dup"], world["keep"]
    theirs = db.session.scalars(select(SourceRecord.id).where(SourceRecord.entity_id == keep)).all()
    with pytest.raises(EntityChangeError, match="not records of market entity"):
        split(dup, theirs)
    with pytest.raises(EntityChangeError, match="at least one"):
        split(dup, [])
    mine = db.session.scalars(select(SourceRecord.id).where(SourceRecord.entity_id == dup)).all()
    with pytest.raises(EntityChangeError, match="nothing would be left"):
        split(dup, mine)


def test_undo_waits_for_a_later_merge_of_the_survivor(world, make) -> None:  # noqa: ANN001
    """A merged survivor merged again: the later merge must be undone first; then both undo cleanly."""
    keep, dup = world["keep"], world["dup"]
    third = make.entity("华盛达控股", uscc=None)
    first = merge(dup, keep)
    second = merge(keep, third.id)
    with pytest.raises(EntityChangeError, match="undo that merge first"):
        undo(first.id)
    undo(second.id)
    undo(first.id)
    assert db.session.get(MarketEntity, dup).merged_into_id is None
    assert db.session.scalar(select(func.count()).select_from(EntityEvent).where(EntityEvent.kind == "undo")) == 2
    assert merging.resolve(dup).id == dup
