"""``match_records`` on small frames with known answers: decisions, candidates, explanations, new groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regulator.demo import generate_world
from regulator.linkage import LinkageSettings, match_records
from regulator.linkage.demo_frames import demo_frames

# crafted entities (ids above the demo world's keys); two namesakes for the ambiguity case
CRAFTED = pd.DataFrame([
    (900001, "深圳市华盛达贸易有限公司", "深圳市福田区华富街道深南大道1001号星河中心1201室", "福田区", "张卫东",
     "13800138000"),
    (900002, "深圳市天安云谷数码科技有限公司", "深圳市南山区粤海街道科苑路88号荣时大厦2309室", "南山区", "李娜娜",
     "0755-26543210"),
    (900003, "深圳市金凤凰餐饮管理有限公司", "深圳市罗湖区桂园街道布心路274号国金中心225号铺", "罗湖区", "王芳华",
     None),
    (900004, "深圳市金凤凰餐饮管理有限公司", "深圳市宝安区新安街道建安一路99号融润广场1102室", "宝安区", "赵立新",
     None),
    (900005, "Golden Phoenix Trading Co., Ltd.", "3352 N BROADWAY 1", None, "Virginia Dela Rosa", "(312) 555-0142"),
], columns=["entity_id", "name", "address", "district", "legal_rep", "phone"])

RECORDS = pd.DataFrame([
    # rid, name, address, legal_rep, phone, alt_name
    (1, "华盛达贸易有限责任公司", "福田区深南大道１００１号星河中心1201", None, None, None),
             # variants -> link 900001
    (2, "深圳市华胜达贸易有限公司", "深圳市福田区深南大道1001号星河中心1201室", "张卫东", "13800138000", None),  # typo
    (3, "天安云谷数码科技（深圳）有限公司", None, "李娜娜", None, None),                            # name + rep -> link
    (4, "深圳市金凤凰餐饮管理有限公司", None, None, None, None),                                 # two namesakes
    (5, "深圳市从未登记过的新公司有限公司", "深圳市龙华区民治街道人民路1号新楼101室", "陈新", None, None),     # new
    (6, "从未登记过的新公司有限责任公司", "龙华区人民路1号新楼101", "陈新", None, None),               # same new entity
    (7, "深圳市另一家全新企业有限公司", "深圳市坪山区坑梓街道龙兴北路500号新厦3301室", None, None, None),  # another new
    (8, "GOLDEN PHOENIX TRADING CO LTD", "3352 N Broadway", None, None, None),                  # English variant
    (9, "Seven Star Foods", "3352 N BROADWAY", None, None, "Golden Phoenix Trading Company Limited"),  # alt name
], columns=["rid", "name", "address", "legal_rep", "phone", "alt_name"])


@pytest.fixture(scope="module")
def entities() -> pd.DataFrame:
    """A small demo city's entity rows plus the crafted ones."""
    background = demo_frames(generate_world(n_entities=400, seed=5)).entities
    return pd.concat([background, CRAFTED], ignore_index=True)


@pytest.fixture(scope="module")
def decisions(entities: pd.DataFrame) -> pd.DataFrame:
    """One run of the default settings over every crafted record."""
    return match_records(RECORDS, entities).set_index("rid")


def test_contract_columns_types_and_order(decisions: pd.DataFrame) -> None:
    """One row per record in input order, with the agreed columns and dtypes."""
    out = decisions.reset_index()
    assert list(out.columns) == ["rid", "entity_id", "probability", "decision", "new_group", "match_weights"]
    assert out["rid"].tolist() == RECORDS["rid"].tolist()
    assert str(out["entity_id"].dtype) == "Int64" and str(out["new_group"].dtype) == "Int64"
    assert set(out["decision"]) <= {"link", "review", "new"}
    assert out["probability"].between(0, 1).all()


def test_variants_and_typos_link(decisions: pd.DataFrame) -> None:
    """Suffix, region, width and unit variants, and a one-character typo with agreeing details, link."""
    for rid in (1, 2, 3):
        assert decisions.loc[rid, "decision"] == "link", decisions.loc[rid].to_dict()
    assert decisions.loc[[1, 2], "entity_id"].tolist() == [900001, 900001]
    assert decisions.loc[3, "entity_id"] == 900002
    assert decisions.loc[1, "probability"] >= 0.9 and pd.isna(decisions.loc[1, "new_group"])


def test_english_names_and_alternative_names_link(decisions: pd.DataFrame) -> None:
    """Co./Ltd spellings fold; a record also known by the entity's name links through ``alt_name``."""
    assert decisions.loc[8, ["decision", "entity_id"]].tolist() == ["link", 900005]
    assert decisions.loc[9, ["decision", "entity_id"]].tolist() == ["link", 900005]


def test_namesakes_go_to_review_not_link(decisions: pd.DataFrame) -> None:
    """A bare name shared by two registered entities is not linked to either: a coordinator decides."""
    assert decisions.loc[4, "decision"] == "review"
    assert decisions.loc[4, "entity_id"] in (900003, 900004)


def test_unknown_entities_are_new_and_grouped(decisions: pd.DataFrame) -> None:
    """Records of an unregistered business share one new group; another new business gets its own."""
    assert decisions.loc[[5, 6, 7], "decision"].tolist() == ["new", "new", "new"]
    assert decisions.loc[[5, 6, 7], "entity_id"].isna().all()
    assert decisions.loc[5, "new_group"] == decisions.loc[6, "new_group"] == 5
    assert decisions.loc[7, "new_group"] == 7


