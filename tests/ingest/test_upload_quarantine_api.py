"""The upload page, fixing a quarantined row and re-submitting it, and the token-authenticated push API."""

from __future__ import annotations

import io

from sqlalchemy import select

from models import ImportBatch, Licence, Role, SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.services.tokens import issue_token

from ..conftest import PASSWORD

HEADER = "记录号,许可证编号,许可证名称,统一社会信用代码,企业名称,经营场所,法定代表人（负责人）,发证日期,有效期至,状态\n"
GOOD = ("XK1,JY24403091600047,食品经营许可证,91110000600037341L,深圳市测试餐饮有限公司,深圳市福田区测试路1号,"
        "张三,2020-01-02,2025-01-01,有效\n")
BAD = ("XK2,JY24403091600048,食品经营许可证,,深圳市另一餐饮有限公司,深圳市福田区测试路2号,"
       "李四,2020-02-30,2025-01-01,有效\n")


def _coordinator(make, agency):  # noqa: ANN001, ANN202
    return make.user("samr.coord", Role.COORDINATOR, agency_id=agency.id)


def test_upload_then_fix_and_resubmit_a_quarantined_row(app, make, client, auth, agencies):
    """A GBK upload lands; the bad row is quarantined verbatim; correcting its date re-submits it."""
    samr = next(a for a in agencies if a.code == "SAMR")
    _coordinator(make, samr)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    data = (HEADER + GOOD + BAD).encode("gb18030")
    response = client.post("/coordinator/imports", data={"file": (io.BytesIO(data), "samr_licences.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected, batch.encoding) == (2, 1, 1, "gb18030")
    page = client.get(f"/coordinator/imports/{batch.id}").get_data(as_text=True)
    assert "发证日期: not a day of the calendar" in page
    bad = db.session.scalar(select(SourceRecord).where(SourceRecord.status == SourceStatus.REJECTED))
    assert bad.raw["发证日期"] == "2020-02-30" and bad.errors[0]["column"] == "发证日期"
    assert "XK2" in client.get("/coordinator/quarantine").get_data(as_text=True)
    home = client.get("/coordinator/?lang=en").get_data(as_text=True)  # the row waits on the coordinator's home
    assert '<a href="/coordinator/quarantine" id="quarantine-waiting">Rejected rows waiting for a fix: 1</a>' in home
    form = {f"col-{i}": ("2020-02-28" if col == "发证日期" else value)
            for i, (col, value) in enumerate(bad.raw.items())}
    response = client.post(f"/coordinator/quarantine/{bad.id}", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert bad.status == SourceStatus.RESUBMITTED
    fixed = db.session.get(SourceRecord, bad.resubmitted_as_id)
    assert fixed.status == SourceStatus.ACCEPTED and fixed.canonical["issue_date"] == "2020-02-28"
    assert db.session.scalar(select(Licence).where(Licence.source_record_id == fixed.id)).licence_no \
        == "JY24403091600048"
    assert "XK2" not in client.get("/coordinator/quarantine").get_data(as_text=True)
    assert "Rejected rows waiting for a fix: 0</a>" in client.get("/coordinator/?lang=en").get_data(as_text=True)


def test_upload_offers_the_agencys_file_kinds_for_a_file_named_otherwise(app, make, client, auth, agencies):
    """A file saved as export(1).csv is imported as the kind chosen from the agency's mapping; a kind of
    another agency is not offered and not accepted; administrators see every agency's kinds."""
    samr = next(a for a in agencies if a.code == "SAMR")
    _coordinator(make, samr)
    make.user("the.admin", Role.ADMIN)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    page = client.get("/coordinator/imports?lang=en").get_data(as_text=True)
    offered = page.split('id="kind"', 1)[1].split("</select>", 1)[0]
    assert '<option value="">Tell from the file name and its columns</option>' in offered
    assert 'value="samr_licences">samr_licences · Licence</option>' in offered and "mem_licences" not in offered
    data = (HEADER + GOOD).encode("utf-8")
    refused = client.post("/coordinator/imports", data={"file": (io.BytesIO(data), "export(1).csv"),
                                                        "kind": "mem_licences"}, content_type="multipart/form-data")
    assert refused.status_code == 200 and db.session.scalar(select(ImportBatch)) is None
    wrong = client.post("/coordinator/imports?lang=en", data={"file": (io.BytesIO("甲,乙\n1,2\n".encode()),
                                                                        "samr_licences.csv")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "The file was not imported: samr_licences.csv lacks the column(s)" in wrong
    assert '<a href="/coordinator/imports/formats?agency=SAMR">file formats and templates</a>' in wrong
    response = client.post("/coordinator/imports", data={"file": (io.BytesIO(data), "export(1).csv"),
                                                         "kind": "samr_licences"}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    batch = db.session.scalar(select(ImportBatch))
    assert batch.mapping == "SAMR/samr_licences" and batch.rows_accepted == 1
    client.post("/auth/logout")
    auth.login("the.admin", PASSWORD)
    offered = client.get("/coordinator/imports").get_data(as_text=True).split('id="kind"', 1)[1].split("</select>")[0]
    assert 'value="samr_licences">SAMR · samr_licences' in offered and 'value="mem_licences">MEM · mem_licences' \
        in offered


def test_push_api_imports_rows_for_the_tokens_agency_and_ignores_repeats(app, client, agencies):
    """An agency system pushes JSON rows with its token; a second identical push adds nothing."""
    mem = next(a for a in agencies if a.code == "MEM")
    clear, _token = issue_token(mem, "mem-system")
    db.session.commit()
    rows = [{"licence_no": "粤深危化经字〔2019〕000003号", "credit_code": "91110000600037341L",
             "company_name": "深圳测试化学品有限公司", "address": "深圳市龙岗区测试路3号", "issue_date": "20191229",
             "valid_until": "20221227", "status": "EXPIRED"},
            {"licence_no": "粤深危化经字〔2019〕000004号", "credit_code": "", "company_name": "深圳另一化学品有限公司",
             "address": "深圳市龙岗区测试路4号", "issue_date": "2019-13-01", "valid_until": "", "status": "VALID"}]
    headers = {"Authorization": f"Bearer {clear}"}
    assert client.post("/api/v1/imports", json={"kind": "mem_licences", "rows": rows}).status_code == 401
    response = client.post("/api/v1/imports", json={"kind": "mem_licences", "rows": rows}, headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["rows_read"], body["rows_accepted"], body["rows_rejected"]) == (2, 1, 1)
    assert body["rejected_by_reason"] == {"issue_date: not a date in the expected format (%Y%m%d)": 1}
    again = client.post("/api/v1/imports", json={"kind": "mem_licences", "rows": rows}, headers=headers).json
    assert (again["rows_accepted"], again["rows_duplicate"]) == (0, 2)
    assert client.get(f"/api/v1/imports/{body['id']}", headers=headers).json["rows_accepted"] == 1
    # which of its rows were refused, and why: by their place in the push and their own key
    refused = client.get(f"/api/v1/imports/{body['id']}/rejected", headers=headers).json
    assert refused["total"] == 1 and refused["items"][0]["row_number"] == 2
    assert refused["items"][0]["source_key"] == "粤深危化经字〔2019〕000004号"
    assert refused["items"][0]["status"] == "rejected" and refused["items"][0]["errors"] == [
        {"column": "issue_date", "message": "not a date in the expected format (%Y%m%d): '2019-13-01'"}]
    assert "raw" not in refused["items"][0]
    record = db.session.get(SourceRecord, refused["items"][0]["id"])
    from regulator.ingest.quarantine import dismiss

    dismiss([record], "测试", None)
    db.session.commit()
    assert client.get(f"/api/v1/imports/{body['id']}/rejected?status=rejected", headers=headers).json["total"] == 0
    dismissed = client.get(f"/api/v1/imports/{body['id']}/rejected?status=dismissed", headers=headers).json
    assert dismissed["items"][0]["dismissed_reason"] == "测试"
    assert client.get(f"/api/v1/imports/{body['id']}/rejected?status=accepted", headers=headers).status_code == 422
    bad_kind = client.post("/api/v1/imports", json={"kind": "nope", "rows": rows}, headers=headers)
    assert bad_kind.status_code == 400 and "nope" in bad_kind.json["message"]
    # the importer's own keys cannot be sent: a row keeps its place in the push and is no "invalid" row
    odd = {**rows[0], "licence_no": "粤深危化经字〔2019〕000005号", "__row": 99, "__invalid": "x", "__width": 1}
    pushed = client.post("/api/v1/imports", json={"kind": "mem_licences", "rows": [odd]}, headers=headers).json
    assert (pushed["rows_accepted"], pushed["rows_rejected"]) == (1, 0), pushed
    kept = db.session.scalar(select(SourceRecord).where(SourceRecord.batch_id == pushed["id"]))
    assert kept.row_number == 1 and not any(k.startswith("__") for k in kept.raw)


def test_a_row_sent_again_corrected_leaves_the_quarantine(app, make, client, auth, agencies, tmp_path):
    """The agency fixes a rejected row in its own system and sends the file again: the quarantined row is replaced by
    the accepted one with the same key (as a fix on the page would do); rows of other keys or kinds stay."""
    from regulator.ingest import IngestOptions, ingest_file

    samr = next(a for a in agencies if a.code == "SAMR")
    first = tmp_path / "samr_licences_1.csv"
    first.write_text(HEADER + GOOD + BAD + BAD.replace("XK2,JY24403091600048", "XK3,JY24403091600049"),
                     encoding="utf-8")
    batch = ingest_file(first, "SAMR", IngestOptions())
    assert (batch.rows_accepted, batch.rows_rejected) == (1, 2)
    again = tmp_path / "samr_licences_2.csv"
    again.write_text(HEADER + BAD.replace("2020-02-30", "2020-02-28"), encoding="utf-8")
    second = ingest_file(again, "SAMR", IngestOptions())
    assert second.rows_accepted == 1 and second.report["superseded"] == 1
    replacement = db.session.scalar(select(SourceRecord).where(SourceRecord.batch_id == second.id))
    old = db.session.scalar(select(SourceRecord).where(SourceRecord.batch_id == batch.id,
                                                       SourceRecord.source_key == "XK2"))
    assert (old.status, old.resubmitted_as_id) == (SourceStatus.RESUBMITTED, replacement.id)
    assert db.session.scalar(select(SourceRecord).where(SourceRecord.source_key == "XK3")).status \
        == SourceStatus.REJECTED
    _coordinator(make, samr)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    page = client.get(f"/coordinator/imports/{second.id}?lang=en").get_data(as_text=True)
    assert "1 rows that an earlier import quarantined came again corrected" in page
    waiting = client.get("/coordinator/quarantine").get_data(as_text=True)
    assert f"/coordinator/quarantine/{old.id}\"" not in waiting



def test_rejected_rows_download_corrected_and_imported_again(app, make, client, auth, agencies, tmp_path):
    """The loop for many rows: download the batch's quarantined rows, correct them in a spreadsheet, upload the
    file: each corrected row replaces its quarantined one, and the download is then empty."""
    import csv

    from regulator.ingest import IngestOptions, ingest_file

    samr = next(a for a in agencies if a.code == "SAMR")
    first = tmp_path / "samr_licences_2025年3月.csv"
    first.write_text(HEADER + GOOD + BAD + BAD.replace("XK2,JY24403091600048", "XK3,JY24403091600049"),
                     encoding="utf-8")
    batch = ingest_file(first, "SAMR", IngestOptions())
    _coordinator(make, samr)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    assert f"/coordinator/imports/{batch.id}/rejected.xlsx" in client.get(
        f"/coordinator/imports/{batch.id}").get_data(as_text=True)
    download = client.get(f"/coordinator/imports/{batch.id}/rejected.csv?lang=en")
    assert "filename*=UTF-8''samr_licences_2025%E5%B9%B43%E6%9C%88_rejected.csv" in \
        download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["记录号"] for r in rows] == ["XK2", "XK3"] and "not a day of the calendar" in rows[0]["Reasons"]
    for row in rows:
        row["发证日期"] = "2020-02-28"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    response = client.post("/coordinator/imports", data={
        "file": (io.BytesIO(out.getvalue().encode("utf-8")), "samr_licences_2025年3月_rejected.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    again = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert (again.rows_accepted, again.report["superseded"]) == (2, 2)
    empty = client.get(f"/coordinator/imports/{batch.id}/rejected.csv").get_data(as_text=True)
    assert len(empty.strip().splitlines()) == 1
    book = client.get(f"/coordinator/imports/{batch.id}/rejected.xlsx")
    assert book.status_code == 200 and book.data[:2] == b"PK"
    from models import AuditLog

    assert db.session.query(AuditLog).filter_by(action="quarantine.export", object_id=batch.id).count() == 3


def test_the_upload_message_counts_rows_in_the_singular_and_the_plural(app, make, client, auth, agencies):
    """"1 row accepted", not "1 rows accepted"; each count takes its own plural."""
    samr = next(a for a in agencies if a.code == "SAMR")
    _coordinator(make, samr)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)

    def upload(rows: str) -> str:
        response = client.post("/coordinator/imports?lang=en", follow_redirects=True,
                               data={"file": (io.BytesIO((HEADER + rows).encode()), "samr_licences.csv")},
                               content_type="multipart/form-data")
        return response.get_data(as_text=True)

    assert "Imported: 1 row accepted, 1 quarantined, 0 already there." in upload(GOOD + BAD)
    other = GOOD.replace("XK1,JY24403091600047", "XK3,JY24403091600049")
    assert "Imported: 1 row accepted, 0 quarantined, 1 already there." in upload(GOOD + other)
    third = GOOD.replace("XK1,JY24403091600047", "XK4,JY24403091600050")
    fourth = GOOD.replace("XK1,JY24403091600047", "XK5,JY24403091600051")
    assert "Imported: 2 rows accepted, 0 quarantined, 0 already there." in upload(third + fourth)


def test_an_upload_with_a_title_above_its_header_imports_and_says_so(app, make, client, auth, agencies):
    """An agency's export that opens with its title and date (GBK): the header below them is found, the rows are
    imported, and the batch page says what was left out above the header."""
    samr = next(a for a in agencies if a.code == "SAMR")
    _coordinator(make, samr)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    data = ("深圳市市场监督管理局食品经营许可证导出\n导出时间：2025-01-02\n" + HEADER + GOOD + BAD).encode("gb18030")
    response = client.post("/coordinator/imports", data={"file": (io.BytesIO(data), "samr_licences.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.rows_read, batch.rows_accepted) == (2, 1)
    assert batch.report["title"] == ["深圳市市场监督管理局食品经营许可证导出", "导出时间：2025-01-02"]
    page = client.get(f"/coordinator/imports/{batch.id}?lang=en").get_data(as_text=True)
    assert "Left out, as the file's title: 深圳市市场监督管理局食品经营许可证导出 / 导出时间：2025-01-02" in page
    bad = db.session.scalar(select(SourceRecord).where(SourceRecord.status == SourceStatus.REJECTED))
    assert bad.row_number == 2  # the second row below the header, which is the file's fifth
    assert f'source_id={bad.id}">5</a>' in page.replace(f"/coordinator/quarantine/{bad.id}", f"source_id={bad.id}")
    for url in ("/coordinator/quarantine", f"/coordinator/quarantine/{bad.id}", f"/entities/sources/{bad.id}"):
        shown = client.get(f"{url}?lang=en").get_data(as_text=True)
        assert "Row of the file" in shown and (">5<" in shown or "Row of the file 5" in shown), url


def test_a_json_body_over_the_apis_limit_is_refused_unread(app, client, agencies):
    """A push larger than API_JSON_MAX_BYTES is a 413 saying what to do, whether it states its length or comes in
    chunks; nothing is imported. (A file upload keeps MAX_CONTENT_LENGTH.)"""
    import io
    import json

    from models import ImportBatch

    mem = next(a for a in agencies if a.code == "MEM")
    clear, _token = issue_token(mem, "mem-system")
    db.session.commit()
    app.config["API_JSON_MAX_BYTES"] = 2000
    row = {"licence_no": "粤深危化经字〔2019〕000005号", "credit_code": "", "company_name": "深圳大批量化学品有限公司",
           "address": "深圳市龙岗区测试路5号", "issue_date": "20191229", "valid_until": "", "status": "VALID"}
    body = json.dumps({"kind": "mem_licences", "rows": [row] * 20}, ensure_ascii=False).encode()
    headers = {"Authorization": f"Bearer {clear}", "Content-Type": "application/json"}
    stated = client.post("/api/v1/imports", data=body, headers=headers)
    assert stated.status_code == 413 and "larger than" in stated.json["message"], stated.json
    chunked = client.post("/api/v1/imports", input_stream=io.BytesIO(body),  # as a server gives a chunked body
                          headers={**headers, "Transfer-Encoding": "chunked"},
                          environ_overrides={"wsgi.input_terminated": True})
    assert chunked.status_code == 413
    assert db.session.query(ImportBatch).count() == 0
    small = json.dumps({"kind": "mem_licences", "rows": [row]}, ensure_ascii=False).encode()
    assert client.post("/api/v1/imports", data=small, headers=headers).status_code == 201
