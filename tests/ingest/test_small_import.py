"""Small imports (an upload, an API push, a resubmitted row) read only what their rows need of the entity index
and the writer's caches, and link and write exactly as an import that reads them whole."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from models import (
    Address,
    EntityAddress,
    EntityName,
    EntityPhone,
    EntityRole,
    Inspection,
    LinkMethod,
    MarketEntity,
    Person,
    Phone,
    SourceRecord,
)
from regulator import create_app
from regulator.extensions import db
from regulator.ingest import IngestOptions, pipeline
from regulator.ingest.resolve import EntityIndex
from regulator.text import normalise_address

from ..conftest import _config

#: files of the demo world imported first (as a directory run does: the register and its persons among them)
PREFIX = 12


def _files(world: Path) -> list[dict]:
    return list(pd.read_json(world / "manifest.json", typ="series")["files"])


def _import_prefix(world: Path) -> None:
    for entry in _files(world)[:PREFIX]:
        pipeline.ingest_file(world / entry["path"], entry["agency"], IngestOptions(notify=False, reuse_index=True))
    pipeline._kept.clear()


def _register_agencies() -> None:
    from regulator.demo import AGENCIES
    from regulator.services.agencies import upsert_agency

    for agency in AGENCIES:
        upsert_agency(agency["code"], agency["name"], agency["domain"])
    db.session.commit()


class _Reads:
    """Counts whole reads of the index while the real methods run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loads = self.wholes = 0
        load, whole = EntityIndex.load.__func__, EntityIndex.read_whole

        def counted_load(cls):  # noqa: ANN001, ANN202
            self.loads += 1
            return load(cls)

        def counted_whole(index):  # noqa: ANN001, ANN202
            self.wholes += not index.whole
            return whole(index)

        monkeypatch.setattr(EntityIndex, "load", classmethod(counted_load))
        monkeypatch.setattr(EntityIndex, "read_whole", counted_whole)


def test_rows_keyed_by_code_link_without_reading_the_whole_index(app, agencies, demo_world, tmp_path, monkeypatch):
    """Inspection rows naming known entities by a valid code: linked by code, without reading the index's
    identity rows and addresses (nor, with them, the writer's whole caches)."""
    _import_prefix(demo_world)
    entry = next(e for e in _files(demo_world) if e["path"].endswith("samr_inspections.csv"))
    codes = dict(db.session.execute(select(MarketEntity.uscc, MarketEntity.id)
                                    .where(MarketEntity.uscc.is_not(None))).all())
    with (demo_world / entry["path"]).open(encoding=entry["encoding"], newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["统一社会信用代码"] in codes][:40]
    assert len(rows) >= 20
    for row in rows:
        row["检查编号"] = "NEW-" + row["检查编号"]  # new inspections, not repeats of the imported ones
    path = tmp_path / "samr_inspections.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    entities, addresses = (db.session.scalar(select(func.count()).select_from(m)) for m in (MarketEntity, Address))
    norms = {normalise_address(r["检查地址"])[:500] for r in rows} - {""}
    known = set(db.session.scalars(select(Address.text_norm).where(Address.text_norm.in_(norms))))
    reads = _Reads(monkeypatch)

    batch = pipeline.ingest_file(path, "SAMR", IngestOptions(notify=False))

    assert (reads.loads, reads.wholes) == (0, 0)
    assert batch.rows_accepted == len(rows) and batch.entities_new == 0
    linked = db.session.execute(select(SourceRecord.row_number, SourceRecord.entity_id, SourceRecord.link_method)
                                .where(SourceRecord.batch_id == batch.id).order_by(SourceRecord.row_number)).all()
    assert [(entity_id, method) for _n, entity_id, method in linked] == [
        (codes[r["统一社会信用代码"]], LinkMethod.USCC) for r in rows]
    assert db.session.scalar(select(func.count()).select_from(MarketEntity)) == entities
    assert known  # the inspections' known addresses were looked up, and only the others created
    assert db.session.scalar(select(func.count()).select_from(Address)) == addresses + len(norms - known)
    assert db.session.scalar(select(func.count(Inspection.id)).where(
        Inspection.external_id.like("NEW-%"))) == len(rows)


