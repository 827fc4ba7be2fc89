"""The person profiles on Febrl 4: the public benchmark as a regression test (bench/linkage.py scores it too)."""

from __future__ import annotations

import argparse

from bench.linkage import febrl4

from .conftest import shared_data


def test_febrl4_links_one_to_one() -> None:
    """Both files linked one-to-one by the EM-trained febrl profile; measured F1 0.999."""
    args = argparse.Namespace(threshold=0.5, limit=None, backend="duckdb")
    precision, recall, f1, _ = febrl4(shared_data("linkage"), args)
    assert precision >= 0.995, precision
    assert recall >= 0.99, recall
    assert f1 >= 0.99


def test_first_name_groups_join_nicknames_and_keep_unknown_names() -> None:
    import pandas as pd

    from regulator.linkage.persons import first_name_groups

    groups = first_name_groups(pd.Series(["bill", "william", "harry", "zebedee", None])).to_pylist()
    assert set(groups[0]) & set(groups[1]) == {"william"}
    assert set(groups[2]) == {"henry", "harold"}
    assert groups[3] == ["zebedee"]
    assert groups[4] is None
