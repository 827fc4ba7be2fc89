"""The city of Chicago's published model, refit on the benchmark's own windows, as a reference.

The city's 7.44 days were measured on Sep-Oct 2014, a period the shared data does not reach (it ends on
2014-08-29). To compare like with like, ``city_scores`` rebuilds the city's model as its code defines it
(``Chicago/food-inspections-evaluation``: ``CODE/13_generate_model_dat.R`` for the features,
``CODE/30_glmnet_model.R`` for the model) from the same files, trains it on the same canvass inspections
before the cutoff, and scores the same inspections as ``bench/chicago.py``, so that both are measured by the
same ``schedule_gain`` on the same rows.

The city's features, per canvass inspection (canvass rows only, without "Out of Business", "Business Not
Located" and "No Entry", by licence number):

- ``pastSerious`` and ``pastCritical``: whether the previous canvass inspection of the licence found a
  serious or critical violation; ``timeSinceLast``: years since it, at most 2 (2 for the first);
- ``ageAtInspection``: whether the licence's first term began more than 4 years before;
- the licence's flags ``consumption_on_premises_incidental_activity`` and tobacco, from the term that covers
  the day;
- ``temperatureMax``: the mean of the three days before; the densities of burglaries, sanitation complaints
  and garbage-cart requests, capped at 70, 70 and 50;
- the inspector group, as dummies.

The model is glmnet's logistic ridge with only the inspector dummies penalised, at the last (weakest) of
the path's 100 penalties, as the city chose (``w.lam <- 100``); glmnet is an R package, so ``_fit`` writes
its objective out. Training rows are those the city kept: a licence term for "Retail Food
Establishment" covering the day and no missing value. Every scored row gets a score: where the city's
code would have dropped it, missing values take the training median and absent licence facts 0.

Same information as ``bench/chicago.py``: outcomes on or after the cutoff are unknown, so the previous
inspection's findings come from the latest canvass inspection before the day whose outcome is known (its
date still counts for ``timeSinceLast``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

#: results after which the city dropped a canvass row (nobody was inspected)
NOT_INSPECTED = ("Out of Business", "Business Not Located", "No Entry")
NUMERIC = ("pastSerious", "ageAtInspection", "pastCritical", "consumption_on_premises_incidental_activity",
           "tobacco_retail_over_counter", "temperatureMax", "heat_burglary", "heat_sanitation", "heat_garbage",
           "timeSinceLast")
#: glmnet's default path: 100 penalties down to 1e-4 of the largest when rows outnumber columns; for ridge
#: (alpha = 0) the largest is computed as if alpha were 0.001
LAMBDA_RATIO = 1e-4
RIDGE_ALPHA = 1e-3


def _read(data_dir: Path, name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(data_dir / name, dtype=str, keep_default_na=False, **kwargs)


def canvass_rows(data_dir: Path, cutoff: date) -> pd.DataFrame:
    """The food file's canvass inspections with the city's per-inspection features, outcomes on or after
    ``cutoff`` unknown. Indexed by Inspection_ID (text)."""
    food = _read(data_dir, "food_inspections.csv.gz")
    food["date"] = pd.to_datetime(food["Inspection_Date"], errors="coerce")
    food = food[food["Inspection_Type"].str.strip().str.lower().eq("canvass") & food["date"].notna()]
    food = food.drop_duplicates("Inspection_ID").copy()
    known = food["date"] < pd.Timestamp(cutoff)
    for column in ("critical_count", "serious_count"):
        food[column] = pd.to_numeric(food[column], errors="coerce").where(known)
    food["Results"] = food["Results"].where(known, "")
    food["licence"] = pd.to_numeric(food["License"], errors="coerce")
    food = food.sort_values(["licence", "date", "Inspection_ID"], kind="stable")
    history = food[food["licence"].gt(0) & ~food["Results"].isin(NOT_INSPECTED)]
    food = food.join(_previous(food, history))
    food = food.join(_licence_facts(data_dir, food))
    weather = _three_days_before(data_dir)
    food["temperatureMax"] = food["date"].map(weather).to_numpy(float)
    heat = _read(data_dir, "inspection_context.csv.gz").set_index("Inspection_ID").apply(pd.to_numeric, errors="coerce")
    heat = heat.reindex(food["Inspection_ID"])
    food["heat_burglary"] = np.minimum(heat["heat_burglary"].to_numpy(), 70)
    food["heat_sanitation"] = np.minimum(heat["heat_sanitationComplaints"].to_numpy(), 70)
    food["heat_garbage"] = np.minimum(heat["heat_garbageCarts"].to_numpy(), 50)
    food["inspector"] = food["inspector"].replace("", np.nan)
    food["critical"] = (food["critical_count"] > 0).astype(float).where(food["critical_count"].notna())
    return food.set_index("Inspection_ID")


def _previous(food: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Per row: years since the licence's previous canvass inspection (at most 2; 2 for the first), and
    whether the latest earlier one with a known outcome found a serious or critical violation."""
    out = pd.DataFrame(index=food.index, columns=["timeSinceLast", "pastCritical", "pastSerious"], dtype=float)
    days = food["date"].to_numpy("datetime64[D]").astype("int64")
    hist_days = history["date"].to_numpy("datetime64[D]").astype("int64")
    critical = history["critical_count"].to_numpy(float)
    serious = history["serious_count"].to_numpy(float)
    with_outcome = ~np.isnan(critical)
    by_licence = history.groupby("licence", sort=False).indices
    none = np.empty(0, dtype=int)
    for i, (lic, day) in enumerate(zip(food["licence"].to_numpy(), days, strict=True)):
        rows = by_licence.get(lic, none)
        earlier = rows[hist_days[rows] < day]
        if len(earlier):
            out.iat[i, 0] = min((day - hist_days[earlier[-1]]) / 365, 2)
            told = earlier[with_outcome[earlier]]
            if len(told):
                out.iat[i, 1] = float(critical[told[-1]] > 0)
                out.iat[i, 2] = float(serious[told[-1]] > 0)
        else:
            out.iat[i, 0] = 2.0
    out[["pastCritical", "pastSerious"]] = out[["pastCritical", "pastSerious"]].fillna(0.0)
    return out


