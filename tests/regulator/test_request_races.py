"""Two steps read on one open request at once (a button pressed twice, two coordinators, the enterprise
withdrawing as the agency decides): only the first is taken, and a record has at most one open request."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from models import (
    Agency,
    CreditRepair,
    EnforcementAction,
    ListEntry,
    ListType,
    MarketEntity,
    Objection,
    ObjectionStatus,
    PenaltyType,
    RecordRevision,
    RecordStatus,
    RepairStatus,
    Role,
    StatusEvent,
    User,
)
from regulator.extensions import db
from regulator.services import objections, repairs

TODAY = date.today()


def _world(make):  # noqa: ANN001, ANN202
    samr = make.agency("SAMR")
    entity = make.entity("深圳市并发测试贸易有限公司")
    ent = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    coord = make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    penalty = make.enforcement(entity, samr, penalty_type=PenaltyType.WARNING,
                               decision_date=TODAY - timedelta(days=120))
    db.session.commit()
    return ent, coord, penalty


def _decided_elsewhere(model, row_id: int, status) -> None:  # noqa: ANN001
    """Another request's decision, written while this one still holds the row as it read it (open)."""
    db.session.execute(update(model).where(model.id == row_id).values(status=status)
                       .execution_options(synchronize_session=False))


def _steps(subject: str, row_id: int) -> list[str]:
    return [e.status for e in db.session.query(StatusEvent).filter_by(subject_type=subject, subject_id=row_id)]


def test_objection_decided_once_when_two_decisions_read_it_open(app, make) -> None:  # noqa: ANN001
    ent, coord, penalty = _world(make)
    objection = objections.submit(ent, "enforcement", penalty.id, "警告有误")
    db.session.commit()
    assert objection.status == ObjectionStatus.SUBMITTED  # read open, as by the second of two presses
    _decided_elsewhere(Objection, objection.id, ObjectionStatus.ACCEPTED)
    with pytest.raises(objections.ObjectionError, match="decided already"):
        objections.accept(objection, db.session.get(User, coord.id), resolution="withdrawn", changes={},
                          reason="second press")
    db.session.rollback()
    assert db.session.query(RecordRevision).count() == 0
    assert db.session.get(EnforcementAction, penalty.id).status != RecordStatus.WITHDRAWN


@pytest.mark.parametrize("step", ["reject", "withdraw", "start_review"])
def test_objection_step_refused_once_decided_by_another(app, make, step) -> None:  # noqa: ANN001
    ent, coord, penalty = _world(make)
    objection = objections.submit(ent, "enforcement", penalty.id, "警告有误")
    db.session.commit()
    _decided_elsewhere(Objection, objection.id, ObjectionStatus.REJECTED)
    with pytest.raises(objections.ObjectionError):
        if step == "withdraw":
            objections.withdraw(objection, ent)
        elif step == "reject":
            objections.reject(objection, coord, "second press")
        else:
            objections.start_review(objection, coord)
    db.session.rollback()
    assert _steps("objection", objection.id) == ["submitted"]
    assert db.session.get(Objection, objection.id).status == ObjectionStatus.SUBMITTED


def test_repair_granted_once_when_two_decisions_read_it_open(app, make) -> None:  # noqa: ANN001
    ent, coord, penalty = _world(make)
    repair = repairs.apply(ent, "enforcement_action", penalty.id, "已整改")
    db.session.commit()
    _decided_elsewhere(CreditRepair, repair.id, RepairStatus.REJECTED)
    with pytest.raises(repairs.RepairError, match="decided already"):
        repairs.grant(repair, coord, "second press")
    db.session.rollback()
    assert db.session.get(EnforcementAction, penalty.id).repaired_on is None
    assert db.session.query(RecordRevision).count() == 0
    _decided_elsewhere(CreditRepair, repair.id, RepairStatus.GRANTED)
    with pytest.raises(repairs.RepairError):
        repairs.reject(repair, coord, "second press")
    db.session.rollback()
    assert _steps("credit_repair", repair.id) == ["submitted"]


