"""Bad files a data officer uploads through the import page: each is refused or quarantined with words that
say what and where, never a server error, and a refused file writes nothing."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from models import ImportBatch, Role, SourceRecord
from regulator.extensions import db

from ..conftest import PASSWORD
from .test_upload_quarantine_api import GOOD, HEADER


def _samr_coordinator(make, client, auth, agencies) -> None:  # noqa: ANN001
    samr = next(a for a in agencies if a.code == "SAMR")
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)


def _upload(client, data: bytes, name: str):  # noqa: ANN001, ANN202
    return client.post("/coordinator/imports?lang=en", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_cell_longer_than_the_csv_readers_limit_refuses_the_file_by_its_line(app, make, client, auth, agencies):
    """A cell of 200,000 characters (a pasted page, or a quotation mark left open that runs to the end): the
    page says which file and line, instead of a server error; nothing is written."""
    _samr_coordinator(make, client, auth, agencies)
    huge = GOOD.replace("深圳市福田区测试路1号", "长" * 200_000).replace("XK1,", "XK9,")
    response = _upload(client, (HEADER + GOOD + huge).encode(), "samr_licences.csv")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The file was not imported: samr_licences.csv cannot be read at line 3: a cell there is longer " \
           "than 131072 characters (is a quotation mark left open?)." in page
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert db.session.scalar(select(func.count()).select_from(SourceRecord)) == 0
