"""Point-in-time features: only records dated before the query day count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from risk.features import RecordFrames, build_features, namesake_counts, to_days, trade_name_key


def _frames() -> RecordFrames:
    entities = pd.DataFrame({"entity_id": [1, 2, 3], "district": ["A", "B", "A"],
                             "industry": ["food", "food", "drugs"], "entity_type": ["company"] * 3,
                             "registration_date": ["2015-01-01", "2020-06-01", None],
                             "address_id": [10, 11, None], "latitude": [31.2, 31.3, np.nan],
                             "longitude": [121.4, 121.5, np.nan]})
    inspections = pd.DataFrame({"entity_id": [1, 1, 2], "agency_id": [1, 2, 1],
                                "inspection_date": ["2022-01-10", "2023-03-01", "2023-02-01"],
                                "result": ["fail", "pass", "pass"], "serious_violation": [True, False, False],
                                "violation_count": [3, 0, 0]})
    violations = pd.DataFrame({"entity_id": [1, 1, 1, 2], "agency_id": [1, 1, 2, 1],
                               "found_date": ["2022-01-10", "2022-11-10", "2023-01-05", "2023-02-01"],
                               "severity": ["serious", "minor", "critical", "minor"]})
    enforcement = pd.DataFrame({"entity_id": [1], "agency_id": [1], "decision_date": ["2022-02-01"],
                                "penalty_type": ["fine"], "amount": [5000.0]})
    lists = pd.DataFrame({"entity_id": [2, 1], "list_type": ["abnormal_operations", "serious_illegal"],
                          "added_date": ["2021-01-01", "2022-05-01"], "removed_date": ["2022-01-01", None]})
    complaints = pd.DataFrame({"entity_id": [1, None, None], "address_id": [None, 11, 11],
                               "received_date": ["2023-01-01", "2022-12-01", "2023-03-01"],
                               "latitude": [np.nan, 31.3001, 31.3002], "longitude": [np.nan, 121.5001, 121.5]})
    licences = pd.DataFrame({"entity_id": [1, 2], "issue_date": ["2016-01-01", "2020-07-01"],
                             "valid_to": ["2021-01-01", "2030-01-01"]})
    context = pd.DataFrame({"on_date": pd.date_range("2023-03-01", "2023-04-30"),
                            "temperature": np.arange(61, dtype=float)})
    return RecordFrames(entities, inspections, violations, enforcement, lists, complaints, licences, context)


def _queries(day: str) -> pd.DataFrame:
    return pd.DataFrame({"entity_id": [1, 2, 3], "as_of": [day] * 3})


def test_counts_and_recency() -> None:
    f = build_features(_frames(), _queries("2023-03-10")).iloc[0]
    assert f["insp_count"] == 2 and f["insp_failed"] == 1 and f["insp_serious"] == 1
    assert f["insp_days_since"] == 9 and f["insp_last_failed"] == 0
    assert f["viol_count"] == 3 and f["viol_12m"] == 2 and f["viol_critical"] == 1
    assert f["viol_agencies_12m"] == 2 and f["viol_max_severity"] == 3
    assert f["enf_count"] == 1 and f["enf_amount"] == 5000.0
    assert f["list_serious"] == 1 and f["complaints_12m"] == 1
    assert f["ctx_temperature"] == pytest.approx((8 + 7 + 6) / 3)
    second = build_features(_frames(), _queries("2023-03-10")).iloc[1]
    assert second["list_abnormal"] == 0  # removed in 2022
    assert second["complaints_address_12m"] == 2 and second["complaints_nearby_90d"] == 1
    assert second["licence_in_force"] == 1
    third = build_features(_frames(), _queries("2023-03-10")).iloc[2]
    assert third["insp_count"] == 0 and np.isnan(third["insp_days_since"])


def test_records_dated_on_or_after_the_day_change_nothing() -> None:
    """Build features, add records dated on or after the day to every table, rebuild: identical."""
    day = "2023-03-10"
    before = build_features(_frames(), _queries(day))
    frames = _frames()
    later = ["2023-03-10", "2023-06-01"]
    frames.inspections = pd.concat([frames.inspections, pd.DataFrame({
        "entity_id": [1, 3], "agency_id": [3, 3], "inspection_date": later, "result": ["fail"] * 2,
        "serious_violation": [True] * 2, "violation_count": [9, 9]})], ignore_index=True)
    frames.violations = pd.concat([frames.violations, pd.DataFrame({
        "entity_id": [1, 3], "agency_id": [3, 3], "found_date": later, "severity": ["critical"] * 2})])
    frames.enforcement = pd.concat([frames.enforcement, pd.DataFrame({
        "entity_id": [2, 3], "agency_id": [1, 1], "decision_date": later, "penalty_type": ["suspension"] * 2,
        "amount": [1e6, 1e6]})])
    frames.list_entries = pd.concat([frames.list_entries, pd.DataFrame({
        "entity_id": [3, 2], "list_type": ["serious_illegal", "abnormal_operations"], "added_date": later,
        "removed_date": [None, None]})])
    frames.list_entries.loc[frames.list_entries["entity_id"].eq(1), "removed_date"] = "2023-03-10"
    frames.complaints = pd.concat([frames.complaints, pd.DataFrame({
        "entity_id": [1, None], "address_id": [None, 11], "received_date": later,
        "latitude": [np.nan, 31.3001], "longitude": [np.nan, 121.5001]})])
    frames.licences = pd.concat([frames.licences, pd.DataFrame({
        "entity_id": [3, 1], "issue_date": later, "valid_to": ["2030-01-01", "2030-01-01"]})])
    frames.context = pd.concat([frames.context, pd.DataFrame({"on_date": pd.to_datetime(["2023-03-10"]),
                                                              "temperature": [99.0]})])
    after = build_features(frames, _queries(day))
    pd.testing.assert_frame_equal(before, after)


def test_no_inspector_feature_and_order_kept() -> None:
    queries = pd.DataFrame({"entity_id": [2, 1], "as_of": ["2023-03-10"] * 2,
                            "inspector": ["x", "y"]}, index=[7, 3])
    out = build_features(_frames(), queries)
    assert list(out.index) == [7, 3]
    assert not any("inspector" in c for c in out.columns)
    assert out.loc[3, "insp_count"] == 2 and out.loc[7, "insp_count"] == 1


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="queries row 1"):
        build_features(_frames(), pd.DataFrame({"entity_id": [1, 2], "as_of": ["2023-01-01", "nope"]}))
    frames = _frames()
    frames.violations = frames.violations.drop(columns="severity")
    with pytest.raises(ValueError, match="violations frame lacks columns \\['severity'\\]"):
        build_features(frames, _queries("2023-01-01"))


def test_trade_name_key_drops_store_numbers_and_legal_forms() -> None:
    assert trade_name_key("SUBWAY #3421") == trade_name_key("Subway 12") == "SUBWAY"
    assert trade_name_key("McDonald's Corp.") == trade_name_key("MCDONALDS") == "MCDONALDS"
    assert trade_name_key("The Little Cafe, Inc.") == "LITTLE CAFE"
    assert trade_name_key(None) == trade_name_key(np.nan) == ""


def _names() -> pd.DataFrame:
    return pd.DataFrame({"entity_id": [1, 2, 3, 4, 4],
                         "name": ["SUBWAY #1", "Subway 22", "SUBWAY #3", "JOE'S DINER", "SUBWAY #9"],
                         "start": pd.to_datetime(["2020-01-01", "2021-05-01", "2023-01-01", "2019-01-01",
                                                  "2023-02-01"])})


def test_namesake_counts_are_point_in_time() -> None:
    """Businesses count under a name from their first record with it; records dated on or after the day
    (a new outlet, a business renamed later) change nothing."""
    keys = np.array([1, 3, 4, 5])
    days = to_days(pd.Series(["2022-06-01"] * 4))
    fallback = pd.Series({5: "Subway"})
    before = namesake_counts(_names(), keys, days, fallback=fallback)
    # outlets 1 and 2 opened before the day; 3 only later (its own name is not known yet: 0); 4 traded as
    # JOE'S DINER then; 5 has no licence and goes by its entity name
    assert before.tolist() == [2.0, 0.0, 1.0, 2.0]
    later = pd.concat([_names(), pd.DataFrame({
        "entity_id": [6, 7, 1], "name": ["SUBWAY #40", "JOE'S DINER", "SUBWAY"],
        "start": pd.to_datetime(["2022-06-01", "2022-07-01", "2024-01-01"])})], ignore_index=True)
    assert namesake_counts(later, keys, days, fallback=fallback).tolist() == before.tolist()
    # a day later in 2023 sees the new outlets and the renamed business
    assert namesake_counts(later, keys, to_days(pd.Series(["2023-03-01"] * 4)), fallback=fallback).tolist() \
        == [5.0, 5.0, 5.0, 5.0]


def test_a_visit_logged_without_its_outcome_is_a_visit_not_a_clean_one() -> None:
    entities = pd.DataFrame({"entity_id": [1]})
    inspections = pd.DataFrame({
        "entity_id": [1, 1, 1], "agency_id": [1, 2, 2],
        "inspection_date": ["2013-03-01", "2013-03-01", "2013-05-01"],
        "result": ["fail", None, None], "serious_violation": pd.array([True, None, None], dtype="boolean"),
        "violation_count": [2, 0, 0]})  # a failed inspection, then the same visit and a later one in the log
    out = build_features(RecordFrames(entities=entities, inspections=inspections),
                         pd.DataFrame({"entity_id": [1], "as_of": ["2013-06-01"]})).iloc[0]
    assert out["insp_count"] == 3 and out["insp_days_since"] == 31
    assert out["insp_last_failed"] == 1 and out["insp_last_serious"] == 1 and out["insp_last_violations"] == 2
    assert out["insp_failed"] == 1 and out["insp_serious"] == 1 and out["insp_share_violations"] == 1
