"""What an inspection finds: violations drawn from the entity's hidden compliance, and the result."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import PLANS, SEVERITIES, VIOLATION_CATALOGUE
from .vocab import INDUSTRIES

_CAT = VIOLATION_CATALOGUE.reset_index(drop=True)


def _candidates() -> dict[tuple[str, str, str], np.ndarray]:
    """Catalogue rows that fit each (agency, industry, severity)."""
    out = {}
    for agency in _CAT["agency"].unique():
        for industry in INDUSTRIES["industry_key"]:
            for severity in SEVERITIES:
                scope_ok = _CAT["scope"].eq("") | _CAT["scope"].str.split(",").apply(lambda s,
                                                                                     k=industry: k in s)
                m = _CAT["agency"].eq(agency) & _CAT["severity"].eq(severity) & scope_ok
                out[(agency, industry, severity)] = np.flatnonzero(m.to_numpy())
    return out


_CANDIDATES = _candidates()


def expected_findings(compliance: np.ndarray, agency: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Expected number of violations found: rises steeply as compliance falls."""
    scale = pd.Series({k: p.severity_scale for k, p in PLANS.items()}).reindex(agency).to_numpy()
    risk = 1.0 - compliance
    return scale * factor * (0.05 + 2.0 * risk ** 1.7)


def draw_findings(rng: np.random.Generator, insp: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Violations for each inspection (columns pos, agency, industry_key, compliance, factor) and results."""
    lam = expected_findings(insp["compliance"].to_numpy(), insp["agency"].to_numpy(),
                            insp["factor"].to_numpy())
    count = rng.poisson(lam)
    row = np.repeat(np.arange(len(insp)), count)
    risk = 1.0 - insp["compliance"].to_numpy()[row]
    u = rng.random(len(row))
    p_crit = 0.03 + 0.25 * risk
    severity = np.where(u < p_crit, "critical", np.where(u < p_crit + 0.12 + 0.45 * risk, "serious", "minor"))
    keys = pd.DataFrame({"agency": insp["agency"].to_numpy()[row],
                         "industry": insp["industry_key"].to_numpy()[row], "severity": severity})
    cat_row = np.zeros(len(row), dtype=np.int64)
    for (agency, industry, sev), idx in keys.groupby(["agency", "industry", "severity"]).indices.items():
        options = _CANDIDATES[(agency, industry, sev)]
        cat_row[idx] = options[rng.integers(0, len(options), size=len(idx))]
    found = pd.DataFrame({"row": row, "cat": cat_row}).drop_duplicates()
    cat = _CAT.iloc[found["cat"].to_numpy()].reset_index(drop=True)
    viol = pd.concat([found[["row"]].reset_index(drop=True),
                      cat[["code", "description", "severity", "legal_basis"]]], axis=1)
    n = np.bincount(viol["row"].to_numpy(), minlength=len(insp))
    grave = np.bincount(viol["row"].to_numpy(), weights=viol["severity"].ne("minor").to_numpy(),
                        minlength=len(insp)) > 0
    result = np.where(grave | (n >= 3), "fail", np.where(n > 0, "pass_with_conditions", "pass"))
    return viol, pd.DataFrame({"n_violations": n, "serious_found": grave, "result": result})
