"""The risk model: estimator contract, time-based validation, calibration, monotonicity, reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from risk.evaluate import evaluate
from risk.explain import TEMPLATES, top_reasons
from risk.features import RecordFrames
from risk.model import RiskClassifier, inverse_selection_weights, marginal_proba, shares_by_group
from risk.training import fingerprint, fit_and_evaluate, score


def _synthetic(n: int = 3000, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"viol_12m": rng.poisson(1.0, n).astype(float), "insp_days_since": rng.uniform(0, 900, n),
                      "noise": rng.normal(size=n),
                      "district": pd.Categorical(rng.choice(["A", "B", "C"], n))})
    logit = -2.0 + 0.9 * X["viol_12m"] + 0.001 * X["insp_days_since"] + (X["district"] == "C") * 0.7
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y.to_numpy()


def _contract_checks():  # noqa: ANN202
    """scikit-learn's estimator checks, less the array-API one: the model takes NumPy/pandas only, and that check
    can only skip (it needs SCIPY_ARRAY_API set before SciPy is imported)."""
    estimators = [RiskClassifier(n_estimators=20, min_child_samples=2),
                  RiskClassifier(n_estimators=20, min_child_samples=2, refit_trees=True)]
    mark = parametrize_with_checks(estimators, expected_failed_checks=lambda e: {
        "check_sample_weight_equivalence_on_dense_data":
            "LightGBM bins features and bags rows: weights are not exactly repeated rows"})
    names, params = mark.args

    def name(param) -> str:  # noqa: ANN001
        check = (param.values if hasattr(param, "values") else param)[1]
        return getattr(check, "func", check).__name__

    return pytest.mark.parametrize(names, [p for p in params if name(p) != "check_array_api_input"], **mark.kwargs)


@_contract_checks()
def test_sklearn_contract(estimator, check) -> None:  # noqa: ANN001
    check(estimator)


def test_learns_calibrates_and_stops_early() -> None:
    X, y = _synthetic()
    model = RiskClassifier(n_estimators=2000, learning_rate=0.1).fit(X.iloc[:2400], y[:2400])
    assert model.n_valid_ == 480 and model.best_iteration_ < 2000
    p = model.predict_proba(X.iloc[2400:])[:, 1]
    report = evaluate(y[2400:], p)
    truth = X.iloc[2400:]
    oracle = evaluate(y[2400:], 0.9 * truth["viol_12m"] + 0.001 * truth["insp_days_since"]
                      + (truth["district"] == "C") * 0.7)["summary"]["auc"]
    assert report["summary"]["auc"] > oracle - 0.03
    # calibrated: mean prediction close to the observed rate
    assert abs(p.mean() - y[2400:].mean()) < 0.05
    # 480 calibration rows: too few for isotonic steps, so Platt's curve
    assert model.get_params()["calibration"] == "auto" and model.calibration_ == "sigmoid"
    assert len(np.unique(p)) > 100


def test_isotonic_from_enough_rows_never_says_never() -> None:
    """From ISOTONIC_MIN_ROWS calibration rows "auto" fits isotonic steps; a step without any finding (the
    safest entities here have none) is shrunk towards the base rate instead of reading 0 %."""
    rng = np.random.default_rng(3)
    n = 8000
    X = pd.DataFrame({"viol_12m": rng.poisson(1.0, n).astype(float), "noise": rng.normal(size=n)})
    y = ((X["viol_12m"] >= 2) & (rng.uniform(size=n) < 0.6)).astype(int).to_numpy()
    model = RiskClassifier(n_estimators=200, learning_rate=0.1).fit(X, y)
    assert model.n_valid_ == 1600 and model.calibration_ == "isotonic"
    raw = model._raw(model._cast(X))
    plain = IsotonicRegression(out_of_bounds="clip").fit(raw[-1600:], y[-1600:]).predict(raw)
    assert plain.min() == 0.0  # what the steps alone would say of entities without violations
    p = model.predict_proba(X)[:, 1]
    assert 0.0 < p.min() < 0.002 and p.max() < 1.0
    assert abs(p[-1600:].mean() - y[-1600:].mean()) < 0.01
    safest = X["viol_12m"].to_numpy() < 2
    assert p[safest].max() < p[~safest].min()  # the order of the steps is kept
    # and within them the booster's: steps joined through their centres tie nobody the booster tells apart
    assert len(np.unique(p)) > 10 * len(np.unique(plain))
    inner = (raw > model.calibrator_.centres_[0]) & (raw < model.calibrator_.centres_[-1])
    order = np.argsort(raw[inner])
    assert (np.diff(p[inner][order]) >= 0).all() and len(np.unique(p[inner])) > 0.95 * len(np.unique(raw[inner]))


def test_calibration_can_be_chosen_or_left_out() -> None:
    X, y = _synthetic(6000)
    assert RiskClassifier(n_estimators=30, calibration="isotonic").fit(X.iloc[:1000], y[:1000]).calibration_ \
        == "isotonic"
    assert RiskClassifier(n_estimators=30).fit(X, y).calibration_ == "isotonic"
    assert RiskClassifier(n_estimators=30, calibration=None).fit(X, y).calibration_ is None
    with pytest.raises(ValueError, match="calibration must be"):
        RiskClassifier(n_estimators=30, calibration="beta").fit(X, y)


def test_more_violations_never_lower_the_risk() -> None:
    X, y = _synthetic()
    model = RiskClassifier(calibration=None).fit(X, y)
    probe = pd.concat([X.iloc[:50]] * 6, ignore_index=True)
    probe["viol_12m"] = np.repeat(np.arange(6, dtype=float), 50)
    p = model.predict_proba(probe)[:, 1].reshape(6, 50)
    assert (np.diff(p, axis=0) >= -1e-12).all()


def test_unseen_category_and_inverse_selection_weights() -> None:
    X, y = _synthetic(800)
    weights = inverse_selection_weights(pd.Series([0.1, None, 0.0, 0.5] * 200))
    assert weights[:4].tolist() == [10.0, 1.0, 1.0, 2.0]
    model = RiskClassifier(n_estimators=50).fit(X, y, sample_weight=weights)
    other = X.iloc[:3].copy()
    other["district"] = pd.Categorical(["Z", "A", "B"])
    assert model.predict_proba(other).shape == (3, 2)


def test_reasons_are_plain_words_with_numbers() -> None:
    X, y = _synthetic()
    model = RiskClassifier().fit(X, y)
    worst = X.assign(viol_12m=5.0, viol_agencies_12m=2.0).iloc[:1]
    reasons = top_reasons(model.contributions(worst.drop(columns="viol_agencies_12m")), worst)[0]
    assert reasons[0]["feature"] == "viol_12m"
    assert reasons[0]["text"] == "5 violations found by 2 agencies in the last 12 months"
    assert reasons[0]["template"] == TEMPLATES["viol_12m"][0]
    assert all(r["contribution"] > 0 for r in reasons)


def test_a_missing_value_or_a_zero_count_is_said_in_words() -> None:
    """Registration date unknown reads so, not "registered - days ago"; no related companies, not "0 related
    companies"; a missing value of a feature without its own sentence says it is not on record."""
    from risk.explain import reason

    row = {"entity_age_days": np.nan, "related_entities": 0.0, "insp_days_since": None, "viol_12m": 0.0,
           "viol_agencies_12m": 0.0, "odd_feature": np.nan, "related_entities_hop2": 3.0}
    assert reason("entity_age_days", row, 0.2)["text"] == "registration date not on record"
    assert reason("related_entities", row, 0.2)["text"] == \
        "no related companies through a shared person, address or phone"
    assert reason("insp_days_since", row, 0.2)["text"] == "never inspected"
    assert reason("odd_feature", row, 0.2)["text"] == "odd_feature: not on record"
    assert reason("related_entities_hop2", row, 0.2)["text"] == "3 companies two steps away in the relationship graph"
    assert reason("viol_12m", row, 0.2)["text"] == "0 violations found by 0 agencies in the last 12 months"


