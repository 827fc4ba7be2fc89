"""Dismissing quarantined rows that will not be corrected: one from its page or many from the list, always
with a reason; the rows stay stored, listed apart with who and why, audited, and can be returned."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, Role, SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.ingest import IngestOptions, ingest_file

from ..conftest import PASSWORD

HEADER = "记录号,许可证编号,许可证名称,统一社会信用代码,企业名称,经营场所,法定代表人（负责人）,发证日期,有效期至,状态\n"
BAD = ("XK{n},JY2440309160004{n},食品经营许可证,,深圳市测试{n}餐饮有限公司,深圳市福田区测试路{n}号,"
       "李四,2020-02-30,2025-01-01,有效\n")


def _quarantined(agencies, tmp_path, code="SAMR", rows=3):  # noqa: ANN001, ANN202
    path = tmp_path / f"{code.lower()}_licences.csv"
    path.write_text(HEADER + "".join(BAD.format(n=n) for n in range(1, rows + 1)), encoding="utf-8")
    batch = ingest_file(path, "SAMR", IngestOptions())
    assert batch.rows_rejected == rows
    return db.session.scalars(select(SourceRecord).where(SourceRecord.batch_id == batch.id)
                              .order_by(SourceRecord.row_number)).all()


def _waiting_ids(client) -> str:  # noqa: ANN001
    return client.get("/coordinator/quarantine").get_data(as_text=True)


def test_one_row_dismissed_with_a_reason_listed_apart_and_returned(app, make, client, auth, agencies, tmp_path):
    samr = next(a for a in agencies if a.code == "SAMR")
    rows = _quarantined(agencies, tmp_path)
    coordinator = make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id, display_name="王芳")
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    row = rows[0]
    page = client.get(f"/coordinator/quarantine/{row.id}?lang=en").get_data(as_text=True)
    assert f'action="/coordinator/quarantine/{row.id}/dismiss"' in page

    client.post(f"/coordinator/quarantine/{row.id}/dismiss", data={"reason": "  "})
    db.session.expire_all()
    assert row.status == SourceStatus.REJECTED  # no reason, nothing dismissed

    response = client.post(f"/coordinator/quarantine/{row.id}/dismiss", data={"reason": "门店已于2024年注销"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (row.status, row.dismissed_reason, row.dismissed_by_id) == (
        SourceStatus.DISMISSED, "门店已于2024年注销", coordinator.id)
    assert row.dismissed_at is not None and row.raw["记录号"] == "XK1"  # kept verbatim
    waiting = _waiting_ids(client)
    assert f'value="{row.id}"' not in waiting and f'value="{rows[1].id}"' in waiting
    listed = client.get("/coordinator/quarantine?show=dismissed&lang=zh").get_data(as_text=True)
    assert "门店已于2024年注销" in listed and "王芳" in listed and f'data-id="{row.id}"' in listed
    assert f'data-id="{rows[1].id}"' not in listed
    export = client.get(f"/coordinator/imports/{row.batch_id}/rejected.csv").get_data(as_text=True)
    assert "XK1," not in export and "XK2," in export
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "quarantine.dismiss"))
    assert audit.object_id == row.id and audit.details["reason"] == "门店已于2024年注销"
    assert "Dismissed by 王芳" in client.get(f"/coordinator/quarantine/{row.id}?lang=en").get_data(as_text=True)
    again = client.post(f"/coordinator/quarantine/{row.id}/dismiss", data={"reason": "twice"},
                        follow_redirects=True).get_data(as_text=True)
    assert "is not in quarantine" in again

    client.post(f"/coordinator/quarantine/{row.id}/restore")
    db.session.expire_all()
    assert (row.status, row.dismissed_reason, row.dismissed_by_id, row.dismissed_at) == (
        SourceStatus.REJECTED, None, None, None)
    assert f'value="{row.id}"' in _waiting_ids(client)
    restored = db.session.scalar(select(AuditLog).where(AuditLog.action == "quarantine.restore"))
    assert restored.details["dismissed_reason"] == "门店已于2024年注销"
    # a row returned can be corrected and re-submitted as before
    form = {f"col-{i}": ("2020-02-28" if col == "发证日期" else v) for i, (col, v) in enumerate(row.raw.items())}
    client.post(f"/coordinator/quarantine/{row.id}", data=form)
    db.session.expire_all()
    assert row.status == SourceStatus.RESUBMITTED


def test_rows_chosen_on_the_list_dismissed_together_and_never_another_agencys(app, make, client, auth, agencies,
                                                                              tmp_path):
    samr = next(a for a in agencies if a.code == "SAMR")
    mee = next(a for a in agencies if a.code == "MEE")
    rows = _quarantined(agencies, tmp_path, rows=4)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    db.session.commit()

    auth.login("mee.coord", PASSWORD)
    refused = client.post("/coordinator/quarantine/dismiss", data={"reason": "不是本局的", "ids": [str(rows[0].id)]})
    assert refused.status_code == 404
    assert client.post(f"/coordinator/quarantine/{rows[0].id}/dismiss", data={"reason": "x"}).status_code == 404
    auth.logout()

    auth.login("samr.coord", PASSWORD)
    page = client.get("/coordinator/quarantine?lang=en").get_data(as_text=True)
    assert 'data-check-all="ids"' in page and "Reason for dismissing" in page
    chosen = [str(rows[0].id), str(rows[2].id)]
    response = client.post("/coordinator/quarantine/dismiss?lang=en", data={"reason": "测试数据", "ids": chosen},
                           follow_redirects=True)
    assert "2 rows dismissed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [r.status for r in rows] == [SourceStatus.DISMISSED, SourceStatus.REJECTED, SourceStatus.DISMISSED,
                                        SourceStatus.REJECTED]
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "quarantine.dismiss")).all()
    assert len(audits) == 1 and audits[0].details["ids"] == [rows[0].id, rows[2].id]
    # one row no longer waiting among the chosen: nothing is dismissed
    mixed = client.post("/coordinator/quarantine/dismiss?lang=en", data={
        "reason": "again", "ids": [str(rows[1].id), str(rows[2].id)]}, follow_redirects=True)
    assert f"Source record {rows[2].id} is not in quarantine" in mixed.get_data(as_text=True)
    db.session.expire_all()
    assert rows[1].status == SourceStatus.REJECTED
    nothing = client.post("/coordinator/quarantine/dismiss?lang=en", data={
        "reason": "x", "ids": ["99999999999999999999", "abc"]}, follow_redirects=True)  # no such ids, no overflow
    assert "Choose the rows to dismiss." in nothing.get_data(as_text=True)
    audit_page = client.get("/coordinator/quarantine?show=dismissed&lang=en").get_data(as_text=True)
    assert audit_page.count("测试数据") == 2


def test_a_dismissed_row_sent_again_corrected_points_at_its_replacement(app, agencies, tmp_path):
    """The agency corrects a row after all and sends it again: the dismissed row is replaced as a quarantined one
    is, and keeps why it had been dismissed."""
    rows = _quarantined(agencies, tmp_path, rows=2)
    from regulator.ingest import quarantine

    quarantine.dismiss([rows[0]], "以为是测试数据", None)
    db.session.commit()
    again = tmp_path / "samr_licences_again.csv"
    again.write_text(HEADER + BAD.format(n=1).replace("2020-02-30", "2020-02-28"), encoding="utf-8")
    batch = ingest_file(again, "SAMR", IngestOptions())
    assert batch.rows_accepted == 1 and batch.report["superseded"] == 1
    replacement = db.session.scalar(select(SourceRecord).where(SourceRecord.batch_id == batch.id))
    db.session.expire_all()
    assert (rows[0].status, rows[0].resubmitted_as_id, rows[0].dismissed_reason) == (
        SourceStatus.RESUBMITTED, replacement.id, "以为是测试数据")
    assert rows[1].status == SourceStatus.REJECTED
