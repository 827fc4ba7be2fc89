"""Shared state for writing agency files: entity look-ups, random streams, source keys, identities."""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .codes import join, zfill
from .noise import NoiseConfig, noisy_addresses, noisy_names, noisy_uscc, present
from .world import World

log = logging.getLogger(__name__)
_FIELD = re.compile(r"\{(\w+)(?::0(\d+)d)?\}")


def _entity_lookup(world: World) -> pd.DataFrame:
    """One row per entity_key: code, name, addresses, phone, representative."""
    e = world.entities.set_index("entity_key")
    addr = world.addresses.set_index("address_key")["address"]
    site = world.entity_addresses.loc[world.entity_addresses["kind"].eq("operating")]
    site = site.drop_duplicates("entity_key").set_index("entity_key")["address_key"]
    phone = world.phones.drop_duplicates("entity_key").set_index("entity_key")["phone"]
    persons = world.persons.set_index("person_key")
    rep = e["representative_key"]
    rep_id = persons["id_number"].reindex(rep).to_numpy().astype(str)
    return pd.DataFrame({
        "uscc": e["uscc"], "name": e["name"],
        "address": addr.reindex(e["address_key"]).to_numpy(),
        "site_address": addr.reindex(site.reindex(e.index)).to_numpy(),
        "phone": phone.reindex(e.index).fillna("").to_numpy(),
        "rep_key": rep, "rep_name": persons["name"].reindex(rep).to_numpy(), "rep_id": rep_id,
        "rep_id_masked": join(np.char.ljust(rep_id.astype("<U4"), 4), "**********", np.char.rjust(
            np.array([x[-4:] for x in rep_id], dtype=str), 4)),
        "rep_phone": persons["phone"].reindex(rep).to_numpy(),
        "old_code": (e["registration_date"] < pd.Timestamp("2016-01-01")).to_numpy(),
        "district": e["district"], "capital": e["registered_capital"],
    }, index=e.index)


@dataclass
class Context:
    """What every file writer needs: the world, the noise rates, stable randomness and shared source keys."""

    world: World
    noise: NoiseConfig
    ent: pd.DataFrame = field(init=False)
    keys: dict[tuple[str, str], pd.Series] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ent = _entity_lookup(self.world)

    def rng(self, label: str) -> np.random.Generator:
        """A random stream that depends only on the world's seed and ``label`` (one per file)."""
        return np.random.default_rng([self.world.seed, zlib.crc32(label.encode("utf-8"))])

    def identity(self, rng: np.random.Generator, entity_keys: np.ndarray, agency: str,
                 registry: bool = False) -> pd.DataFrame:
        """How a file names each entity: code, name and addresses with noise, phone and representative."""
        e = self.ent.reindex(entity_keys)
        cfg = self.noise
        rate = 1.0 - cfg.registry_uscc_missing if registry else cfg.uscc_rate(agency)
        old = e["old_code"].to_numpy(dtype=bool) if agency == "TAX" else None
        uscc, utag = noisy_uscc(rng, e["uscc"].to_numpy().astype(str), rate, cfg, old)
        if registry:
            uscc = np.where(utag == "missing", "", e["uscc"].to_numpy().astype(str))
            utag = np.where(utag == "missing", "missing", "ok")
            names, ntag = e["name"].to_numpy().astype(str), np.full(len(e), "")
            addr, atag = e["address"].to_numpy().astype(str), np.full(len(e), "")
            site, stag = e["site_address"].to_numpy().astype(str), atag
        else:
            names, ntag = noisy_names(rng, e["name"].to_numpy().astype(str), cfg)
            addr, atag = noisy_addresses(rng, e["address"].to_numpy().astype(str), cfg)
            site, stag = noisy_addresses(rng, e["site_address"].to_numpy().astype(str), cfg)
        return pd.DataFrame({
            "uscc": uscc, "name": names, "address": addr, "site_address": site,
            "phone": present(rng, e["phone"].to_numpy().astype(str), 1.0 if registry else cfg.phone_present),
            "rep_name": present(rng, e["rep_name"].to_numpy().astype(str),
                                1.0 if registry else cfg.person_present),
            "rep_id": e["rep_id"].to_numpy().astype(str), "rep_id_masked": e["rep_id_masked"].to_numpy(),
            "rep_phone": e["rep_phone"].to_numpy().astype(str),
            "uscc_noise": utag, "name_noise": ntag, "address_noise": atag, "site_address_noise": stag,
        })


def source_keys(pattern: str, dates: pd.Series | None, n: int) -> np.ndarray:
    """Agency record numbers from a pattern such as 'SJ{year}{seq:06d}' ({seq} restarts each year or day)."""
    fields = {m.group(1) for m in _FIELD.finditer(pattern)}
    d = pd.Series(dates).reset_index(drop=True) if dates is not None else None
    values: dict[str, np.ndarray] = {}
    if d is not None:
        values["year"] = d.dt.year.astype(str).to_numpy()
        if "yyyymmdd" in fields:
            values["yyyymmdd"] = (d.dt.year * 10000 + d.dt.month * 100 + d.dt.day).astype(str).to_numpy()
    group = values.get("yyyymmdd" if "yyyymmdd" in fields else "year") if fields & {"year",
                                                                                    "yyyymmdd"} else None
    seq = (pd.Series(group).groupby(group).cumcount().to_numpy() + 1 if group is not None
           else np.arange(1, n + 1))
    values["seq"] = seq.astype(str)
    out = np.full(n, "", dtype=object)
    pos = 0
    for m in _FIELD.finditer(pattern):
        val = values[m.group(1)]
        if m.group(2):
            val = zfill(val.astype(str), int(m.group(2)))
        out = out + pattern[pos:m.start()] + val.astype(object)
        pos = m.end()
    return (out + pattern[pos:]).astype(str)
