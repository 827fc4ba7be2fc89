"""Inspections by every agency over time: who is picked, why, with what probability, and what is found."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .catalogue import PLANS, AgencyPlan
from .names import person_names
from .outcomes import draw_findings
from .timeline import Timeline, between, to_datetime
from .vocab import DISTRICTS, HIGH_RISK_INDUSTRIES

log = logging.getLogger(__name__)
_TYPE_OF_REASON = {"random_draw": "routine", "risk_ranking": "routine", "complaint": "complaint",
                   "follow_up": "follow_up", "licence": "licence"}


def population(entities: pd.DataFrame, z: np.ndarray, reg_day: np.ndarray, status_day: np.ndarray,
               tl: Timeline) -> pd.DataFrame:
    """The per-entity facts that drive records: type, industry, hidden compliance, active period."""
    region = DISTRICTS.set_index("district")["region_code"]
    return pd.DataFrame({
        "entity_key": entities["entity_key"].to_numpy(),
        "uscc": entities["uscc"].to_numpy(),
        "etype": entities["entity_type"].to_numpy(),
        "industry_key": entities["industry_key"].to_numpy(),
        "z": z,
        "compliance": 1.0 / (1.0 + np.exp(-z)),
        "reg_day": reg_day,
        "stop_day": np.where(status_day >= 0, status_day, tl.end_day + 1),
        "region": entities["district"].map(region).to_numpy(),
        "shell": entities["shell_cluster"].to_numpy() >= 0,
    })


def _inspectors(rng: np.random.Generator) -> pd.DataFrame:
    """Per-agency pools of named inspectors with badge numbers."""
    frames = []
    for code, plan in PLANS.items():
        names = person_names(rng, rng.random(plan.inspectors) < 0.7)
        badges = [f"{code}{i:03d}" for i in range(1, plan.inspectors + 1)]
        frames.append(pd.DataFrame({"agency": code, "badge": badges, "name": names}))
    return pd.concat(frames, ignore_index=True)


def _planned(rng: np.random.Generator, pop: pd.DataFrame, plan: AgencyPlan, tl: Timeline) -> pd.DataFrame:
    """Random draws, risk-ranked picks and special campaigns of one agency, year by year."""
    ok = pop["etype"].isin(plan.entity_types).to_numpy().copy()
    if plan.industries is not None:
        ok &= pop["industry_key"].isin(plan.industries).to_numpy()
    pos = np.flatnonzero(ok)
    high = pop["industry_key"].isin(HIGH_RISK_INDUSTRIES).to_numpy()[pos]
    reg, stop, z = (pop[c].to_numpy()[pos] for c in ("reg_day", "stop_day", "z"))
    special = pop["industry_key"].isin(plan.special[0]).to_numpy()[pos] if plan.special else None
    frames = []
    for _, lo, hi in tl.years():
        frac = (hi - lo + 1) / 365.0
        active = (reg <= hi) & (stop > lo)
        p_rand = np.where(high, plan.random_rate[0], plan.random_rate[1]) * frac
        picked = [("random_draw", "routine", active & (rng.random(len(pos)) < p_rand), p_rand)]
        score = -z + rng.normal(0.0, 1.0, len(pos))  # the agency's imperfect view of risk
        if plan.ranking_probability_known:
            w = np.exp(0.9 * score)
            p_rank = np.minimum(0.9,
                                plan.ranking_rate * frac * w / w[active].mean()) if active.any() else w * 0
            picked.append(("risk_ranking", "routine", active & (rng.random(len(pos)) < p_rank), p_rank))
        else:
            k = int(round(plan.ranking_rate * frac * active.sum()))
            top = np.zeros(len(pos), dtype=bool)
            if k:
                top[np.argsort(np.where(active, -score, np.inf), kind="stable")[:k]] = True
            picked.append(("risk_ranking", "routine", top, np.full(len(pos), np.nan)))
        if special is not None:
            p_sp = np.full(len(pos), plan.special[1])
            picked.append(("risk_ranking", "special", active & special & (rng.random(len(pos)) < p_sp), p_sp))
        for reason, itype, mask, prob in picked:
            lo_d, hi_d = np.maximum(reg[mask], lo), np.minimum(stop[mask] - 1, hi)
            frames.append(pd.DataFrame({"pos": pos[mask], "day": between(rng, lo_d, hi_d), "reason": reason,
                                        "itype": itype, "prob": prob[mask].round(4)}))
    out = pd.concat(frames, ignore_index=True)
    return out.assign(agency=plan.code)


def _triggered(rng: np.random.Generator, pop: pd.DataFrame, licences: pd.DataFrame, complaints: pd.DataFrame,
               tl: Timeline) -> pd.DataFrame:
    """Inspections triggered by a complaint naming the entity, or by a licence application."""
    pos_of = pd.Series(np.arange(len(pop)), index=pop["entity_key"].to_numpy())
    c = complaints.loc[rng.random(len(complaints)) < 0.6]
    c_day = c["received_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    frames = [pd.DataFrame({"pos": pos_of.loc[c["entity_key"].to_numpy()].to_numpy(),
                            "day": c_day + rng.integers(2, 30, size=len(c)), "reason": "complaint",
                            "itype": "complaint", "prob": np.nan, "agency": c["agency"].to_numpy(),
                            "complaint_key": c["complaint_key"].to_numpy()})]
    inspecting = [k for k, p in PLANS.items() if p.licence_inspections]
    lic = licences.loc[licences["agency"].isin(inspecting) & (rng.random(len(licences)) < 0.8)]
    issue = lic["issue_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    frames.append(pd.DataFrame({"pos": pos_of.loc[lic["entity_key"].to_numpy()].to_numpy(),
                                "day": issue - rng.integers(3, 25, size=len(lic)), "reason": "licence",
                                "itype": "licence", "prob": np.nan, "agency": lic["agency"].to_numpy(),
                                "licence_key": lic["licence_key"].to_numpy()}))
    out = pd.concat(frames, ignore_index=True)
    reg, stop = pop["reg_day"].to_numpy()[out["pos"]], pop["stop_day"].to_numpy()[out["pos"]]
    day = out["day"].to_numpy()
    return out.loc[(day >= tl.start_day) & (day <= tl.end_day) & (day >= reg) & (day < stop)]


def _with_findings(rng: np.random.Generator, pop: pd.DataFrame, insp: pd.DataFrame,
                   factor: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Attach results and found violations to a batch of inspections."""
    insp = insp.reset_index(drop=True)
    facts = pd.DataFrame({"agency": insp["agency"].to_numpy(),
                          "industry_key": pop["industry_key"].to_numpy()[insp["pos"]],
                          "compliance": pop["compliance"].to_numpy()[insp["pos"]], "factor": factor})
    viol, res = draw_findings(rng, facts)
    return pd.concat([insp, res], axis=1), viol


