"""The skeleton of the world: entity types, families of related companies, shell clusters, branches."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from .vocab import INDUSTRIES

log = logging.getLogger(__name__)

IND = {k: i for i, k in enumerate(INDUSTRIES["industry_key"])}
_COMPANY_P = INDUSTRIES["company_share"].to_numpy() / INDUSTRIES["company_share"].sum()
_SOLE_P = INDUSTRIES["sole_share"].to_numpy() / INDUSTRIES["sole_share"].sum()
_CHAIN = INDUSTRIES["chain"].to_numpy()


@dataclass
class Skeleton:
    """Per-entity arrays (position = entity index) shared by the later generation steps."""

    etype: np.ndarray  # company / branch / sole_trader / partnership
    group: np.ndarray  # family of related entities (hidden truth)
    role_in_group: np.ndarray  # 0 singleton, 1 family member, 2 family holding company, 3 shell
    shell: np.ndarray  # shell cluster id or -1
    parent: np.ndarray  # parent entity index for branches, -1 otherwise
    industry: np.ndarray  # index into INDUSTRIES
    special: np.ndarray  # "", "coop" (93…), "collective" (N2…)
    reg_day: np.ndarray  # registration date as days since 1970-01-01

    @property
    def n(self) -> int:
        """Number of entities."""
        return len(self.etype)


def _sizes(rng: np.random.Generator, total: int, low: int, high: int, decay: float) -> list[int]:
    """Cluster sizes in [low, high], smaller ones more frequent, adding up to about ``total``."""
    k = np.arange(low, high + 1)
    p = k ** -decay
    p = p / p.sum()
    sizes: list[int] = []
    remaining = total
    while remaining >= low:
        s = int(min(rng.choice(k, p=p), remaining))
        sizes.append(s)
        remaining -= s
    return sizes


def build_skeleton(rng: np.random.Generator, n: int, start_day: int, end_day: int) -> Skeleton:
    """Decide every entity's type, family, shell cluster, parent, industry and registration date."""
    n_branch = int(round(0.07 * n))
    n_sole = int(round(0.27 * n))
    n_part = int(round(0.03 * n))
    n_comp = n - n_branch - n_sole - n_part
    etype = np.array(["company"] * n_comp + ["partnership"] * n_part + ["sole_trader"] * n_sole
                     + ["branch"] * n_branch)
    group = np.arange(n)
    role = np.zeros(n, dtype=np.int8)
    shell = np.full(n, -1)
    parent = np.full(n, -1)

    # shell clusters first, then families, among the companies
    shell_sizes = _sizes(rng, max(5, int(0.04 * n_comp)), 5, 30, 1.0) if n_comp >= 20 else []
    pos = 0
    for cid, size in enumerate(shell_sizes):
        shell[pos:pos + size] = cid
        group[pos:pos + size] = pos
        role[pos:pos + size] = 3
        pos += size
    for size in _sizes(rng, int(0.30 * n_comp), 2, 12, 1.6):
        if pos + size > n_comp:
            break
        group[pos:pos + size] = pos
        role[pos:pos + size] = 1
        role[pos] = 2
        pos += size
    families = np.flatnonzero(role == 2)

    # partnerships: most are shareholding platforms of a family
    part = np.flatnonzero(etype == "partnership")
    in_family = rng.random(len(part)) < 0.6
    if len(families):
        chosen = part[in_family]
        group[chosen] = rng.choice(families, size=len(chosen))
        role[chosen] = 1

    industry = np.zeros(n, dtype=np.int64)
    comp = np.flatnonzero(etype == "company")
    industry[comp] = rng.choice(len(_COMPANY_P), size=len(comp), p=_COMPANY_P)
    same = (role[comp] == 1) & (rng.random(len(comp)) < 0.6)
    industry[comp[same]] = industry[group[comp[same]]]
    shells = np.flatnonzero(shell >= 0)
    industry[shells] = rng.choice([IND["trade"], IND["tech"], IND["logistics"]], size=len(shells),
                                  p=[0.5, 0.4, 0.1])
    industry[part] = IND["trade"]
    sole = np.flatnonzero(etype == "sole_trader")
    industry[sole] = rng.choice(len(_SOLE_P), size=len(sole), p=_SOLE_P)

    special = np.full(n, "", dtype="<U10")
    singles = comp[role[comp] == 0]
    draw = rng.random(len(singles))
    special[singles[draw < 0.005]] = "coop"
    special[singles[(draw >= 0.005) & (draw < 0.008)]] = "collective"
    industry[special == "coop"] = IND["food_retail"]
    industry[special == "collective"] = IND["property"]

    # branches hang off non-shell companies; chains and a few large parents take many
    branches = np.flatnonzero(etype == "branch")
    candidates = comp[(shell[comp] < 0) & (special[comp] == "")]
    if len(candidates) == 0:
        candidates = comp
    weight = np.where(_CHAIN[industry[candidates]], 4.0, 1.0) * (rng.pareto(1.5, len(candidates)) + 0.2)
    parent[branches] = rng.choice(candidates, size=len(branches), p=weight / weight.sum())
    industry[branches] = industry[parent[branches]]
    group[branches] = group[parent[branches]]
    role[branches] = 0  # related to the parent through ``group`` and ``parent``, not as a family member

    reg_day = _registration_days(rng, etype, shell, parent, role, group, start_day, end_day)
    log.debug("skeleton: %d entities, %d shell clusters, %d families", n, len(shell_sizes), len(families))
    return Skeleton(etype, group, role, shell, parent, industry, special, reg_day)


def _registration_days(rng: np.random.Generator, etype: np.ndarray, shell: np.ndarray, parent: np.ndarray,
                       role: np.ndarray, group: np.ndarray, start_day: int, end_day: int) -> np.ndarray:
    """Registration dates: exponential ages (recent growth), shells in batches, branches after parents."""
    n = len(etype)
    earliest = int(np.datetime64("1992-01-01", "D").astype(np.int64))
    age = rng.exponential(11.0 * 365, size=n).astype(np.int64)
    old = end_day - 30 - age < earliest + 365
    age[old] = rng.integers(end_day - earliest - 10 * 365, end_day - earliest - 30, size=int(old.sum()))
    day = np.clip(end_day - 30 - age, earliest, end_day - 30)
    holding = role == 2
    # a family's holding company is its oldest member
    day[holding] = np.minimum(day[holding], day[holding] - rng.integers(0, 3 * 365, holding.sum()))
    members = role == 1
    day[members] = np.maximum(day[members], day[group[members]] + rng.integers(30, 900, members.sum()))
    if (shell >= 0).any():
        ids = shell[shell >= 0]
        batch = rng.integers(max(start_day - 3 * 365, earliest), end_day - 120, size=ids.max() + 1)
        day[shell >= 0] = batch[ids] + rng.integers(0, 60, size=len(ids))
    br = np.flatnonzero(parent >= 0)
    span = np.maximum(end_day - 30 - day[parent[br]], 1)
    day[br] = day[parent[br]] + (rng.random(len(br)) * span).astype(np.int64)
    return np.clip(day, earliest, end_day - 30)