def _licence_facts(data_dir: Path, food: pd.DataFrame) -> pd.DataFrame:
    """From the licence term covering the day (``find_bus_id_matches``): its flags and description; from the
    licence's first term: whether it began more than 4 years before."""
    terms = _read(data_dir, "business_licenses.csv.gz")
    terms["licence"] = pd.to_numeric(terms["LICENSE_NUMBER"], errors="coerce")
    terms["start"] = pd.to_datetime(terms["LICENSE_TERM_START_DATE"], errors="coerce")
    terms["end"] = pd.to_datetime(terms["LICENSE_TERM_EXPIRATION_DATE"], errors="coerce")
    terms = terms.dropna(subset=["licence", "start"]).sort_values("start", kind="stable").reset_index(drop=True)
    first = terms.groupby("licence")["start"].min()
    by_licence = terms.groupby("licence").indices
    starts, ends = terms["start"].to_numpy(), terms["end"].to_numpy()
    covering = np.full(len(food), -1)
    for i, (lic, day) in enumerate(zip(food["licence"].to_numpy(), food["date"].to_numpy(), strict=True)):
        rows = by_licence.get(lic)
        if rows is None:
            continue
        cover = rows[(starts[rows] <= day) & (day <= ends[rows])]
        if len(cover):
            covering[i] = cover[-1]
    matched = covering >= 0
    term = terms.iloc[covering[matched]]
    out = pd.DataFrame(index=food.index)
    out["retail_food"] = False
    out.loc[matched, "retail_food"] = term["LICENSE_DESCRIPTION"].eq("Retail Food Establishment").to_numpy()
    for column, source in (("consumption_on_premises_incidental_activity",
                            "consumption_on_premises_incidental_activity"),
                           ("tobacco_retail_over_counter", "tobacco")):
        out[column] = np.nan
        out.loc[matched, column] = pd.to_numeric(term[source], errors="coerce").clip(upper=1).to_numpy()
    age = (food["date"] - food["licence"].map(first)).dt.days / 365
    out["ageAtInspection"] = (age > 4).astype(float).where(age.notna())
    return out


def _three_days_before(data_dir: Path) -> pd.Series:
    """The mean maximum temperature of the three days before each day (``weather_3day_calc.R``)."""
    weather = _read(data_dir, "weather.csv.gz")
    series = pd.Series(pd.to_numeric(weather["temperatureMax"], errors="coerce").to_numpy(),
                       index=pd.to_datetime(weather["date"], errors="coerce")).sort_index()
    series = series[series.index.notna()]
    series = series.reindex(pd.date_range(series.index.min(), series.index.max()))
    return series.shift(1).rolling(3).mean()


@dataclass(frozen=True)
class CityFit:
    """The fitted model: intercept and coefficients (``beta``) on columns standardised by ``mean`` and ``std``,
    and the penalty ``lam`` it was fitted at."""

    mean: np.ndarray
    std: np.ndarray
    beta: np.ndarray
    lam: float

    def logit(self, rows: np.ndarray) -> np.ndarray:
        return self.beta[0] + ((rows - self.mean) / self.std) @ self.beta[1:]


