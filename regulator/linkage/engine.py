"""Running Splink on DuckDB: prepared Arrow tables in, scored candidate pairs out.

Building the settings (``model.settings_dict``) is kept apart from running them here, so the same
settings serve a Spark run (see docs/benchmarks.md, "Running linkage on Spark").

Splink renders a prediction as a few SQL statements, and rendering them (building the ``Linker``,
parsing every comparison level with sqlglot, generating the blocking and scoring SQL) costs about half
a second, more than scoring a chunk of an import. The SQL depends only on the settings, the input
tables' schemas and the threshold, and the prior enters it as one literal, so it is rendered by Splink
once per such key (``_PLANS``) and replayed on fresh tables with the prior substituted.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker
from splink.internals.blocking_rule_library import And, ExactMatchRule
from splink.internals.misc import prob_to_match_weight

from .profiles import UID, Profile

log = logging.getLogger(__name__)
DUCKDB_THREADS = 2


def as_table(data: pd.DataFrame | pa.Table) -> pa.Table:
    """An Arrow table (pandas frames converted; list columns must hold lists of strings)."""
    return data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)


def cap_block_keys(tables: list[pa.Table], profile: Profile) -> list[pa.Table]:
    """Drop blocking-key values shared by more than ``profile.cap`` rows of any table (stop values).

    A phone shared by an agent's hundred clients, or an incubator's address, would otherwise pair
    every record with every entity behind it; the other rules still find those records.
    """
    common = stop_values(tables, profile)
    return [apply_cap(table, common) for table in tables]


def stop_values(tables: list[pa.Table], profile: Profile, known: dict[str, set[Any]] | None = None,
                schema: pa.Schema | None = None) -> dict[str, pa.Array]:
    """Per capped column, the values over the cap in any of ``tables`` or in ``known`` (columns with some).

    The values take their type from ``schema`` (default: the first table's).
    """
    schema = schema or tables[0].schema
    out = {}
    for col in profile.capped:
        common: set[Any] = set(known[col]) if known else set()
        for table in tables:
            counts = pc.value_counts(table.column(col).drop_null())
            values, n = counts.field("values"), counts.field("counts")
            common.update(pc.filter(values, pc.greater(n, profile.cap)).to_pylist())
        if common:
            log.debug("blocking key %s: %d values over the cap of %d dropped", col, len(common), profile.cap)
            out[col] = pa.array(sorted(common), type=schema.field(col).type)
    return out


def apply_cap(table: pa.Table, common: dict[str, pa.Array]) -> pa.Table:
    """``table`` with the ``common`` values of each column set to null."""
    for col, value_set in common.items():
        column = table.column(col)
        capped = pc.if_else(pc.is_in(column, value_set=value_set), pa.scalar(None, column.type), column)
        table = table.set_column(table.schema.get_field_index(col), col, capped)
    return table


def term_frequencies(table: pa.Table, entity_ids: np.ndarray, columns: tuple[str, ...],
                     smoothing: float = 0.1, only: dict[str, pa.Array] | None = None) -> dict[str, pa.Table]:
    """u probability of agreeing on each value: the share of *other* entities holding it.

    Splink's own table counts rows, so an entity known under ten rows of one name makes its own name
    look common. Here a value held by c distinct entities out of n gets (c - 1 + smoothing) / n: the
    matching entity itself is no chance agreement; ``smoothing`` stands for unregistered namesakes.
    ``only`` (per column): compute just these values' frequencies (the ones a prediction will look up);
    each value's figure is the same as over the whole table, as all the rows holding it are counted.
    """
    ids = pa.array(entity_ids, pa.int64())
    n = max(len(np.unique(entity_ids)), 1)
    con = local_connection()
    try:
        tables = {}
        for col in columns:
            values = table.column(col)
            if only is not None and col in only:
                keep = pc.is_in(values, value_set=only[col])
                source = pa.table({col: values.filter(keep), "entity_id": ids.filter(keep)})
            else:
                source = pa.table({col: values, "entity_id": ids})
            con.register("source", source)
            tables[col] = con.sql(
                f'SELECT "{col}", (count(DISTINCT entity_id) - 1 + {smoothing}) / {n} AS "tf_{col}" '  # noqa: S608
                f'FROM source WHERE "{col}" IS NOT NULL GROUP BY "{col}"').to_arrow_table()
            con.unregister("source")
    finally:
        con.close()
    return tables


def counted_frequencies(held: dict[str, pa.Table], n: int, smoothing: float = 0.1) -> dict[str, pa.Table]:
    """``term_frequencies`` from each value's number of distinct entities (column ``n``) out of ``n`` entities.

    The same SQL arithmetic on the same counts as ``term_frequencies``, so the same figures.
    """
    n = max(n, 1)
    con = local_connection()
    try:
        tables = {}
        for col, source in held.items():
            con.register("source", source)
            tables[col] = con.sql(
                f'SELECT "{col}", (n - 1 + {smoothing}) / {n} AS "tf_{col}" FROM source').to_arrow_table()  # noqa: S608
            con.unregister("source")
    finally:
        con.close()
    return tables


def blocking_columns(rules: list[Any]) -> tuple[str, ...] | None:
    """For each blocking rule, a column its pairs agree on; None unless every rule is ``block_on`` columns."""
    out = []
    for rule in rules:
        while isinstance(rule, And) and rule.blocking_rules:
            rule = rule.blocking_rules[0]  # a pair of an And rule agrees on each of its parts
        if not isinstance(rule, ExactMatchRule) or rule.col_expression.operations \
                or not rule.col_expression.raw_sql_expression.isidentifier():
            return None
        out.append(rule.col_expression.raw_sql_expression)
    return tuple(out)


def candidate_rows(left: pa.Table, right: pa.Table, columns: tuple[str, ...]) -> pa.Array:
    """Which rows of ``left`` share a value of at least one of ``columns`` with some row of ``right``.

    With ``columns`` from ``blocking_columns``, only those rows can be in a blocked pair, so predicting
    on them alone scores the same pairs (each pair's score depends on its two rows and the term
    frequency tables only) at a cost that no longer grows with every known entity row.
    """
    keep = pa.array(np.zeros(left.num_rows, dtype=bool))
    for col in dict.fromkeys(columns):
        values = pc.unique(right.column(col).drop_null())
        if len(values):
            keep = pc.or_(keep, pc.is_in(left.column(col), value_set=values))
    return keep


class _RecordingAPI(DuckDBAPI):
    """Splink's DuckDB API, keeping the statements that create and drop tables (to replay them)."""

    def __init__(self) -> None:
        super().__init__()
        self.statements: list[str] = []

    def _execute_sql_against_backend(self, final_sql: str) -> duckdb.DuckDBPyRelation:
        if final_sql.lstrip().upper().startswith(("CREATE TABLE", "DROP TABLE")):
            self.statements.append(final_sql)
        return super()._execute_sql_against_backend(final_sql)


def _connection() -> _RecordingAPI:
    db = _RecordingAPI()
    db.duckdb_con.execute(f"SET threads TO {DUCKDB_THREADS}")
    db.duckdb_con.execute("SET enable_progress_bar = false")
    return db


def _linker(db: DuckDBAPI, tables: list[pa.Table], settings: dict[str, Any],
            tf_tables: dict[str, pa.Table] | None) -> Linker:
    registered = [db.register(t, dataset_display_name=n) for t, n in zip(tables, table_names(tables), strict=True)]
    link_type = "link_only" if len(tables) == 2 else "dedupe_only"
    linker = Linker(registered if len(registered) == 2 else registered[0], {**settings, "link_type": link_type},
                    log_level=None, validate_settings=False)  # our settings are fixed: validation is ~0.6 s a call
    for col, table in (tf_tables or {}).items():
        lookup = db.register(table, table_name=f"tf_lookup_{col}")
        linker.table_management.register_term_frequency_lookup(lookup, col)
    return linker


def table_names(tables: list[Any]) -> tuple[str, ...]:
    """The names Splink's predictions give the input tables (``source_dataset``): two, or one deduplicated."""
    return ("lhs", "rhs") if len(tables) == 2 else ("batch",)


@dataclass(frozen=True)
class _Plan:
    """Splink's statements for one prediction, the prior's literal replaced by ``PRIOR``."""

    statements: tuple[str, ...]
    output: str


PRIOR = "__regulator_prior_weight__"
_PLANS: dict[tuple[Any, ...], _Plan] = {}
_plans_lock = threading.Lock()


def _prior_literal(prior: float) -> str:
    """How Splink writes the prior into its SQL (``predict._combine_prior_and_mws``)."""
    return f"cast({prob_to_match_weight(prior)} as float8)"


_local = threading.local()


def local_connection() -> duckdb.DuckDBPyConnection:
    """A connection of this thread's in-memory DuckDB database (close it after use).

    Opening a new database costs ~25 ms of CPU, more than scoring a chunk's few records; a cursor of a
    kept one costs ~2 ms. Its registered tables and temporary tables are its own and go when it closes.
    """
    database = getattr(_local, "database", None)
    if database is None:
        database = _local.database = duckdb.connect()
        database.execute(f"SET threads TO {DUCKDB_THREADS}")
    con = database.cursor()
    con.execute("SET enable_progress_bar = false")
    return con


def _temporary(sql: str) -> str:
    """A replayed statement creating its table as a temporary one (local to the connection)."""
    stripped = sql.lstrip()
    if stripped.upper().startswith("CREATE TABLE "):
        return "CREATE TEMPORARY TABLE " + stripped[len("CREATE TABLE "):]
    return sql


def _plan_key(tables: list[pa.Table], settings: dict[str, Any], threshold: float,
              tf_tables: dict[str, pa.Table] | None) -> tuple[Any, ...]:
    fixed = {k: v for k, v in settings.items() if k != "probability_two_random_records_match"}
    return (json.dumps(fixed, sort_keys=True, default=str), tuple(str(t.schema) for t in tables), float(threshold),
            tuple(sorted((col, str(t.schema)) for col, t in (tf_tables or {}).items())))


def _predict(tables: list[pa.Table], settings: dict[str, Any], threshold: float,
             tf_tables: dict[str, pa.Table] | None) -> tuple[duckdb.DuckDBPyConnection, str]:
    """Splink's predictions at or above ``threshold``: the connection holding them and their table's name.

    The first call for a key renders the SQL through Splink (and keeps it when the prior's literal is
    found in it); later calls run the kept statements on a fresh connection with the same table names.
    """
    prior = float(settings["probability_two_random_records_match"])
    key = _plan_key(tables, settings, threshold, tf_tables)
    with _plans_lock:
        plan = _PLANS.get(key)
    if plan is not None:
        con = local_connection()
        try:
            for table, name in zip(tables, table_names(tables), strict=True):
                con.register(name, table)
            for col, table in (tf_tables or {}).items():
                con.register(f"tf_lookup_{col}", table)
            literal = _prior_literal(prior)
            for sql in plan.statements:
                con.execute(sql.replace(PRIOR, literal))
        except Exception:
            con.close()
            raise
        return con, plan.output
    db = _connection()
    try:
        linker = _linker(db, tables, settings, tf_tables)
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    except Exception:
        db.duckdb_con.close()
        raise
    literal = _prior_literal(prior)
    statements = tuple(_temporary(s.replace(literal, PRIOR)) for s in db.statements)
    if any(PRIOR in s for s in statements):
        with _plans_lock:
            if len(_PLANS) > 64:
                _PLANS.clear()
            _PLANS[key] = _Plan(statements, predictions.physical_name)
    return db.duckdb_con, predictions.physical_name


def _oriented_sql(physical: str, two_tables: bool) -> str:
    """Pairs with ``uid_l`` always from the first table (Splink may put either side on the left)."""
    if not two_tables:
        return f"SELECT * EXCLUDE (uid_l, uid_r), uid_l, uid_r FROM {physical}"  # noqa: S608
    return (f"SELECT * EXCLUDE (uid_l, uid_r), "  # noqa: S608
            f"CASE WHEN source_dataset_l = 'rhs' THEN uid_r ELSE uid_l END AS uid_l, "
            f"CASE WHEN source_dataset_l = 'rhs' THEN uid_l ELSE uid_r END AS uid_r FROM {physical}")


def score_pairs(tables: list[pa.Table], settings: dict[str, Any], threshold: float = 0.01,
                tf_tables: dict[str, pa.Table] | None = None) -> pd.DataFrame:
    """All candidate pairs at or above ``threshold``: between two tables, or within one.

    Returns ``uid_l`` (a row of the first table), ``uid_r``, ``match_weight``, ``match_probability`` and
    the ``mw_*`` weight of each comparison.
    """
    if any(t.num_rows == 0 for t in tables) or (len(tables) == 1 and tables[0].num_rows < 2):
        return pd.DataFrame(columns=["uid_l", "uid_r", "match_weight", "match_probability"])
    con, output = _predict(tables, settings, threshold, tf_tables)
    try:
        return con.execute(_oriented_sql(output, len(tables) == 2)).df()
    finally:
        con.close()


def _column_or_null(table: pa.Table, name: str) -> pa.Array:
    """A numeric column of ``table`` as float, or nulls where the table has none."""
    if name in table.column_names:
        return pc.cast(table.column(name), pa.float64())
    return pa.nulls(table.num_rows, pa.float64())


def best_per_record(left: pa.Table, right: pa.Table, settings: dict[str, Any], entity_of_left: np.ndarray,
                    record_of_right: np.ndarray, threshold: float = 0.01,
                    tf_tables: dict[str, pa.Table] | None = None, band: float = 0.0) -> pd.DataFrame:
    """For each record (``record_of_right``), its best entity pair and the runner-up entity's weight.

    Left rows belong to entities (``entity_of_left``, several rows per entity), right rows to records
    (several rows when a record has another name). The reduction runs in DuckDB, so millions of
    candidate pairs never become Python objects. Columns: record, entity_id, match_weight,
    match_probability, runner_up_weight, runner_up_entity, and the ``mw_*`` of the best pair.

    Successor rule: when every entity within ``band`` of the best weight has a period that began on or
    before the record's date (licences of one premises, old owner and new), the one that began last is
    taken, and the runner-up is the best entity outside the band: the newest licence in force is the
    business the record is about. Otherwise the best weight wins and the runner-up is the next entity.
    """
    empty = pd.DataFrame(columns=["record", "entity_id", "match_weight", "match_probability", "runner_up_weight",
                                  "runner_up_entity"])
    if left.num_rows == 0 or right.num_rows == 0:
        return empty
    con, output = _predict([left, right], settings, threshold, tf_tables)
    try:
        con.register("entity_map", pa.table({"uid": left.column(UID), "entity_id": pa.array(entity_of_left,
                                                                                                pa.int64()),
                                             "day_from": _column_or_null(left, "day_from")}))
        con.register("record_map", pa.table({"uid": right.column(UID), "record": pa.array(record_of_right,
                                                                                             pa.int64()),
                                             "day": _column_or_null(right, "day")}))
        sql = f"""
            WITH pairs AS ({_oriented_sql(output, True)}),
            keyed AS (
                SELECT e.entity_id, r.record,
                       CASE WHEN e.day_from <= r.day THEN e.day_from END AS began, p.* FROM pairs p
                JOIN entity_map e ON e.uid = p.uid_l JOIN record_map r ON r.uid = p.uid_r),
            per_entity AS (
                SELECT *, row_number() OVER (PARTITION BY record, entity_id ORDER BY match_weight DESC) AS rank_e
                FROM keyed),
            banded AS (
                SELECT *, match_weight >= max(match_weight) OVER (PARTITION BY record) - {float(band)} AS in_band
                FROM per_entity WHERE rank_e = 1),
            flagged AS (
                SELECT *, {float(band)} > 0 AND count(*) FILTER (WHERE in_band AND began IS NULL)
                          OVER (PARTITION BY record) = 0 AS successor FROM banded),
            ranked AS (
                SELECT *, row_number() OVER (PARTITION BY record ORDER BY
                    CASE WHEN successor THEN in_band END DESC NULLS LAST,
                    CASE WHEN successor THEN began END DESC NULLS LAST,
                    match_weight DESC, entity_id) AS rank_r,
                    max(CASE WHEN NOT in_band THEN match_weight END) OVER (PARTITION BY record) AS outside_band,
                    arg_max(CASE WHEN NOT in_band THEN entity_id END, CASE WHEN NOT in_band THEN match_weight END)
                        OVER (PARTITION BY record) AS outside_entity
                FROM flagged)
            SELECT * EXCLUDE (next_weight, next_entity, outside_band, outside_entity, successor) FROM (
                SELECT record, entity_id, match_weight, match_probability, COLUMNS('^mw_'), rank_r, successor,
                       outside_band, outside_entity,
                       lead(match_weight) OVER (PARTITION BY record ORDER BY rank_r) AS next_weight,
                       lead(entity_id) OVER (PARTITION BY record ORDER BY rank_r) AS next_entity,
                       CASE WHEN successor THEN outside_band ELSE next_weight END AS runner_up_weight,
                       CASE WHEN successor THEN outside_entity ELSE next_entity END AS runner_up_entity
                FROM ranked WHERE rank_r <= 2) WHERE rank_r = 1
        """  # noqa: S608 - table names are our own
        ranked = con.execute(sql).df()
    finally:
        con.close()
    return ranked.drop(columns="rank_r")
