"""Objections end to end: enterprise submits, the owning agency corrects, withdraws or rejects, history kept."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from models import (
    AuditLog,
    Objection,
    ObjectionStatus,
    PenaltyType,
    RecordRevision,
    RecordStatus,
    Role,
    Severity,
    SourceRecord,
    StatusEvent,
    Violation,
)
from regulator.extensions import db

TODAY = date.today()


def _world(make):  # noqa: ANN001, ANN202
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity("深圳市异议测试贸易有限公司")
    other = make.entity()
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    violation = make.violation(entity, samr, severity=Severity.CRITICAL, found_date=TODAY - timedelta(days=20),
                               description="无证经营")
    foreign = make.violation(other, samr)
    db.session.commit()
    return entity, violation, foreign


def test_objection_corrected_by_owning_agency(app, make, client, auth) -> None:  # noqa: ANN001
    """The enterprise objects; SAMR's coordinator corrects the severity; record, history, class and steps follow."""
    entity, violation, _ = _world(make)
    from regulator.services import credit

    credit.recompute([entity.id])
    db.session.commit()
    assert entity.credit_points == 12.0
    auth.login("ent")
    page = client.get(f"/enterprise/objections/new/violation/{violation.id}")
    assert page.status_code == 200 and "无证经营" in page.get_data(as_text=True)
    response = client.post(f"/enterprise/objections/new/violation/{violation.id}",
                           data={"reason": "该违法行为已于当日整改，且属轻微", "attachments_text": "整改报告"})
    objection = db.session.query(Objection).one()
    assert response.status_code == 302 and objection.agency_id == violation.agency_id
    profile = client.get("/enterprise/").get_data(as_text=True)
    assert "badge-objection" in profile
    auth.logout()

    auth.login("mee.coord")
    assert client.get(f"/coordinator/objections/{objection.id}").status_code == 404
    auth.logout()
    auth.login("samr.coord")
    listing = client.get("/coordinator/objections").get_data(as_text=True)
    assert "深圳市异议测试贸易有限公司" in listing
    bad = client.post(f"/coordinator/objections/{objection.id}",
                      data={"decision": "corrected", "reason": "核实", "field-found_date": "not a date",
                            "field-severity": "minor"})
    said = bad.get_data(as_text=True).split('id="field-error">')[1].split("</div>")[0]
    assert bad.status_code == 200 and said == "“not a date” is not a valid value"  # at the field, which is marked
    assert 'is-invalid" id="field-found_date"' in bad.get_data(as_text=True)
    response = client.post(f"/coordinator/objections/{objection.id}", data={
        "decision": "corrected", "reason": "经核实属一般违法", "field-severity": "minor",
        "field-found_date": violation.found_date.isoformat(), "field-description": "无证经营"})
    assert response.status_code == 302
    db.session.expire_all()
    fixed = db.session.get(Violation, violation.id)
    assert fixed.severity == Severity.MINOR and fixed.status == RecordStatus.CORRECTED
    revision = db.session.query(RecordRevision).one()
    assert revision.before["severity"] == "critical" and revision.after["severity"] == "minor"
    assert revision.objection_id == objection.id
    source = db.session.get(SourceRecord, fixed.source_record_id)
    assert source.batch_id is None and source.raw["objection_id"] == objection.id
    assert revision.before["source_record_id"] != fixed.source_record_id
    assert db.session.get(type(entity), entity.id).credit_points == 2.0
    steps = [e.status for e in db.session.query(StatusEvent).filter_by(subject_type="objection")
             .order_by(StatusEvent.id)]
    assert steps == ["submitted", "accepted"]
    auth.logout()

    auth.login("ent")
    detail = client.get(f"/enterprise/objections/{objection.id}").get_data(as_text=True)
    assert "经核实属一般违法" in detail and "Accepted" in detail
    assert "badge-objection" not in client.get("/enterprise/").get_data(as_text=True)


