"""Why the stored risk model is trained again on every inspection once tested: how much a model loses
when its training ends earlier.

    DATABASE_URL=sqlite:////tmp/demo.db python bench/risk_refit.py [--seeds 3]

On an existing database (the demo's, say), the latest fifth of the inspections is the test period. Models
are trained, as ``risk.model.RiskClassifier`` trains (its own latest months held out for early stopping
and calibration), on the inspections up to 60 %, 70 % and 80 % of them, and each ranks the test period:
the 80 % model is the one ``flask risk train --no-refit`` stores; with the default refit the stored model
also learns from the test period, as much fresher again. Last, the 80 % model with ``refit_trees`` (its
held-out latest rows grown into the trees too). Prints AUC and average precision, mean of the seeds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.metrics import average_precision_score, roc_auc_score

    from regulator import create_app
    from regulator.services.risk_frames import load_frames
    from risk.model import RiskClassifier
    from risk.training import training_set

    with create_app().app_context():
        frames = load_frames(graph=True)
        rows = frames.inspections.sort_values("inspection_date", kind="stable").reset_index(drop=True)
        X, y, dates = training_set(frames, rows)
    n = len(rows)
    test = slice(int(n * 0.8), n)
    print(f"{n} inspections; test period {dates.iloc[test.start].date()}..{dates.iloc[-1].date()}: "
          f"{n - test.start} inspections, {int(y[test].sum())} with a serious finding")
    # the 80 % model last again, with its held-out latest rows in the trees too (RiskClassifier's refit_trees)
    for share, refit_trees in ((0.6, False), (0.7, False), (0.8, False), (0.8, True)):
        cut = int(n * share)
        auc, ap = [], []
        for seed in range(args.seeds):
            model = RiskClassifier(random_state=seed, refit_trees=refit_trees).fit(
                X.iloc[:cut], y[:cut], dates=dates.iloc[:cut])
            p = model.predict_proba(X.iloc[test])[:, 1]
            auc.append(roc_auc_score(y[test], p))
            ap.append(average_precision_score(y[test], p))
        print(f"trained on inspections to {dates.iloc[cut - 1].date()} ({share:.0%}"
              f"{', refit_trees' if refit_trees else ''}): auc={np.mean(auc):.3f} ap={np.mean(ap):.3f}")


if __name__ == "__main__":
    main()
