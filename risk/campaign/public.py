"""The public side of a draw: the document anyone can download after it, and its verification.

The document holds the commitment, the revealed seed, the settings and capacities, the pool of
(entity, agency, class) pairs and the randomly drawn pairs. The model's probabilities stay internal:
they only order the risk-ranking part, never the random part, so the random pairs re-run exactly from
the pool, the classes and the seed. Run ``python -m risk.campaign inputs.json`` to check a document.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .draw import RANDOM_DRAW, DrawSettings, Verification, commitment, draw, fingerprint

REQUIRED = ("commitment", "seed", "capacities", "class_ratios", "random_share", "pool", "random_selection")


def public_pool(candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidates as published: the probabilities blanked."""
    return candidates[["entity_id", "agency", "credit_class"]].assign(probability=float("nan"))


def build_document(candidates: pd.DataFrame, capacities: dict[str, int], settings: DrawSettings, seed: str | None,
                   seed_commitment: str, random_pairs: pd.DataFrame, **extra: Any) -> dict[str, Any]:
    """The JSON-able public inputs of a draw."""
    pool = public_pool(candidates)
    return {
        **extra, "commitment": seed_commitment, "seed": seed, "capacities": dict(capacities),
        "class_ratios": dict(settings.class_ratios), "random_share": settings.random_share,
        "public_fingerprint": fingerprint(pool, capacities, settings),
        "pool": [[int(e), str(a), None if pd.isna(c) else str(c)]
                 for e, a, c in zip(pool["entity_id"], pool["agency"], pool["credit_class"], strict=True)],
        "random_selection": sorted([int(e), str(a)] for e, a in zip(random_pairs["entity_id"],
                                                                    random_pairs["agency"], strict=True)),
    }


def verify_document(document: dict[str, Any]) -> Verification:
    """Check the seed against the commitment and re-run the random part of the draw."""
    missing = [key for key in REQUIRED if key not in document]
    if missing:
        raise ValueError(f"the inputs lack {missing}")
    if not document["seed"]:
        raise ValueError("the seed has not been revealed yet")
    pool = pd.DataFrame(document["pool"], columns=["entity_id", "agency", "credit_class"]).assign(
        probability=float("nan"))
    settings = DrawSettings(class_ratios=document["class_ratios"], random_share=float(document["random_share"]))
    caps = {str(k): int(v) for k, v in document["capacities"].items()}
    again = draw(pool, caps, str(document["seed"]), settings)
    again = again.loc[again["reason"] == RANDOM_DRAW]
    mine = {(int(e), str(a)) for e, a in zip(again["entity_id"], again["agency"], strict=True)}
    theirs = {(int(e), str(a)) for e, a in document["random_selection"]}
    fp = document.get("public_fingerprint")
    return Verification(commitment_ok=commitment(str(document["seed"])) == document["commitment"],
                        fingerprint_ok=None if fp is None else fingerprint(pool, caps, settings) == fp,
                        same_selection=mine == theirs, missing=sorted(mine - theirs), extra=sorted(theirs - mine))


def version_note(document: dict[str, Any]) -> list[str]:
    """A line saying so where the draw ran on another NumPy than this check: NumPy's random generators give the
    same numbers for the same seed only within one version, so another one may not draw the same pairs."""
    drawn_with = document.get("numpy")
    if not drawn_with or drawn_with == np.__version__:
        return []
    return [f"the draw ran on NumPy {drawn_with}, this check on NumPy {np.__version__}: if the random selection "
            f"does not come out again, install NumPy {drawn_with} (pip install numpy=={drawn_with}) and run it again"]


def describe(result: Verification) -> list[str]:
    """Human-readable lines about a verification."""
    lines = [f"commitment matches the seed: {'yes' if result.commitment_ok else 'NO'}"]
    if result.fingerprint_ok is not None:
        lines.append(f"inputs match their fingerprint: {'yes' if result.fingerprint_ok else 'NO'}")
    lines.append(f"random selection reproduced: {'yes' if result.same_selection else 'NO'}")
    if result.missing:
        lines.append(f"drawn again but not published: {result.missing[:10]}")
    if result.extra:
        lines.append(f"published but not drawn again: {result.extra[:10]}")
    lines.append("VERIFIED" if result.ok else "NOT VERIFIED")
    return lines