def test_one_open_objection_and_one_open_repair_per_record(app, make) -> None:  # noqa: ANN001
    """What two submits at once would write (both found none open): the second is refused by the database."""
    ent, _coord, penalty = _world(make)
    objections.submit(ent, "enforcement", penalty.id, "第一次")
    repairs.apply(ent, "enforcement_action", penalty.id, "第一次")
    db.session.commit()
    twin = Objection(entity_id=penalty.entity_id, agency_id=penalty.agency_id, record_type="enforcement",
                     record_id=penalty.id, submitted_by_id=ent.id, reason="第二次")
    with pytest.raises(objections.ObjectionError, match="already being decided"):
        objections.insert_open(twin, objections.ObjectionError("An objection to this record is already being "
                                                               "decided."))
    db.session.rollback()
    db.session.add(CreditRepair(entity_id=penalty.entity_id, agency_id=penalty.agency_id,
                                target_type="enforcement_action", target_id=penalty.id, applicant_id=ent.id,
                                reason="第二次"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Objection(entity_id=penalty.entity_id, agency_id=penalty.agency_id, record_type="enforcement",
                             record_id=penalty.id, submitted_by_id=ent.id, reason="已撤回的旧异议",
                             status=ObjectionStatus.WITHDRAWN))
    db.session.flush()  # closed ones do not count
    assert db.session.query(Objection).count() == 2


def test_repair_not_granted_once_its_record_is_withdrawn(app, make) -> None:  # noqa: ANN001
    """An objection withdrew the penalty while the repair application waited: granting it is refused (it stamped
    a repair day on a withdrawn record and told the enterprise its repair was granted)."""
    ent, coord, penalty = _world(make)
    repair = repairs.apply(ent, "enforcement_action", penalty.id, "已整改")
    objection = objections.submit(ent, "enforcement", penalty.id, "处罚对象错误")
    objections.accept(objection, coord, resolution="withdrawn", changes={}, reason="撤销")
    db.session.commit()
    with pytest.raises(repairs.RepairError, match="can no longer be granted: This record cannot be repaired"):
        repairs.grant(repair, coord, "同意")
    db.session.rollback()
    assert db.session.get(EnforcementAction, penalty.id).repaired_on is None
    assert db.session.get(CreditRepair, repair.id).status == RepairStatus.SUBMITTED
    repairs.reject(repair, coord, "记录已撤销，无需修复")
    db.session.commit()
    assert db.session.get(CreditRepair, repair.id).status == RepairStatus.REJECTED


def test_repair_of_a_list_entry_ended_meanwhile_keeps_its_removal_day(app, make) -> None:  # noqa: ANN001
    """The agency took the entity off the list while the application waited: granting it would have moved the
    day it left the list to the day of the grant (listed for longer than it was)."""
    ent, coord, penalty = _world(make)
    entry = make.list_entry(db.session.get(MarketEntity, penalty.entity_id), db.session.get(Agency, penalty.agency_id),
                            list_type=ListType.ABNORMAL_OPERATIONS, added_date=TODAY - timedelta(days=200))
    db.session.commit()
    repair = repairs.apply(ent, "list_entry", entry.id, "已补报年度报告")
    db.session.commit()
    left = TODAY - timedelta(days=3)
    entry.removed_date, entry.removed_reason = left, "已移出"
    db.session.commit()
    with pytest.raises(repairs.RepairError, match="no longer on this list"):
        repairs.grant(repair, coord, "同意")
    db.session.rollback()
    assert db.session.get(ListEntry, entry.id).removed_date == left


def test_back_to_a_sent_form_says_it_was_sent(app, make, client, auth) -> None:  # noqa: ANN001
    """The back button after sending an objection or an application showed the empty form again, as if nothing
    had been sent; the page now says the request is being decided and links to it, and a second press sends
    nothing."""
    _ent, _coord, penalty = _world(make)
    auth.login("ent")
    for new, data, pending_id in (
            (f"/enterprise/objections/new/enforcement/{penalty.id}", {"reason": "警告有误"}, "objection-pending"),
            (f"/enterprise/repairs/new/enforcement_action/{penalty.id}", {"reason": "已整改"}, "repair-pending")):
        sent = client.post(new + "?lang=en", data=data)
        assert sent.status_code == 302
        back = client.get(new + "?lang=en").get_data(as_text=True)
        assert f'id="{pending_id}"' in back and "<form method=\"post\" enctype" not in back
        assert f'href="{sent.headers["Location"]}"' in back
        again = client.post(new + "?lang=en", data=data)
        assert again.status_code == 200 and f'id="{pending_id}"' in again.get_data(as_text=True)
    assert db.session.query(Objection).count() == 1 and db.session.query(CreditRepair).count() == 1


def test_objection_form_of_a_withdrawn_record_says_so(app, make, client, auth) -> None:  # noqa: ANN001
    ent, coord, penalty = _world(make)
    objection = objections.submit(ent, "enforcement", penalty.id, "处罚对象错误")
    objections.accept(objection, coord, resolution="withdrawn", changes={}, reason="撤销")
    db.session.commit()
    auth.login("ent")
    page = client.get(f"/enterprise/objections/new/enforcement/{penalty.id}?lang=en").get_data(as_text=True)
    assert "This record has been withdrawn already." in page and 'id="objection-form"' not in page


def test_list_removal_reason_is_written_in_the_registers_language(app, make, client, auth) -> None:  # noqa: ANN001
    """A coordinator reading English granted a repair: the list entry's removal reason, which the enterprise and
    every other reader see as the record's text, was written in English ('Credit repair granted: ...')."""
    ent, _coord, penalty = _world(make)
    make.user("coord.en", Role.COORDINATOR, agency_id=penalty.agency_id, locale="en")
    entry = make.list_entry(db.session.get(MarketEntity, penalty.entity_id), db.session.get(Agency, penalty.agency_id),
                            list_type=ListType.ABNORMAL_OPERATIONS, added_date=TODAY - timedelta(days=200))
    db.session.commit()
    repair = repairs.apply(ent, "list_entry", entry.id, "已补报年度报告")
    db.session.commit()
    app.config["BABEL_DEFAULT_LOCALE"] = "zh_Hans_CN"  # the platform's default (the tests run in English)
    auth.login("coord.en")
    answer = client.post(f"/coordinator/repairs/{repair.id}?lang=en", data={"decision": "granted", "reason": "已核实"})
    assert answer.status_code == 302
    assert db.session.get(ListEntry, entry.id).removed_reason == "准予信用修复：已核实"


def test_taking_up_twice_says_it_is_under_review(app, make) -> None:  # noqa: ANN001
    """Two presses of 'take up for review': the second is told it is under review already, not decided."""
    ent, coord, penalty = _world(make)
    objection = objections.submit(ent, "enforcement", penalty.id, "警告有误")
    repair = repairs.apply(ent, "enforcement_action", penalty.id, "已整改")
    db.session.commit()
    _decided_elsewhere(Objection, objection.id, ObjectionStatus.UNDER_REVIEW)
    _decided_elsewhere(CreditRepair, repair.id, RepairStatus.UNDER_REVIEW)
    with pytest.raises(objections.ObjectionError, match="under review already"):
        objections.start_review(objection, coord)
    with pytest.raises(repairs.RepairError, match="under review already"):
        repairs.start_review(repair, coord)
