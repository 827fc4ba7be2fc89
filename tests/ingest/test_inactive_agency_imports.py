"""A deactivated agency's files are refused, whichever way they come: its coordinator's upload, its system's push,
``flask ingest``; nothing is written, and the same file goes in once the agency is active again."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from models import ImportBatch, Role
from regulator.extensions import db
from regulator.services.tokens import issue_token

from ..conftest import PASSWORD
from .test_push_api_http import ROW
from .test_upload_quarantine_api import GOOD, HEADER


def _batches() -> int:
    return db.session.scalar(select(func.count(ImportBatch.id)))


def test_a_deactivated_agencys_upload_is_refused(app, make, client, auth, agencies) -> None:  # noqa: ANN001
    samr = next(a for a in agencies if a.code == "SAMR")
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    samr.active = False
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    data = (HEADER + GOOD).encode("gb18030")
    response = client.post("/coordinator/imports?lang=en", data={"file": (io.BytesIO(data), "samr_licences.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "The agency SAMR is deactivated: its files are not imported until an administrator activates it " \
           "again." in response.get_data(as_text=True)
    assert _batches() == 0
    samr.active = True
    db.session.commit()
    response = client.post("/coordinator/imports", data={"file": (io.BytesIO(data), "samr_licences.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and _batches() == 1


def test_a_deactivated_agencys_push_is_refused(app, client, agencies) -> None:  # noqa: ANN001
    mem = next(a for a in agencies if a.code == "MEM")
    clear, _token = issue_token(mem, "mem-system")
    mem.active = False
    db.session.commit()
    headers = {"Authorization": f"Bearer {clear}"}
    response = client.post("/api/v1/imports", json={"kind": "mem_licences", "rows": [ROW]}, headers=headers)
    assert response.status_code == 409 and "MEM is deactivated" in response.json["message"], response.json
    assert _batches() == 0


def test_flask_ingest_refuses_a_deactivated_agencys_file(app, agencies, tmp_path) -> None:  # noqa: ANN001
    samr = next(a for a in agencies if a.code == "SAMR")
    samr.active = False
    db.session.commit()
    path = tmp_path / "samr_licences.csv"
    path.write_bytes((HEADER + GOOD).encode("gb18030"))
    result = app.test_cli_runner().invoke(args=["ingest", str(path), "--agency", "SAMR"])
    assert result.exit_code != 0 and "SAMR is deactivated" in result.output, result.output
    assert _batches() == 0
