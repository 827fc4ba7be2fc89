"""Administrators browse the audit log with links to entities and export it filtered as CSV."""

from __future__ import annotations

import csv
import io

from models import AuditLog, Role
from regulator.extensions import db


def test_audit_browse_links_entities_and_exports_filtered_csv(app, make, client, auth) -> None:  # noqa: ANN001
    """Profile views appear with the entity's name and link; the CSV holds exactly the filtered rows."""
    agency = make.agency()
    entity = make.entity("深圳市审计测试有限公司")
    other = make.entity()
    make.user("admin", Role.ADMIN)
    make.user("coord", Role.COORDINATOR, agency_id=agency.id)
    db.session.commit()
    auth.login("coord")
    client.get(f"/entities/{entity.id}")
    client.get(f"/entities/{other.id}")
    auth.logout()
    auth.login("admin")
    page = client.get(f"/admin/audit?entity_id={entity.id}").get_data(as_text=True)
    assert "深圳市审计测试有限公司" in page and f'href="/entities/{entity.id}"' in page
    zh = client.get("/admin/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<th>对象</th><th>IP 地址</th>" in zh and "提出异议" not in zh  # the columns' own words
    response = client.get(f"/admin/audit/export.csv?action=profile.view&entity_id={entity.id}")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["username"], r["role"], r["entity_id"]) for r in rows] == [("coord", "coordinator", str(entity.id))]
    assert db.session.query(AuditLog).filter_by(action="audit.export").count() == 1
