"""The vectorised text rules (Arrow) give what the scalar rules in ``regulator.text`` give, value by value."""

from __future__ import annotations

import pyarrow as pa
import pytest

from regulator.demo import generate_world
from regulator.linkage import textvec
from regulator.linkage.demo_frames import demo_frames
from regulator.text import normalise_person_name, parse_address, parse_company_name

from .conftest import shared_data

CURATED_NAMES = [
    "深圳市华盛达贸易有限公司", "华盛达贸易（深圳）有限公司", "深 圳市华盛达贸易有限责任公司",
    "广东省深圳市华盛达股份有限公司",
    "深圳市福田区王记小吃店（个体工商户）", "深圳市凯创投资合伙企业（有限合伙）",
    "深圳市腾美雅信息技术有限责任公司华富分公司",
    "KEVIN'S HAMBURGER HEAVEN", "THE BANANA LEAF", "PANERA, LLC", "Acme Trading Company Limited",
    "Ａｃｍｅ Trading Co. Ltd",
    "JEWEL FOOD STORE #3344", "某某（微信）科技有限公司", "华盛达贸易市场有限公司", "",
]
CURATED_ADDRESSES = [
    "3352 N BROADWAY   1", "1050  -01052 W ARGYLE ST 1ST", "401-409 N MILWAUKEE AVE 1 & BSMT", "714 N WELLS 1ST",
    "3025 W DIVERSEY AVE 2 CHICAGO, IL 60647", "200 N JEFFERSON STE1",
    "11601 W TOUHY AVE  H/K CONC", "3202 N BROADWAY  FIRST",
    "深圳市光明区新湖街道光明大道385号华技工业区2603室", "南山区科苑路２４０号荣时大厦239号铺",
    "龙岗大道67号嘉凰广场7座6楼",
    "福田区深南大道１００号，Ａ座", "",
]


def _scalar_name(value: str) -> tuple[str | None, str | None]:
    parsed = parse_company_name(value)
    norm = parsed.norm.replace(" ", "") or None
    return norm, parsed.core.replace(" ", "") or norm


def _scalar_address(value: str) -> tuple:
    parsed = parse_address(value)
    squash = lambda text: text.replace(" ", "") or None  # noqa: E731
    return (squash(parsed.norm), squash(parsed.site), squash(parsed.unit), parsed.number_lo, parsed.number_hi)


def _vector_names(values: list[str]) -> list[tuple]:
    out = textvec.company_names(pa.array(values, pa.string()))
    return list(zip(out["norm"].to_pylist(), out["core"].to_pylist(), strict=True))


def _vector_addresses(values: list[str]) -> list[tuple]:
    out = textvec.addresses(pa.array(values, pa.string()))
    lo = [None if v is None else int(v) for v in out["lo"].to_pylist()]
    hi = [None if v is None else int(v) for v in out["hi"].to_pylist()]
    return list(zip(out["norm"].to_pylist(), out["site"].to_pylist(), out["unit"].to_pylist(), lo, hi, strict=True))


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str], list[str]]:
    """Every name, address and representative variant the demo world's agencies write."""
    frames = demo_frames(generate_world(n_entities=600, seed=21))
    rows = [frames.entities, frames.records]
    names = sorted({v for f in rows for v in f["name"].dropna().astype(str)})
    addresses = sorted({v for f in rows for v in f["address"].dropna().astype(str)})
    people = sorted({v for f in rows for v in f["legal_rep"].dropna().astype(str)})
    return names, addresses, people


def test_curated_names_agree() -> None:
    """Hand-picked hard cases give identical canonical names and trade names."""
    assert _vector_names(CURATED_NAMES) == [_scalar_name(v) for v in CURATED_NAMES]


def test_curated_addresses_agree() -> None:
    """Hand-picked hard cases give identical premises, units and number ranges."""
    assert _vector_addresses(CURATED_ADDRESSES) == [_scalar_address(v) for v in CURATED_ADDRESSES]


def test_demo_world_variants_agree(corpus) -> None:  # noqa: ANN001
    """Every variant in the demo world's files normalises the same both ways."""
    names, addresses, people = corpus
    name_diff = [(v, a, b) for v, a, b in zip(names, _vector_names(names), map(_scalar_name, names), strict=True)
                 if a != b]
    addr_diff = [(v, a, b) for v, a, b in zip(addresses, _vector_addresses(addresses),
                                              map(_scalar_address, addresses), strict=True) if a != b]
    vec_people = textvec.person_names(pa.array(people, pa.string())).to_pylist()
    people_diff = [(v, a) for v, a in zip(people, vec_people, strict=True) if a != (normalise_person_name(v) or None)]
    assert len(names) > 800 and len(addresses) > 800
    assert not name_diff, name_diff[:5]
    assert not addr_diff, addr_diff[:5]
    assert not people_diff, people_diff[:5]


def test_chicago_names_and_addresses_agree() -> None:
    """Every name and address of the Chicago files normalises the same both ways."""
    import pandas as pd

    chicago = shared_data("chicago")
    licences = pd.read_csv(chicago / "business_licenses.csv.gz", usecols=["DOING_BUSINESS_AS_NAME", "ADDRESS"])
    inspections = pd.read_csv(chicago / "food_inspections.csv.gz", usecols=["DBA_Name", "Address"])
    names = sorted(set(licences["DOING_BUSINESS_AS_NAME"].dropna()) | set(inspections["DBA_Name"].dropna()))
    addresses = sorted(set(licences["ADDRESS"].dropna()) | set(inspections["Address"].dropna()))
    assert _vector_names(names) == [_scalar_name(v) for v in names]
    assert _vector_addresses(addresses) == [_scalar_address(v) for v in addresses]
