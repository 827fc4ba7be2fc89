"""Estimating parameters: from deterministic links (labels) or by EM, smoothed and de-biased."""

from __future__ import annotations

import numpy as np
import pytest

from regulator.demo import generate_world
from regulator.linkage import get_profile
from regulator.linkage.demo_frames import demo_frames
from regulator.linkage.training import debias_u, smooth, train_model, train_on_linked


@pytest.fixture(scope="module")
def frames():  # noqa: ANN201
    """A small demo city as linkage frames."""
    return demo_frames(generate_world(n_entities=600, seed=9))


def test_training_from_links_learns_what_matters(frames) -> None:  # noqa: ANN001
    """Rows linked by a valid code teach that names and addresses agree for matches and rarely otherwise."""
    model = train_on_linked(get_profile("company"), frames.register, frames.labelled, meta={"source": "test"})
    levels = model.levels()
    same_name, same_address = levels["name"][1], levels["place"][1]
    assert same_name["m_probability"] > 0.9 and same_name["u_probability"] < 0.01
    assert same_address["m_probability"] > 0.3 and same_address["u_probability"] < 0.01
    assert all("m_probability" not in lv for lv in levels["period"])  # no dates in the data: neutral
    assert model.meta["method"] == "labels" and model.meta["source"] == "test"


def test_training_without_labels_uses_em(frames) -> None:  # noqa: ANN001
    """Expectation maximisation alone finds that matching names are strong evidence."""
    profile = get_profile("company")
    left = profile.prepare(frames.entities.assign(uid=np.arange(len(frames.entities))))
    right = profile.prepare(frames.records.assign(uid=np.arange(len(frames.records))))
    model = train_model(profile, [left, right])
    same_name = model.levels()["name"][1]
    assert model.meta["method"] == "em"
    assert same_name["m_probability"] / same_name["u_probability"] > 100


def test_training_refuses_empty_input(frames) -> None:  # noqa: ANN001
    """Nothing to learn from is an error, not a model of defaults."""
    with pytest.raises(ValueError, match="registered entities and records linked"):
        train_on_linked(get_profile("company"), frames.register, frames.labelled.iloc[:0])


def _comparison(m, u):  # noqa: ANN001, ANN202
    levels = [{"is_null_level": True}] + [{"m_probability": a, "u_probability": b} for a, b in zip(m, u, strict=True)]
    return {"probability_two_random_records_match": 0.01, "comparisons": [{"comparison_levels": levels}]}


def test_smoothing_gives_unseen_levels_a_small_weight_and_leaves_unobserved_ones_neutral() -> None:
    """Never seen among matches: a small m, not none; seen on neither side: no estimate at all."""
    splink = _comparison([1.0, None, None], [0.4, 0.6, None])
    smooth(splink, 1000, 1000)
    levels = splink["comparisons"][0]["comparison_levels"][1:]
    assert 0 < levels[1]["m_probability"] < 0.002
    assert "m_probability" not in levels[2] and "u_probability" not in levels[2]
    assert sum(lv.get("m_probability", 0) for lv in levels) == pytest.approx(1.0)


def test_debias_removes_true_matches_from_u() -> None:
    """u measured on random pairs that include matches at rate lambda is corrected downwards where m is high."""
    splink = _comparison([0.9, 0.1], [0.02, 0.98])
    debias_u(splink)
    agree, differ = splink["comparisons"][0]["comparison_levels"][1:]
    assert agree["u_probability"] < 0.02 and agree["u_probability"] + differ["u_probability"] == pytest.approx(1.0)