def test_withdrawal_and_rejection(app, make, client, auth) -> None:  # noqa: ANN001
    """Accepting as withdrawn strikes the record out of the class; a second objection can be rejected with a reason."""
    samr = make.agency("SAMR")
    entity, violation, _ = _world(make)
    penalty = make.enforcement(entity, samr, penalty_type=PenaltyType.FINE, decision_date=TODAY - timedelta(days=3))
    db.session.commit()
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "不是本公司"})
    client.post(f"/enterprise/objections/new/enforcement/{penalty.id}", data={"reason": "金额有误"})
    again = client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "再次"})
    assert "already being decided" in again.get_data(as_text=True)
    auth.logout()
    first, second = db.session.query(Objection).order_by(Objection.id).all()
    auth.login("samr.coord")
    page = client.get(f"/coordinator/objections/{first.id}").get_data(as_text=True)
    assert 'value="review"' in page
    client.post(f"/coordinator/objections/{first.id}", data={"decision": "review", "reason": "请补充租赁合同"})
    page = client.get(f"/coordinator/objections/{first.id}").get_data(as_text=True)
    assert 'value="review"' not in page and "请补充租赁合同" in page  # taken up once; the note is a step
    again = client.post(f"/coordinator/objections/{first.id}", data={"decision": "review"})
    assert again.status_code == 200 and "Not a valid choice" in again.get_data(as_text=True)
    client.post(f"/coordinator/objections/{first.id}", data={"decision": "withdrawn", "reason": "记录张冠李戴"})
    empty = client.post(f"/coordinator/objections/{second.id}", data={"decision": "rejected", "reason": ""})
    assert "Give the reason" in empty.get_data(as_text=True)
    client.post(f"/coordinator/objections/{second.id}", data={"decision": "rejected", "reason": "决定书金额无误"})
    db.session.expire_all()
    assert db.session.get(Violation, violation.id).status == RecordStatus.WITHDRAWN
    assert entity.credit_points == 10.0  # the fine remains, the withdrawn violation does not count
    assert [o.status.value for o in (first, second)] == ["accepted", "rejected"]
    steps = [e.status for e in db.session.query(StatusEvent).filter_by(subject_id=first.id,
                                                                         subject_type="objection")]
    assert steps == ["submitted", "under_review", "accepted"]
    assert db.session.query(StatusEvent).filter_by(subject_id=first.id, status="under_review").one().note \
        == "请补充租赁合同"
    auth.logout()
    auth.login("ent")
    assert "请补充租赁合同" in client.get(f"/enterprise/objections/{first.id}").get_data(as_text=True)
    home = client.get("/enterprise/").get_data(as_text=True)  # the agency's steps, newest first, on the home page
    news = home.split('id="request-news"', 1)[1].split("</ul>", 1)[0]
    assert news.index("决定书金额无误") < news.index("记录张冠李戴") < news.index("请补充租赁合同")
    assert "不是本公司" not in news  # the enterprise's own submission is not news to it
    assert db.session.query(AuditLog).filter(AuditLog.action.like("objection.%")).count() >= 5


def test_enterprise_cannot_object_to_other_entities_records(app, make, client, auth) -> None:  # noqa: ANN001
    """Another entity's record, or another enterprise's objection, is a 404."""
    _entity, _violation, foreign = _world(make)
    auth.login("ent")
    assert client.get(f"/enterprise/objections/new/violation/{foreign.id}").status_code == 404
    assert client.post(f"/enterprise/objections/new/violation/{foreign.id}",
                       data={"reason": "x"}).status_code == 404
    assert db.session.query(Objection).count() == 0


def test_enterprise_withdraws_its_objection(app, make, client, auth) -> None:  # noqa: ANN001
    """The enterprise can take an open objection back; the step is recorded."""
    _entity, violation, _ = _world(make)
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "误会"})
    objection = db.session.query(Objection).one()
    client.post(f"/enterprise/objections/{objection.id}/withdraw")
    db.session.expire_all()
    assert objection.status.value == "withdrawn"


def test_a_correction_must_fit_the_record_columns(app, make, client, auth) -> None:  # noqa: ANN001
    """Values the database would refuse (or SQLite keep and PostgreSQL refuse) are field errors on the
    decision page, nothing changes; amounts are finite, not negative, and rounded to the column's cents."""
    from regulator.record_kinds import KINDS, FieldError, changed_fields

    entity, violation, _ = _world(make)
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "编号有误"})
    objection = db.session.query(Objection).one()
    auth.logout()
    auth.login("samr.coord")
    too_long = client.post(f"/coordinator/objections/{objection.id}", data={
        "decision": "corrected", "reason": "核实", "field-code": "X" * 65, "field-severity": "critical",
        "field-found_date": violation.found_date.isoformat()})
    assert too_long.status_code == 200 and "64" in too_long.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Violation, violation.id).code != "X" * 65
    assert db.session.get(Objection, objection.id).status == ObjectionStatus.SUBMITTED

    with app.test_request_context():  # the field errors are translated
        kinds = {k: KINDS[k] for k in ("violation", "enforcement", "inspection")}
        record = SimpleNamespace(amount=None, violation_count=None, code=None)
        refused = [("enforcement", "amount", bad) for bad in ("NaN", "Infinity", "-1", "1e20", "100000000000000")]
        refused += [("inspection", "violation_count", bad) for bad in (str(2**63), "-3")]
        refused += [("violation", "code", "X" * 65)]
        for kind, field, bad in refused:
            with pytest.raises(FieldError) as caught:
                changed_fields(kinds[kind], record, {f"field-{field}": bad})
            assert caught.value.field == field, (field, bad)
        assert changed_fields(kinds["enforcement"], record, {"field-amount": "12.345"}) == {"amount": Decimal("12.35")}
        assert changed_fields(kinds["enforcement"], record, {"field-amount": "99999999999999.99"}) == {
            "amount": Decimal("99999999999999.99")}
        assert changed_fields(kinds["violation"], record, {"field-code": "X" * 64}) == {"code": "X" * 64}