def test_training_from_records_end_to_end() -> None:
    rng = np.random.default_rng(3)
    n_entities, n_inspections = 400, 4000
    bad = rng.uniform(size=n_entities) < 0.3
    entities = pd.DataFrame({"entity_id": np.arange(n_entities), "district": rng.choice(["N", "S"], n_entities),
                             "industry": "food", "entity_type": "company"})
    eid = rng.integers(0, n_entities, n_inspections)
    day = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1400, n_inspections), unit="D")
    found = rng.uniform(size=n_inspections) < np.where(bad[eid], 0.6, 0.1)
    inspections = pd.DataFrame({"entity_id": eid, "agency_id": 1, "inspection_date": day,
                                "result": np.where(found, "fail", "pass"), "serious_violation": found,
                                "violation_count": found.astype(int) * 2,
                                "selection_reason": rng.choice(["random_draw", "risk_ranking"], n_inspections),
                                "selection_probability": 0.2})
    frames = RecordFrames(entities=entities, inspections=inspections)
    result = fit_and_evaluate(frames, inspections, weighted=True)
    assert result.metrics["auc"] > 0.65 and result.metrics["random_draw_auc"] > 0.6
    # tested by a model trained before the test period; the returned one was trained again on every inspection
    assert result.tested_train_end < result.test_start and result.train_end == result.test_end
    assert result.model.n_train_ + result.model.n_valid_ == n_inspections
    tested = fit_and_evaluate(frames, inspections, weighted=True, refit=False)
    assert tested.train_end < tested.test_start and tested.tested_train_end is None
    assert tested.model.n_train_ + tested.model.n_valid_ == n_inspections - tested.metrics["n_test"]
    assert tested.metrics["auc"] == result.metrics["auc"]  # the same test either way
    assert {r["group"] for r in result.evaluation["fairness"]["district"]} == {"N", "S"}
    scores = score(result.model, frames, pd.Timestamp("2024-01-01").date())
    assert len(scores) == n_entities and scores["probability"].between(0, 1).all()
    # 640 calibration rows: Platt's curve, so every entity keeps its own rank and none reads "0.0 %"
    assert result.metrics["calibration"] == "sigmoid" and scores["probability"].gt(0.001).all()
    assert scores["probability"].nunique() > n_entities / 2
    assert scores.loc[bad, "probability"].mean() > scores.loc[~bad, "probability"].mean()
    assert len(fingerprint(frames)) == 64


