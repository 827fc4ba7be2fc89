"""Fixtures for ingestion tests: the demo agencies registered, a small generated world on disk."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def agencies(app):  # noqa: ANN001, ANN201
    """The seven demo agencies (their codes name their mapping files)."""
    from regulator.demo import AGENCIES
    from regulator.extensions import db
    from regulator.services.agencies import upsert_agency

    out = [upsert_agency(a["code"], a["name"], a["domain"]) for a in AGENCIES]
    db.session.commit()
    return out


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 150-entity demo world's agency files and hidden truth (written once per session)."""
    from regulator.demo import generate_world, write_agency_files

    out = tmp_path_factory.mktemp("world")
    write_agency_files(generate_world(n_entities=150, seed=11), out)
    return out
