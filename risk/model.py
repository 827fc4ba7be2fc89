"""The risk model: a calibrated LightGBM classifier of "the next inspection finds a serious violation".

``RiskClassifier`` follows scikit-learn's estimator contract. ``fit`` holds out the latest part of the
training rows (by ``dates`` when given, else the rows' order) as the validation months: the booster stops
early on them and the probabilities are calibrated on them (isotonic or Platt), so the model is never
judged or calibrated on the past it learned from. Calibration never says 0 or 1: an inspector reads "0.0 %" as
certainty that no model has. Known directions become monotone constraints (more past
violations never lowers the risk). ``sample_weight`` takes inverse selection probabilities.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .features import MONOTONE


def _frame(X, names: list[str] | None = None) -> pd.DataFrame:  # noqa: ANN001
    if isinstance(X, pd.DataFrame):
        return X
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(f"Expected 2D array, got {array.ndim}D array instead")
    return pd.DataFrame(array, columns=names or [f"x{i}" for i in range(array.shape[1])])


def inverse_selection_weights(probability: pd.Series, cap: float = 20.0) -> np.ndarray:
    """1 / selection probability (missing: 1), capped so that a few rare draws do not dominate."""
    p = pd.to_numeric(probability, errors="coerce").to_numpy(float)
    return np.where(np.isnan(p) | (p <= 0), 1.0, np.minimum(1.0 / np.clip(p, 1e-9, None), cap))


#: calibration rows from which ``calibration="auto"`` fits isotonic steps (scikit-learn's guidance: isotonic
#: regression overfits below about a thousand)
ISOTONIC_MIN_ROWS = 1000
#: rows at the base rate added to each isotonic step, so that a step without positives (or without negatives)
#: says "rarely" rather than "never"
STEP_PRIOR_ROWS = 1.0


class CentredIsotonic:
    """Centred isotonic calibration (Oron and Flournoy, 2017): the isotonic steps' rates, joined by straight
    lines through each step's mean score, flat beyond the first and last.

    Plain steps give every entity of a step the same probability: at 20,000 demo entities 75 values, so the
    ranked lists ordered most entities by nothing. Between step centres the probability now follows the
    booster's score, strictly increasing, and the steps' calibration is kept at their centres.
    """

    def __init__(self, centres: np.ndarray, rates: np.ndarray) -> None:
        self.centres_ = np.asarray(centres, dtype=float)
        self.rates_ = np.asarray(rates, dtype=float)

    def predict(self, raw: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(raw, dtype=float), self.centres_, self.rates_)


def smoothed_isotonic(raw: np.ndarray, y: np.ndarray, weight: np.ndarray) -> CentredIsotonic:
    """Centred isotonic calibration whose steps are shrunk towards the base rate by ``STEP_PRIOR_ROWS`` rows.

    PAVA's steps are observed rates: the lowest step of a few hundred rows without a positive becomes exactly
    0. Each step's rate becomes (positives + prior x base rate) / (rows + prior); the steps are made monotone
    again (a small step shrinks more than its neighbours) and joined through their centres.
    """
    base = float(np.average(y, weights=weight))
    step_of = IsotonicRegression(out_of_bounds="clip").fit(raw, y, sample_weight=weight).predict(raw)
    frame = pd.DataFrame({"step": step_of, "n": weight, "pos": y * weight}).groupby("step").sum()
    rate = (frame["pos"] + STEP_PRIOR_ROWS * base) / (frame["n"] + STEP_PRIOR_ROWS)
    smoothed = IsotonicRegression(out_of_bounds="clip").fit(raw, rate.reindex(step_of).to_numpy(),
                                                            sample_weight=weight).predict(raw)
    steps = pd.DataFrame({"step": smoothed, "w": weight, "wx": weight * raw}).groupby("step").sum()
    return CentredIsotonic((steps["wx"] / steps["w"]).to_numpy(), steps.index.to_numpy())


class RiskClassifier(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees (LightGBM), early stopping and calibration on the latest rows.

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples, subsample, colsample_bytree, reg_lambda:
        LightGBM's parameters.
    validation_fraction:
        Share of the training rows, the latest, held out for early stopping and calibration (0: none).
    early_stopping_rounds:
        Stop when the validation log-loss has not improved for this many rounds.
    calibration:
        ``"isotonic"``, ``"sigmoid"`` (Platt), ``"auto"`` (isotonic from ``ISOTONIC_MIN_ROWS`` calibration
        rows, Platt below: isotonic steps learnt from a few hundred rows put most entities on a few equal
        values, a ranked list of ties) or ``None``. ``calibration_`` says which one was fitted.
    monotone:
        {feature name: +1 or -1}; ``None`` uses ``risk.features.MONOTONE``.
    refit_trees:
        Once early stopping has found the number of trees, grow the trees again on every row, the held-out
        latest ones included (as many trees again as found, scaled by the rows added), so that the most recent
        inspections shape the ranking too; the calibration fitted on the held-out rows is kept.
    random_state:
        Seed.
    """

    def __init__(self, n_estimators: int = 500, learning_rate: float = 0.03, num_leaves: int = 15,
                 min_child_samples: int = 20, subsample: float = 0.8, colsample_bytree: float = 0.8,
                 reg_lambda: float = 1.0, validation_fraction: float = 0.2, early_stopping_rounds: int = 50,
                 calibration: str | None = "auto", monotone: Mapping[str, int] | None = None,
                 refit_trees: bool = False, random_state: int = 0):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.validation_fraction = validation_fraction
        self.early_stopping_rounds = early_stopping_rounds
        self.calibration = calibration
        self.monotone = monotone
        self.refit_trees = refit_trees
        self.random_state = random_state

    def _validate(self, X, y=None, reset: bool = True):  # noqa: ANN001, ANN202
        """Check X (and y) as scikit-learn would, keeping DataFrames (categorical columns) as they are."""
        if isinstance(X, pd.DataFrame):
            if reset:
                self.feature_names_in_ = np.asarray(X.columns, dtype=object)
                self.n_features_in_ = X.shape[1]
            elif list(X.columns) != list(self.feature_names_in_):
                raise ValueError("The feature names should match those that were passed during fit")
            if y is None:
                return X, None
            y = np.asarray(y)
            if len(y) != len(X):
                raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
            return X, y
        if y is None:
            return validate_data(self, X, reset=reset, ensure_all_finite="allow-nan"), None
        return validate_data(self, X, y, reset=reset, ensure_all_finite="allow-nan")

    def _cast(self, X: pd.DataFrame) -> pd.DataFrame:
        """Categorical columns with the categories seen at fit (unseen values become missing)."""
        if not self.categories_:
            return X
        X = X.copy()
        for column, categories in self.categories_.items():
            values = X[column].astype("string")
            X[column] = pd.Categorical(values.where(values.isin(categories)), categories=categories)
        return X

    def fit(self, X, y, sample_weight=None, dates=None):  # noqa: ANN001, ANN201
        """Fit on the earlier rows, stop early and calibrate on the latest ``validation_fraction``."""
        X, y = self._validate(X, y)
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        if len(self.classes_) > 2:
            raise ValueError("Only binary classification is supported. The type of the target is multiclass.")
        if len(y_enc) < 2:
            raise ValueError(f"RiskClassifier needs at least 2 samples; got {len(y_enc)} sample")
        frame = _frame(X)
        self.categories_ = {c: list(frame[c].astype("string").dropna().unique())
                            for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
        frame = self._cast(frame)
        weight = _check_sample_weight(sample_weight, np.empty((len(frame), 0)))
        order = np.arange(len(frame)) if dates is None else np.argsort(
            pd.to_datetime(pd.Series(dates)).to_numpy(), kind="stable")
        n_valid = int(round(len(frame) * self.validation_fraction))
        if len(self.classes_) < 2 or n_valid < 10:
            n_valid = 0
        train, valid = order[:len(order) - n_valid], order[len(order) - n_valid:]
        if n_valid and len(np.unique(y_enc[valid])) < 2:
            train, valid = order, order[:0]
        directions = MONOTONE if self.monotone is None else self.monotone
        constraints = [int(directions.get(str(c), 0)) for c in frame.columns]
        self.model_ = self._booster(self.n_estimators, constraints)
        fit_kw: dict = {"sample_weight": weight[train]}
        if len(valid):
            fit_kw.update(eval_X=(frame.iloc[valid],), eval_y=(y_enc[valid],), eval_sample_weight=[weight[valid]],
                          callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            self.model_.fit(frame.iloc[train], y_enc[train], **fit_kw)
        self.best_iteration_ = int(self.model_.best_iteration_ or self.n_estimators)
        self.calibrator_ = None
        self.calibration_ = None
        if len(valid) and self.calibration is not None and len(self.classes_) == 2:
            raw = self._raw(frame.iloc[valid])
            method = self.calibration
            if method == "auto":
                method = "isotonic" if len(valid) >= ISOTONIC_MIN_ROWS else "sigmoid"
            if method == "isotonic":
                self.calibrator_ = smoothed_isotonic(raw, y_enc[valid], weight[valid])
            elif method == "sigmoid":
                self.calibrator_ = LogisticRegression(C=1e6).fit(
                    _logit(raw).reshape(-1, 1), y_enc[valid], sample_weight=weight[valid])
            else:
                raise ValueError(f"calibration must be 'auto', 'isotonic', 'sigmoid' or None, "
                                 f"not {self.calibration!r}")
            self.calibration_ = method
        self.n_train_, self.n_valid_ = len(train), len(valid)
        if self.refit_trees and len(valid):
            trees = max(1, round(self.best_iteration_ * len(order) / len(train)))
            self.model_ = self._booster(trees, constraints)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                self.model_.fit(frame, y_enc, sample_weight=weight)
            self.best_iteration_ = trees
        return self

    def _booster(self, trees: int, constraints: list[int]) -> lgb.LGBMClassifier:
        return lgb.LGBMClassifier(
            n_estimators=trees, learning_rate=self.learning_rate, num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples, subsample=self.subsample, subsample_freq=1,
            colsample_bytree=self.colsample_bytree, reg_lambda=self.reg_lambda,
            monotone_constraints=constraints if any(constraints) else None,
            random_state=self.random_state, n_jobs=2, verbose=-1)

    def _raw(self, frame: pd.DataFrame) -> np.ndarray:
        if len(self.classes_) < 2:
            return np.ones(len(frame))
        return self.model_.predict_proba(frame, num_iteration=self.best_iteration_)[:, 1]

    def predict_proba(self, X):  # noqa: ANN001, ANN201
        """Calibrated probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "model_")
        X, _ = self._validate(X, reset=False)
        frame = self._cast(_frame(X, list(self.feature_names_in_) if hasattr(self, "feature_names_in_")
                                  else None))
        raw = self._raw(frame)
        if self.calibrator_ is None:
            p = raw
        elif isinstance(self.calibrator_, IsotonicRegression | CentredIsotonic):  # plain steps: older models
            p = self.calibrator_.predict(raw)
        else:
            p = self.calibrator_.predict_proba(_logit(raw).reshape(-1, 1))[:, 1]
        if len(self.classes_) < 2:
            return np.ones((len(frame), 1))
        return np.column_stack([1 - p, p])

    def predict(self, X):  # noqa: ANN001, ANN201
        """The more likely class."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per-row feature contributions to the log-odds (LightGBM ``pred_contrib``), plus ``_base``."""
        check_is_fitted(self, "model_")
        frame = self._cast(_frame(X, list(getattr(self, "feature_names_in_", [])) or None))
        values = self.model_.predict(frame, pred_contrib=True, num_iteration=self.best_iteration_)
        return pd.DataFrame(values, columns=[*frame.columns, "_base"], index=frame.index)

    def feature_importance(self) -> pd.Series:
        """Total gain per feature, largest first."""
        check_is_fitted(self, "model_")
        gains = self.model_.booster_.feature_importance(importance_type="gain")
        return pd.Series(gains, index=self.model_.booster_.feature_name()).sort_values(ascending=False)

    def __sklearn_tags__(self):  # noqa: ANN204
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def marginal_proba(model: RiskClassifier, X: pd.DataFrame, column: str,
                   weights: pd.Series | pd.DataFrame) -> np.ndarray:
    """The probability averaged over the values of a nuisance column (who inspects), weighted.

    Training with the inspector as a feature lets the model explain away how strict each inspector is;
    averaging over inspectors at scoring time ranks the entity alone, whoever will be drawn to inspect it.
    ``weights``: one weight per value (a Series indexed by value), or one row of weights per row of ``X``
    (a DataFrame aligned with ``X``, one column per value: e.g. ``shares_by_group``).
    """
    per_row = isinstance(weights, pd.DataFrame)
    categories = list(weights.columns if per_row else weights.index)
    table = weights.to_numpy(float) if per_row else np.tile(weights.to_numpy(float), (len(X), 1))
    total = np.zeros(len(X))
    for j, value in enumerate(categories):
        probe = X.copy()
        probe[column] = pd.Categorical([value] * len(X), categories=categories)
        total += table[:, j] * model.predict_proba(probe)[:, 1]
    norm = table.sum(axis=1)
    return np.divide(total, norm, out=np.zeros(len(X)), where=norm > 0)


def shares_by_group(groups: pd.Series, values: pd.Series, query_groups: pd.Series,
                    prior: float = 5.0) -> pd.DataFrame:
    """How often each value occurred in each group (past records), one row per query group.

    E.g. the share of each inspector group among the past inspections in a postcode: where inspectors are
    assigned by area, the expected strictness of whoever will inspect there, without knowing who will.
    Shares are smoothed towards the overall shares with ``prior`` pseudo-records (groups never seen get
    the overall shares).
    """
    past = pd.DataFrame({"g": groups.astype("string").to_numpy(), "v": values.astype("string").to_numpy()})
    past = past.dropna(subset=["v"])
    counts = pd.crosstab(past["g"].fillna("-"), past["v"])
    overall = counts.sum(axis=0) / max(counts.to_numpy().sum(), 1)
    shares = (counts + prior * overall).div(counts.sum(axis=1) + prior, axis=0)
    out = shares.reindex(query_groups.astype("string").fillna("-").to_numpy())
    out = out.fillna(overall)
    out.index = query_groups.index
    return out