def test_a_file_that_needs_matching_reads_the_whole_index(app, agencies, demo_world, monkeypatch):
    """Rows without a usable key go to Splink, which needs every identity row: read once, mid-import."""
    _import_prefix(demo_world)
    reads = _Reads(monkeypatch)
    entry = next(e for e in _files(demo_world)[PREFIX:] if e["agency"] == "MEE")
    batch = pipeline.ingest_file(demo_world / entry["path"], entry["agency"], IngestOptions(notify=False))
    assert batch.rows_accepted > 0
    probabilistic = db.session.scalar(select(func.count(SourceRecord.id)).where(
        SourceRecord.batch_id == batch.id, SourceRecord.link_method.in_((LinkMethod.PROBABILISTIC,
                                                                          LinkMethod.NEW, LinkMethod.REVIEW))))
    assert probabilistic > 0
    assert (reads.loads, reads.wholes) == (0, 1)


def _outcome(batch_ids: list[int]) -> dict:
    rows = db.session.execute(select(SourceRecord.batch_id, SourceRecord.row_number, SourceRecord.status,
                                     SourceRecord.entity_id, SourceRecord.link_method,
                                     SourceRecord.link_probability)
                              .where(SourceRecord.batch_id.in_(batch_ids))
                              .order_by(SourceRecord.batch_id, SourceRecord.row_number)).all()
    counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
              for m in (MarketEntity, EntityName, EntityAddress, EntityPhone, EntityRole, Address, Phone, Person)}
    pairs = {m.__name__: sorted(db.session.execute(select(m.entity_id, column)).all())
             for m, column in ((EntityName, EntityName.name_norm), (EntityAddress, EntityAddress.address_id),
                               (EntityPhone, EntityPhone.phone_id))}
    return {"rows": [(b, n, s, e, m, None if p is None else round(p, 9)) for b, n, s, e, m, p in rows],
            "counts": counts, "pairs": pairs}


def test_small_imports_link_and_write_as_whole_reads_do(tmp_path, sqlite_template, demo_world, monkeypatch):
    """The rest of the demo world, file by file as uploads in several chunks: the same links, entities, names,
    addresses, phones and persons whether each import reads the index whole (as before) or only as its rows
    need."""
    base = tmp_path / "prefix.db"
    shutil.copyfile(sqlite_template, base)
    with create_app(_config(f"sqlite:///{base}")).app_context():
        _register_agencies()
        _import_prefix(demo_world)
        db.session.remove()
        db.engine.dispose()
    outcomes = {}
    for mode, limit in (("small", pipeline.SMALL_IMPORT_ROWS), ("whole", 0)):
        monkeypatch.setattr(pipeline, "SMALL_IMPORT_ROWS", limit)
        path = tmp_path / f"{mode}.db"
        shutil.copyfile(base, path)
        with create_app(_config(f"sqlite:///{path}")).app_context():
            # chunks of 25 rows: later chunks read the whole index after earlier ones wrote theirs
            batches = [pipeline.ingest_file(demo_world / e["path"], e["agency"],
                                            IngestOptions(notify=False, chunk_size=25)).id
                       for e in _files(demo_world)[PREFIX:]]
            outcomes[mode] = _outcome(batches)
            db.session.remove()
            db.engine.dispose()
    methods = {row[4] for row in outcomes["small"]["rows"]}
    assert len(outcomes["small"]["rows"]) > 150, len(outcomes["small"]["rows"])
    assert {LinkMethod.USCC, LinkMethod.PROBABILISTIC, LinkMethod.REVIEW, LinkMethod.ADDRESS} <= methods, methods
    assert outcomes["small"] == outcomes["whole"]
