"""The pages bench/load.py serves under load stay within a fixed number of SQL statements.

Each statement costs the app and the database about 0.2-0.5 ms of CPU, which at 16 concurrent clients on
two cores is most of the budget (docs/benchmarks.md, load section). The ceilings are what the pages need
today; a change that adds a query per record, per kind or per panel shows up here first.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from models import Address, AddressKind, EntityAddress, EntityPhone, PenaltyType, Phone, Role, Severity
from regulator.extensions import db
from regulator.record_kinds import KINDS
from regulator.services.corrections import change_record

START = date(2024, 1, 1)


def _statements(client, path: str) -> tuple[list[str], str]:  # noqa: ANN001
    seen: list[str] = []

    def listener(*args) -> None:  # noqa: ANN002
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return seen, response.get_data(as_text=True)


def test_profile_page_of_every_kind_of_record_within_its_statement_ceiling(app, make, client, auth) -> None:  # noqa: ANN001
    """A page showing all five kinds of record, two of them corrected, three phones and three operating
    addresses takes at most 15 statements.

    user, entity with its address, audit row, agencies with whether there are objections or repair
    applications (one statement; none here, so neither list is loaded), timeline counts and page keys
    (one statement), one per kind on the page (5), revisions of all of them (one), names, addresses,
    phones, licences and people (one statement), credit assessment, risk score with its model's version,
    pending match reviews.
    """
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity("深圳市上限测试贸易有限公司")
    for i in range(3):
        make.inspection(entity, samr, inspection_date=START + timedelta(days=i))
        make.complaint(entity, mee, received_date=START + timedelta(days=10 + i))
    violation = make.violation(entity, samr, found_date=START + timedelta(days=20), severity=Severity.SERIOUS)
    make.enforcement(entity, samr, decision_date=START + timedelta(days=30), penalty_type=PenaltyType.WARNING)
    make.list_entry(entity, mee, added_date=START + timedelta(days=40))
    inspection = make.inspection(entity, mee, inspection_date=START + timedelta(days=50))
    for i in range(3):  # phones and operating addresses, each shown on the page
        phone = make._add(Phone(number=f"1380000000{i}", masked=f"138****000{i}"))
        make._add(EntityPhone(entity_id=entity.id, phone_id=phone.id))
        address = make._add(Address(text=f"福田区上限路{i}号", text_norm=f"福田区上限路{i}号"))
        make._add(EntityAddress(entity_id=entity.id, address_id=address.id, kind=AddressKind.OPERATING))
    coord = make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    change_record(KINDS["violation"], violation, changes={"severity": Severity.MINOR}, status=None,
                  reason="复核", user=coord, origin="test")
    change_record(KINDS["inspection"], inspection, changes={"notes": "补充说明"}, status=None,
                  reason="补记", user=coord, origin="test")
    db.session.commit()
    auth.login("coord")
    _statements(client, f"/entities/{entity.id}")  # the first request after sign-in
    statements, page = _statements(client, f"/entities/{entity.id}")
    for kind in ("inspection", "violation", "enforcement", "list_entry", "complaint"):
        assert f'data-kind="{kind}"' in page
    assert page.count("History (1 changes)") == 2
    assert "13800000002" in page and "福田区上限路2号" in page
    # 16: a coordinator's page also reads the entity's risk cluster (the relationship panel links to it)
    assert len(statements) <= 16, "\n".join(statements)


def test_inspector_profile_page_checks_access_once_and_reads_the_model_version_with_the_score(
        app, make, client, auth) -> None:  # noqa: ANN001
    """An inspector whose agency holds records on the entity (AGENCY level): whether they are drawn for a
    task on it and whether their agency touches it are asked once per page, not once per check (entity,
    access level, personal data); the risk panel's model version comes with the score, not by loading
    the model's row (booster and all). 12 statements: user, entity, the two access checks, audit row,
    agencies, timeline, the inspection, its revisions, identity, credit assessment, risk score."""
    from models import CreditClass, ModelVersion, RiskScore

    samr = make.agency("SAMR")
    entity = make.entity("深圳市检查员上限测试有限公司")
    make.inspection(entity, samr, inspection_date=START)
    model = make._add(ModelVersion(version="ceiling-model", features=[], params={}, metrics={}, evaluation={},
                                   artifact=b"booster", active=True))
    make._add(RiskScore(entity_id=entity.id, model_version_id=model.id, as_of=START, probability=0.4,
                        risk_class=CreditClass.C, reasons=[]))
    make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    db.session.commit()
    auth.login("insp")
    _statements(client, f"/entities/{entity.id}")
    statements, page = _statements(client, f"/entities/{entity.id}")
    assert 'id="risk-score"' in page and "ceiling-model" in page
    assert sum("task_inspector" in s for s in statements) == 1, "\n".join(statements)
    assert not any("model_version.artifact" in s for s in statements), "\n".join(statements)
    assert len(statements) <= 12, "\n".join(statements)


def test_inspector_list_within_its_statement_ceiling(app, make, client, auth) -> None:  # noqa: ANN001
    """The ranked list of 5 joint tasks takes at most 5 statements: user with the inspector's agency (page
    title), tasks with entities and addresses, agencies taking part, risk scores, credit assessments."""
    from models import Campaign, CampaignStatus
    from regulator.services import credit

    samr, mee = make.agency("SAMR"), make.agency("MEE")
    inspector = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    campaign = make._add(Campaign(name="抽查", period_start=date(2025, 1, 1), period_end=date(2026, 12, 31),
                                  status=CampaignStatus.PUBLISHED))
    entities = [make.entity(f"深圳市第{i}号上限测试有限公司") for i in range(5)]
    for entity in entities:
        make.violation(entity, samr)
    credit.recompute([e.id for e in entities])
    for entity in entities:
        make.task(entity, [samr, mee], [inspector], campaign=campaign)
    db.session.commit()
    auth.login("insp")
    _statements(client, "/inspector/")
    statements, page = _statements(client, "/inspector/")
    assert page.count("/inspector/tasks/") >= 5 and "SAMR, MEE" in page
    assert f"· {samr.name}</h1>" in page
    assert len(statements) <= 5, "\n".join(statements)


def test_public_search_api_within_its_statement_ceiling(app, make, client, auth) -> None:  # noqa: ANN001
    """A name search takes at most 5 statements: the signed-in caller (rate limit key), the registry's
    size, the grams' counts, the candidates with all their names, the entities of the page shown."""
    from regulator.services import name_index

    samr = make.agency("SAMR")
    for i in range(30):
        make.entity(f"深圳市华盛{i}电子有限公司")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    name_index.reindex()
    db.session.commit()
    auth.login("coord")
    statements, body = _statements(client, "/api/v1/public/entities?q=华盛电子")
    assert '"total":30' in body
    assert len(statements) <= 5, "\n".join(statements)