def test_one_outcome_is_refused() -> None:
    frames = RecordFrames(entities=pd.DataFrame({"entity_id": [1]}))
    rows = pd.DataFrame({"entity_id": [1, 1], "inspection_date": ["2020-01-01", "2021-01-01"],
                         "serious_violation": [False, False]})
    with pytest.raises(ValueError, match="only one outcome"):
        fit_and_evaluate(frames, rows)


def _inspector_model() -> tuple[pd.DataFrame, RiskClassifier]:
    """A synthetic world where a lenient inspector writes up few findings, and a model fitted on it."""
    X, y = _synthetic(1500)
    rng = np.random.default_rng(0)
    X["inspector"] = pd.Categorical(rng.choice(["strict", "lenient"], len(X)))
    y = np.where(X["inspector"] == "lenient", y * (rng.uniform(size=len(X)) < 0.3), y)
    model = RiskClassifier(n_estimators=80).fit(X, y)
    return X, model


def test_marginal_probability_does_not_depend_on_the_nuisance_value() -> None:
    X, model = _inspector_model()
    weights = X["inspector"].value_counts()
    flipped = X.assign(inspector=pd.Categorical(np.where(X["inspector"] == "strict", "lenient", "strict")))
    np.testing.assert_allclose(marginal_proba(model, X, "inspector", weights),
                               marginal_proba(model, flipped, "inspector", weights))
    assert not np.allclose(model.predict_proba(X)[:, 1], model.predict_proba(flipped)[:, 1])


