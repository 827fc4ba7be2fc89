"""Vectorised Chinese names: persons, companies, sole traders, branches and street addresses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import join, zfill
from .vocab import (
    BUILDING_KINDS,
    BUILDING_WORDS,
    CHINESE_DIGITS,
    CITY,
    CITY_SHORT,
    DISTRICTS,
    GIVEN_FEMALE,
    GIVEN_MALE,
    INDUSTRIES,
    SECRETARY_FIRMS,
    SURNAME_WEIGHTS,
    SURNAMES,
    TRADE_CHARS,
)

_SURNAMES = np.array(SURNAMES)
_SURNAME_P = np.array(SURNAME_WEIGHTS) / sum(SURNAME_WEIGHTS)
_TRADE = np.array(TRADE_CHARS)
DISTRICT_NAMES = DISTRICTS["district"].to_numpy().astype(str)
DISTRICT_SHORT = np.array([d.removesuffix("新区").removesuffix("区") for d in DISTRICT_NAMES])


def choice(rng: np.random.Generator, options: list[str] | np.ndarray, size: int, p=None) -> np.ndarray:
    """Draw ``size`` strings from ``options`` (optionally weighted) as a unicode array."""
    return np.asarray(options).astype(str)[rng.choice(len(options), size=size, p=p)]


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """Surnames drawn by their frequency in the population."""
    return _SURNAMES[rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P)]


def person_names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Full names: a surname and one or two given-name characters matching the sex."""
    n = len(male)
    first = np.where(male, choice(rng, GIVEN_MALE, n), choice(rng, GIVEN_FEMALE, n))
    second = np.where(male, choice(rng, GIVEN_MALE, n), choice(rng, GIVEN_FEMALE, n))
    second = np.where(rng.random(n) < 0.7, second, "")
    return join(surnames(rng, n), first, second)


def trade_names(rng: np.random.Generator, n: int, three: float = 0.25) -> np.ndarray:
    """Shop-sign trade names (字号) of two or three auspicious characters."""
    idx = rng.integers(0, len(_TRADE), size=(n, 3))
    idx[:, 1] = (idx[:, 0] + 1 + rng.integers(0, len(_TRADE) - 1, size=n)) % len(_TRADE)
    third = np.where(rng.random(n) < three, _TRADE[idx[:, 2]], "")
    return join(_TRADE[idx[:, 0]], _TRADE[idx[:, 1]], third)


def _by_industry(rng: np.random.Generator, industry: np.ndarray, column: str) -> np.ndarray:
    out = np.full(len(industry), "", dtype=object)
    for i, words in enumerate(INDUSTRIES[column]):
        mask = industry == i
        if mask.any() and words:
            out[mask] = choice(rng, words, int(mask.sum()))
    return out.astype(str)


