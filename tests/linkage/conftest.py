"""Linkage test helpers: the public data sets (skipped with a reason when absent) and a small demo world."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def shared_data(name: str) -> Path:
    """``../shared/data/<name>`` seen from the project (or $REGULATOR_SHARED_DATA); skip if absent."""
    candidates = [Path(os.environ["REGULATOR_SHARED_DATA"]) / name] if os.environ.get("REGULATOR_SHARED_DATA") else []
    candidates += [parent / "shared" / "data" / name for parent in ROOT.parents]
    for path in candidates:
        if path.is_dir():
            return path
    pytest.skip(f"real data set {name!r} not found (looked for ../shared/data/{name} above {ROOT}; "
                "set REGULATOR_SHARED_DATA to its folder)")
    raise AssertionError  # unreachable: skip raises