def build_inspections(rng: np.random.Generator, pop: pd.DataFrame, licences: pd.DataFrame,
                      complaints: pd.DataFrame, tl: Timeline) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                       pd.DataFrame]:
    """All inspections with selection reason and probability, results, inspectors; plus violations found."""
    inspectors = _inspectors(rng)
    first = pd.concat([_planned(rng, pop, plan, tl) for plan in PLANS.values()]
                      + [_triggered(rng, pop, licences, complaints, tl)], ignore_index=True)
    first = first.drop_duplicates(["pos", "agency", "day"], ignore_index=True)
    batch, viol = _with_findings(rng, pop, first, 1.0)
    batches, viols, offset = [batch], [viol], 0
    for round_ in range(2):  # follow-ups of failed inspections, and of failed follow-ups
        p_follow = 0.8 if round_ == 0 else 0.5
        failed = batch.loc[batch["result"].eq("fail") & (rng.random(len(batch)) < p_follow)]
        day = failed["day"].to_numpy() + rng.integers(15, 90, size=len(failed))
        stop = pop["stop_day"].to_numpy()[failed["pos"]]
        keep = (day <= tl.end_day) & (day < stop)
        nxt = pd.DataFrame({"pos": failed["pos"].to_numpy()[keep], "day": day[keep], "reason": "follow_up",
                            "itype": "follow_up", "prob": np.nan, "agency": failed["agency"].to_numpy()[keep],
                            "previous": failed.index.to_numpy()[keep] + offset})
        offset += len(batch)
        batch, viol = _with_findings(rng, pop, nxt, 0.4)
        viol["row"] += offset
        batches.append(batch)
        viols.append(viol)
    return _finalise(rng, pop, batches, viols, inspectors)


