"""Documents sent with objections and credit repair applications: checked by content, kept with the request,
read only by the enterprise, the deciding agency's coordinators and administrators."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from models import Attachment, AuditLog, CreditRepair, Objection, PenaltyType, Role
from regulator.extensions import db
from regulator.services import attachments
from regulator.services.attachments import MAX_BYTES, AttachmentError, Upload, check, safe_name

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _world(make):  # noqa: ANN001, ANN202
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity, other = make.entity("深圳市文件测试有限公司"), make.entity("深圳市别家有限公司")
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    make.user("other.ent", Role.ENTERPRISE, entity_id=other.id)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    make.user("samr.insp", Role.INSPECTOR, agency_id=samr.id)
    penalty = make.enforcement(entity, samr, penalty_type=PenaltyType.WARNING,
                               decision_date=date.today() - timedelta(days=120))
    db.session.commit()
    return entity, penalty


def test_objection_with_documents_read_by_those_who_decide_it(app, make, client, auth) -> None:  # noqa: ANN001
    _entity, penalty = _world(make)
    auth.login("ent")
    response = client.post(f"/enterprise/objections/new/enforcement/{penalty.id}", data={
        "reason": "处罚对象有误", "documents": [(io.BytesIO(PDF), "..\\..\\租赁合同.PDF"),
                                                 (io.BytesIO(PNG), "营业执照.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    objection = db.session.query(Objection).one()
    stored = db.session.query(Attachment).order_by(Attachment.id).all()
    assert [(a.filename, a.content_type, a.size) for a in stored] == [
        ("租赁合同.pdf", "application/pdf", len(PDF)), ("营业执照.png", "image/png", len(PNG))]
    assert {a.subject_id for a in stored} == {objection.id}
    url = f"/entities/attachments/{stored[0].id}"
    assert url in client.get(f"/enterprise/objections/{objection.id}").get_data(as_text=True)
    own = client.get(url)
    assert own.status_code == 200 and own.data == PDF and own.mimetype == "application/pdf"
    assert "attachment" in own.headers["Content-Disposition"] and "no-store" in own.headers["Cache-Control"]
    auth.logout()
    for user, status in (("other.ent", 404), ("mee.coord", 404), ("samr.insp", 403)):
        auth.login(user)
        assert client.get(url).status_code == status, user
        auth.logout()
    assert client.get(url).status_code in (302, 401)
    auth.login("samr.coord")
    assert url in client.get(f"/coordinator/objections/{objection.id}").get_data(as_text=True)
    assert client.get(url).data == PDF
    assert db.session.query(AuditLog).filter_by(action="attachment.download").count() == 2


def test_a_refused_document_sends_nothing(app, make, client, auth) -> None:  # noqa: ANN001
    """A file that is not what a document may be: the objection is not sent, the page says which file."""
    _entity, penalty = _world(make)
    auth.login("ent")
    page = client.post(f"/enterprise/objections/new/enforcement/{penalty.id}", data={
        "reason": "处罚对象有误", "documents": [(io.BytesIO(PDF), "合同.pdf"),
                                                 (io.BytesIO(b"<html><script>"), "说明.pdf")]},
        content_type="multipart/form-data", headers={"Accept-Language": "en"}).get_data(as_text=True)
    at_field = page.split('id="documents"')[1][:300]  # said at the field, which is marked
    assert "说明.pdf is not a PDF, JPEG or PNG file." in at_field and "alert-danger" not in page
    assert "is-invalid" in page.split('id="documents"')[0].rsplit("<input", 1)[1]
    assert "处罚对象有误" in page  # the reason typed is kept
    assert db.session.query(Objection).count() == 0 and db.session.query(Attachment).count() == 0


def test_repair_application_with_a_photo(app, make, client, auth) -> None:  # noqa: ANN001
    _entity, penalty = _world(make)
    auth.login("ent")
    response = client.post(f"/enterprise/repairs/new/enforcement_action/{penalty.id}", data={
        "reason": "已整改", "documents": [(io.BytesIO(JPEG), "整改现场.jpeg")]}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    repair = db.session.query(CreditRepair).one()
    document = db.session.query(Attachment).one()
    assert (document.subject_type, document.subject_id, document.filename) == ("credit_repair", repair.id,
                                                                                "整改现场.jpg")
    auth.logout()
    auth.login("samr.coord")
    page = client.get(f"/coordinator/repairs/{repair.id}").get_data(as_text=True)
    assert f"/entities/attachments/{document.id}" in page
    assert client.get(f"/entities/attachments/{document.id}").data == JPEG


def test_repair_api_states_steps_and_documents(app, make, client, auth) -> None:  # noqa: ANN001
    """The enterprise and the deciding agency read an application, its steps and its documents over JSON; another
    enterprise and another agency's coordinator get 404s, an inspector 403."""
    from regulator.services import repairs

    _entity, penalty = _world(make)
    auth.login("ent")
    client.post(f"/enterprise/repairs/new/enforcement_action/{penalty.id}", data={
        "reason": "已整改", "documents": [(io.BytesIO(JPEG), "整改现场.jpeg")]}, content_type="multipart/form-data")
    repair = db.session.query(CreditRepair).one()
    repairs.start_review(repair, make.user("samr.coord2", Role.COORDINATOR, agency_id=penalty.agency_id), "核查中")
    db.session.commit()
    listed = client.get("/api/v1/repairs?target_type=enforcement_action").get_json()
    assert [(r["id"], r["status"], r["target_id"]) for r in listed["items"]] == [
        (repair.id, "under_review", penalty.id)]
    assert client.get("/api/v1/repairs?status=granted").get_json()["total"] == 0
    assert client.get("/api/v1/repairs?target_type=inspection").status_code == 422
    detail = client.get(f"/api/v1/repairs/{repair.id}").get_json()
    assert detail["reason"] == "已整改"
    assert [(s["status"], s["note"]) for s in detail["steps"]] == [("submitted", "已整改"), ("under_review", "核查中")]
    [doc] = detail["documents"]
    assert doc["filename"] == "整改现场.jpg" and doc["size"] == len(JPEG)
    document_url = f"/api/v1/repairs/{repair.id}/documents/{doc['id']}"
    assert client.get(document_url).data == JPEG
    assert client.get(f"/api/v1/objections/{repair.id}/documents/{doc['id']}").status_code == 404
    for user, status in (("other.ent", 404), ("mee.coord", 404), ("samr.insp", 403), ("samr.coord", 200)):
        auth.logout()
        auth.login(user)
        assert client.get(f"/api/v1/repairs/{repair.id}").status_code == status, user
        assert client.get(document_url).status_code == status, user
    assert client.get("/api/v1/repairs").get_json()["total"] == 1


