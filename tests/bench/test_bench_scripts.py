"""The benchmark scripts under bench/ run as docs/benchmarks.md runs them: small sizes, real output checked.

docs/benchmarks.md quotes their figures with the command that produced them; a script that no longer
starts (an import renamed away, a stdlib module shadowed) makes those commands wrong without any other
test noticing. Each script is run as a separate process, as a user runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import models  # noqa: F401 - every table of the metadata
from models.base import Base
from regulator import create_app

from ..conftest import PG_URL, _config, require_postgres
from ..linkage.conftest import shared_data

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for p in (ROOT / "bench").glob("*.py") if p.name != "__init__.py")
SCRIPTS = [p.name for p in FILES if '__name__ == "__main__"' in p.read_text(encoding="utf-8")]
#: the helpers the scripts share (databases, the Chicago loaders, the bulk world loader)
LIBRARIES = [p.stem for p in FILES if p.name not in SCRIPTS]
#: run as modules, as their usage lines show
MODULES = {"load_profile.py", "request_instructions.py", "search_plan.py"}


def _run(*args: str, timeout: int = 600) -> str:
    """A bench script's standard output; a failure shows its standard error."""
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


def _figures(line: str) -> dict[str, float]:
    """``key=value`` pairs of a result line, as numbers."""
    return {k: float(v) for k, v in re.findall(r"(\w+)=([-\d.]+)", line)}


def _last_json(out: str) -> dict:
    """The JSON object a script prints last."""
    return json.loads(out[out.rindex("\n{") + 1:] if "\n{" in out else out[out.index("{"):])


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_bench_script_starts_and_explains_itself(script: str) -> None:
    args = ["-m", f"bench.{script[:-3]}"] if script in MODULES else [f"bench/{script}"]
    out = _run(*args, "--help", timeout=120)
    assert out.startswith("usage:"), out[:300]


@pytest.mark.parametrize("module", LIBRARIES)
def test_every_bench_helper_imports(module: str) -> None:
    _run("-c", f"import bench.{module}", timeout=120)


def test_ingest_bench_then_its_floor_and_dump_on_the_kept_database(tmp_path: Path) -> None:
    out = _run("bench/ingest.py", "--records", "1500", "--keep")
    work = Path(re.search(r"under (\S+)", out.splitlines()[0]).group(1))
    try:
        lines = out.strip().splitlines()
        figures = _figures(lines[-1])
        generated = int(re.search(r"(\d+) rows in", lines[0]).group(1))
        assert figures["records"] == generated
        assert figures["f1"] >= 0.9 and figures["precision"] >= 0.95
        assert figures["seconds"] > 0 and figures["peak_rss_mb"] > 0
        database = work / "bench.db"
        with sqlite3.connect(database) as con:
            stored = con.execute("SELECT count(*) FROM source_record").fetchone()[0]
            present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            # the floor copies the model's tables (alembic_version is Alembic's, not the import's)
            every_row = sum(con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]  # noqa: S608
                            for t in Base.metadata.sorted_tables if t.name in present)
        assert stored == generated

        floor = _run("bench/sqlite_floor.py", str(database)).strip().splitlines()
        assert _figures(floor[-1])["rows"] == every_row
        assert "source_record: " + str(stored) + " rows" in "\n".join(floor)

        _run("bench/ingest_dump.py", f"sqlite:///{database}", str(tmp_path / "dump"))
        outcome = (tmp_path / "dump" / "outcome.tsv").read_text(encoding="utf-8").splitlines()
        assert len(outcome) == stored  # one line per source row: file, row, status, entity, method, probability
        assert all(len(line.split("\t")) == 6 for line in outcome)
        assert sum(line.split("\t")[2] == "accepted" for line in outcome) == figures["records"]

        pickled = _figures(_run("bench/ingest_pickle_cost.py", str(work / "files")).strip().splitlines()[-1])
        assert set(pickled) == {"read", "map", "unpickle_prepared", "unpickle_tuples", "unpickle_packed",
                                "unpickle_packed_jsontext"} and pickled["map"] > 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert not work.exists()


def test_ingest_bench_deletes_what_it_generated_unless_kept() -> None:
    out = _run("bench/ingest.py", "--records", "300", "--recheck")
    work = Path(re.search(r"under (\S+)", out.splitlines()[0]).group(1))
    assert "(deleted at the end)" in out.splitlines()[0]
    assert not work.exists()
    assert re.search(r"^recheck: \d+ pending reviews checked: \d+ confirmed, .* f1 [0-9.]+", out, re.M), out


def test_ingest_bench_on_postgresql() -> None:
    require_postgres()
    name = f"regulator_bench_{uuid.uuid4().hex[:10]}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        figures = _figures(_run("bench/ingest.py", "--records", "1500", "--database-url", url)
                           .strip().splitlines()[-1])
        assert figures["f1"] >= 0.9
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM source_record")) == figures["records"]
        engine.dispose()
    finally:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_linkage_bench_prints_its_scores_on_febrl4() -> None:
    figures = _figures(_run("bench/linkage.py", "febrl4", "--data", str(shared_data("linkage")))
                       .strip().splitlines()[-1])
    assert set(figures) == {"precision", "recall", "f1", "records_per_s"}
    assert figures["f1"] >= 0.99


