"""Complaints: consumer (SAMR), pollution (MEE), wage arrears (HRSS); some give only an address."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .catalogue import COMPLAINT_TYPES
from .timeline import Timeline, between, to_datetime

log = logging.getLogger(__name__)

# share of complaints that name no entity, only the place (residents rarely know who runs the kitchen)
ADDRESS_ONLY = {"SAMR": 0.05, "MEE": 0.55, "HRSS": 0.15}
_CONTENT = {
    "food_safety": ["就餐后出现腹泻症状，怀疑食品不洁", "购买的食品已超过保质期", "店内卫生环境差，发现老鼠"],
    "price": ["收费未明码标价", "结账金额与标价不符", "维修后收费明显高于报价"],
    "false_advertising": ["宣传效果与实际不符", "虚假宣传产品功效"],
    "prepaid_card": ["办理预付卡后商家停业，无法退款", "预付卡余额被单方面清零"],
    "cooking_fumes": ["油烟直排，影响居民生活", "油烟净化器长期不开"],
    "noise": ["夜间施工噪声扰民", "设备噪声扰民，影响休息"],
    "odour": ["排放刺鼻异味气体", "夜间偷排废气，气味难闻"],
    "wastewater": ["向雨水管道排放污水", "污水直排河道"],
    "wage_arrears": ["拖欠员工工资", "拖欠农民工工资，多次讨要未果"],
    "social_insurance": ["未为员工缴纳社会保险", "社保缴费基数低于实际工资"],
}


def build_complaints(rng: np.random.Generator, pop: pd.DataFrame, tl: Timeline) -> pd.DataFrame:
    """Complaints whose frequency and substantiation rise as compliance falls."""
    frames = []
    lo = np.maximum(pop["reg_day"].to_numpy(), tl.start_day)
    hi = np.minimum(pop["stop_day"].to_numpy() - 1, tl.end_day)
    years = np.maximum(hi - lo + 1, 0) / 365.0
    risk = 1.0 - pop["compliance"].to_numpy()
    for agency, code, cn, rates in COMPLAINT_TYPES:
        rate = pop["industry_key"].map(rates).fillna(0.0).to_numpy()
        count = rng.poisson(rate * (0.3 + 3.0 * risk) * years)
        pos = np.repeat(np.arange(len(pop)), count)
        texts = np.array(_CONTENT[code])
        frames.append(pd.DataFrame({
            "pos": pos, "agency": agency, "category": code, "category_name": cn,
            "day": between(rng, lo[pos], hi[pos]),
            "content": texts[rng.integers(0, len(texts), size=len(pos))],
            "names_entity": rng.random(len(pos)) >= ADDRESS_ONLY[agency],
            "substantiated": rng.random(len(pos)) < 0.15 + 0.75 * risk[pos],
        }))
    out = pd.concat(frames, ignore_index=True)
    wage = out["category"].eq("wage_arrears").to_numpy()
    workers = np.where(wage, rng.integers(1, 40, size=len(out)), 0)
    amount = np.where(wage, workers * rng.integers(3, 40, size=len(out)) * 500.0, np.nan)
    out = out.assign(entity_key=pop["entity_key"].to_numpy()[out["pos"]],
                     address_key=pop["site_address_key"].to_numpy()[out["pos"]],
                     workers=pd.array(np.where(wage, workers, -1), dtype="Int64"), amount=amount)
    out.loc[~wage, "workers"] = pd.NA
    out = out.sort_values(["day", "agency", "entity_key"], ignore_index=True)
    out.insert(0, "complaint_key", np.arange(1, len(out) + 1))
    log.debug("complaints: %d", len(out))
    return pd.DataFrame({
        "complaint_key": out["complaint_key"], "agency": out["agency"],
        "received_date": to_datetime(out["day"]),
        "category": out["category"], "category_name": out["category_name"], "content": out["content"],
        "entity_key": out["entity_key"], "names_entity": out["names_entity"],
        "address_key": out["address_key"],
        "substantiated": out["substantiated"], "workers": out["workers"], "amount_owed": out["amount"],
    })
