"""The internal profile: identity with masking, the paginated timeline, agency limits, source rows, no N+1."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event

from models import AuditLog, EntityName, EntityRole, ImportBatch, NameKind, Person, PersonRole, Role
from regulator.extensions import db

START = date(2024, 1, 1)


def _entity_with_records(make, n: int = 120, name: str = "深圳市档案测试科技有限公司"):  # noqa: ANN001, ANN202
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity(name)
    for i in range(n):
        agency = samr if i % 2 else mee
        make.inspection(entity, agency, inspection_date=START + timedelta(days=i), notes=f"检查{i}",
                        internal_notes=f"内部{i}")
    make.violation(entity, samr, found_date=START + timedelta(days=1000), description="最新违法")
    return entity, samr, mee


def test_timeline_pages_every_agency_newest_first(app, make, client, auth) -> None:  # noqa: ANN001
    """A coordinator sees 121 records over three pages of 50, newest first, each with its agency."""
    entity, samr, _mee = _entity_with_records(make)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("coord")
    first = client.get(f"/entities/{entity.id}").get_data(as_text=True)
    assert first.count('class="timeline-row') == 50 and "Page 1 of 3" in first
    assert first.index("最新违法") < first.index("检查119")
    last = client.get(f"/entities/{entity.id}?page=3").get_data(as_text=True)
    assert last.count('class="timeline-row') == 21 and "检查0<" in last
    only = client.get(f"/entities/{entity.id}?kind=violation").get_data(as_text=True)
    assert only.count('class="timeline-row') == 1


def test_inspector_at_agency_level_sees_own_agency_records_and_notes(app, make, client, auth) -> None:  # noqa: ANN001
    """An SAMR inspector (not on a joint task) sees SAMR's 61 records, their internal notes, their source links."""
    entity, samr, _mee = _entity_with_records(make)
    make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    db.session.commit()
    auth.login("insp")
    page = client.get(f"/entities/{entity.id}").get_data(as_text=True)
    assert "limited-view" in page and "检查118" not in page and "检查119" in page
    assert "内部119" in page and "source-link" in page
    assert client.get(f"/entities/{entity.id}?page=2").get_data(as_text=True).count('class="timeline-row') == 11


def test_the_parent_entity_link_opens_what_the_viewer_may_see(app, make, client, auth) -> None:  # noqa: ANN001
    """A branch's parent links to its staff profile for a coordinator, and to its public profile for an inspector
    whose agency holds nothing of the parent (the staff profile would refuse them) and for the branch's own
    enterprise user."""
    entity, samr, _mee = _entity_with_records(make, n=2)
    parent = make.entity("深圳市档案测试集团有限公司")
    entity.parent_id = parent.id
    make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    db.session.commit()
    for user, url in (("coord", f"/entities/{parent.id}"), ("insp", f"/entity/{parent.id}"),
                      ("ent", f"/entity/{parent.id}")):
        auth.login(user)
        page = client.get("/enterprise/" if user == "ent" else f"/entities/{entity.id}").get_data(as_text=True)
        assert f'id="parent-link" href="{url}"' in page, user
        assert client.get(url).status_code == 200, user
        auth.logout()


def test_other_agency_notes_and_sources_hidden_from_coordinators(app, make, client, auth) -> None:  # noqa: ANN001
    """A MEE coordinator sees every record but SAMR's internal notes and source rows only as SAMR's staff would not."""
    entity, samr, mee = _entity_with_records(make, n=4)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    db.session.commit()
    auth.login("mee.coord")
    page = client.get(f"/entities/{entity.id}").get_data(as_text=True)
    assert "内部2" in page and "内部3" not in page and "检查3" in page


def test_source_record_page_shows_raw_row_and_is_audited(app, make, client, auth) -> None:  # noqa: ANN001
    """The source row: raw columns, file and row number, link method; its view is audited; others' are 403."""
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity()
    batch = ImportBatch(agency_id=samr.id, filename="samr_inspections_2024.xlsx", file_format="xlsx")
    db.session.add(batch)
    db.session.flush()
    inspection = make.inspection(entity, samr)
    source = inspection and db.session.get(__import__("models").SourceRecord, inspection.source_record_id)
    source.raw, source.batch_id, source.row_number, source.link_method = {"企业名称": "某某公司", "检查结果": "合格"}, \
        batch.id, 17, "probabilistic"
    source.link_probability = 0.973
    make.user("samr.insp", Role.INSPECTOR, agency_id=samr.id)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    db.session.commit()
    auth.login("samr.insp")
    page = client.get(f"/entities/sources/{source.id}").get_data(as_text=True)
    assert "samr_inspections_2024.xlsx" in page and "检查结果" in page and "0.973" in page and ">17<" in page
    assert db.session.query(AuditLog).filter_by(action="source_record.view", object_id=source.id).count() == 1
    auth.logout()
    auth.login("mee.coord")
    assert client.get(f"/entities/sources/{source.id}").status_code == 403


