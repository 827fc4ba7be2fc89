"""Credit lists: abnormal operations (no annual report, unreachable shells) and serious illegal entities."""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from .timeline import Timeline, between, day_number, to_datetime

log = logging.getLogger(__name__)
OPEN = 10**9  # 'still listed' marker for the day an entry ends
ANNUAL_REPORT = "未按照《企业信息公示暂行条例》规定的期限公示年度报告"
UNREACHABLE = "通过登记的住所或者经营场所无法联系"
ESCALATED = "被列入经营异常名录届满3年仍未履行相关义务"
REASONS_OUT = {ANNUAL_REPORT: "补报未报年份的年度报告并公示后申请移出",
               UNREACHABLE: "依法办理住所或者经营场所变更登记后申请移出"}
SERIOUS_REASONS = {
    "SAMR": "因严重违法行为受到较重行政处罚", "MEE": "环境违法情节严重，受到较重行政处罚",
    "MEM": "发生严重安全生产违法行为", "FIRE": "存在严重消防安全违法行为", "NHC": "医疗卫生领域严重违法失信",
    "TAX": "重大税收违法失信案件", "HRSS": "拖欠农民工工资，列入失信联合惩戒对象名单",
}


def _entries(rng: np.random.Generator, pop: pd.DataFrame, hit: np.ndarray, added: np.ndarray, reason: str,
             p_out: np.ndarray, tl: Timeline) -> pd.DataFrame:
    """List entries for the hit entities, some of them later removed."""
    stop = pop["stop_day"].to_numpy()[hit]
    out_day = added + rng.integers(30, 720, size=len(added))
    removed = (rng.random(len(added)) < p_out[hit]) & (out_day <= tl.end_day) & (out_day < stop)
    return pd.DataFrame({"pos": np.flatnonzero(hit), "added_day": added, "reason": reason,
                         "removed_day": np.where(removed, out_day, -1),
                         "removed_reason": np.where(removed, REASONS_OUT[reason], "")})


def abnormal_entries(rng: np.random.Generator, pop: pd.DataFrame, tl: Timeline) -> pd.DataFrame:
    """Abnormal-operations entries by SAMR, year by year; one open entry per entity at a time."""
    n = len(pop)
    eligible = pop["etype"].isin(("company", "partnership", "branch")).to_numpy()
    reg, stop = pop["reg_day"].to_numpy(), pop["stop_day"].to_numpy()
    risk, shell = 1.0 - pop["compliance"].to_numpy(), pop["shell"].to_numpy()
    p_out = np.where(shell, 0.1, 0.2 + 0.6 * (1 - risk))
    listed_until = np.full(n, -1)
    frames = []
    for y, lo, hi in tl.years():
        july = day_number(date(y, 7, 1))
        if lo <= july <= hi:
            alive = eligible & (reg < day_number(date(y, 1, 1))) & (stop > july + 15)
            hit = alive & (rng.random(n) < 0.01 + 0.35 * risk**2 + 0.45 * shell) & (listed_until < july)
            added = july + rng.integers(0, 15, size=int(hit.sum()))
            frames.append(_entries(rng, pop, hit, added, ANNUAL_REPORT, p_out, tl))
            listed_until[hit] = np.where(frames[-1]["removed_day"] >= 0, frames[-1]["removed_day"], OPEN)
        frac = (hi - lo + 1) / 365.0
        alive = eligible & (reg <= hi) & (stop > lo)
        day = between(rng, np.maximum(lo, reg), np.minimum(hi, stop - 1))
        p = np.where(shell, 0.25, 0.004 + 0.04 * risk) * frac
        hit = alive & (rng.random(n) < p) & (listed_until < day)
        frames.append(_entries(rng, pop, hit, day[hit], UNREACHABLE, np.minimum(p_out, 0.3), tl))
        listed_until[hit] = np.where(frames[-1]["removed_day"] >= 0, frames[-1]["removed_day"], OPEN)
    out = pd.concat(frames, ignore_index=True)
    return out.assign(entity_key=pop["entity_key"].to_numpy()[out["pos"]], agency="SAMR",
                      list_type="abnormal_operations").drop(columns="pos")


def serious_entries(rng: np.random.Generator, enforcement: pd.DataFrame, tl: Timeline) -> pd.DataFrame:
    """Serious-illegal entries after a licence revocation, a second critical case in three years,
    a major tax case, or wage arrears owed to migrant workers."""
    day = enforcement["decision_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    e = enforcement.assign(day=day)
    crit = e.loc[e["severity"].eq("critical")].sort_values(["entity_key", "agency", "day"])
    gap = crit.groupby(["entity_key", "agency"])["day"].diff()
    repeat = crit.index[gap.le(3 * 365).to_numpy()]
    trigger = e["penalty_type"].eq("licence_revocation") | e.index.isin(repeat)
    trigger |= e["agency"].eq("TAX") & e["severity"].eq("critical") & e["amount"].ge(100_000)
    trigger |= e["violation_code"].eq("LD-05")
    first = e.loc[trigger].sort_values("day").drop_duplicates(["entity_key", "agency"])
    added = first["day"].to_numpy()
    repair = (rng.random(len(first)) < 0.15)
    repair_day = added + rng.integers(365, 900, size=len(first))
    expiry = added + 3 * 365
    removed = np.where(repair & (repair_day <= tl.end_day), repair_day, np.where(expiry <= tl.end_day, expiry,
                                                                                 -1))
    why = np.where(removed < 0, "", np.where(removed == repair_day, "完成信用修复，提前移出",
                                             "公示期满，移出名单"))
    return pd.DataFrame({"entity_key": first["entity_key"].to_numpy(), "agency": first["agency"].to_numpy(),
                         "list_type": "serious_illegal", "added_day": added,
                         "reason": first["agency"].map(SERIOUS_REASONS).to_numpy(), "removed_day": removed,
                         "removed_reason": why})


def build_list_entries(rng: np.random.Generator, pop: pd.DataFrame, enforcement: pd.DataFrame,
                       tl: Timeline) -> pd.DataFrame:
    """Both lists, with abnormal entries left open for three years escalated to serious illegal (SAMR)."""
    ab = abnormal_entries(rng, pop, tl)
    overdue = ab["removed_day"].lt(0) & (ab["added_day"] + 3 * 365 <= tl.end_day)
    esc = ab.loc[overdue].drop_duplicates("entity_key")
    escalated = pd.DataFrame({"entity_key": esc["entity_key"], "agency": "SAMR",
                              "list_type": "serious_illegal",
                              "added_day": esc["added_day"] + 3 * 365, "reason": ESCALATED, "removed_day": -1,
                              "removed_reason": ""})
    frames = [ab, serious_entries(rng, enforcement, tl), escalated]
    out = pd.concat(frames, ignore_index=True).sort_values(["added_day", "agency", "list_type", "entity_key"],
                                                           ignore_index=True)
    out.insert(0, "list_key", np.arange(1, len(out) + 1))
    log.debug("list entries: %d", len(out))
    return pd.DataFrame({
        "list_key": out["list_key"], "entity_key": out["entity_key"], "agency": out["agency"],
        "list_type": out["list_type"], "added_date": to_datetime(out["added_day"]), "reason": out["reason"],
        "removed_date": to_datetime(out["removed_day"]), "removed_reason": out["removed_reason"],
    })
