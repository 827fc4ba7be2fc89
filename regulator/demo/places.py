"""Where entities sit and how they are reached: shared addresses and shared phone numbers."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .codes import landlines, mobiles
from .names import addresses, secretary_addresses
from .structure import IND, Skeleton
from .vocab import DISTRICTS

log = logging.getLogger(__name__)
_DISTRICT_P = DISTRICTS["weight"].to_numpy() / DISTRICTS["weight"].sum()
_SHOP = [IND[k] for k in ("catering", "food_retail", "pharmacy", "beauty", "hotel", "entertainment", "clinic",
                          "auto_repair")]
_WORKS = [IND[k] for k in ("manufacturing", "chemicals", "logistics")]


def _site_kind(industry: np.ndarray) -> np.ndarray:
    """Address kind of an operating site: 1 shop, 2 factory or warehouse, 0 office."""
    return np.where(np.isin(industry, _SHOP), 1, np.where(np.isin(industry, _WORKS), 2, 0))


def build_addresses(rng: np.random.Generator, sk: Skeleton) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Addresses and entity-address links (registered / operating), families and shells sharing theirs."""
    n = sk.n
    firm = np.isin(sk.etype, ("company", "partnership"))
    fam_head = sk.role_in_group == 2
    shell_ids = np.unique(sk.shell[sk.shell >= 0])
    slots_district: list[np.ndarray] = []
    slots_kind: list[np.ndarray] = []

    def slots(k: int, kind: np.ndarray | int) -> np.ndarray:
        """Reserve ``k`` new ordinary addresses; return their indices."""
        base = sum(len(d) for d in slots_district)
        slots_district.append(rng.choice(len(_DISTRICT_P), size=k, p=_DISTRICT_P))
        slots_kind.append(np.broadcast_to(kind, (k,)).copy())
        return np.arange(base, base + k)

    registered = np.full(n, -1)
    operating = np.full(n, -1)
    registered[firm] = slots(int(firm.sum()), 0)
    hq = registered[sk.group]
    member = firm & (sk.role_in_group == 1) & (rng.random(n) < 0.5) & fam_head[sk.group]
    registered[member] = hq[member]
    # a few unrelated firms share a serviced office (incubators, co-working)
    single = np.flatnonzero(firm & (sk.role_in_group == 0))
    share = single[rng.random(len(single)) < 0.01]
    if len(share) and len(single) > 1:
        registered[share] = registered[rng.choice(single, size=len(share))]
    # shell clusters: one address for the whole cluster, half of them a secretary firm in Qianhai
    secretary = rng.random(len(shell_ids)) < 0.5
    cluster_slot = -1 - np.cumsum(secretary)  # placeholders, resolved once all ordinary slots exist
    if len(shell_ids):
        cluster_slot[~secretary] = slots(int((~secretary).sum()), 0)
        registered[sk.shell >= 0] = cluster_slot[sk.shell[sk.shell >= 0]]

    site = _site_kind(sk.industry)
    own_site = ~firm | (rng.random(n) < np.where(site > 0, 0.8, 0.1))
    own_site &= sk.shell < 0
    operating[own_site] = slots(int(own_site.sum()), site[own_site])
    operating[~own_site] = registered[~own_site]

    district = np.concatenate(slots_district)
    registered = np.where(registered < -1, len(district) - 2 - registered, registered)
    operating = np.where(operating < -1, len(district) - 2 - operating, operating)
    table = addresses(rng, district, np.concatenate(slots_kind))
    if secretary.any():
        table = pd.concat([table, secretary_addresses(rng, int(secretary.sum()))], ignore_index=True)
    # identical text drawn twice is one address; addresses nobody uses are dropped
    canon, _ = pd.factorize(table["address"])
    first = pd.Series(np.arange(len(table))).groupby(canon).transform("min").to_numpy()
    registered = np.where(registered >= 0, first[np.maximum(registered, 0)], -1)
    operating = first[operating]
    used = np.unique(np.concatenate([registered[registered >= 0], operating]))
    table = table.iloc[used].assign(a=used).reset_index(drop=True)

    links = [pd.DataFrame({"e": np.flatnonzero(firm), "a": registered[firm], "kind": "registered"}),
             pd.DataFrame({"e": np.arange(n), "a": operating, "kind": "operating"})]
    link = pd.concat(links, ignore_index=True)
    primary = np.where(firm, registered, operating)
    log.debug("addresses: %d for %d entities", len(table), n)
    return table, link.assign(primary=primary[link.e.to_numpy()])


def build_phones(rng: np.random.Generator, sk: Skeleton, rep_phone: np.ndarray) -> pd.DataFrame:
    """Contact phones of entities: the representative's mobile, landlines, family and shell agent numbers."""
    n = sk.n
    own = np.where(rng.random(n) < 0.7, mobiles(rng, n), landlines(rng, n))
    u = rng.random(n)
    phone = np.where(u < 0.55, rep_phone, own)
    family_line = landlines(rng, n)[sk.group]
    in_family = (sk.role_in_group > 0) & (sk.shell < 0) & (rng.random(n) < 0.4)
    phone = np.where(in_family, family_line, phone)
    if (sk.shell >= 0).any():
        agent = mobiles(rng, int(sk.shell.max()) + 1)
        sh = sk.shell >= 0
        phone[sh] = np.where(rng.random(int(sh.sum())) < 0.85, agent[sk.shell[sh]], rep_phone[sh])
    second = np.flatnonzero(rng.random(n) < 0.15)
    frames = [pd.DataFrame({"e": np.arange(n), "phone": phone}),
              pd.DataFrame({"e": second, "phone": landlines(rng, len(second))})]
    out = pd.concat(frames, ignore_index=True).drop_duplicates(["e", "phone"])
    out["kind"] = np.where(out["phone"].str.startswith("0755"), "landline", "mobile")
    return out.reset_index(drop=True)
