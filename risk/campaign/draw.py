"""The verifiable "double random" draw: pure random share, stratified by credit class, then highest risk.

Input is one row per eligible (entity, agency) pair::

    entity_id (int), agency (str: the agency code), credit_class (A-D or missing: treated as B),
    probability (the agency-specific or entity-wide risk probability; missing: the class prior)

For each agency with capacity K the draw takes, in order and without replacement:

1. ``round(K * random_share)`` pairs by simple random sampling over the agency's pool (every class whose
   ratio is above zero; class A has ratio 0 by default: A entities are not selected without a cause),
   reason ``random_draw``, probability ``n / N``;
2. per class c, ``ratio_c * N_c`` pairs at random from what is left of the class (scaled down when the
   strata together would exceed the rest of the capacity; fractional counts are rounded at random so the
   expected count is exact), reason ``random_draw``, probability ``n_c / N_c``;
3. the highest-risk remaining pairs up to the capacity, reason ``risk_ranking``, probability 1.

Randomness comes only from the seed: each agency's generator is seeded with SHA-256(seed, agency), and
the pool is sorted by entity id first, so the same inputs and seed always give the same list, whatever
the order of the rows. The commitment published before the draw is SHA-256 of the seed.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

CLASSES = ("A", "B", "C", "D")
#: sampling ratio per class (share of the class drawn at random): A never proactively, D most
DEFAULT_RATIOS: dict[str, float] = {"A": 0.0, "B": 0.03, "C": 0.10, "D": 0.30}
DEFAULT_RANDOM_SHARE = 0.2
#: the probability assumed where no model score exists: the middle of each class's band in risk.credit
CLASS_PRIOR: dict[str, float] = {"A": 0.05, "B": 0.175, "C": 0.375, "D": 0.65}
CANDIDATE_COLUMNS = ("entity_id", "agency", "credit_class", "probability")
SELECTION_COLUMNS = ("entity_id", "agency", "credit_class", "reason", "stratum", "selection_probability",
                     "risk_probability", "rank")
RANDOM_DRAW, RISK_RANKING = "random_draw", "risk_ranking"


@dataclass(frozen=True)
class DrawSettings:
    """The published parameters of a draw."""

    class_ratios: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATIOS))
    random_share: float = DEFAULT_RANDOM_SHARE

    def __post_init__(self) -> None:
        unknown = set(self.class_ratios) - set(CLASSES)
        if unknown:
            raise ValueError(f"class_ratios: unknown classes {sorted(unknown)}")
        for cls, ratio in self.class_ratios.items():
            if not 0.0 <= float(ratio) <= 1.0:
                raise ValueError(f"class_ratios[{cls}] = {ratio}: must lie between 0 and 1")
        if not 0.0 <= self.random_share <= 1.0:
            raise ValueError(f"random_share = {self.random_share}: must lie between 0 and 1")

    def ratio(self, cls: str) -> float:
        return float(self.class_ratios.get(cls, 0.0))


def new_seed() -> str:
    """A fresh random seed (hex) to commit to before the draw."""
    return secrets.token_hex(16)


def commitment(seed: str) -> str:
    """The SHA-256 of the seed, published before the draw."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def _generator(seed: str, agency: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}|{agency}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def validate_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
    """Check columns and values; normalise types; sort by (agency, entity) so row order never matters."""
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueError(f"candidates frame lacks columns {missing}")
    frame = pd.DataFrame({
        "entity_id": candidates["entity_id"].astype("int64"),
        "agency": candidates["agency"].astype(str),
        "credit_class": candidates["credit_class"].where(candidates["credit_class"].notna(), "B").astype(str),
        "probability": pd.to_numeric(candidates["probability"], errors="coerce").astype(float),
    })
    bad = ~frame["credit_class"].isin(CLASSES)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"candidates row {row}: credit_class {frame['credit_class'].iloc[row]!r} is not A-D")
    out_of_range = frame["probability"].notna() & ~frame["probability"].between(0.0, 1.0)
    if out_of_range.any():
        row = int(np.flatnonzero(out_of_range.to_numpy())[0])
        raise ValueError(f"candidates row {row}: probability {frame['probability'].iloc[row]} is not in [0, 1]")
    dupes = frame.duplicated(["entity_id", "agency"])
    if dupes.any():
        row = int(np.flatnonzero(dupes.to_numpy())[0])
        raise ValueError(f"candidates row {row}: pair (entity {frame['entity_id'].iloc[row]}, "
                         f"{frame['agency'].iloc[row]}) appears twice")
    frame["probability"] = frame["probability"].fillna(frame["credit_class"].map(CLASS_PRIOR))
    return frame.sort_values(["agency", "entity_id"], ignore_index=True)


def fingerprint(candidates: pd.DataFrame, capacities: Mapping[str, int], settings: DrawSettings) -> str:
    """SHA-256 over the canonical CSV of the inputs, so a verifier knows they hold the same inputs."""
    frame = validate_candidates(candidates)
    buf = io.StringIO()
    frame.to_csv(buf, index=False, float_format="%.6f", lineterminator="\n")
    buf.write(repr(sorted((str(k), int(v)) for k, v in capacities.items())))
    buf.write(repr(sorted((k, round(float(v), 6)) for k, v in settings.class_ratios.items())))
    buf.write(repr(round(float(settings.random_share), 6)))
    return hashlib.sha256(buf.getvalue().encode("utf-8")).hexdigest()