def test_linkage_bench_scores_febrl4_on_spark_as_on_duckdb() -> None:
    """``--backend spark``: the pairs of the same trained model scored by Splink on a local Spark."""
    data = str(shared_data("linkage"))
    lines = {backend: _run("bench/linkage.py", "febrl4", "--data", data, "--limit", "400", "--backend", backend)
             .strip().splitlines() for backend in ("duckdb", "spark")}
    counts = {b: re.search(r"^pairs=(\d+) correct=(\d+) true_pairs=(\d+)", out[-2]).groups()
              for b, out in lines.items()}
    assert counts["spark"] == counts["duckdb"] and int(counts["spark"][1]) > 300
    assert {k: v for k, v in _figures(lines["spark"][-1]).items() if k != "records_per_s"} == \
        {k: v for k, v in _figures(lines["duckdb"][-1]).items() if k != "records_per_s"}


def test_risk_score_bench_trains_both_models_and_scores(tmp_path: Path) -> None:
    out = _run("bench/risk_score.py", "--entities", "1500", "--url", f"sqlite:///{tmp_path / 'risk.db'}")
    aucs = [float(a) for a in re.findall(r"^with(?:out)? graph: test auc=([\d.]+)", out, re.MULTILINE)]
    assert len(aucs) == 2 and all(0.5 < a <= 1.0 for a in aucs), out
    assert re.search(r"^1500 entities; model risk-\S+ test auc=", out, re.MULTILINE), out
    assert re.search(r"^risk score: frames, features, predict, reasons, insert: [\d.]+ s$", out, re.MULTILINE)
    with sqlite3.connect(tmp_path / "risk.db") as con:
        assert con.execute("SELECT count(DISTINCT entity_id) FROM risk_score").fetchone()[0] == 1500


def test_graph_benches_build_the_graph_and_compare_models() -> None:
    graph = _last_json(_run("bench/graph.py", "--entities", "1500"))
    assert graph["nodes"] > 1500 and graph["edges"] > 0
    assert graph["feature_means"]["related_entities"] > 0
    value = _last_json(_run("bench/graph_value.py", "--entities", "1500"))
    assert value["total_s"] > 0


def test_campaign_bench_compares_the_strategies() -> None:
    out = _run("bench/campaign.py", "--entities", "1500")
    assert re.search(r"^joint plan \(risk \+ random\)\s+\d", out, re.MULTILINE), out
    assert re.search(r"^each agency alone \(risk \+ random\)\s+\d", out, re.MULTILINE), out


def test_profile_pages_bench_times_the_pages(tmp_path: Path) -> None:
    figures = _last_json(_run("bench/profile_pages.py", "--entities", "1500", "--url",
                              f"sqlite:///{tmp_path / 'profile.db'}"))
    assert figures["entities"] == 1500 and figures["heavy_records"] > 1000
    pages = figures["pages_ms"]
    assert {"public search", "profile, heavy entity page 100"} <= set(pages)
    assert all(p["n"] > 0 and 0 < p["p50"] <= p["p95"] <= p["max"] for p in pages.values())


def test_feature_value_hits_counts_the_normalisers_values_on_an_ingest_run() -> None:
    lines = _run("bench/feature_value_hits.py", "--records", "1500").strip().splitlines()
    assert _figures(lines[-5])["f1"] >= 0.9  # the ingest benchmark's own line, then one per function
    counted = {line.split(":")[0]: _figures(line) for line in lines[-4:]}
    assert {"company_names", "addresses"} <= set(counted)
    assert all(0 < c["seen_before"] < c["distinct"] for c in counted.values())


def test_small_probes_print_their_figures() -> None:
    keys = _run("bench/content_hash_keys.py", "--rows", "2000").strip().splitlines()
    assert [line.split()[0] for line in keys] == ["key=none", "key=hex64", "key=hex32", "key=bytes16", "key=int64"]
    chunks = _run("bench/feature_cache_chunks.py", "1500", "5")
    assert "part by part: first pass" in chunks and "Table.take over one chunk a part" in chunks
    candidates = _run("bench/linkage_candidates.py", "1500")
    assert "kept counts:" in candidates and "every row:" in candidates


def test_risk_refit_bench_on_a_demo_database(tmp_path: Path) -> None:
    """bench/risk_refit.py reads an existing database (the demo's) and ranks its test period with models
    trained to three earlier days."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    app = create_app(_config(url))
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        built = app.test_cli_runner().invoke(args=["demo", "--entities", "300"])
        assert built.exit_code == 0, built.output
    done = subprocess.run([sys.executable, "bench/risk_refit.py", "--seeds", "1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False, env={**os.environ, "DATABASE_URL": url})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert re.match(r"\d+ inspections; test period \d{4}-\d\d-\d\d\.\.", lines[0])
    assert [line.split(" (")[1].split(")")[0] for line in lines[1:]] == ["60%", "70%", "80%", "80%, refit_trees"]
    assert all(0.0 <= _figures(line)["auc"] <= 1.0 and 0.0 <= _figures(line)["ap"] <= 1.0 for line in lines[1:])