def test_identity_masks_personal_data_in_public_only(app, make, client, auth) -> None:  # noqa: ANN001
    """Staff see the legal representative's name and masked ID; the public profile only the masked name."""
    entity = make.entity()
    person = Person(name="张晓明", name_norm="张晓明", id_masked="440305***********X")
    db.session.add(person)
    db.session.flush()
    db.session.add(EntityRole(entity_id=entity.id, person_id=person.id, role=PersonRole.LEGAL_REPRESENTATIVE))
    db.session.add(EntityName(entity_id=entity.id, name="深圳市旧名称贸易有限公司", name_norm="旧名称贸易有限公司",
                              kind=NameKind.FORMER, valid_to=date(2020, 1, 1)))
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    public = client.get(f"/entity/{entity.id}").get_data(as_text=True)
    assert "张*明" in public and "张晓明" not in public and "440305" not in public
    assert "深圳市旧名称贸易有限公司" in public and "credit-" not in public
    auth.login("coord")
    internal = client.get(f"/entities/{entity.id}").get_data(as_text=True)
    assert "张晓明" in internal and "440305***********X" in internal


def test_profile_query_count_does_not_grow_with_records(app, make, client, auth) -> None:  # noqa: ANN001
    """No N+1: a page of an entity with 61 records and one with 601 take the same number of queries."""
    small, samr, _ = _entity_with_records(make, n=60)
    big, _, _ = _entity_with_records(make, n=600, name="深圳市大型测试集团有限公司")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("coord")
    counts = []
    for entity in (small, big):
        statements: list[str] = []

        def listener(*args, _seen=statements) -> None:  # noqa: ANN002
            _seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/entities/{entity.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_record_page_shows_corrections(app, make, client, auth) -> None:  # noqa: ANN001
    """A corrected record's page lists the change, before and after, with its reason."""
    from models import Severity
    from regulator.record_kinds import KINDS
    from regulator.services.corrections import change_record

    samr = make.agency()
    entity = make.entity()
    violation = make.violation(entity, samr, severity=Severity.SERIOUS)
    coord = make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    change_record(KINDS["violation"], violation, changes={"severity": Severity.MINOR}, status=None,
                  reason="复核后调整", user=coord, origin="test")
    db.session.commit()
    auth.login("coord")
    page = client.get(f"/entities/{entity.id}/records/violation/{violation.id}?lang=en").get_data(as_text=True)
    change = page.split('class="revision-change" data-field="severity">')[1].split("</div>")[0]
    assert "复核后调整" in page and change == "Severity: Serious → Minor"  # in words, not codes
    zh = client.get(f"/entities/{entity.id}/records/violation/{violation.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert "serious" not in zh.split('data-field="severity">')[-1].split("</div>")[0]
    penalty = make.enforcement(entity, samr, amount=Decimal("120000"))
    change_record(KINDS["enforcement"], penalty, changes={"amount": Decimal("12000")}, status=None,
                  reason="金额有误", user=coord, origin="test")
    db.session.commit()
    page = client.get(f"/entities/{entity.id}/records/enforcement/{penalty.id}?lang=en").get_data(as_text=True)
    assert "120,000.00 → 12,000.00" in page.split('data-field="amount">')[-1].split("</div>")[0]


def test_api_profile_and_records(app, make, client, auth) -> None:  # noqa: ANN001
    """The JSON profile carries the class and reasons; the records endpoint pages; other entities are refused."""
    entity, samr, _ = _entity_with_records(make, n=30)
    other = make.entity()
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    from regulator.services import credit

    credit.recompute([entity.id])
    db.session.commit()
    auth.login("ent")
    body = client.get(f"/api/v1/entities/{entity.id}").get_json()
    assert body["credit"]["credit_class"] == entity.credit_class.value and body["credit"]["reasons"]
    records = client.get(f"/api/v1/entities/{entity.id}/records?kind=inspection&per_page=50").get_json()
    assert records["total"] == 30 and len(records["items"]) == 30 and records["pages"] == 1
    assert "source_record_id" not in records["items"][0]["fields"]
    assert client.get(f"/api/v1/entities/{other.id}").status_code == 403
    assert client.get(f"/api/v1/entities/{entity.id}/records?kind=nonsense").status_code == 422


def test_a_valid_licence_past_its_term_shows_as_expired(app, make, client, auth) -> None:  # noqa: ANN001
    """The agency recorded the licence as valid; its term has ended since: the staff profile, the public
    profile and both APIs say expired (and what was recorded); one still in its term stays valid."""
    from models import LicenceStatus

    samr = make.agency("SAMR")
    entity = make.entity("深圳市执照期限测试餐饮有限公司")
    today = date.today()
    make.licence(entity, samr, licence_no="JY-ENDED", licence_status=LicenceStatus.VALID,
                 issue_date=today - timedelta(days=1900), valid_to=today - timedelta(days=3))
    make.licence(entity, samr, licence_no="JY-RUNNING", licence_status=LicenceStatus.VALID,
                 issue_date=today - timedelta(days=30), valid_to=today + timedelta(days=1800))
    make.licence(entity, samr, licence_no="JY-REVOKED", licence_status=LicenceStatus.REVOKED,
                 issue_date=today - timedelta(days=1900), valid_to=today - timedelta(days=3))
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    assert LicenceStatus.VALID.on(today, today) is LicenceStatus.VALID
    assert LicenceStatus.VALID.on(today, None) is LicenceStatus.VALID
    ended = str(today - timedelta(days=3))

    def rows(html: str) -> dict[str, str]:
        return {no: html.split(no, 1)[1].split("</tr>", 1)[0] for no in ("JY-ENDED", "JY-RUNNING", "JY-REVOKED")}

    public = rows(client.get(f"/entity/{entity.id}?lang=en").get_data(as_text=True))
    assert "Expired" in public["JY-ENDED"] and ended in public["JY-ENDED"]
    assert "Valid" in public["JY-RUNNING"] and "Expired" not in public["JY-RUNNING"]
    assert "Revoked" in public["JY-REVOKED"] and "recorded as" not in public["JY-REVOKED"]
    body = client.get(f"/api/v1/public/entities/{entity.id}").get_json()
    assert {lic["licence_no"]: (lic["status"], lic["recorded_status"]) for lic in body["licences"]} == {
        "JY-ENDED": ("expired", "valid"), "JY-RUNNING": ("valid", "valid"), "JY-REVOKED": ("revoked", "revoked")}
    auth.login("coord")
    staff = rows(client.get(f"/entities/{entity.id}?lang=zh_Hans_CN").get_data(as_text=True))
    assert "已过期" in staff["JY-ENDED"] and "登记状态为“有效”" in staff["JY-ENDED"]
    assert "已过期" not in staff["JY-RUNNING"]
    body = client.get(f"/api/v1/entities/{entity.id}").get_json()
    assert {lic["licence_no"]: lic["status"] for lic in body["licences"]} == {
        "JY-ENDED": "expired", "JY-RUNNING": "valid", "JY-REVOKED": "revoked"}


def test_source_record_page_masks_personal_data(app, make, client, auth) -> None:  # noqa: ANN001
    """The row as sent held the legal representative's full ID number, name and phone: the ID number is masked
    for everyone (the platform shows no one more than its masked form), the name and phone for an inspector
    whose agency merely holds a record of the entity; the coordinator sees them."""
    samr = make.agency("SAMR")
    entity = make.entity()
    inspection = make.inspection(entity, samr)
    source = db.session.get(__import__("models").SourceRecord, inspection.source_record_id)
    source.raw = {"企业名称": "某某公司", "法定代表人": "张晓明", "证件号码": "440305199001011234",
                  "联系电话": "138 0013 8000", "检查结果": "合格"}
    source.canonical = {"name": "某某公司", "legal_rep": "张晓明", "legal_rep_id": "440305199001011234",
                        "phone": "13800138000"}
    make.user("samr.insp", Role.INSPECTOR, agency_id=samr.id)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("samr.insp")
    page = client.get(f"/entities/sources/{source.id}").get_data(as_text=True)
    assert "440305199001011234" not in page and "440305***********4" in page
    assert "张晓明" not in page and "张*明" in page
    assert "0013" not in page and "13800138000" not in page and "138****8000" in page
    assert "某某公司" in page and "合格" in page
    auth.logout()
    auth.login("samr.coord")
    page = client.get(f"/entities/sources/{source.id}").get_data(as_text=True)
    assert "440305199001011234" not in page and "440305***********4" in page
    assert "张晓明" in page and "138 0013 8000" in page
