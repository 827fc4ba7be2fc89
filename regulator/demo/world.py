"""The hidden truth of the demo city, as one dataclass of DataFrames, and the seeded generator."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import pandas as pd

from .complaints import build_complaints
from .entities import (
    compliance_levels,
    district_index,
    entity_names,
    entity_usccs,
    registered_capital,
    status_and_dates,
)
from .inspections import build_inspections, population
from .licences import build_licences
from .lists import build_list_entries
from .people import assign_shares, build_investments, build_persons, build_roles
from .places import build_addresses, build_phones
from .sanctions import build_enforcement, revoke_licences
from .structure import Skeleton, build_skeleton
from .timeline import Timeline, to_datetime
from .vocab import INDUSTRIES

log = logging.getLogger(__name__)
DEFAULT_START, DEFAULT_END = date(2021, 1, 1), date(2025, 12, 31)


@dataclass
class World:
    """Every fact of the generated city; agency files are noisy views of it, scoring uses it as truth."""

    entities: pd.DataFrame
    persons: pd.DataFrame
    roles: pd.DataFrame
    addresses: pd.DataFrame
    entity_addresses: pd.DataFrame
    phones: pd.DataFrame
    investments: pd.DataFrame
    licences: pd.DataFrame
    inspections: pd.DataFrame
    violations: pd.DataFrame
    enforcement: pd.DataFrame
    list_entries: pd.DataFrame
    complaints: pd.DataFrame
    inspectors: pd.DataFrame
    seed: int = 0
    start: date = DEFAULT_START
    end: date = DEFAULT_END

    def tables(self) -> dict[str, pd.DataFrame]:
        """The DataFrame fields by name, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name),
                                                                                  pd.DataFrame)}

    def summary(self) -> dict[str, int]:
        """Row count of every table."""
        return {name: len(df) for name, df in self.tables().items()}


def _keys(rng: np.random.Generator, n: int) -> np.ndarray:
    """Stable integer keys 1..n in shuffled order, so that a key reveals nothing about how a row was made."""
    return rng.permutation(n) + 1


def _entity_table(streams: list[np.random.Generator], sk: Skeleton, z: np.ndarray, addr: pd.DataFrame,
                  links: pd.DataFrame, akey_of: pd.Series, ekey: np.ndarray, rep_key: np.ndarray,
                  tl: Timeline) -> tuple[pd.DataFrame, np.ndarray]:
    """The entities table in skeleton order, and each entity's status day (-1 while active)."""
    primary = links.drop_duplicates("e").set_index("e")["primary"].sort_index().to_numpy()
    addr_pos = pd.Series(np.arange(len(addr)), index=addr["a"].to_numpy())
    prim_rows = addr.iloc[addr_pos.loc[primary].to_numpy()]
    district = district_index(prim_rows["district"])
    street = prim_rows["street"].to_numpy().astype(str)
    compliance = 1.0 / (1.0 + np.exp(-z))
    status, status_day = status_and_dates(streams[5], sk, compliance, tl.start_day, tl.end_day)
    ind = INDUSTRIES.iloc[sk.industry]
    parent = pd.Series(ekey[np.maximum(sk.parent, 0)], dtype="Int64").where(sk.parent >= 0)
    entities = pd.DataFrame({
        "entity_key": ekey,
        "uscc": entity_usccs(streams[4], sk, district),
        "name": entity_names(streams[4], sk, district, street),
        "entity_type": sk.etype,
        "industry_key": ind["industry_key"].to_numpy(),
        "industry_code": ind["industry_code"].to_numpy(),
        "industry": ind["industry"].to_numpy(),
        "district": prim_rows["district"].to_numpy(),
        "address_key": akey_of.loc[primary].to_numpy(),
        "registration_date": to_datetime(sk.reg_day),
        "status": status,
        "status_date": to_datetime(status_day),
        "registered_capital": registered_capital(streams[5], sk),
        "parent_key": parent.array,
        "representative_key": rep_key,
        "compliance": compliance.round(4),
        "group_key": ekey[sk.group],
        "shell_cluster": sk.shell,
    })
    return entities, status_day