def test_match_weights_explain_each_field(decisions: pd.DataFrame) -> None:
    """A candidate carries per-field levels and weights; agreeing name and address weigh for the match."""
    weights = decisions.loc[2, "match_weights"]
    assert {"prior", "name", "place", "legal_rep", "phone"} <= set(weights)
    assert weights["name"]["level"].startswith("name similar") and weights["name"]["weight"] > 0
    assert weights["phone"]["level"] == "Exact match on phone_norm" and weights["phone"]["weight"] > 5
    assert decisions.loc[5, "match_weights"] is None


def test_thresholds_decide(entities: pd.DataFrame) -> None:
    """The same candidate is linked, reviewed or new depending on where the thresholds lie."""
    record = RECORDS[RECORDS["rid"] == 4]
    probability = match_records(record, entities)["probability"].iloc[0]
    high = match_records(record, entities, LinkageSettings(upper=0.999, lower=min(0.99, probability + 0.001)))
    assert high["decision"].iloc[0] == "new" and pd.isna(high["entity_id"].iloc[0])
    low = match_records(record, entities, LinkageSettings(upper=max(0.01, probability - 0.001),
                                                         lower=max(0.001, probability - 0.002), ambiguity_margin=0))
    assert low["decision"].iloc[0] == "link"


def test_same_input_same_output(entities: pd.DataFrame, decisions: pd.DataFrame) -> None:
    """Matching is deterministic."""
    again = match_records(RECORDS, entities).set_index("rid")
    pd.testing.assert_frame_equal(again.drop(columns="match_weights"), decisions.drop(columns="match_weights"))


def test_no_entities_yet_everything_is_new_and_deduplicated() -> None:
    """The first batch of a fresh platform: all new, duplicates grouped."""
    out = match_records(RECORDS.iloc[4:7], pd.DataFrame(columns=["entity_id", "name"]))
    assert out["decision"].tolist() == ["new"] * 3
    assert out["new_group"].tolist() == [5, 5, 7]


def test_empty_batch() -> None:
    """No records, no rows (and no error)."""
    out = match_records(RECORDS.iloc[:0], CRAFTED)
    assert out.empty and list(out.columns)[:2] == ["rid", "entity_id"]


@pytest.mark.parametrize(("records", "message"), [
    (RECORDS.drop(columns="rid"), "required column 'rid' is missing"),
    (RECORDS.assign(rid=[1, 1, 2, 3, 4, 5, 6, 7, 8]), "'rid' must be unique; repeated values [1]"),
    (RECORDS.assign(rid=["a"] + list(range(2, 10))), "column 'rid' must hold integers; rows [0]"),
])
def test_bad_input_says_what_and_where(records: pd.DataFrame, message: str) -> None:
    """Missing, repeated or non-integer keys are refused with the column and rows named."""
    with pytest.raises(ValueError, match=pytest.importorskip("re").escape(message)):
        match_records(records, CRAFTED)


def test_dates_pick_the_entity_valid_at_the_time() -> None:
    """Of two identical licences of one shop, the record dated inside the later term goes to the later one."""
    from regulator.linkage.model import load_model

    model = load_model("company")
    trained = {**model.splink, "comparisons": [dict(c) for c in model.splink["comparisons"]]}
    for comparison in trained["comparisons"]:
        if comparison["output_column_name"] == "period":
            levels = [dict(level) for level in comparison["comparison_levels"]]
            for level, (m, u) in zip(levels[1:], [(0.9, 0.4), (0.07, 0.2), (0.03, 0.4)], strict=True):
                level.update(m_probability=m, u_probability=u)
            comparison["comparison_levels"] = levels
    dated = type(model)(model.profile, trained, model.match_rate, model.meta)
    shop = {"name": "Seven Star Foods", "address": "3352 N BROADWAY 1"}
    entities = pd.DataFrame([{**shop, "entity_id": 11, "valid_from": "2011-04-16", "valid_to": "2013-04-15"},
                             {**shop, "entity_id": 12, "valid_from": "2013-04-16", "valid_to": "2015-04-15"}])
    records = pd.DataFrame([{**shop, "rid": 1, "record_date": "2012-06-01"},
                            {**shop, "rid": 2, "record_date": "2014-02-03"}])
    out = match_records(records, entities, LinkageSettings(model=dated, ambiguity_margin=0))
    assert out["entity_id"].tolist() == [11, 12]
    assert np.all(out["probability"] > 0.5)


def test_newest_licence_in_force_wins_a_tie_and_an_undated_tie_goes_to_review() -> None:
    """Two licences of one shop both in force: the one taken out last is the business now; without dates
    the two are a tie and go to review."""
    shop = {"name": "Seven Star Foods", "address": "3352 N BROADWAY"}
    entities = pd.DataFrame([{**shop, "entity_id": 11, "valid_from": "2011-04-16", "valid_to": "2015-04-15"},
                             {**shop, "entity_id": 12, "valid_from": "2013-04-16", "valid_to": "2015-04-15"}])
    record = pd.DataFrame([{**shop, "rid": 1, "record_date": "2014-02-03"}])
    settings = LinkageSettings(upper=0.5, lower=0.3)
    dated = match_records(record, entities, settings)
    assert dated[["entity_id", "decision"]].values.tolist() == [[12, "link"]]
    undated = match_records(record.drop(columns="record_date"), entities.drop(columns=["valid_from", "valid_to"]),
                            settings)
    assert undated["decision"].tolist() == ["review"]