def test_per_row_weights_follow_where_each_value_is_likely() -> None:
    X, model = _inspector_model()
    every = pd.Series({"strict": 1.0, "lenient": 1.0})
    same = pd.DataFrame([[1.0, 1.0]] * len(X), columns=["strict", "lenient"], index=X.index)
    np.testing.assert_allclose(marginal_proba(model, X, "inspector", same),
                               marginal_proba(model, X, "inspector", every))
    # a row that only the strict inspector would visit gets the strict inspector's probability
    strict_only = pd.DataFrame([[1.0, 0.0]] * len(X), columns=["strict", "lenient"], index=X.index)
    probe = X.assign(inspector=pd.Categorical(["strict"] * len(X), categories=["strict", "lenient"]))
    np.testing.assert_allclose(marginal_proba(model, X, "inspector", strict_only),
                               model.predict_proba(probe)[:, 1])
    assert marginal_proba(model, X, "inspector", strict_only).mean() > marginal_proba(
        model, X, "inspector", same).mean()


def test_shares_by_group_smooth_towards_the_overall_shares() -> None:
    groups = pd.Series(["60601"] * 8 + ["60602"] * 2)
    values = pd.Series(["blue"] * 8 + ["green", None])
    query = pd.Series(["60601", "60602", "99999"], index=[10, 11, 12])
    shares = shares_by_group(groups, values, query, prior=1.0)
    assert list(shares.index) == [10, 11, 12]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    overall = {"blue": 8 / 9, "green": 1 / 9}
    assert shares.loc[10, "blue"] == pytest.approx((8 + overall["blue"]) / 9)
    assert shares.loc[11, "green"] == pytest.approx((1 + overall["green"]) / 2)  # the row without a value is left out
    assert shares.loc[12].to_dict() == pytest.approx(overall)


def test_refit_lets_the_latest_rows_shape_the_trees() -> None:
    """Rows held out for early stopping only calibrate a plain fit; with ``refit_trees`` the trees are grown again on
    every row, so a pattern that only the latest rows show (a new kind of business going wrong) moves the
    ranking."""
    rng = np.random.default_rng(4)
    n = 6000
    X = pd.DataFrame({"viol_12m": rng.poisson(1.0, n).astype(float), "new_trade": rng.uniform(size=n)})
    late = np.arange(n) >= int(n * 0.8)  # the rows the plain fit holds out (dates in row order)
    logit = -2.0 + 0.8 * X["viol_12m"] + np.where(late, 4.0 * (X["new_trade"] - 0.5), 0.0)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).to_numpy().astype(int)
    dates = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n) // 5, unit="D")
    fresh = pd.DataFrame({"viol_12m": np.ones(2000), "new_trade": rng.uniform(size=2000)})
    fresh_y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-(-1.2 + 4.0 * (fresh["new_trade"] - 0.5))))).astype(int)
    plain = RiskClassifier(monotone={}).fit(X, y, dates=dates)
    refit = RiskClassifier(monotone={}, refit_trees=True).fit(X, y, dates=dates)
    assert refit.n_train_ == plain.n_train_ and refit.n_valid_ == plain.n_valid_ == 1200
    assert refit.best_iteration_ == max(1, round(plain.best_iteration_ * n / plain.n_train_))
    assert refit.model_.booster_.num_trees() == refit.best_iteration_
    auc = {name: evaluate(fresh_y.to_numpy(), m.predict_proba(fresh)[:, 1])["summary"]["auc"]
           for name, m in (("plain", plain), ("refit", refit))}
    assert auc["refit"] > 0.7 and auc["plain"] < 0.6, auc
    p = refit.predict_proba(X)[:, 1]
    assert ((p > 0) & (p < 1)).all()  # still calibrated on the held-out rows: never exactly 0 or 1


