"""The city's model rebuilt as a reference (``bench/chicago_city.py``): its features as the city's code
defines them, with outcomes on or after the cutoff unknown, and glmnet's fit."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.chicago_city import _fit, canvass_rows, city_scores

LICENCE = ("LICENSE_NUMBER,LICENSE_DESCRIPTION,LICENSE_TERM_START_DATE,LICENSE_TERM_EXPIRATION_DATE,"
           "consumption_on_premises_incidental_activity,tobacco\n"
           "100,Retail Food Establishment,2012-01-01,2014-01-01,1,0\n"
           "200,Retail Food Establishment,2008-01-01,2010-01-01,0,0\n"
           "200,Retail Food Establishment,2012-01-01,2014-01-01,0,1\n"
           "300,Mobile Food Dispenser,2012-01-01,2014-01-01,0,0\n")
FOOD = ("Inspection_ID,License,Inspection_Date,Inspection_Type,Results,critical_count,serious_count,inspector\n"
        "1,100,2013-03-01,Canvass,Fail,0,1,blue\n"
        "2,200,2013-04-01,Canvass,Pass,0,0,green\n"
        "5,200,2013-04-20,Canvass,Out of Business,0,0,green\n"
        "3,100,2013-09-01,Canvass,Fail,2,0,blue\n"
        "4,100,2013-10-01,Canvass,Pass,0,0,\n"
        "6,300,2013-10-02,Canvass,Pass,0,0,green\n")
WEATHER = ("temperatureMax,date\n"
           "30,2013-02-25\n40,2013-02-26\n50,2013-02-27\n60,2013-02-28\n90,2013-03-01\n")
CONTEXT = "Inspection_ID,heat_burglary,heat_garbageCarts,heat_sanitationComplaints\n1,100,60,20\n3,4,5,6\n"


def _write(folder: Path) -> Path:
    for name, text in (("business_licenses", LICENCE), ("food_inspections", FOOD), ("weather", WEATHER),
                       ("inspection_context", CONTEXT)):
        with gzip.open(folder / f"{name}.csv.gz", "wt", encoding="utf-8") as handle:
            handle.write(text)
    return folder


def test_features_are_the_citys_with_outcomes_after_the_cutoff_unknown(tmp_path: Path) -> None:
    rows = canvass_rows(_write(tmp_path), date(2013, 6, 1))

    first, again, later = rows.loc["1"], rows.loc["3"], rows.loc["4"]
    assert first["timeSinceLast"] == 2.0 and first["pastCritical"] == 0.0 and first["pastSerious"] == 0.0
    assert again["timeSinceLast"] == pytest.approx(184 / 365)
    assert again["pastSerious"] == 1.0 and again["pastCritical"] == 0.0
    # inspection 3 found critical violations, but after the cutoff: its outcome is unknown, so inspection 4
    # takes its findings from inspection 1 while its time since the last one counts from inspection 3
    assert np.isnan(again["critical"]) and later["timeSinceLast"] == pytest.approx(30 / 365)
    assert later["pastCritical"] == 0.0 and later["pastSerious"] == 1.0
    # a visit that found no business is not a past inspection
    assert rows.loc["6", "timeSinceLast"] == 2.0

    assert first["consumption_on_premises_incidental_activity"] == 1.0 and first["tobacco_retail_over_counter"] == 0
    assert rows.loc["2", "tobacco_retail_over_counter"] == 1.0  # the term covering the day, not the first one
    assert rows.loc["2", "ageAtInspection"] == 1.0 and first["ageAtInspection"] == 0.0  # first term 2008 / 2012
    assert bool(first["retail_food"]) and not bool(rows.loc["6", "retail_food"])
    assert first["temperatureMax"] == pytest.approx(50.0)  # the three days before, not the day itself
    assert (first["heat_burglary"], first["heat_garbage"], first["heat_sanitation"]) == (70.0, 50.0, 20.0)
    assert first["critical"] == 0.0 and pd.isna(later["inspector"])


def test_fit_is_glmnets_weakest_ridge_on_the_penalised_columns() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    n = 4000
    group = rng.integers(0, 3, n)
    dummies = np.eye(3)[group]
    x = rng.normal(size=(n, 2))
    logit = -1 + 0.8 * x[:, 0] - 0.5 * x[:, 1] + np.array([-0.7, 0.0, 0.9])[group]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    design = np.hstack([dummies, x])

    penalised = np.array([True, True, True, False, False])
    fit = _fit(design, y, penalised)

    # the same objective solved by scikit-learn: standardised columns, each divided by the square root of its
    # penalty factor (3 penalised of 5: factor 5 / 3), the unpenalised ones scaled up until their penalty vanishes
    z = (design - design.mean(axis=0)) / design.std(axis=0)
    scale = np.where(penalised, 1 / np.sqrt(5 / 3), 1e3)
    reference = LogisticRegression(C=1 / (n * fit.lam), tol=1e-10, max_iter=100000).fit(z * scale, y)
    assert np.abs(fit.logit(design) - reference.decision_function(z * scale)).max() < 1e-3
    # and it finds the simulated effects, the penalised groups' a little shrunk
    probe = np.array([[1, 0, 0, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 0, 0]], dtype=float)
    base, step, strict = fit.logit(probe)
    assert step - base == pytest.approx(0.8, abs=0.15) and strict - base == pytest.approx(1.6, abs=0.3)


def test_the_inspector_free_score_ignores_who_inspects(tmp_path: Path) -> None:
    data = _write(tmp_path)
    rng = np.random.default_rng(1)
    lines = ["Inspection_ID,License,Inspection_Date,Inspection_Type,Results,critical_count,serious_count,inspector"]
    day = pd.Timestamp("2012-02-01")
    for i in range(600):  # training rows for licences 100 and 200, two groups of different strictness
        lic, group = (100, "blue") if i % 2 else (200, "green")
        critical = int(rng.random() < (0.4 if group == "blue" else 0.1))
        lines.append(f"{1000 + i},{lic},{(day + pd.Timedelta(days=i)).date()},Canvass,Pass,{critical},0,{group}")
    lines += ["1,100,2013-10-01,Canvass,Pass,,,blue", "2,100,2013-10-01,Canvass,Pass,,,green"]
    days = pd.date_range("2012-01-01", "2013-12-31")
    files = {"food_inspections": lines,
             "weather": ["temperatureMax,date", *(f"{50 + i % 30},{d.date()}" for i, d in enumerate(days))],
             "inspection_context": ["Inspection_ID,heat_burglary,heat_garbageCarts,heat_sanitationComplaints",
                                    *(f"{line.split(',')[0]},10,10,10" for line in lines[1:])]}
    for name, text in files.items():
        with gzip.open(data / f"{name}.csv.gz", "wt", encoding="utf-8") as handle:
            handle.write("\n".join(text) + "\n")

    scores = city_scores(data, date(2013, 9, 1), np.array(["1", "2"]))
    assert scores["inspector_free"][0] == pytest.approx(scores["inspector_free"][1])
    assert scores["with_inspector"][0] > scores["inspector_free"][0] > scores["with_inspector"][1]
    assert scores["inspector_known"].tolist() == [True, True]
