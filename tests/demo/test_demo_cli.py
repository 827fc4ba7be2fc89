"""The generator stays free of the web stack, and its command-line wrapper works."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import regulator.demo

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "models", "werkzeug")


def test_demo_package_imports_no_web_stack_or_orm():
    """No module of regulator.demo imports Flask, SQLAlchemy or the ORM models (it must run anywhere)."""
    for path in Path(regulator.demo.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
                assert not name.startswith("regulator.") or name == "regulator.identifiers", (path.name, name)


def test_public_api_is_exported():
    """The package re-exports exactly its public surface."""
    assert {"generate_world", "write_agency_files", "AGENCIES", "World", "NoiseConfig"} <= set(
        regulator.demo.__all__)


def test_script_writes_files_and_prints_summary(tmp_path):
    """scripts/generate_demo.py writes a data set and reports files, rows and timings."""
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_demo.py"), "--entities", "80",
                           "--seed", "3", "--out", str(out), "--formats", "csv"],
                          capture_output=True, text=True, check=True, cwd=ROOT, timeout=120)
    assert "SAMR" in proc.stdout and "rows" in proc.stdout and " s" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_entities"] == 80 and {f["format"] for f in manifest["files"]} == {"csv"}
