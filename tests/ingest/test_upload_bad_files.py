"""Bad files a data officer uploads through the import page: each is refused or quarantined with words that
say what and where, never a server error, and a refused file writes nothing."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from models import ImportBatch, Licence, Role, SourceRecord, SourceStatus
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
    """A cell of 140,000 characters (a pasted page, or a quotation mark left open that runs to the end): the
    page says which file and line, instead of a server error; nothing is written."""
    _samr_coordinator(make, client, auth, agencies)
    huge = GOOD.replace("深圳市福田区测试路1号", "x" * 140_000).replace("XK1,", "XK9,")
    response = _upload(client, (HEADER + GOOD + huge).encode(), "samr_licences.csv")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The file was not imported: samr_licences.csv cannot be read at line 3: a cell there is longer " \
           "than 131072 characters (is a quotation mark left open?)." in page
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert db.session.scalar(select(func.count()).select_from(SourceRecord)) == 0


MEM_LINE = ('{"licence_no": "粤深危化经字〔2026〕000001号", "credit_code": "", "company_name": "深圳市测试化工商行", '
            '"address": "深圳市南山区测试路1号", "issue_date": "20260105", "valid_until": "20290104", '
            '"status": "VALID"}')


def test_a_broken_json_line_is_corrected_on_its_page_and_lands_once(app, make, client, auth, agencies):
    """A JSON lines file with one line cut short: the line waits in quarantine as sent, under words (not
    '__text'); correcting its text on the row's page imports its columns (it was re-submitted as the one
    column '__text' and rejected again for every required column, for ever); a correction still broken is
    said and changes nothing; the same corrected line in a later file is already there."""
    mem = next(a for a in agencies if a.code == "MEM")
    make.user("mem.coord", Role.COORDINATOR, agency_id=mem.id)
    db.session.commit()
    auth.login("mem.coord", PASSWORD)
    broken = MEM_LINE.replace("000001", "000002").replace("测试化工商行", "另一化工商行").rsplit(",", 2)[0] + ","
    response = _upload(client, (MEM_LINE + "\n" + broken + "\n").encode(), "mem_licences.jsonl")
    assert response.status_code == 302, response.get_data(as_text=True)
    bad = db.session.scalar(select(SourceRecord).where(SourceRecord.status == SourceStatus.REJECTED))
    assert bad.raw == {"__text": broken}
    page = client.get(f"/coordinator/quarantine/{bad.id}?lang=en").get_data(as_text=True)
    assert '<label for="col-0">The row as sent (it could not be split into columns)</label>' in page

    still = client.post(f"/coordinator/quarantine/{bad.id}?lang=en", data={"col-0": broken + "}"},
                        follow_redirects=True).get_data(as_text=True)
    assert f"The corrected row of source record {bad.id} is still not valid JSON (at character" in still
    db.session.expire_all()
    assert bad.status == SourceStatus.REJECTED

    fixed = broken[:-1] + "}"
    response = client.post(f"/coordinator/quarantine/{bad.id}?lang=en", data={"col-0": fixed})
    assert response.status_code == 302
    db.session.expire_all()
    assert bad.status == SourceStatus.RESUBMITTED
    new = db.session.get(SourceRecord, bad.resubmitted_as_id)
    assert new.status == SourceStatus.ACCEPTED and new.canonical["licence_no"] == "粤深危化经字〔2026〕000002号"
    assert db.session.scalar(select(func.count()).select_from(Licence)) == 2
    again = _upload(client, (MEM_LINE + "\n" + fixed + "\n").encode(), "mem_licences_corrected.jsonl")
    assert again.status_code == 302
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert (batch.rows_accepted, batch.rows_duplicate) == (0, 2)
    assert db.session.scalar(select(func.count()).select_from(Licence)) == 2


def test_a_workbook_opening_with_a_cover_sheet_imports_its_sheet_of_data(app, make, client, auth, agencies):
    """An export whose first sheet is a cover (its title alone) and whose second holds the rows: the rows are
    imported; the page said 'Imported: 0 rows accepted' and the file's rows were silently left out. A workbook
    whose first sheet holds the table keeps reading that one (a sheet of notes after it is not read)."""
    import openpyxl

    _samr_coordinator(make, client, auth, agencies)
    book = openpyxl.Workbook()
    book.active.title = "封面"
    book.active.append(["深圳市市场监督管理局食品经营许可证导出"])
    data = book.create_sheet("数据")
    for line in (HEADER + GOOD).splitlines():
        data.append(line.split(","))
    notes = book.create_sheet("说明")
    notes.append(["说明", "本表由系统导出"])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, out.getvalue(), "samr_licences.xlsx")
    assert response.status_code == 302, response.get_data(as_text=True)
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.rows_read, batch.rows_accepted) == (1, 1)
    assert db.session.scalar(select(Licence.licence_no)) == "JY24403091600047"


def test_the_quarantine_filters_by_import_and_key(app, make, client, auth, agencies):
    """Rows of two imports wait; the quarantine shows those of one import, or those whose key holds some text
    (the page offered no filter: a coordinator paged through every agency row); the count of rows waiting
    stays the agency's; the import of another agency shows nothing."""
    _samr_coordinator(make, client, auth, agencies)
    bad = GOOD.replace("2020-01-02", "2020-02-30")
    for n, name in ((1, "samr_licences_a.csv"), (2, "samr_licences_b.csv")):
        rows = "".join(bad.replace("XK1,JY24403091600047", f"XK{n}{i},JY2440309160{n}{i:03d}") for i in range(2))
        assert _upload(client, (HEADER + rows).encode(), name).status_code == 302
    first, second = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()

    def shown(query: str) -> set[str]:
        page = client.get(f"/coordinator/quarantine?lang=en&{query}").get_data(as_text=True)
        assert '<small class="text-muted">4</small>' in page  # rows waiting, filtered or not
        return {r.source_key for r in db.session.scalars(select(SourceRecord)) if f'data-id="{r.id}"' in page}

    assert shown("") == {"XK10", "XK11", "XK20", "XK21"}
    assert shown(f"batch={second.id}") == {"XK20", "XK21"}
    assert shown("key=K11") == {"XK11"}
    assert shown(f"batch={first.id}&key=XK2") == set()
    assert "2 rows found." in client.get(f"/coordinator/quarantine?lang=en&batch={first.id}").get_data(as_text=True)
    mem = next(a for a in agencies if a.code == "MEM")
    make.user("mem.coord", Role.COORDINATOR, agency_id=mem.id)
    db.session.commit()
    auth.logout()
    auth.login("mem.coord", PASSWORD)
    page = client.get(f"/coordinator/quarantine?lang=en&batch={first.id}").get_data(as_text=True)
    assert "XK1" not in page and "0 rows found." in page


