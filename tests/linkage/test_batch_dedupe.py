"""The unlinked records of one batch that are one new business become one entity, however small the batch: the
repeats of a business are one holder of its name and address, not a sign that the name is common."""

from __future__ import annotations

import pandas as pd
import pytest

from regulator.demo import generate_world
from regulator.linkage import match_records
from regulator.linkage.demo_frames import demo_frames
from regulator.linkage.entity_rows import COLUMNS, EntityRows

NAME, ADDRESS = "深圳市南山区鹏程新兴餐饮管理有限公司", "深圳市南山区科技园南路88号"
CHAIN = "深圳市美宜佳便利店"


@pytest.fixture(scope="module")
def known() -> pd.DataFrame:
    entities = demo_frames(generate_world(n_entities=1500, seed=11)).entities
    outlets = pd.DataFrame({"entity_id": range(900_000, 900_040), "name": [CHAIN] * 40,
                            "address": [f"深圳市福田区福华路{n}号" for n in range(1, 41)], "district": ["福田区"] * 40})
    return pd.concat([entities, outlets], ignore_index=True)


def _repeats(k: int) -> pd.DataFrame:
    return pd.DataFrame({"rid": range(k), "name": [NAME] * k, "address": [ADDRESS] * k, "district": ["南山区"] * k})


@pytest.mark.parametrize("k", [2, 3, 10])
def test_repeats_of_one_new_business_are_one_entity(known: pd.DataFrame, k: int) -> None:
    for entities in (known.iloc[0:0], known.iloc[:300], known):
        decided = match_records(_repeats(k), entities)
        assert (decided["decision"] == "new").all() and decided["new_group"].nunique() == 1, (k, len(entities))
    rows = EntityRows()
    rows.extend([tuple(r.get(c) for c in COLUMNS) for r in known.to_dict("records")])
    decided = match_records(_repeats(k), rows)  # the importer's kept index counts holders as it goes
    assert decided["new_group"].nunique() == 1


def test_new_outlets_of_a_common_name_stay_apart(known: pd.DataFrame) -> None:
    """A name that forty known businesses trade under says little: two new outlets elsewhere stay two, while
    the repeats of one business in the same batch still group."""
    batch = pd.DataFrame({"rid": range(4), "name": [CHAIN] * 2 + [NAME] * 2,
                          "address": ["深圳市龙岗区布吉街道吉华路300号", "深圳市宝安区新安街道宝民一路7号",
                                      ADDRESS, ADDRESS],
                          "district": ["龙岗区", "宝安区", "南山区", "南山区"]})
    groups = match_records(batch, known).set_index("rid")["new_group"]
    assert groups[0] != groups[1] and groups[2] == groups[3]
