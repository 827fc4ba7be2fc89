"""Administrators browse the audit log with links to entities and export it filtered as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pyotp

from models import AuditLog, Role
from regulator.extensions import db
from regulator.services.notifications import notify


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
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["username"], r["role"], r["entity_id"]) for r in rows] == [("coord", "coordinator", str(entity.id))]
    assert db.session.query(AuditLog).filter_by(action="audit.export").count() == 1


def test_every_action_the_code_records_has_words(app) -> None:  # noqa: ANN001
    """A new audit action without words would show as its code: every literal code under regulator/, and the
    codes built from states (objection.accepted ...), has an entry in ``audit_words.ACTIONS``."""
    import re
    from pathlib import Path

    from models import ObjectionStatus, RepairStatus
    from regulator import audit_words
    from regulator.linkage.merge import MERGE, SPLIT, UNDO

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("regulator").rglob("*.py"))
    literal = set(re.findall(r"\brecord\(\s*\"([a-z_]+(?:\.[a-z_]+)?)\"", source))
    for pair in re.findall(r"record\(\s*\"([a-z_]+\.[a-z_]+)\" if .+? else \"([a-z_]+\.[a-z_]+)\"", source):
        literal |= set(pair)
    built = {f"objection.{s.value}" for s in (ObjectionStatus.ACCEPTED, ObjectionStatus.REJECTED)}
    built |= {f"repair.{s.value}" for s in (RepairStatus.GRANTED, RepairStatus.REJECTED)}
    built |= {f"entity.{kind}" for kind in (MERGE, SPLIT, UNDO)}
    assert len(literal) > 30 and "user.deactivate" in literal
    assert sorted((literal | built) - set(audit_words.ACTIONS)) == []
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert audit_words.action_label("objection.accepted") == "异议已采纳"
        assert audit_words.object_label("credit_repair") == "信用修复申请"
        assert audit_words.object_label("inspection") == "检查"
        assert audit_words.action_label("something.new") == "something.new"


def test_the_log_shows_actions_and_objects_in_words(app, make, client, auth) -> None:  # noqa: ANN001
    entity = make.entity()
    make.user("admin", Role.ADMIN)
    db.session.add(AuditLog(username="coord", role="coordinator", action="objection.accepted", entity_id=entity.id,
                            object_type="objection", object_id=7))
    db.session.commit()
    auth.login("admin")
    zh = client.get("/admin/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "异议已采纳" in zh and "objection.accepted" in zh and "异议 7" in zh
    assert '<option value="objection.accepted">异议已采纳</option>' in zh


def test_administrators_find_accounts_by_name_address_entity_or_code(app, make, client, auth) -> None:  # noqa: ANN001
    """The accounts list is searched and filtered in the database, a page at a time."""
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity("深圳市账号查找测试有限公司")
    make.user("root", Role.ADMIN)
    make.user("wang.fang", Role.COORDINATOR, agency_id=samr.id, display_name="王芳", email="wf@samr.example")
    make.user("li.na", Role.INSPECTOR, agency_id=mee.id, display_name="李娜", active=False)
    make.user("boss", Role.ENTERPRISE, entity_id=entity.id, email="boss@shop.example")
    for i in range(55):
        make.user(f"insp{i:02d}", Role.INSPECTOR, agency_id=samr.id)
    db.session.commit()
    auth.login("root")

    def names(query: str) -> list[str]:
        page = client.get("/admin/users?" + query).get_data(as_text=True)
        return re.findall(r'/admin/users/\d+">([^<]+)</a>', page)

    assert names("q=王芳") == ["wang.fang"] and names("q=SAMR.EXAMPLE") == ["wang.fang"]
    assert names("q=账号查找") == ["boss"] and names("q=" + entity.uscc.lower()) == ["boss"]
    assert names("q=100%25") == []  # a wildcard typed is a character, not a pattern
    assert names("agency=MEE") == ["li.na"] and names("state=inactive") == ["li.na"]
    assert len(names("role=inspector&agency=SAMR")) == 50 and len(names("role=inspector&agency=SAMR&page=2")) == 5
    assert "Page 1 of 2" in client.get("/admin/users?role=inspector&agency=SAMR&lang=en").get_data(as_text=True)


def test_the_overview_says_how_mail_and_sign_in_security_stand(app, make, client, auth) -> None:  # noqa: ANN001
    key = pyotp.random_base32(32)
    make.user("root", Role.ADMIN, totp_secret=key)
    coord = make.user("coord", Role.COORDINATOR, agency_id=make.agency().id,
                      locked_until=datetime.now(UTC) + timedelta(minutes=10))
    db.session.flush()
    notify([coord.id], "tasks.assigned", "campaign", 1, visits=2)
    db.session.commit()
    app.config.update(TWO_STEP_ROLES=("admin", "coordinator"))
    client.post("/auth/login", data={"username": "root", "password": "test-password-123"})
    client.post("/auth/two-step", data={"code": pyotp.TOTP(key).now()})
    page = client.get("/admin/?lang=en").get_data(as_text=True)
    mail_state = page.split('id="mail-state"', 1)[1].split("</ul>", 1)[0]
    assert "Not set up" in mail_state and "handled yet: 1" in mail_state and "Last mail sent: never" in mail_state
    security = page.split('id="security-state"', 1)[1].split("</ul>", 1)[0]
    assert "two-step sign-in: 1 of 2" in security and "Compulsory for: " in security
    assert "1 account has not set it up yet" in security and "locked out now after failed sign-ins: 1" in security
    assert "Every host name is served (set TRUSTED_HOSTS" in security
    app.config.update(TRUSTED_HOSTS=["localhost", ".gov.cn"])
    security = client.get("/admin/?lang=en").get_data(as_text=True).split('id="security-state"', 1)[1]
    assert "Host names served: localhost, .gov.cn" in security.split("</ul>", 1)[0]


def test_the_date_filters_take_whole_days(app, make, client, auth) -> None:  # noqa: ANN001
    """'Until' a day keeps the entries of that day's last second; 'from' the next day starts at its midnight."""
    make.user("admin", Role.ADMIN)
    late = datetime(2024, 3, 31, 23, 59, 59, 500000)
    db.session.add_all([AuditLog(action="test.late", username="x", at=late),
                        AuditLog(action="test.next", username="x", at=datetime(2024, 4, 1))])
    db.session.commit()
    auth.login("admin")
    until = client.get("/admin/audit?action=test.&until=2024-03-31&since=2024-03-31").get_data(as_text=True)
    since = client.get("/admin/audit?action=test.&since=2024-04-01").get_data(as_text=True)
    assert "<td>2024-03-31 23:59:59</td>" in until and "<td>2024-04-01 00:00:00</td>" not in until
    assert "<td>2024-04-01 00:00:00</td>" in since and "<td>2024-03-31 23:59:59</td>" not in since


def test_audit_export_writes_the_time_in_utc_to_the_second(app, make, client, auth) -> None:  # noqa: ANN001
    """``at_utc`` is a date-time a spreadsheet reads (no microseconds, no 'T'), in UTC whatever the server's zone."""
    make.user("admin", Role.ADMIN)
    at = datetime(2026, 12, 7, 15, 6, 55, 48363, tzinfo=UTC)
    db.session.add(AuditLog(username="a", action="profile.view", at=at))
    db.session.commit()
    auth.login("admin")
    body = client.get("/admin/audit/export.csv?username=a").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert body.startswith("id,at_utc,username,")
    assert [r["at_utc"] for r in rows] == ["2026-12-07 15:06:55"]
    from datetime import timezone

    from regulator.admin.audit_log import _utc_seconds

    assert _utc_seconds(datetime(2026, 12, 7, 23, 6, 55, 999999, tzinfo=timezone(timedelta(hours=8)))) == \
        "2026-12-07 15:06:55"
