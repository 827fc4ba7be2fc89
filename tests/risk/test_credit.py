"""risk.credit: the points table, windows, caps, the model's one-step nudge and the hard overrides."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from risk.credit import (
    RULES,
    assess,
    class_for_points,
    class_for_probability,
    class_of_points,
    class_of_probability,
    combine_with_model,
    score_rules,
)

AS_OF = date(2025, 6, 1)


def events(*rows: tuple) -> pd.DataFrame:
    """Rows of (entity_id, kind, detail, date, ended)."""
    return pd.DataFrame(list(rows), columns=["entity_id", "kind", "detail", "date", "ended"])


def test_entity_without_records_is_general_class_b() -> None:
    """Nothing on record: 0 points, class B, no reasons."""
    result = assess(events(), [7], AS_OF)
    assert result.classes.loc[7, "points"] == 0 and result.classes.loc[7, "credit_class"] == "B"
    assert result.reasons.empty


def test_points_are_capped_and_windowed() -> None:
    """Five serious violations inside three years are capped at 30; one older than the window counts nothing."""
    rows = [(1, "violation", "serious", f"2024-0{m}-01", None) for m in range(1, 6)]
    rows.append((1, "violation", "serious", "2021-01-01", None))
    reasons = score_rules(events(*rows), AS_OF)
    line = reasons.set_index("rule").loc["violation_serious"]
    assert line["count"] == 5 and line["points"] == 30


def test_records_after_the_assessment_day_do_not_count() -> None:
    """Point in time: a violation dated after ``as_of`` is ignored."""
    result = assess(events((1, "violation", "critical", "2025-07-01", None)), [1], AS_OF)
    assert result.classes.loc[1, "points"] == 0


def test_repaired_penalty_no_longer_counts() -> None:
    """A fine whose publication was ended by credit repair before the assessment adds nothing."""
    fine = (1, "enforcement", "fine", "2024-01-01", None)
    repaired = (2, "enforcement", "fine", "2024-01-01", "2024-06-01")
    result = assess(events(fine, repaired), [1, 2], AS_OF)
    assert result.classes.loc[1, "points"] == 10 and result.classes.loc[2, "points"] == 0


def test_passed_inspections_bring_a_clean_entity_to_class_a() -> None:
    """Negative points (in the entity's favour) are capped too: three passes give -12, class A."""
    rows = [(1, "inspection", "pass", f"2024-0{m}-01", None) for m in range(1, 5)]
    result = assess(events(*rows), [1], AS_OF)
    assert result.classes.loc[1, "points"] == -12 and result.classes.loc[1, "credit_class"] == "A"


@pytest.mark.parametrize(("points", "cls"), [(-0.5, "A"), (0, "B"), (19.9, "B"), (20, "C"), (49, "C"), (50, "D")])
def test_class_cuts(points: float, cls: str) -> None:
    """The thresholds: below 0 A, below 20 B, below 50 C, else D."""
    assert class_for_points(pd.Series([points])).iloc[0] == cls


def test_class_of_one_value_agrees_with_the_series_version() -> None:
    """The profile page's one-value classes are the list versions' (cut points, missing probability)."""
    points = [-5, 0, 0.5, 19.9, 20, 20.1, 49.9, 50, 50.1, 120]
    assert [class_of_points(p) for p in points] == list(class_for_points(pd.Series(points)))
    probabilities = [0.0, 0.0999, 0.1, 0.2499, 0.25, 0.4999, 0.5, 0.9, 1.0]
    assert [class_of_probability(p) for p in probabilities] == list(class_for_probability(pd.Series(probabilities)))
    assert class_of_probability(None) is None and class_of_probability(float("nan")) is None
    assert class_for_probability(pd.Series([None], dtype=float)).iloc[0] is None


def test_model_moves_class_one_step_and_never_lowers_an_adverse_record() -> None:
    """A high probability raises B by one step only; a low probability lowers a clean B but not a penalised one."""
    points = pd.Series(["B", "B", "B"], index=[1, 2, 3])
    model = pd.Series(["D", "A", "A"], index=[1, 2, 3])
    adverse = pd.Series([False, False, True], index=[1, 2, 3])
    assert combine_with_model(points, model, adverse).tolist() == ["C", "A", "B"]


def test_assess_uses_probabilities_where_present() -> None:
    """An entity with a model probability of 0.6 moves from B to C; one without stays B."""
    result = assess(events(), [1, 2], AS_OF, probabilities=pd.Series({1: 0.6}))
    assert result.classes["credit_class"].to_dict() == {1: "C", 2: "B"}
    assert result.classes.loc[1, "model_class"] == "D"


def test_serious_illegal_list_forces_d_and_abnormal_list_forces_at_least_c() -> None:
    """Overrides beat points: passes pull points down, the lists still floor the class; a removed entry does not."""
    passes = [(e, "inspection", "pass", f"2024-0{m}-01", None) for e in (1, 2, 3) for m in range(1, 4)]
    rows = passes + [(1, "list_entry", "serious_illegal", "2025-01-01", None),
                     (2, "list_entry", "abnormal_operations", "2025-01-01", None),
                     (3, "list_entry", "abnormal_operations", "2024-01-01", "2025-01-01")]
    result = assess(events(*rows), [1, 2, 3], AS_OF, probabilities=pd.Series({1: 0.01, 2: 0.01, 3: 0.01}))
    assert result.classes["credit_class"].to_dict() == {1: "D", 2: "C", 3: "A"}
    applied = result.overrides.set_index("entity_id")
    assert applied.loc[1, "rule"] == "serious_illegal_list" and applied.loc[2, "to_class"] == "C"
    assert 3 not in applied.index


def test_every_rule_has_a_legal_basis_and_a_unique_code() -> None:
    """The rules table is data a reader can check: codes unique, each with its basis and a sensible cap."""
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert rule.basis.startswith("《") and (rule.cap / rule.points) >= 1


def test_missing_columns_are_reported() -> None:
    """A malformed frame says which columns it lacks."""
    with pytest.raises(ValueError, match="ended"):
        assess(pd.DataFrame({"entity_id": [1], "kind": ["x"], "detail": ["y"], "date": ["2024-01-01"]}), [1], AS_OF)
