"""Persons behind the entities: legal representatives, shareholders, officers, and company investments."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .codes import mobiles, resident_ids
from .names import person_names
from .structure import Skeleton
from .vocab import BIRTH_REGION_WEIGHTS, BIRTH_REGIONS

log = logging.getLogger(__name__)
_BIRTH_P = np.array(BIRTH_REGION_WEIGHTS) / sum(BIRTH_REGION_WEIGHTS)


class _Pool:
    """Hands out person indices; every call creates new persons."""

    def __init__(self) -> None:
        self.size = 0

    def new(self, k: int) -> np.ndarray:
        """Indices of ``k`` new persons."""
        out = np.arange(self.size, self.size + k)
        self.size += k
        return out


def _pick(rng: np.random.Generator, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """One of ``count`` consecutive persons from ``first``, skewed to the first (the main controller)."""
    return first + np.minimum((count * rng.random(len(first)) ** 1.6).astype(np.int64), count - 1)


def _controllers(pool: _Pool, keys: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Allocate 1-3 controlling persons per family or shell cluster; return (first person, count)."""
    count = 1 + (sizes >= 4).astype(np.int64) + (sizes >= 10).astype(np.int64)
    first = pool.new(int(count.sum()))[np.cumsum(count) - count] if len(keys) else np.zeros(0, np.int64)
    return first, count


def build_roles(rng: np.random.Generator, sk: Skeleton) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Roles (entity index, person index, role) and each entity's representative; returns the person count."""
    n, pool = sk.n, _Pool()
    fam_rows = np.flatnonzero(sk.role_in_group == 2)
    fam_of = np.full(n, -1)
    fam_of[fam_rows] = np.arange(len(fam_rows))
    in_fam = np.isin(sk.role_in_group, (1, 2)) & (sk.etype != "branch")
    fam = np.where(in_fam, fam_of[sk.group], -1)
    fam_first, fam_count = _controllers(pool, fam_rows, np.bincount(fam[fam >= 0], minlength=len(fam_rows)))
    n_shell = sk.shell.max() + 1 if (sk.shell >= 0).any() else 0
    sh_first, sh_count = _controllers(pool, np.arange(n_shell), np.bincount(sk.shell[sk.shell >= 0],
                                                                           minlength=n_shell))
    fam_supervisor = pool.new(len(fam_rows))

    def inner(rows: np.ndarray, p_inner: float) -> np.ndarray:
        """Person for each row: a family controller / shell nominee with probability p_inner, else new."""
        out = pool.new(len(rows))
        f, s = fam[rows], sk.shell[rows]
        use_f = (f >= 0) & (rng.random(len(rows)) < p_inner)
        out[use_f] = _pick(rng, fam_first[f[use_f]], fam_count[f[use_f]])
        use_s = (s >= 0) & (rng.random(len(rows)) < max(p_inner, 0.9))
        out[use_s] = _pick(rng, sh_first[s[use_s]], sh_count[s[use_s]])
        return out

    rep = np.full(n, -1)
    firms = np.flatnonzero(np.isin(sk.etype, ("company", "partnership")))
    rep[firms] = inner(firms, 0.8)
    sole = np.flatnonzero(sk.etype == "sole_trader")
    rep[sole] = pool.new(len(sole))
    # a few operators run two shops; a few serial entrepreneurs front unrelated companies
    twin = sole[rng.random(len(sole)) < 0.04]
    if len(twin) and len(sole) > 1:
        other = rng.choice(sole, size=len(twin))
        keep = other != twin
        rep[twin[keep]] = rep[other[keep]]
        sk.group[twin[keep]] = sk.group[other[keep]]
    serial = firms[(fam[firms] < 0) & (sk.shell[firms] < 0) & (rng.random(len(firms)) < 0.02)]
    if len(serial):
        rep[serial] = rep[rng.choice(firms, size=len(serial))]
    br = np.flatnonzero(sk.etype == "branch")
    rep[br] = np.where(rng.random(len(br)) < 0.3, rep[sk.parent[br]], pool.new(len(br)))

    frames = [pd.DataFrame({"e": firms, "p": rep[firms], "role": "legal_representative"}),
              pd.DataFrame({"e": sole, "p": rep[sole], "role": "legal_representative"}),
              pd.DataFrame({"e": br, "p": rep[br], "role": "manager"})]
    # shareholders: usually the legal representative plus 0-3 others
    is_part = sk.etype[firms] == "partnership"
    rep_holds = is_part | (sk.shell[firms] >= 0) | (rng.random(len(firms)) < 0.85)
    frames.append(pd.DataFrame({"e": firms[rep_holds], "p": rep[firms[rep_holds]], "role": "shareholder"}))
    extra = rng.choice(4, size=len(firms), p=[0.35, 0.35, 0.2, 0.1]) + is_part
    rows = np.repeat(firms, extra)
    frames.append(pd.DataFrame({"e": rows, "p": inner(rows, 0.7), "role": "shareholder"}))
    comp = np.flatnonzero(sk.etype == "company")
    sup = inner(comp, 0.3)
    shared = (fam[comp] >= 0) & (rng.random(len(comp)) < 0.6)
    sup[shared] = fam_supervisor[fam[comp[shared]]]
    frames.append(pd.DataFrame({"e": comp, "p": sup, "role": "supervisor"}))
    d = comp[rng.random(len(comp)) < 0.15]
    frames.append(pd.DataFrame({"e": d, "p": inner(d, 0.5), "role": "director"}))
    m = comp[rng.random(len(comp)) < 0.3]
    frames.append(pd.DataFrame({"e": m, "p": rep[m], "role": "manager"}))
    roles = pd.concat(frames, ignore_index=True).drop_duplicates(["e", "p", "role"])
    # a legal representative who is also the supervisor is not allowed: keep the representative
    clash = roles.merge(roles.loc[roles.role == "legal_representative", ["e", "p"]], on=["e", "p"],
                        how="left", indicator=True)["_merge"].eq("both").to_numpy()
    roles = roles.loc[~(clash & roles.role.eq("supervisor").to_numpy())].reset_index(drop=True)
    log.debug("roles: %d rows, %d persons", len(roles), pool.size)
    return roles, rep, pool.size