def _fit(design: np.ndarray, y: np.ndarray, penalised: np.ndarray) -> CityFit:
    """glmnet's ``alpha = 0`` logistic fit at the end of its default path, penalty on ``penalised`` columns.

    glmnet minimises -loglik / N + lambda / 2 * sum(pf_j * b_j ** 2) over standardised columns, the penalty
    factors pf rescaled to sum to the number of columns; lambda is 1e-4 of the path's largest,
    max_j |x_j' (y - p0)| / (N * pf_j * 0.001), p0 being the fit of the unpenalised columns alone.
    scikit-learn's ``LogisticRegression`` has no per-column penalty factor, so the objective is written out
    here and minimised with SciPy's L-BFGS (its gradient is exact).
    """
    from scipy.optimize import minimize
    from scipy.special import expit, log_expit

    n = len(y)
    mean, std = design.mean(axis=0), design.std(axis=0)
    std[std == 0] = 1.0
    z = np.hstack([np.ones((n, 1)), (design - mean) / std])
    pf = np.r_[0.0, np.where(penalised, 1.0, 0.0)]
    pf *= len(penalised) / pf.sum()

    def objective(beta: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
        eta = z @ beta
        loss = -(y * log_expit(eta) + (1 - y) * log_expit(-eta)).sum() / n + lam / 2 * (pf * beta ** 2).sum()
        return loss, z.T @ (expit(eta) - y) / n + lam * pf * beta

    def solve(lam: float, free: np.ndarray) -> np.ndarray:
        beta = np.zeros(z.shape[1])
        fit = minimize(lambda b: objective(np.where(free, b, 0.0), lam), beta, jac=True, method="L-BFGS-B",
                       options={"maxiter": 10000, "gtol": 1e-10})
        return np.where(free, fit.x, 0.0)

    unpenalised = pf == 0
    p0 = expit(z @ solve(0.0, unpenalised))
    gradient = np.abs(z[:, ~unpenalised].T @ (y - p0)) / (n * pf[~unpenalised] * RIDGE_ALPHA)
    lam = LAMBDA_RATIO * gradient.max()
    return CityFit(mean, std, solve(lam, np.ones(z.shape[1], bool)), float(lam))


def city_scores(data_dir: Path, cutoff: date, scored_ids: np.ndarray) -> dict[str, np.ndarray]:
    """The city's model trained on canvass inspections before ``cutoff``; scores of ``scored_ids``
    (Inspection_IDs): ``with_inspector`` uses a row's inspector group where it is known (else averages the
    groups), ``inspector_free`` averages the probability over the groups by their share of training rows."""
    rows = canvass_rows(data_dir, cutoff)
    train = (rows["date"] < pd.Timestamp(cutoff)) & rows["critical"].notna() & rows["retail_food"]
    train &= rows["inspector"].notna() & rows[list(NUMERIC)].notna().all(axis=1)
    from scipy.special import expit

    groups = sorted(rows.loc[train, "inspector"].unique())
    numeric = rows[list(NUMERIC)].astype(float)
    numeric = numeric.fillna(numeric[train].median()).fillna(0.0).to_numpy()
    dummies = np.stack([rows["inspector"].eq(g).to_numpy(float) for g in groups], axis=1)
    penalised = np.r_[np.ones(len(groups), bool), np.zeros(len(NUMERIC), bool)]
    fit = _fit(np.hstack([dummies, numeric])[train.to_numpy()], rows.loc[train, "critical"].to_numpy(int),
                         penalised)

    scored = rows.reindex(pd.Index(scored_ids).astype(str))
    where = rows.index.get_indexer(scored.index)
    base = np.hstack([np.zeros((len(scored), len(groups))), numeric[where]])
    base[where < 0, len(groups):] = np.median(numeric[train.to_numpy()], axis=0)  # rows the file lacks
    shares = rows.loc[train, "inspector"].value_counts(normalize=True).reindex(groups).to_numpy()
    by_group = np.empty((len(scored), len(groups)))
    for j in range(len(groups)):
        probe = base.copy()
        probe[:, j] = 1.0
        by_group[:, j] = expit(fit.logit(probe))
    free = by_group @ shares
    own = scored["inspector"].map({g: j for j, g in enumerate(groups)})
    known = own.notna().to_numpy()
    with_inspector = free.copy()
    with_inspector[known] = by_group[np.flatnonzero(known), own[known].to_numpy(int)]
    return {"inspector_free": free, "with_inspector": with_inspector, "inspector_known": known}
