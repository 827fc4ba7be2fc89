"""The demo world as linkage frames with its hidden truth: to train the company model and to score it.

Mirrors what the platform holds after ingest links every row with a valid USCC deterministically: the
register plus those rows (their name and address variants) are the entity rows; the rows without a
valid code are the records that probabilistic matching must place. ``true_entity`` is the world's
answer for each record (NA for address-only complaints, whose rows name no entity).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..demo import FILE_SPECS, NoiseConfig, World
from ..demo.context import Context
from ..demo.views import VIEWS
from ..identifiers import check_uscc


@dataclass
class DemoFrames:
    """Entity rows, records to match, the truth per record, and the labelled rows used for training."""

    entities: pd.DataFrame
    records: pd.DataFrame
    truth: pd.Series  # rid -> true entity key (Int64)
    #: the register alone (one row per entity) and the rows linked by a valid USCC (``entity_id`` = label)
    register: pd.DataFrame
    labelled: pd.DataFrame


def _identity_rows(world: World, noise: NoiseConfig | None) -> pd.DataFrame:
    """One row per agency-file row that names an entity: its identity fields as written, and the truth."""
    ctx = Context(world, noise or NoiseConfig())
    district = world.entities.set_index("entity_key")["district"]
    parts = []
    for spec in FILE_SPECS:
        data, truth = VIEWS[spec.view](ctx, spec.agency, spec.key)
        if "name" not in data.columns or data.empty:
            continue
        headers = {col.field for col in spec.columns}
        address = "address" if "address" in headers else "site_address" if "site_address" in headers else None
        frame = pd.DataFrame({
            "file": spec.name,
            "name": data["name"].to_numpy(),
            "address": data[address].to_numpy() if address else None,
            "legal_rep": data["rep_name"].to_numpy() if "rep_name" in headers else None,
            "phone": data["phone"].to_numpy() if "phone" in headers else None,
            "uscc_raw": data["uscc"].to_numpy() if "uscc" in headers else None,
            "true_entity": truth["entity_key"].to_numpy(),
        })
        if "district" in headers:
            frame["district"] = data["district"].to_numpy()
        else:
            frame["district"] = None
        parts.append(frame)
    rows = pd.concat(parts, ignore_index=True)
    rows["true_entity"] = rows["true_entity"].astype("Int64")
    rows.loc[rows["district"].isna(), "district"] = None
    rows["_district"] = district.reindex(rows["true_entity"].astype("float")).to_numpy()
    return rows


def demo_frames(world: World, noise: NoiseConfig | None = None) -> DemoFrames:
    """Split the world's file rows into entity rows (register + valid USCC) and records to match."""
    rows = _identity_rows(world, noise)
    named = rows["name"].fillna("").astype(str).str.strip().ne("")
    rows = rows[named].reset_index(drop=True)
    checks = [check_uscc(v) if isinstance(v, str) and v else None for v in rows["uscc_raw"]]
    valid = np.array([c is not None and c.valid for c in checks])
    register = rows["file"].eq("samr_registration").to_numpy()
    known = (register | valid) & rows["true_entity"].notna().to_numpy()
    fields = ["entity_id", "name", "address", "district", "legal_rep", "phone"]
    entities = rows[known].rename(columns={"true_entity": "entity_id"})
    entities = entities.drop_duplicates(["entity_id", "name", "address", "legal_rep", "phone"])
    entities = entities[fields].reset_index(drop=True)
    records = rows[~known].reset_index(drop=True)
    records.insert(0, "rid", np.arange(1, len(records) + 1))
    truth = pd.Series(records["true_entity"].to_numpy(), index=records["rid"], dtype="Int64")
    columns = ["rid", "file", "name", "address", "district", "legal_rep", "phone", "uscc_raw"]
    named = rows.rename(columns={"true_entity": "entity_id"})
    labelled = named[valid & ~register & rows["true_entity"].notna().to_numpy()][fields].reset_index(drop=True)
    return DemoFrames(entities, records[columns], truth, named[register][fields].reset_index(drop=True), labelled)


def score_decisions(decisions: pd.DataFrame, truth: pd.Series) -> dict[str, float]:
    """Precision, recall and F1 of the "link" decisions against the truth (records with a true entity)."""
    linked = decisions[decisions["decision"] == "link"].set_index("rid")["entity_id"]
    expected = truth.reindex(linked.index)
    correct = int((linked.astype("Int64") == expected).fillna(False).sum())
    findable = int(truth.notna().sum())
    precision = correct / len(linked) if len(linked) else 1.0
    recall = correct / findable if findable else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "linked": len(linked), "correct": correct,
            "findable": findable}