def company_names(rng: np.random.Generator, trade: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """Company names: region prefix (or region in brackets) + trade name + industry word + suffix."""
    n = len(industry)
    word = _by_industry(rng, industry, "company_words")
    suffix = choice(rng, ["有限公司", "股份有限公司", "有限责任公司"], n, p=[0.85, 0.04, 0.11])
    style = rng.choice(4, size=n, p=[0.65, 0.15, 0.10, 0.10])
    prefix = np.where(style == 0, CITY, np.where(style == 2, CITY_SHORT, ""))
    bracket = np.where(style == 1, f"（{CITY_SHORT}）", "")
    return join(prefix, trade, word, bracket, suffix)


def partnership_names(rng: np.random.Generator, trade: np.ndarray, _unused: object = None) -> np.ndarray:
    """Limited partnerships, typically shareholding platforms: 深圳市…投资合伙企业（有限合伙）."""
    n = len(trade)
    word = choice(rng, ["投资", "创业投资", "企业管理咨询", "股权投资"], n)
    return join(choice(rng, [CITY, CITY_SHORT], n, p=[0.8, 0.2]), trade, word, "合伙企业（有限合伙）")


def sole_trader_names(rng: np.random.Generator, industry: np.ndarray, district: np.ndarray) -> np.ndarray:
    """Sole traders (个体工商户): 深圳市南山区张记小吃店, 老王烧腊店, 福满多便利店 …"""
    n = len(industry)
    shop = _by_industry(rng, industry, "shop_words")
    sur = surnames(rng, n)
    kind = rng.choice(3, size=n, p=[0.35, 0.15, 0.5])
    core = np.where(kind == 0, join(sur, "记"), np.where(kind == 1, join("老", sur), trade_names(rng, n,
                                                                                               0.1)))
    region = rng.choice(3, size=n, p=[0.6, 0.1, 0.3])
    prefix = np.where(region == 0, join(CITY, DISTRICT_NAMES[district]),
                      np.where(region == 1, DISTRICT_NAMES[district], ""))
    tail = np.where(rng.random(n) < 0.25, "（个体工商户）", "")
    return join(prefix, core, shop, tail)


def cooperative_names(rng: np.random.Generator, trade: np.ndarray, district: np.ndarray) -> np.ndarray:
    """Farmers' cooperatives (department 9, type 3): 深圳市…果蔬专业合作社."""
    word = choice(rng, ["果蔬", "农产品", "水产", "花卉"], len(trade))
    return join(CITY, DISTRICT_SHORT[district], trade, word, "专业合作社")


def collective_names(rng: np.random.Generator, trade: np.ndarray, district: np.ndarray) -> np.ndarray:
    """Village collectives registered by the agriculture department (letter department N)."""
    del rng
    return join(CITY, DISTRICT_NAMES[district], trade, "股份合作公司")


def branch_names(parent: np.ndarray, street: np.ndarray, chain: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Branch names: the parent's name + 南山分公司 / 华强北分店 / 华强北第二分店."""
    kind = np.where(chain, "分店", "分公司")
    nth = np.where(order > 0, join("第", _numerals(order + 1)), "")
    return join(parent, street, nth, kind)


def _numerals(k: np.ndarray) -> np.ndarray:
    """Chinese numerals for 1..99 (一, 十二, 二十三)."""
    tens, ones = k // 10, k % 10
    d = np.array(list(CHINESE_DIGITS))
    ten = np.where(tens == 0, "", np.where(tens == 1, "十", join(d[tens], "十")))
    return join(ten, np.where((ones == 0) & (tens > 0), "", d[ones]))


def addresses(rng: np.random.Generator, district: np.ndarray, kind: np.ndarray) -> pd.DataFrame:
    """Street addresses (district, street, road, number, building, unit) with coordinates.

    ``kind``: 0 office, 1 shop, 2 factory or warehouse.
    """
    n = len(district)
    street = np.empty(n, dtype=object)
    road = np.empty(n, dtype=object)
    for i, row in DISTRICTS.iterrows():
        mask = district == i
        if mask.any():
            m = int(mask.sum())
            street[mask] = choice(rng, row["streets"], m)
            road[mask] = choice(rng, row["roads"], m)
    building = join(choice(rng, BUILDING_WORDS, n), choice(rng, BUILDING_WORDS, n))
    bkind = choice(rng, BUILDING_KINDS, n)
    number = rng.integers(1, 400, size=n).astype(str)
    floor = rng.integers(1, 33, size=n)
    room = join(floor.astype(str), zfill(rng.integers(1, 20, size=n).astype(str), 2), "室")
    shop = join(rng.integers(1, 4, size=n).astype(str), zfill(rng.integers(1, 40, size=n).astype(str), 2),
                "号铺")
    factory = join(rng.integers(1, 12, size=n).astype(str), "栋", np.minimum(floor, 6).astype(str), "楼")
    unit = np.where(kind == 0, room, np.where(kind == 1, shop, factory))
    street_s = street.astype(str)
    text = join(CITY, DISTRICT_NAMES[district], street_s, "街道", road.astype(str), number, "号", building,
                bkind, unit)
    lat = DISTRICTS["lat"].to_numpy()[district] + rng.normal(0, 0.018, n)
    lon = DISTRICTS["lon"].to_numpy()[district] + rng.normal(0, 0.025, n)
    return pd.DataFrame({"address": text, "district": DISTRICT_NAMES[district], "street": street_s,
                         "lat": lat.round(6), "lon": lon.round(6)})


def secretary_addresses(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Registered addresses of commercial-secretary firms in Qianhai, home to many shell companies."""
    firm = choice(rng, SECRETARY_FIRMS, n)
    room = join("前湾一路1号A栋", rng.integers(101, 240, size=n).astype(str), "室（入驻", firm, "）")
    text = join(CITY, "前海深港合作区", room)
    lat = 22.5270 + rng.normal(0, 0.0005, n)
    lon = 113.8990 + rng.normal(0, 0.0005, n)
    return pd.DataFrame({"address": text, "district": "南山区", "street": "南山", "lat": lat.round(6),
                         "lon": lon.round(6)})
