"""Enforcement decisions that follow violations, and the licence revocations they order."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .catalogue import PLANS
from .timeline import Timeline, to_datetime, year_of

log = logging.getLogger(__name__)
_RANK = {"minor": 0, "serious": 1, "critical": 2}


def _days(col: pd.Series) -> np.ndarray:
    return col.to_numpy().astype("datetime64[D]").astype(np.int64)


def _penalties(rng: np.random.Generator, severity: np.ndarray, licensed: np.ndarray) -> np.ndarray:
    """Penalty type by the worst violation's severity ('' when the inspector only orders rectification)."""
    u = rng.random(len(severity))
    minor = np.where(u < 0.15, "warning", "")
    serious = np.select([u < 0.7, u < 0.85], ["fine", "warning"], "confiscation")
    critical = np.select([u < 0.5, u < 0.7, (u < 0.8) & licensed], ["fine", "suspension",
                                                                    "licence_revocation"],
                         "confiscation")
    return np.select([severity == "minor", severity == "serious"], [minor, serious], critical)


def build_enforcement(rng: np.random.Generator, pop: pd.DataFrame, inspections: pd.DataFrame,
                      violations: pd.DataFrame, licences: pd.DataFrame, tl: Timeline) -> pd.DataFrame:
    """Administrative penalty decisions, numbered per agency and year in the 深市监罚〔2023〕123号 style."""
    v = violations.assign(rank=violations["severity"].map(_RANK))
    worst = v.sort_values(["inspection_key", "rank", "violation_key"], ascending=[True, False, True])
    worst = worst.drop_duplicates("inspection_key", ignore_index=True)
    held = licences[["entity_key", "agency"]].drop_duplicates().assign(held=True)
    licensed = worst.merge(held, on=["entity_key", "agency"], how="left")["held"].fillna(False).to_numpy(bool)
    ptype = _penalties(rng, worst["severity"].to_numpy(), licensed)
    day = _days(worst["inspection_date"]) + rng.integers(15, 90, size=len(worst))
    keep = (ptype != "") & (day <= tl.end_day)
    worst, ptype, day = worst.loc[keep].reset_index(drop=True), ptype[keep], day[keep]
    sev = worst["severity"].to_numpy()
    scale = np.where(worst["agency"].eq("TAX"), 2.5, 1.0)
    median = np.where(sev == "critical", 150_000, np.where(sev == "serious", 20_000, 3_000)) * scale
    amount = np.round(np.exp(np.log(median) + rng.normal(0, 0.8, len(worst))) / 500) * 500
    amount = np.where(ptype == "warning", 0.0, np.where(ptype == "licence_revocation", 0.0, np.maximum(amount,
                                                                                                       500)))
    out = pd.DataFrame({"entity_key": worst["entity_key"], "agency": worst["agency"],
                        "inspection_key": worst["inspection_key"], "violation_key": worst["violation_key"],
                        "day": day, "legal_basis": worst["legal_basis"], "violation_code": worst["code"],
                        "facts": worst["description"], "severity": sev, "penalty_type": ptype,
                        "amount": amount})
    out = out.sort_values(["day", "agency", "entity_key"], ignore_index=True)
    out["year"] = year_of(out["day"].to_numpy())
    seq = out.groupby(["agency", "year"]).cumcount().to_numpy() + 1
    prefix = out["agency"].map({k: p.decision_prefix for k, p in PLANS.items()})
    width = np.where(out["agency"].eq("FIRE"), 4, 1)
    number = [s.zfill(w) for s, w in zip(seq.astype(str), width, strict=True)]
    out["decision_number"] = prefix + "〔" + out["year"].astype(str) + "〕" + pd.Series(number) + "号"
    long = (ptype_arr := out["penalty_type"].to_numpy()) != "warning"
    long &= (out["amount"].to_numpy() >= 100_000) | np.isin(ptype_arr, ("suspension", "licence_revocation"))
    dates = to_datetime(out["day"])
    pub = np.where(long, (dates + pd.DateOffset(years=3)).to_numpy(),
                   (dates + pd.DateOffset(years=1)).to_numpy())
    out.insert(0, "enforcement_key", np.arange(1, len(out) + 1))
    log.debug("enforcement decisions: %d", len(out))
    return pd.DataFrame({
        "enforcement_key": out["enforcement_key"], "entity_key": out["entity_key"], "agency": out["agency"],
        "inspection_key": out["inspection_key"], "violation_key": out["violation_key"],
        "decision_number": out["decision_number"], "decision_date": dates, "legal_basis": out["legal_basis"],
        "violation_code": out["violation_code"], "facts": out["facts"], "severity": out["severity"],
        "penalty_type": out["penalty_type"], "amount": out["amount"], "publication_end": pub,
    })


def revoke_licences(licences: pd.DataFrame, enforcement: pd.DataFrame) -> pd.DataFrame:
    """Licences in force when a licence-revocation decision was taken become 'revoked' on that day."""
    rev = enforcement.loc[enforcement["penalty_type"].eq("licence_revocation"),
                          ["entity_key", "agency", "decision_date"]]
    lic = licences.reset_index(drop=True)
    m = lic.reset_index().merge(rev, on=["entity_key", "agency"])
    in_force = (m["issue_date"] <= m["decision_date"]) & (
        m["expiry_date"].isna() | (m["expiry_date"] >= m["decision_date"])) & (
        m["status_date"].isna() | (m["status_date"] > m["decision_date"]))
    m = m.loc[in_force].drop_duplicates("index")
    status, status_date = lic["status"].to_numpy().copy(), lic["status_date"].to_numpy().copy()
    status[m["index"].to_numpy()] = "revoked"
    status_date[m["index"].to_numpy()] = m["decision_date"].to_numpy()
    return lic.assign(status=status, status_date=status_date)
