"""Administrators register agencies, change them and deactivate them in the web UI, with checks and an audit."""

from __future__ import annotations

from models import Agency, AuditLog, Role
from regulator.extensions import db


def test_register_change_and_deactivate_an_agency(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    samr = make.agency("SAMR", name="市场监督管理局")
    db.session.commit()
    auth.login("admin")
    form = client.get("/admin/agencies/new?lang=en").get_data(as_text=True)
    assert '<option value="MEE">MEE</option>' in form and '<option value="environment">' in form
    for code, mapping, message in (("mee", "", None), ("1X", "", "A code is 2 to 32 capital letters"),
                                   ("SAMR", "", "exists already"), ("NEW", "NOPE", "cannot be used")):
        response = client.post("/admin/agencies/new?lang=en", data={
            "code": code, "name": "生态环境局", "name_en": "Bureau of Ecology and Environment",
            "domain": "environment", "mapping": mapping})
        if message is None:
            assert response.status_code == 302, response.get_data(as_text=True)
        else:
            assert message in response.get_data(as_text=True), code
    mee = db.session.query(Agency).filter_by(code="MEE").one()
    assert (mee.name, mee.domain, mee.mapping, mee.active) == ("生态环境局", "environment", None, True)
    assert db.session.query(Agency).count() == 2
    page = client.get("/admin/agencies").get_data(as_text=True)
    assert f'href="/admin/agencies/{mee.id}">MEE</a>' in page
    response = client.post(f"/admin/agencies/{samr.id}", data={
        "code": "CHANGED", "name": "市场监管局", "domain": "market", "mapping": "SAMR"})  # active unticked
    assert response.status_code == 302
    db.session.expire_all()
    samr = db.session.get(Agency, samr.id)
    assert (samr.code, samr.name, samr.mapping, samr.active) == ("SAMR", "市场监管局", "SAMR", False)
    assert "badge bg-secondary" in client.get("/admin/agencies").get_data(as_text=True)
    assert [r.action for r in db.session.query(AuditLog).filter(AuditLog.object_type == "agency")
            .order_by(AuditLog.id)] == ["agency.create", "agency.update"]
    assert client.get("/admin/agencies/999999").status_code == 404
    zh = client.get("/admin/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "登记部门" in zh


def test_an_agency_whose_own_mapping_file_is_broken_is_not_saved(app, make, client, auth, tmp_path,
                                                                 monkeypatch) -> None:  # noqa: ANN001
    """Without a mapping chosen, the file named by the agency's code is its mapping: a broken one is refused at the
    mapping field, saying where it is wrong, and no agency is left that no file can be imported for."""
    from regulator.ingest import mapping as mapping_module

    (tmp_path / "NEWA.yaml").write_text("agency: NEWA\nfiles:\n  newa_inspections:\n    record_type: inspection\n"
                                        "    fields:\n      inspection_date: {column: 日期, type: dat}\n",
                                        encoding="utf-8")
    monkeypatch.setattr(mapping_module, "MAPPINGS_DIR", tmp_path)
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    response = client.post("/admin/agencies/new?lang=en", data={
        "code": "NEWA", "name": "新局", "domain": "market", "mapping": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The import mapping NEWA cannot be used" in page
    assert "field &#39;inspection_date&#39; has unknown type &#39;dat&#39;" in page, page
    assert db.session.query(Agency).filter_by(code="NEWA").count() == 0
    (tmp_path / "NEWA.yaml").write_text("agency: NEWA\nfiles:\n  newa_inspections:\n    record_type: inspection\n"
                                        "    fields:\n      inspection_date: {column: 日期, type: date}\n",
                                        encoding="utf-8")
    assert client.post("/admin/agencies/new", data={"code": "NEWA", "name": "新局", "domain": "market",
                                                    "mapping": ""}).status_code == 302
