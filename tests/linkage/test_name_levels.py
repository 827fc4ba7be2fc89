"""Company comparisons for trade names written longer or shorter, and for shops inside an airport."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from regulator.linkage import match_records
from regulator.linkage.features import terminals
from regulator.linkage.model import load_model, settings_dict
from regulator.linkage.profiles import get_profile

ENTITIES = pd.DataFrame([
    (1, "SMOKEHOUSE", "7601 S CICERO AVE"),
    (2, "Qdoba Mexican Eats #2447", "58 E RANDOLPH ST"),
    (3, "SMOKEY JOE'S GRILL", "1200 W MADISON ST"),
], columns=["entity_id", "name", "address"])


def test_a_trade_name_with_words_after_it_links_by_the_new_levels() -> None:
    """SMOKEHOUSE RESTAURANT begins with SMOKEHOUSE; QDOBA MEXICAN GRILL shares QDOBA MEXICAN EATS' first
    eight characters: both link at their premises, and the explanation names the level that decided."""
    records = pd.DataFrame([(1, "SMOKEHOUSE RESTAURANT", "7601 S CICERO AVE"),
                            (2, "QDOBA MEXICAN GRILL", "58 E RANDOLPH ST")], columns=["rid", "name", "address"])
    out = match_records(records, ENTITIES).set_index("rid")
    assert out.loc[1, "entity_id"] == 1 and out.loc[2, "entity_id"] == 2
    assert out.loc[1, "match_weights"]["name"]["level"] == "One trade name begins with the other"
    assert out.loc[2, "match_weights"]["name"]["level"] == "Trade names begin with the same eight characters"


def test_terminal_from_the_address_or_either_name() -> None:
    """T1, T-3, TERM 1, TERMINAL 2, T3航站楼; a unit or street word that merely contains a t is no terminal."""
    names = pa.array(["MCDONALD'S", "MCDONALDS", "STARBUCKS", "ARAMARK", "星巴克", "ST ELIZABETH", None])
    addresses = pa.array(["11601 W TOUHY AVE", "11601 W TOUHY AVE T-3 L", "11601 W TOUHY AVE",
                          "11601 W TOUHY AVE CONCOURSE C TERM 1", "T3航站楼", "4052 S WABASH AVE UNIT 3",
                          "11601 W TOUHY AVE TERMINAL 2"])
    other = pa.array(["MCDONALD'S  (T1-C10)", None, "STARBUCKS/T3 H-13", None, None, "ST ELIZABETH APT 2", None])
    assert terminals(addresses, names, other).to_pylist() == ["t1", "t3", "t3", "t1", "t3", None, "t2"]


def test_new_levels_render_for_spark() -> None:
    """The prefix, head and terminal levels use substr/length/least only: the Spark settings carry them."""
    spark = settings_dict(get_profile("company"), "link_only", dialect="spark", model=load_model("company"))
    levels = {lv.get("label_for_charts"): lv["sql_condition"] for c in spark["comparisons"]
              for lv in c["comparison_levels"]}
    import sqlglot

    for label in ("One trade name begins with the other", "Trade names begin with the same eight characters",
                  "Exact match on terminal"):
        sqlglot.parse_one(levels[label], read="spark")  # valid Spark SQL
    assert "substr(name_core_l, 1, length(name_core_r))" in levels["One trade name begins with the other"]
    assert "`terminal_l` = `terminal_r`" in levels["Exact match on terminal"]
