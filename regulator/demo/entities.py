"""Entity attributes: names, unified social credit codes, hidden compliance, status and capital."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .codes import unique_usccs
from .names import (
    DISTRICT_NAMES,
    branch_names,
    collective_names,
    company_names,
    cooperative_names,
    partnership_names,
    sole_trader_names,
    trade_names,
)
from .structure import Skeleton
from .vocab import CITY_CODE, DISTRICTS, INDUSTRIES

log = logging.getLogger(__name__)
NEW_CODES_FROM = int(np.datetime64("2015-10-01", "D").astype(np.int64))
_REGION = DISTRICTS["region_code"].to_numpy().astype(str)


def entity_names(rng: np.random.Generator, sk: Skeleton, district: np.ndarray,
                 street: np.ndarray) -> np.ndarray:
    """Registered names, unique among firms; family members often share their holding's trade name."""
    n = sk.n
    names = np.full(n, "", dtype=object)
    trade = trade_names(rng, n)
    fam = (sk.role_in_group == 1) & (rng.random(n) < 0.5)
    trade[fam] = trade[sk.group[fam]]
    kinds = [((sk.etype == "company") & (sk.special == ""), company_names, sk.industry),
             (sk.etype == "partnership", partnership_names, None),
             (sk.special == "coop", cooperative_names, district),
             (sk.special == "collective", collective_names, district)]
    firm = np.logical_or.reduce([k[0] for k in kinds])
    todo = firm.copy()
    for _ in range(30):
        for mask, make, extra in kinds:
            m = mask & todo
            if m.any():
                names[m] = make(rng, trade[m], None if extra is None else extra[m])
        todo = np.zeros(n, dtype=bool)
        todo[firm] = pd.Series(names[firm]).duplicated().to_numpy()
        if not todo.any():
            break
        trade[todo] = trade_names(rng, int(todo.sum()), three=0.9)
    sole = sk.etype == "sole_trader"
    names[sole] = sole_trader_names(rng, sk.industry[sole], district[sole])
    br = np.flatnonzero(sk.etype == "branch")
    if len(br):
        order = pd.DataFrame({"p": sk.parent[br], "s": street[br]}).groupby(["p", "s"]).cumcount().to_numpy()
        chain = INDUSTRIES["chain"].to_numpy()[sk.industry[br]]
        names[br] = branch_names(names[sk.parent[br]].astype(str), street[br], chain, order)
    return names.astype(str)


def entity_usccs(rng: np.random.Generator, sk: Skeleton, district: np.ndarray) -> np.ndarray:
    """True codes: 91 enterprises, 92 sole traders, 93 cooperatives, N2 village collectives."""
    n = sk.n
    dept = np.where(sk.special == "collective", "N", "9")
    etype = np.where(sk.etype == "sole_trader", "2", np.where(sk.special == "coop", "3", "1"))
    local = np.isin(sk.etype, ("sole_trader", "branch")) | (rng.random(n) < 0.2)
    region = np.where(local, _REGION[district], CITY_CODE)
    new_style = sk.reg_day >= NEW_CODES_FROM
    return unique_usccs(rng, dept, etype, region, new_style, sk.etype == "sole_trader")


def compliance_levels(rng: np.random.Generator, sk: Skeleton, mid_day: int) -> np.ndarray:
    """Hidden compliance logit: group effect shared by related entities + industry, age, shell, noise."""
    n = sk.n
    group_effect = rng.normal(0.0, 0.8, n)[sk.group]
    industry = INDUSTRIES["effect"].to_numpy()[sk.industry]
    age = (mid_day - sk.reg_day) / 365.25
    age_effect = np.select([age < 1, age < 3, age > 10], [-0.5, -0.25, 0.25], 0.0)
    shell = np.where(sk.shell >= 0, -2.2, 0.0)
    sole = np.where(sk.etype == "sole_trader", -0.1, 0.0)
    return 1.9 + group_effect + industry + age_effect + shell + sole + rng.normal(0.0, 0.5, n)


def status_and_dates(rng: np.random.Generator, sk: Skeleton, compliance: np.ndarray, start_day: int,
                     end_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Registration status (active / revoked / cancelled) and the day it changed; branches follow parents."""
    n = sk.n
    p_revoke = 0.015 + 0.3 * (1 - compliance) ** 2 + np.where(sk.shell >= 0, 0.2, 0.0)
    u = rng.random(n)
    status = np.where(u < p_revoke, "revoked", np.where(u < p_revoke + 0.05, "cancelled", "active"))
    low = np.maximum(sk.reg_day + 180, start_day)
    day = low + (rng.random(n) * np.maximum(end_day - low, 0)).astype(np.int64)
    status = np.where(low >= end_day, "active", status).astype("<U10")
    br = np.flatnonzero((sk.parent >= 0))
    gone = br[(status[sk.parent[br]] != "active")]
    later = gone[(status[gone] == "active") | (day[gone] > day[sk.parent[gone]])]
    status[later] = "cancelled"
    day[later] = np.maximum(day[sk.parent[later]], sk.reg_day[later] + 1)
    return status, np.where(status == "active", -1, day)


def registered_capital(rng: np.random.Generator, sk: Skeleton) -> np.ndarray:
    """Registered (subscribed) capital in yuan; shells subscribe large round sums, branches have none."""
    n = sk.n
    wan = rng.choice([10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000], size=n,
                     p=[0.08, 0.08, 0.12, 0.25, 0.12, 0.08, 0.12, 0.08, 0.04, 0.03]).astype(float)
    wan = np.where(sk.role_in_group == 2, np.minimum(wan * 5, 20000), wan)
    wan = np.where(sk.shell >= 0, rng.choice([500, 1000, 5000, 10000], size=n, p=[0.2, 0.4, 0.3, 0.1]), wan)
    wan = np.where(sk.etype == "partnership", rng.choice([100, 500, 1000, 3000, 10000], size=n), wan)
    wan = np.where(sk.etype == "sole_trader", rng.choice([1, 2, 3, 5, 10, 20, 50], size=n), wan)
    wan = np.where(sk.etype == "branch", np.nan, wan)
    return wan * 10000


def district_index(names: pd.Series) -> np.ndarray:
    """Index into DISTRICTS of each district name."""
    return pd.Index(DISTRICT_NAMES).get_indexer(names)
