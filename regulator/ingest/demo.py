"""Ingesting the demo world's agency files (manifest order) and scoring the linkage against its hidden truth."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from models import ImportBatch, SourceRecord, SourceStatus

from ..extensions import db
from . import checkpoint, premap
from .pipeline import IngestOptions, ingest_file, prefetch_file

log = logging.getLogger(__name__)


def ingest_directory(out_dir: str | Path, options: IngestOptions | None = None,
                     echo: Callable[[str], Any] | None = None) -> list[ImportBatch]:
    """Import every file listed in ``manifest.json`` of a generated world, in the manifest's order.

    The run is one import for SQLite's checkpoint thread and the bulk connection's page cache
    (``checkpoint.beside``): both stay from the first file to the last instead of starting again per file.
    """
    out = Path(out_dir)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    options = options or IngestOptions(notify=False, reuse_index=True, map_ahead=True)
    files = manifest["files"]
    batches = []
    with checkpoint.beside(db.engine):
        for at, entry in enumerate(files):
            following = files[at + 1] if at + 1 < len(files) else None
            if following:
                prefetch_file(out / following["path"], following["agency"], options)
            try:
                batch = ingest_file(out / entry["path"], entry["agency"], options)
            except BaseException:
                if following:
                    premap.forget(out / following["path"])  # its worker holds the file's rows
                raise
            batches.append(batch)
            if echo:
                echo(f"  {entry['path']}: {batch.rows_accepted}/{batch.rows_read} accepted, "
                     f"{batch.rows_rejected} rejected, {batch.entities_new} new entities, "
                     f"{batch.report.get('seconds', 0):.1f} s")
    return batches


def linkage_truth(out_dir: str | Path) -> pd.DataFrame:
    """(agency, file, row_number) of every row that names an entity, with its true entity key."""
    records = pd.read_csv(Path(out_dir) / "truth" / "records.csv", dtype={"file": str},
                          usecols=lambda c: c in {"agency", "file", "row_number", "record_type", "entity_key",
                                                  "true_entity_key"})
    records["true"] = records["entity_key"].fillna(records["true_entity_key"])
    records = records[records["record_type"] != "violation"] if "record_type" in records else records
    return records[["agency", "file", "row_number", "entity_key", "true"]]


def score_linkage(out_dir: str | Path, batches: list[ImportBatch]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of rows that share an entity vs rows that share a true entity.

    Only rows naming an entity count (address-only complaints are scored by ``address_linked``).
    """
    truth = linkage_truth(out_dir)
    files = {b.id: b.filename for b in batches}
    rows = db.session.execute(select(SourceRecord.batch_id, SourceRecord.row_number, SourceRecord.entity_id)
                              .where(SourceRecord.batch_id.in_(list(files)),
                                     SourceRecord.status == SourceStatus.ACCEPTED)).all()
    got = pd.DataFrame(rows, columns=["batch_id", "row_number", "entity_id"])
    got["name"] = got["batch_id"].map(files)
    truth["name"] = truth["file"].str.split("/").str[-1]
    merged = got.merge(truth.drop_duplicates(["name", "row_number"]), on=["name", "row_number"], how="inner")
    named = merged[merged["entity_key"].notna() & merged["entity_id"].notna()]

    def pairs(counts: pd.Series) -> int:
        return int((counts * (counts - 1) // 2).sum())

    tp = pairs(named.groupby(["entity_id", "entity_key"]).size())
    predicted = pairs(named.groupby("entity_id").size())
    actual = pairs(named.groupby("entity_key").size())
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    address_only = merged[merged["entity_key"].isna() & merged["true"].notna()]
    majority = named.groupby("entity_id")["entity_key"].agg(lambda s: s.mode().iloc[0])
    addr_ok = int((address_only["entity_id"].map(majority) == address_only["true"]).sum())
    return {"precision": precision, "recall": recall, "f1": f1, "rows": len(named),
            "entities": int(named["entity_id"].nunique()), "true_entities": int(named["entity_key"].nunique()),
            "address_only": len(address_only), "address_linked": addr_ok}
