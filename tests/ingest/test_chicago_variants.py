"""bench/chicago_variants.py: a pickled window is scored as the benchmark scores it, with more LightGBM settings."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import chicago_variants as variants


def _window(tmp_path: Path) -> Path:
    """A synthetic window: past violations raise the chance of a critical finding, inspector "b" finds more; the
    outcomes from the cutoff on are unknown in the table and only in the food file (as the benchmark stores them)."""
    rng = np.random.default_rng(3)
    n = 3000
    days = pd.Timestamp("2012-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 545, n)), unit="D")
    viol = rng.poisson(1.0, n).astype(float)
    inspector = rng.choice(["a", "b", "c"], n)
    logit = -2.2 + 0.9 * viol + np.where(inspector == "b", 1.0, 0.0)
    critical = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    ids = [str(10_000 + i) for i in range(n)]
    pd.DataFrame({"Inspection_ID": ids, "Inspection_Date": days.strftime("%Y-%m-%d"),
                  "critical_count": critical}).to_csv(tmp_path / "food_inspections.csv.gz", index=False)
    cutoff = date(2013, 5, 1)
    canvass = pd.DataFrame({"external_id": ids, "inspection_date": days, "inspector": inspector,
                            "critical": np.where(days < pd.Timestamp(cutoff), critical, np.nan)})
    X = pd.DataFrame({"viol_12m": viol, "inspector": pd.Categorical(inspector)})
    path = tmp_path / "window.pkl"
    with path.open("wb") as fh:
        pickle.dump({"X": X, "canvass": canvass, "cutoff": cutoff, "until": date(2013, 7, 1)}, fh)
    return path


def test_a_window_is_scored_without_the_inspector(tmp_path: Path) -> None:
    table = variants.load_table(_window(tmp_path))
    days, auc = variants.evaluate(table, seeds=(0,), threads=1, data_dir=tmp_path)
    assert auc > 0.65 and days > 0
    unrelated = table["X"].assign(viol_12m=np.random.default_rng(0).permutation(table["X"]["viol_12m"]))
    assert variants.evaluate(table, unrelated, seeds=(0,), threads=1, data_dir=tmp_path)[1] < 0.6


def test_more_lightgbm_settings_reach_the_booster(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    model = variants.TunedClassifier(refit_trees=True)
    model.extra, model.threads = {"extra_trees": True}, 1
    table = variants.load_table(_window(tmp_path))
    train = table["canvass"]["critical"].notna().to_numpy()
    model.fit(table["X"].loc[train], table["canvass"]["critical"][train].astype(int))
    assert model.model_.get_params()["extra_trees"] is True and model.model_.get_params()["n_jobs"] == 1
    variants.main(["eval", "--table", str(tmp_path / "window.pkl"), "--seeds", "0", "--threads", "1",
                   "--lgb", "extra_trees=true", "path_smooth=20", "--data", str(tmp_path)])
    out = capsys.readouterr().out
    assert "window.pkl (2013-05-01..2013-07-01):" in out and "mean " in out
    assert variants._setting("extra_trees=true") == ("extra_trees", True)
    assert variants._setting("path_smooth=20") == ("path_smooth", 20)
    assert variants._setting("boosting=dart") == ("boosting", "dart")


def test_a_database_loaded_for_another_cutoff_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "chi.db"
    database.write_bytes(b"")
    (tmp_path / "chi.db.loaded").write_text(f"platform 2014-07-01 {tmp_path}")
    with pytest.raises(SystemExit, match="not loaded for the cutoff 2013-05-01"):
        variants.dump(date(2013, 5, 1), None, database, tmp_path / "t.pkl")
