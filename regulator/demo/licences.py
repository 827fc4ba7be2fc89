"""Licences and permits held by entities, renewed on expiry, with agency-style licence numbers."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .catalogue import LICENCE_TYPES
from .codes import join, luhn_digit, zfill
from .timeline import Timeline, between, to_datetime, year_of

log = logging.getLogger(__name__)


def _numbers(ltype: str, df: pd.DataFrame) -> np.ndarray:
    """Licence numbers in each kind's real style (food licences JY1440305…, discharge permits USCC+001P)."""
    seq = df.groupby(["year"]).cumcount().to_numpy() + 1
    year = df["year"].to_numpy().astype(str)
    region = df["region"].to_numpy().astype(str)
    if ltype == "food_business":
        body = join(np.where(df["industry_key"].eq("catering"), "2", "1"), region,
                    zfill((seq + df["year"].to_numpy() % 100 * 10000).astype(str), 6))
        return join("JY", body, luhn_digit(body))
    if ltype == "drug_retail":
        return join("粤CB755", zfill((seq + 10000 * (df["year"].to_numpy() % 10)).astype(str), 5))
    if ltype == "hazardous_chemicals":
        return join("粤深危化经字〔", year, "〕", zfill(seq.astype(str), 6), "号")
    if ltype == "pollutant_discharge":
        nth = df.groupby("entity_key").cumcount().to_numpy() + 1
        return join(df["uscc"].to_numpy().astype(str), zfill(nth.astype(str), 3),
                    np.where(df["major"].to_numpy(), "P", "V"))
    if ltype == "public_place_hygiene":
        area = df["region"].str.slice(4).to_numpy().astype(str)
        return join("深卫公证字〔", year, "〕第", area, zfill(seq.astype(str), 6), "号")
    if ltype == "medical_institution":
        return join("PDY", zfill(seq.astype(str), 5), year, region, "17A1002")
    return join("深消安检字〔", year, "〕第", zfill(seq.astype(str), 4), "号")


def build_licences(rng: np.random.Generator, pop: pd.DataFrame, tl: Timeline) -> pd.DataFrame:
    """Every licence whose validity overlaps the window, chained through renewals."""
    frames = []
    for ltype, agency, cn, probs, years in LICENCE_TYPES:
        p = pop["industry_key"].map(probs).fillna(0.0).to_numpy()
        holder = (rng.random(len(pop)) < p) & pop["etype"].ne("partnership").to_numpy()
        sub = pop.loc[holder]
        issue = sub["reg_day"].to_numpy() + rng.integers(10, 150, size=len(sub))
        stop = sub["stop_day"].to_numpy()
        rows = []
        alive = np.ones(len(sub), dtype=bool)
        cycles = 1 if years == 0 else int((tl.end_day - issue.min()) // (years * 365) + 2) if len(sub) else 0
        for _ in range(cycles):
            expiry = issue + years * 365 - 1 if years else np.full(len(sub), -1)
            keep = alive & (issue <= tl.end_day) & (issue < stop) & ((expiry >= tl.start_day) | (years == 0))
            rows.append(pd.DataFrame({"pos": np.flatnonzero(keep), "issue": issue[keep],
                                      "expiry": expiry[keep]}))
            alive &= rng.random(len(sub)) < 0.92
            issue = between(rng, expiry - 30, expiry) if years else issue
        lic = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["pos", "issue", "expiry"])
        base = sub.iloc[lic["pos"].to_numpy()].reset_index(drop=True)
        lic = pd.concat([base[["entity_key", "industry_key", "uscc", "region", "stop_day"]],
                         lic[["issue", "expiry"]]], axis=1)
        lic["year"] = year_of(lic["issue"].to_numpy())
        lic["major"] = rng.random(len(lic)) < 0.7
        lic = lic.sort_values(["issue", "entity_key"], ignore_index=True)
        lic["licence_number"] = _numbers(ltype, lic) if len(lic) else pd.Series(dtype=str)
        lic["licence_type"], lic["licence_name"], lic["agency"] = ltype, cn, agency
        frames.append(lic)
    lic = pd.concat(frames, ignore_index=True)
    expiry, stop = lic["expiry"].to_numpy(), lic["stop_day"].to_numpy()
    ended = (expiry >= 0) & (expiry < np.minimum(stop, tl.end_day + 1))
    closed = (stop <= tl.end_day) & ~ended & (lic["issue"].to_numpy() < stop)
    lic["status"] = np.select([ended, closed], ["expired", "cancelled"], "valid")
    lic["status_day"] = np.select([ended, closed], [expiry + 1, stop], -1)
    lic = lic.sort_values(["issue", "agency", "entity_key"], ignore_index=True)
    lic["licence_key"] = np.arange(1, len(lic) + 1)
    log.debug("licences: %d", len(lic))
    return pd.DataFrame({
        "licence_key": lic["licence_key"], "entity_key": lic["entity_key"], "agency": lic["agency"],
        "licence_type": lic["licence_type"], "licence_name": lic["licence_name"],
        "licence_number": lic["licence_number"], "issue_date": to_datetime(lic["issue"]),
        "expiry_date": to_datetime(lic["expiry"]), "status": lic["status"],
        "status_date": to_datetime(lic["status_day"]),
    })
