"""The person profiles on Febrl 4: the public benchmark as a regression test (bench/linkage.py scores it too)."""

from __future__ import annotations

import argparse

from bench.linkage import febrl4

from .conftest import shared_data


def test_febrl4_links_one_to_one() -> None:
    """Both files linked one-to-one by the EM-trained febrl profile; measured F1 0.999."""
    precision, recall, f1, _ = febrl4(shared_data("linkage"), argparse.Namespace(threshold=0.5))
    assert precision >= 0.995, precision
    assert recall >= 0.99, recall
    assert f1 >= 0.99