def generate_world(n_entities: int = 2000, seed: int = 7, start: date = DEFAULT_START,
                   end: date = DEFAULT_END) -> World:
    """Generate a reproducible multi-agency world of ``n_entities`` market entities between two dates."""
    if n_entities < 50:
        raise ValueError("n_entities must be at least 50")
    if end <= start:
        raise ValueError("end must be after start")
    t0 = time.perf_counter()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]
    tl = Timeline(start, end)
    sk = build_skeleton(streams[0], n_entities, tl.start_day, tl.end_day)
    roles, rep, n_persons = build_roles(streams[1], sk)
    investments = build_investments(streams[1], sk)
    persons = build_persons(streams[2], n_persons, tl.end_day)
    addr, links = build_addresses(streams[3], sk)
    phones = build_phones(streams[3], sk, persons["phone"].to_numpy().astype(str)[rep])
    ekey, pkey, akey = _keys(streams[6], sk.n), _keys(streams[6], n_persons), _keys(streams[6], len(addr))
    akey_of = pd.Series(akey, index=addr["a"].to_numpy())

    z = compliance_levels(streams[5], sk, (tl.start_day + tl.end_day) // 2)
    entities, status_day = _entity_table(streams, sk, z, addr, links, akey_of, ekey, pkey[rep], tl)
    pop = population(entities, z, sk.reg_day, status_day, tl)
    site = links.loc[links.kind.eq("operating")].set_index("e")["a"].sort_index().to_numpy()
    pop["site_address_key"] = akey_of.loc[site].to_numpy()
    entities = entities.sort_values("entity_key", ignore_index=True)

    roles = roles.assign(share=assign_shares(streams[1], roles, investments))
    roles = roles.loc[~(roles.role.eq("shareholder") & roles.share.le(0))]
    roles = pd.DataFrame({"entity_key": ekey[roles.e.to_numpy()], "person_key": pkey[roles.p.to_numpy()],
                          "role": roles.role.to_numpy(), "share": roles.share.to_numpy()})
    persons.insert(0, "person_key", pkey)
    addresses = addr.drop(columns="a").assign(address_key=akey_of.to_numpy())
    addresses = addresses[["address_key", "address", "district", "street", "lat", "lon"]]
    entity_addresses = pd.DataFrame({"entity_key": ekey[links.e.to_numpy()],
                                     "address_key": akey_of.loc[links.a.to_numpy()].to_numpy(),
                                     "kind": links.kind.to_numpy()})
    phones = pd.DataFrame({"entity_key": ekey[phones.e.to_numpy()], "phone": phones.phone.to_numpy(),
                           "kind": phones.kind.to_numpy()})
    investments = pd.DataFrame({"investor_key": ekey[investments.investor.to_numpy()],
                                "investee_key": ekey[investments.investee.to_numpy()],
                                "share": investments.share.to_numpy()})
    del addr, links, sk
    tables = {  # sorted one by one, so that only one table is ever held twice
        "persons": (persons, ["person_key"]), "roles": (roles, ["entity_key", "role", "person_key"]),
        "addresses": (addresses, ["address_key"]),
        "entity_addresses": (entity_addresses, ["entity_key", "kind"]),
        "phones": (phones, ["entity_key", "phone"]),
        "investments": (investments, ["investee_key", "investor_key"]),
    }
    del persons, roles, addresses, entity_addresses, phones, investments
    frames = {}
    for name in list(tables):
        df, by = tables.pop(name)
        frames[name] = df.sort_values(by, ignore_index=True)
        del df

    licences = build_licences(streams[7], pop, tl)
    complaints = build_complaints(streams[8], pop, tl)
    inspections, violations, inspectors = build_inspections(streams[9], pop, licences, complaints, tl)
    enforcement = build_enforcement(streams[10], pop, inspections, violations, licences, tl)
    licences = revoke_licences(licences, enforcement)
    list_entries = build_list_entries(streams[11], pop, enforcement, tl)
    world = World(entities=entities, **frames, licences=licences, inspections=inspections,
                  violations=violations, enforcement=enforcement, list_entries=list_entries,
                  complaints=complaints, inspectors=inspectors, seed=seed, start=start, end=end)
    log.info("generated world of %d entities (seed %d) in %.1f s: %s", n_entities, seed,
             time.perf_counter() - t0, world.summary())
    return world
