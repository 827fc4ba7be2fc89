"""Average-linkage clustering: a single bridge does not join two groups; a well-connected record joins."""

from __future__ import annotations

import numpy as np

from regulator.linkage.clustering import average_linkage


def test_bridge_does_not_chain_two_groups() -> None:
    """Two certain triangles joined by one 0.95 pair stay two clusters (components would make one)."""
    pairs = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0), (3, 4, 1.0), (4, 5, 1.0), (3, 5, 1.0), (2, 3, 0.95)]
    left, right, p = (np.array(x) for x in zip(*pairs, strict=True))
    labels = average_linkage(left, right, p, 6, cut=0.2)
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] == labels[5]
    assert labels[0] != labels[3]


def test_record_close_to_a_whole_group_joins_it() -> None:
    """A record scored 0.9 against every member of a group joins it; an unscored record stays alone."""
    pairs = [(0, 1, 1.0), (1, 2, 1.0), (0, 3, 0.9), (1, 3, 0.9), (2, 3, 0.9)]
    left, right, p = (np.array(x) for x in zip(*pairs, strict=True))
    labels = average_linkage(left, right, p, 5, cut=0.5)
    assert len({labels[0], labels[1], labels[2], labels[3]}) == 1
    assert labels[4] != labels[0]