def test_documents_are_checked_by_content_size_and_count(app) -> None:  # noqa: ANN001
    with app.test_request_context():
        assert [kind for _u, kind, _n in check([Upload("a.txt", PDF), Upload("b", JPEG)])] == [
            "application/pdf", "image/jpeg"]
        for uploads, message in (([Upload("大.pdf", b"%PDF-" + b"0" * MAX_BYTES)], "大.pdf is larger than 10 MB"),
                                 ([Upload("空.pdf", b"")], "空.pdf is empty"),
                                 ([Upload(f"{i}.pdf", PDF) for i in range(6)], "At most 5 documents")):
            with pytest.raises(AttachmentError, match=message):
                check(uploads)
    assert safe_name("C:\\Users\\张三\\报告.PDF", "pdf") == "报告.pdf"
    assert safe_name("../../etc/passwd", "png") == "passwd.png"
    assert safe_name("evil.html", "pdf") == "evil.pdf"
    assert safe_name("\x00\x1f. ", "jpg") == "document.jpg"


def test_objection_api_lists_and_serves_the_documents(app, make, client, auth) -> None:  # noqa: ANN001
    _entity, penalty = _world(make)
    auth.login("ent")
    client.post(f"/enterprise/objections/new/enforcement/{penalty.id}", data={
        "reason": "处罚对象有误", "documents": [(io.BytesIO(PDF), "租赁合同.pdf")]}, content_type="multipart/form-data")
    objection = db.session.query(Objection).one()
    detail = client.get(f"/api/v1/objections/{objection.id}").get_json()
    [doc] = detail["documents"]
    assert (doc["filename"], doc["content_type"], doc["size"]) == ("租赁合同.pdf", "application/pdf", len(PDF))
    assert len(doc["sha256"]) == 64
    got = client.get(f"/api/v1/objections/{objection.id}/documents/{doc['id']}")
    assert got.status_code == 200 and got.data == PDF
    assert client.get(f"/api/v1/objections/{objection.id}/documents/{doc['id'] + 1}").status_code == 404
    auth.logout()
    auth.login("mee.coord")
    assert client.get(f"/api/v1/objections/{objection.id}/documents/{doc['id']}").status_code == 404


def test_an_oversized_or_excess_upload_is_refused(app, make, client, auth, monkeypatch) -> None:  # noqa: ANN001
    """The limit lowered to 300 KB: an upload above 500 KB is spooled to temporary files that the test client
    leaves open (a ResourceWarning in a later test); the 10 MB limit itself is checked by the test above."""
    _entity, penalty = _world(make)
    auth.login("ent")
    big = io.BytesIO(b"%PDF-" + b"0" * (400 * 1024))
    monkeypatch.setattr(attachments, "MAX_BYTES", 300 * 1024)
    page = client.post(f"/enterprise/objections/new/enforcement/{penalty.id}", data={
        "reason": "x", "documents": [(big, "大.pdf")]}, content_type="multipart/form-data").get_data(as_text=True)
    assert "大.pdf is larger than 300 KB." in page
    many = [(io.BytesIO(PDF), f"{i}.pdf") for i in range(7)]
    page = client.post(f"/enterprise/objections/new/enforcement/{penalty.id}", data={
        "reason": "x", "documents": many}, content_type="multipart/form-data").get_data(as_text=True)
    assert "At most 5 documents can be sent at once." in page
    assert db.session.query(Objection).count() == 0
