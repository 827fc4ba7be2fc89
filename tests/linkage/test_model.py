"""Trained models: stored as Splink JSON, rendered for DuckDB or Spark, refused when they no longer fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regulator.linkage import get_profile, load_model, settings_dict
from regulator.linkage.model import PACKAGED_DIR, ModelMismatch, TrainedModel, model_path


def test_packaged_company_model_is_found_and_complete() -> None:
    """The shipped company model loads, says what it was trained on, and estimates name and place."""
    model = load_model("company")
    assert model_path("company") is not None
    assert model.meta["method"] == "labels" and "demo world" in model.meta["source"]
    levels = model.levels()
    assert levels["name"][1]["label_for_charts"] == "Same name"
    assert levels["name"][1]["m_probability"] > 0.9 and levels["name"][1]["u_probability"] < 1e-3
    assert 0 < model.splink["probability_two_random_records_match"] < 1


def test_settings_render_for_spark_with_the_trained_parameters() -> None:
    """The same profile and model give Spark SQL (array/bit functions, backticks) with identical m/u values.

    Built without pyspark: Splink renders the dialect's SQL without a Spark session.
    """
    profile, model = get_profile("company"), load_model("company")
    spark = settings_dict(profile, "link_only", dialect="spark", model=model, prior=1e-6)
    duck = settings_dict(profile, "link_only", dialect="duckdb", model=model, prior=1e-6)
    name_spark = spark["comparisons"][0]["comparison_levels"]
    assert "`name_norm_l`" in name_spark[1]["sql_condition"]
    assert "bit_count(name_gw0_l & name_gw0_r)" in name_spark[3]["sql_condition"]
    assert any("`bk_name_norm`" in rule["blocking_rule"] for rule in spark["blocking_rules_to_generate_predictions"])
    for a, b in zip(spark["comparisons"], duck["comparisons"], strict=True):
        assert [lv.get("m_probability") for lv in a["comparison_levels"]] == \
               [lv.get("m_probability") for lv in b["comparison_levels"]]
    json.dumps(spark)  # a plain dict: Linker(spark_tables, spark) on a SparkAPI takes it as is


def test_a_model_for_other_comparisons_is_refused(tmp_path: Path) -> None:
    """A model whose levels no longer match the profile says so and how to fix it."""
    data = json.loads((PACKAGED_DIR / "company.json").read_text(encoding="utf-8"))
    data["splink"]["comparisons"][0]["comparison_levels"][2]["label_for_charts"] = "something else"
    path = TrainedModel.from_dict(data).save(tmp_path / "company.json")
    with pytest.raises(ModelMismatch, match="flask linkage train"):
        settings_dict(get_profile("company"), "link_only", model=load_model("company", path))


def test_missing_model_and_unknown_profile_are_clear_errors(tmp_path: Path) -> None:
    """No file: the error names the command to run; an unknown profile lists the known ones."""
    with pytest.raises(FileNotFoundError, match="flask linkage train --profile company"):
        load_model("company", tmp_path / "absent.json")
    with pytest.raises(ValueError, match="known: .*company"):
        get_profile("nonsense")


def test_saved_model_round_trips(tmp_path: Path) -> None:
    """save then load gives the same parameters."""
    model = load_model("company")
    copy = load_model("company", model.save(tmp_path / "company.json"))
    assert copy.splink == model.splink and copy.match_rate == model.match_rate


def test_engine_modules_do_not_import_flask_or_the_orm() -> None:
    """The engine runs in benchmarks and beside Spark: none of its modules imports Flask or the database."""
    import ast

    engine = ["features", "textvec", "levels", "profiles", "model", "engine", "training", "matching", "dedupe",
              "explain", "demo_frames", "__init__"]
    folder = Path(__file__).resolve().parents[2] / "regulator" / "linkage"
    for name in engine:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        banned = {m for m in imported if m.split(".")[0] in ("flask", "flask_sqlalchemy", "sqlalchemy", "models")
                  or m.startswith(("..extensions", "..services", "extensions"))}
        assert not banned, f"{name}.py imports {banned}"