def test_inspections_without_an_outcome_are_no_training_rows() -> None:
    rng = np.random.default_rng(5)
    n = 3000
    eid = rng.integers(0, 300, n)
    day = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    found = rng.uniform(size=n) < 0.3
    logged = rng.uniform(size=n) < 0.4  # a visit logged without results: outcome unknown
    inspections = pd.DataFrame({"entity_id": eid, "agency_id": 1, "inspection_date": day,
                                "serious_violation": pd.Series(found, dtype="boolean").mask(logged)})
    frames = RecordFrames(entities=pd.DataFrame({"entity_id": np.arange(300)}), inspections=inspections)
    result = fit_and_evaluate(frames, inspections)
    assert result.model.n_train_ + result.model.n_valid_ == int((~logged).sum())
    known = inspections.loc[~logged].sort_values("inspection_date", kind="stable")
    tested = known["serious_violation"].tail(result.metrics["n_test"])
    assert result.metrics["base_rate"] == pytest.approx(tested.mean())
    with pytest.raises(ValueError, match="outcome on record"):
        fit_and_evaluate(frames, inspections.loc[logged])


def test_fairness_groups_are_in_reading_order() -> None:
    from risk.evaluate import fairness

    groups = pd.Series(["10", "2", None, "1", "2", "42", "B", "A", "10"])
    rows = fairness(np.array([0, 1, 0, 1, 0, 1, 0, 1, 0]), np.linspace(0.1, 0.9, 9), groups)
    assert [r["group"] for r in rows] == ["1", "2", "10", "42", "A", "B", "-"]


def test_the_days_weather_is_no_reason_of_an_entitys_risk() -> None:
    from risk.training import explain_above_average

    X, y = _synthetic(3000)
    rng = np.random.default_rng(4)
    X["ctx_temperature_max"] = rng.uniform(20, 95, len(X))
    y = np.where(X["ctx_temperature_max"] > 80, 1, y)  # hot days find more
    model = RiskClassifier(n_estimators=80).fit(X, y)
    day = X.iloc[:300].assign(ctx_temperature_max=90.0)  # every entity scored on one hot day
    probability = model.predict_proba(day)[:, 1]
    assert model.contributions(day)["ctx_temperature_max"].gt(0).all()  # it raises every score alike
    reasons = explain_above_average(model, day, probability)
    assert any(reasons) and not any(r["feature"].startswith("ctx_") for row in reasons for r in row)


def test_an_entity_visited_without_results_is_not_said_never_inspected() -> None:
    from risk.explain import reason

    logged = {"insp_count": 2.0, "insp_days_since": 853.0, "insp_last_violations": np.nan}
    assert reason("insp_days_since", logged, 0.1)["text"] == "853 days since the last inspection"
    assert reason("insp_last_violations", logged, 0.1)["text"] == "no inspection result on record"
    never = {"insp_count": 0.0, "insp_days_since": np.nan, "insp_last_violations": np.nan}
    assert reason("insp_last_violations", never, 0.1)["text"] == "never inspected"


def test_too_few_inspections_are_refused_with_the_counts() -> None:
    """13 inspections, 3 with a serious finding: no model is stored that says one figure for everyone."""
    frames = RecordFrames(entities=pd.DataFrame({"entity_id": np.arange(13)}))
    rows = pd.DataFrame({"entity_id": np.arange(13), "inspection_date": pd.date_range("2020-01-01", periods=13),
                         "serious_violation": [True] * 3 + [False] * 10})
    with pytest.raises(ValueError, match="too few inspections to learn from: 13 with their outcome on record, 3 "):
        fit_and_evaluate(frames, rows)