def test_an_objections_reason_is_read_only_by_its_enterprise_the_deciding_agency_and_admins(
        app, make, client, auth) -> None:  # noqa: ANN001
    """On the record's page, staff of another agency and inspectors see that the record is under objection and
    its state, never the enterprise's reason or the deciding agency's notes (as the API refuses them both)."""
    entity, violation, _ = _world(make)
    mee = make.agency("MEE")
    make.inspection(entity, mee)
    make.user("samr.insp", Role.INSPECTOR, agency_id=violation.agency_id)
    make.user("mee.insp", Role.INSPECTOR, agency_id=mee.id)
    make.user("root", Role.ADMIN)
    db.session.commit()
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "该记录主体有误，另有其人"})
    auth.logout()
    auth.login("samr.coord")
    objection = db.session.query(Objection).one()
    taken = client.post(f"/coordinator/objections/{objection.id}", data={"decision": "review",
                                                                        "reason": "正在核实现场照片"})
    assert taken.status_code == 302
    auth.logout()
    url = f"/entities/{entity.id}/records/violation/{violation.id}"
    for user, reads in (("ent", True), ("samr.coord", True), ("root", True), ("mee.coord", False),
                        ("samr.insp", False), ("mee.insp", None)):
        auth.login(user)
        response = client.get(url)
        page = response.get_data(as_text=True)
        if reads is None:  # an inspector of an agency that holds only an inspection: not this record at all
            assert response.status_code == 404
        else:
            assert response.status_code == 200 and "Under review" in page, user
            assert ("该记录主体有误" in page) is reads and ("正在核实现场照片" in page) is reads, user
            assert ("objection-closed" in page) is not reads, user
            decide = f"/coordinator/objections/{objection.id}"
            link = {"ent": f"/enterprise/objections/{objection.id}", "samr.coord": decide, "root": decide}.get(user)
            assert (f'class="objection-link" href="{link}"' in page) if link else "objection-link" not in page, user
        auth.logout()


def test_a_corrected_amount_is_read_as_people_write_it(app) -> None:  # noqa: ANN001
    """The correction form reads an amount as the inspector's result form does: grouped thousands, full-width
    digits, a currency sign; "1.500,50" and words are refused, each as a field error quoting the value."""
    from models import EnforcementAction
    from regulator.record_kinds import KINDS, FieldError, parse_value

    spec = next(f for f in KINDS["enforcement"].fields if f.name == "amount")
    column = EnforcementAction.__table__.c.amount
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [parse_value(spec, t, column) for t in ("12,000", "１２，０００.５", "¥12000", "12000元")] == [
            Decimal("12000.00"), Decimal("12000.50"), Decimal("12000.00"), Decimal("12000.00")]
        for text in ("1.500,50", "abc", "1,50"):
            with pytest.raises(FieldError, match=f"“{text}” is not a valid value"):
                parse_value(spec, text, column)


def test_the_profile_offers_decide_only_to_the_deciding_agencys_coordinators_and_admins(
        app, make, client, auth) -> None:  # noqa: ANN001
    """The profile's list of requests links "Decide" for whoever may decide (one rule with the record's page);
    another agency's coordinator sees the request without the link, an inspector of the deciding agency neither."""
    entity, violation, _ = _world(make)
    make.user("samr.insp", Role.INSPECTOR, agency_id=violation.agency_id)
    make.user("root", Role.ADMIN)
    db.session.commit()
    auth.login("ent")
    client.post(f"/enterprise/objections/new/violation/{violation.id}", data={"reason": "该记录主体有误"})
    auth.logout()
    objection = db.session.query(Objection).one()
    decide = f'href="/coordinator/objections/{objection.id}"'
    for user, offered in (("samr.coord", True), ("root", True), ("mee.coord", False), ("samr.insp", False)):
        auth.login(user)
        response = client.get(f"/entities/{entity.id}")
        assert response.status_code == 200, user
        page = response.get_data(as_text=True)
        listed = f'class="request-objection" data-id="{objection.id}"' in page
        assert listed is (user != "samr.insp") and (decide in page) is offered, user
        auth.logout()