def test_a_file_of_blank_lines_is_refused_as_empty(app, make, client, auth, agencies):
    """A file of blank lines and spaces only was 'imported' as a batch of no rows, as though the agency had sent
    nothing new; it is refused as a file of no bytes is, naming it, and no batch is written."""
    _samr_coordinator(make, client, auth, agencies)
    for data in (b"", b"\r\n\r\n  \r\n", b"\xef\xbb\xbf\n,,\n"):
        page = _upload(client, data, "samr_licences.csv").get_data(as_text=True)
        assert "The file was not imported: samr_licences.csv is empty: it has no header row." in page, data
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_header_row_alone_with_the_wrong_columns_is_refused_on_the_upload_page(app, make, client, auth, agencies):
    """A file of only a header row whose columns are not the mapping's was 'imported' as a batch of 0 rows; the
    page refuses it as it refuses the same header with rows under it, naming the file and the missing columns."""
    _samr_coordinator(make, client, auth, agencies)
    for data in ("foo,bar\n", "foo,bar\n1,2\n"):
        page = _upload(client, data.encode(), "samr_licences.csv").get_data(as_text=True)
        assert "The file was not imported: samr_licences.csv lacks the column(s) " in page, data
        assert "许可证编号" in page and "(the file&#39;s columns: foo, bar)" in page, data
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_import_report_says_when_it_ran_on_the_platforms_clock(app, make, client, auth, agencies):
    """The batch page said nothing of when its file was imported (the list did); it says when the import
    started and finished, on the platform's clock (17:30 UTC is 01:30 the next day in Shenzhen)."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    _samr_coordinator(make, client, auth, agencies)
    assert _upload(client, (HEADER + GOOD).encode(), "samr_licences.csv").status_code == 302
    db.session.execute(update(ImportBatch).values(created_at=datetime(2026, 3, 2, 17, 30, tzinfo=UTC),
                                                  finished_at=datetime(2026, 3, 2, 17, 32, tzinfo=UTC)))
    db.session.commit()
    batch = db.session.scalar(select(ImportBatch))
    page = client.get(f"/coordinator/imports/{batch.id}?lang=en").get_data(as_text=True)
    assert '<dd class="col-sm-9" id="batch-started">2026-03-03 01:30</dd>' in page
    assert '<dd class="col-sm-9" id="batch-finished">2026-03-03 01:32</dd>' in page


def test_a_file_named_in_chinese_keeps_its_name(app, make, client, auth, agencies):
    """secure_filename kept ASCII only: 市场主体登记.xlsx became 'xlsx', refused as a file of no type, and
    许可证导出.csv became 'csv'. The upload keeps its own name (its folder's path parts and control characters
    left out), which the batch shows."""
    from regulator.coordinator.imports import _upload_name

    _samr_coordinator(make, client, auth, agencies)
    response = _upload(client, (HEADER + GOOD).encode("gb18030"), "许可证导出.csv")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(ImportBatch.filename)) == "许可证导出.csv"
    assert _upload_name("C:\\导出\\..\\市场主体登记.xlsx") == "市场主体登记.xlsx"
    assert _upload_name("../../\x00..xlsx") == "xlsx" and _upload_name("..") == "upload.csv"
    long = _upload_name("许" * 300 + ".csv")
    assert long.endswith(".csv") and len(long.encode()) <= 200


def test_a_quarantined_row_names_its_file(app, make, client, auth, agencies):
    """The quarantine and a row's page named the import by its number only: which of the agency's files a row
    came from took a second page; both name the file, as the batch page does."""
    _samr_coordinator(make, client, auth, agencies)
    bad = GOOD.replace("2020-01-02", "2020-02-30")
    assert _upload(client, (HEADER + bad).encode("gb18030"), "许可证导出_2026年11月.csv").status_code == 302
    row = db.session.scalar(select(SourceRecord))
    listing = client.get("/coordinator/quarantine?lang=en").get_data(as_text=True)
    assert f'>{row.batch_id}</a> <span class="text-break">许可证导出_2026年11月.csv</span>' in listing
    page = client.get(f"/coordinator/quarantine/{row.id}?lang=en").get_data(as_text=True)
    assert '<span id="row-file">许可证导出_2026年11月.csv</span> · Row of the file 2' in page