def _random_round(rng: np.random.Generator, targets: np.ndarray) -> np.ndarray:
    """Integers whose expectation equals the (non-negative) targets."""
    base = np.floor(targets)
    return (base + (rng.random(len(targets)) < targets - base)).astype(int)


def _draw_agency(pool: pd.DataFrame, capacity: int, settings: DrawSettings,
                 rng: np.random.Generator) -> pd.DataFrame:
    eligible = pool.loc[pool["credit_class"].map(settings.ratio).gt(0)].reset_index(drop=True)
    n = len(eligible)
    capacity = min(int(capacity), n)
    taken = np.zeros(n, dtype=bool)
    reason = np.empty(n, dtype=object)
    stratum = np.empty(n, dtype=object)
    prob = np.full(n, np.nan)
    n_random = min(int(round(capacity * settings.random_share)), capacity)
    if n_random:
        pick = rng.choice(n, size=n_random, replace=False)
        taken[pick], reason[pick], stratum[pick], prob[pick] = True, RANDOM_DRAW, "random", n_random / n
    left = capacity - n_random
    classes = [c for c in CLASSES if settings.ratio(c) > 0]
    sizes = np.array([int(((eligible["credit_class"] == c) & ~taken).sum()) for c in classes])
    wanted = np.array([settings.ratio(c) for c in classes]) * sizes
    if wanted.sum() > left and wanted.sum() > 0:
        wanted = wanted * (left / wanted.sum())
    counts = np.minimum(_random_round(rng, wanted), sizes)
    while counts.sum() > left:  # random rounding can overshoot by one or two
        counts[int(np.argmax(counts - wanted))] -= 1
    for cls, size, count in zip(classes, sizes, counts, strict=True):
        if not count:
            continue
        members = np.flatnonzero((eligible["credit_class"] == cls).to_numpy() & ~taken)
        pick = members[rng.choice(size, size=count, replace=False)]
        taken[pick], reason[pick], stratum[pick], prob[pick] = True, RANDOM_DRAW, cls, count / size
    left -= int(counts.sum())
    if left > 0:
        rest = np.flatnonzero(~taken)
        tiebreak = rng.random(len(rest))
        order = np.lexsort((tiebreak, -eligible["probability"].to_numpy()[rest]))
        pick = rest[order[:left]]
        taken[pick], reason[pick], stratum[pick], prob[pick] = True, RISK_RANKING, "risk", 1.0
    chosen = eligible.loc[taken].assign(reason=reason[taken], stratum=stratum[taken], selection_probability=prob[taken])
    return chosen


def draw(candidates: pd.DataFrame, capacities: Mapping[str, int], seed: str,
         settings: DrawSettings | None = None) -> pd.DataFrame:
    """The selected (entity, agency) pairs with reason, stratum, selection and risk probability and rank.

    ``rank`` orders each agency's selection by risk probability (1 = riskiest).
    """
    settings = settings or DrawSettings()
    frame = validate_candidates(candidates)
    for agency, capacity in capacities.items():
        if int(capacity) < 0:
            raise ValueError(f"capacity of {agency} is negative: {capacity}")
    parts = []
    for agency in sorted(capacities):
        pool = frame.loc[frame["agency"] == agency]
        if pool.empty or not capacities[agency]:
            continue
        parts.append(_draw_agency(pool, capacities[agency], settings, _generator(seed, agency)))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SELECTION_COLUMNS})
    out = pd.concat(parts, ignore_index=True).rename(columns={"probability": "risk_probability"})
    out = out.sort_values(["agency", "risk_probability", "entity_id"], ascending=[True, False, True],
                          ignore_index=True)
    out["rank"] = out.groupby("agency").cumcount() + 1
    return out[list(SELECTION_COLUMNS)]


@dataclass
class Verification:
    """The outcome of re-running a published draw."""

    commitment_ok: bool
    fingerprint_ok: bool | None
    same_selection: bool
    missing: list[tuple[int, str]]
    extra: list[tuple[int, str]]

    @property
    def ok(self) -> bool:
        return self.commitment_ok and self.same_selection and self.fingerprint_ok is not False


def verify(candidates: pd.DataFrame, capacities: Mapping[str, int], settings: DrawSettings, seed: str,
           published_commitment: str, published: pd.DataFrame,
           published_fingerprint: str | None = None) -> Verification:
    """Check the seed against its commitment and re-run the draw; compare with the published pairs."""
    again = draw(candidates, capacities, seed, settings)
    mine = {(int(e), str(a)) for e, a in zip(again["entity_id"], again["agency"], strict=True)}
    theirs = {(int(e), str(a)) for e, a in zip(published["entity_id"], published["agency"], strict=True)}
    fp_ok = None if published_fingerprint is None else (
        fingerprint(candidates, capacities, settings) == published_fingerprint)
    return Verification(commitment_ok=commitment(seed) == published_commitment, fingerprint_ok=fp_ok,
                        same_selection=mine == theirs, missing=sorted(mine - theirs), extra=sorted(theirs - mine))