def _finalise(rng: np.random.Generator, pop: pd.DataFrame, batches: list[pd.DataFrame],
              viols: list[pd.DataFrame],
              inspectors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Number inspections in date order, map previous-inspection links, attach inspectors."""
    allin = pd.concat(batches, ignore_index=True)
    allin["entity_key"] = pop["entity_key"].to_numpy()[allin["pos"]]
    order = np.lexsort((allin["entity_key"].to_numpy(), allin["agency"].to_numpy(), allin["day"].to_numpy()))
    key = np.empty(len(allin), dtype=np.int64)
    key[order] = np.arange(1, len(allin) + 1)
    prev = allin["previous"].to_numpy() if "previous" in allin else np.full(len(allin), np.nan)
    prev_key = np.where(np.isnan(prev), -1, key[np.nan_to_num(prev, nan=0).astype(np.int64)])
    pool = inspectors.groupby("agency")["name"].agg(list)
    size = pool.map(len).reindex(allin["agency"]).to_numpy()
    i1 = (rng.random(len(allin)) * size).astype(np.int64)
    i2 = (i1 + 1 + (rng.random(len(allin)) * (size - 1)).astype(np.int64)) % size
    names = {a: np.array(v) for a, v in pool.items()}
    agency = allin["agency"].to_numpy()
    n1, n2 = np.empty(len(allin), dtype=object), np.empty(len(allin), dtype=object)
    for a, arr in names.items():
        m = agency == a
        n1[m], n2[m] = arr[i1[m]], arr[i2[m]]
    insp = pd.DataFrame({
        "inspection_key": key, "entity_key": allin["entity_key"].to_numpy(), "agency": agency,
        "inspection_date": to_datetime(allin["day"]).to_numpy(), "inspection_type": allin["itype"].to_numpy(),
        "selection_reason": allin["reason"].to_numpy(), "selection_probability": allin["prob"].to_numpy(),
        "result": allin["result"].to_numpy(), "inspector_1": n1.astype(str), "inspector_2": n2.astype(str),
        "n_violations": allin["n_violations"].to_numpy(), "serious_found": allin["serious_found"].to_numpy(),
        "previous_inspection_key": pd.array(np.where(prev_key > 0, prev_key, pd.NA), dtype="Int64"),
        "complaint_key": pd.array(allin.get("complaint_key", pd.Series(np.nan, index=allin.index)),
                                  dtype="Int64"),
        "licence_key": pd.array(allin.get("licence_key", pd.Series(np.nan, index=allin.index)),
                                dtype="Int64"),
    }).sort_values("inspection_key", ignore_index=True)
    v = pd.concat(viols, ignore_index=True)
    v_key = key[v["row"].to_numpy()]
    viol = pd.DataFrame({"inspection_key": v_key, "entity_key": allin["entity_key"].to_numpy()[v["row"]],
                         "agency": agency[v["row"]], "code": v["code"].to_numpy(),
                         "description": v["description"].to_numpy(), "severity": v["severity"].to_numpy(),
                         "legal_basis": v["legal_basis"].to_numpy(),
                         "inspection_date": to_datetime(allin["day"].to_numpy()[v["row"]]).to_numpy()})
    viol = viol.sort_values(["inspection_key", "code"], ignore_index=True)
    viol.insert(0, "violation_key", np.arange(1, len(viol) + 1))
    log.debug("inspections: %d, violations: %d", len(insp), len(viol))
    return insp, viol, inspectors