def build_investments(rng: np.random.Generator, sk: Skeleton) -> pd.DataFrame:
    """Company-to-company holdings: family holding companies, shareholding platforms, shell chains."""
    comp = np.flatnonzero(sk.etype == "company")
    fam_member = comp[sk.role_in_group[comp] == 1]
    hold = fam_member[rng.random(len(fam_member)) < 0.6]
    kind = rng.choice(3, size=len(hold), p=[0.3, 0.4, 0.3])
    share = np.where(kind == 0, 1.0, np.where(kind == 1, rng.uniform(0.51, 0.9, len(hold)),
                                              rng.uniform(0.1, 0.5, len(hold))))
    frames = [pd.DataFrame({"investor": sk.group[hold], "investee": hold, "share": share})]
    part = np.flatnonzero((sk.etype == "partnership") & (sk.role_in_group == 1))
    if len(part) and len(fam_member):
        members = pd.Series(fam_member).groupby(sk.group[fam_member]).agg(list)
        targets = [rng.choice(members[g]) if g in members.index else g for g in sk.group[part]]
        frames.append(pd.DataFrame({"investor": part, "investee": np.array(targets, dtype=np.int64),
                                    "share": rng.uniform(0.05, 0.3, len(part))}))
    shells = np.flatnonzero(sk.shell >= 0)
    if len(shells):
        head = pd.Series(shells).groupby(sk.shell[shells]).transform("min").to_numpy()
        owned = (shells != head) & (rng.random(len(shells)) < 0.3)
        frames.append(pd.DataFrame({"investor": head[owned], "investee": shells[owned], "share": 1.0}))
    single = comp[(sk.role_in_group[comp] == 0) & (rng.random(len(comp)) < 0.005)]
    if len(single) and len(comp) > 1:
        target = rng.choice(comp, size=len(single))
        frames.append(pd.DataFrame({"investor": single, "investee": target,
                                    "share": rng.uniform(0.01, 0.2, len(single))}))
    inv = pd.concat(frames, ignore_index=True)
    inv = inv.loc[inv.investor != inv.investee].drop_duplicates(["investor", "investee"])
    total = inv.groupby("investee")["share"].transform("sum")
    inv["share"] = np.floor(inv["share"] / np.maximum(total, 1.0) * 100) / 100
    return inv.loc[inv.share > 0].reset_index(drop=True)


def assign_shares(rng: np.random.Generator, roles: pd.DataFrame, investments: pd.DataFrame) -> pd.Series:
    """Shareholding of each person shareholder: what companies do not hold, split at random."""
    corp = investments.groupby("investee")["share"].sum()
    is_sh = roles.role.eq("shareholder").to_numpy()
    weight = np.where(is_sh, rng.gamma(1.2, size=len(roles)), 0.0)
    total = pd.Series(weight).groupby(roles.e.to_numpy()).transform("sum").to_numpy()
    left = 1.0 - corp.reindex(roles.e.to_numpy()).fillna(0.0).to_numpy()
    share = np.floor(np.divide(weight, total, out=np.zeros_like(weight),
                               where=total > 0) * left * 10000) / 10000
    return pd.Series(np.where(is_sh, share, np.nan), index=roles.index)


def build_persons(rng: np.random.Generator, n_persons: int, end_day: int) -> pd.DataFrame:
    """Person attributes: name, sex, birth date, resident ID number, mobile phone."""
    male = rng.random(n_persons) < 0.64
    age_days = rng.integers(22 * 365, 68 * 365, size=n_persons)
    birth = np.datetime64(int(end_day), "D") - age_days
    regions = np.array(BIRTH_REGIONS)[rng.choice(len(BIRTH_REGIONS), size=n_persons, p=_BIRTH_P)]
    return pd.DataFrame({
        "name": person_names(rng, male),
        "sex": np.where(male, "M", "F"),
        "birth_date": birth.astype("datetime64[s]"),
        "id_number": resident_ids(rng, regions, birth, male),
        "phone": mobiles(rng, n_persons),
    })
