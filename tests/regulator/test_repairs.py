"""Credit repair: eligibility after the minimum period, granting ends publication and moves the class."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models import CreditRepair, EnforcementAction, ListEntry, ListType, MarketEntity, PenaltyType, Role
from regulator.config import TestingConfig
from regulator.extensions import db
from regulator.services import credit
from regulator.services.working_days import local_day
from risk.disclosure import repair_opens_on

#: the platform's day when this module was imported: a run may pass midnight before a test grants a repair (the
#: grant's day is then between this and the day of the assertion)
TODAY = datetime.now(ZoneInfo(TestingConfig.BABEL_DEFAULT_TIMEZONE)).date()


def _world(make):  # noqa: ANN001, ANN202
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    entity = make.entity("深圳市修复测试餐饮有限公司")
    make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    old = make.enforcement(entity, samr, penalty_type=PenaltyType.WARNING, decision_date=TODAY - timedelta(days=120),
                           decision_no="深市监罚〔2026〕1号")
    fresh = make.enforcement(entity, samr, penalty_type=PenaltyType.FINE, amount=261500,
                             decision_date=TODAY - timedelta(days=10))
    entry = make.list_entry(entity, samr, list_type=ListType.ABNORMAL_OPERATIONS,
                            added_date=TODAY - timedelta(days=30), added_reason="未按期公示年度报告")
    credit.recompute([entity.id])
    db.session.commit()
    return entity, old, fresh, entry


def test_record_fields_read_as_words_and_amounts(app, make, client, auth) -> None:  # noqa: ANN001
    """The record beside an objection or application: amounts with separators, the penalty type in words."""
    _entity, _old, fresh, _entry = _world(make)
    auth.login("ent")
    page = client.get(f"/enterprise/objections/new/enforcement/{fresh.id}").get_data(as_text=True)
    assert '<dd class="col-sm-8" data-field="amount">261,500.00</dd>' in page
    assert '<dd class="col-sm-8" data-field="penalty_type">Fine</dd>' in page
    assert '<dd class="col-sm-8" data-field="legal_basis">—</dd>' in page


def test_repair_refused_before_minimum_period(app, make, client, auth) -> None:  # noqa: ANN001
    """A fine decided ten days ago cannot be repaired yet: the page says from when."""
    _entity, _old, fresh, _entry = _world(make)
    auth.login("ent")
    page = client.get(f"/enterprise/repairs/new/enforcement_action/{fresh.id}").get_data(as_text=True)
    assert "Credit repair opens on" in page and "repair-form" not in page
    client.post(f"/enterprise/repairs/new/enforcement_action/{fresh.id}", data={"reason": "已缴纳罚款"})
    assert db.session.query(CreditRepair).count() == 0


def test_granted_penalty_repair_leaves_public_view(app, make, client, auth) -> None:  # noqa: ANN001
    """After three months a warning can be repaired; once granted it leaves the public profile, stays internal."""
    entity, old, _fresh, _entry = _world(make)
    assert "深市监罚〔2026〕1号" in client.get(f"/entity/{entity.id}").get_data(as_text=True)
    auth.login("ent")
    response = client.post(f"/enterprise/repairs/new/enforcement_action/{old.id}",
                           data={"reason": "已整改并完成信用承诺", "evidence_text": "整改报告"})
    assert response.status_code == 302
    repair = db.session.query(CreditRepair).one()
    auth.logout()
    auth.login("mee.coord")
    assert client.get(f"/coordinator/repairs/{repair.id}").status_code == 404
    auth.logout()
    auth.login("samr.coord")
    client.post(f"/coordinator/repairs/{repair.id}", data={"decision": "review", "reason": "请上传缴款凭证"})
    page = client.get(f"/coordinator/repairs/{repair.id}").get_data(as_text=True)
    assert 'value="review"' not in page and "请上传缴款凭证" in page
    client.post(f"/coordinator/repairs/{repair.id}", data={"decision": "granted", "reason": "符合修复条件"})
    auth.logout()
    auth.login("ent")
    assert "请上传缴款凭证" in client.get(f"/enterprise/repairs/{repair.id}").get_data(as_text=True)
    auth.logout()
    db.session.expire_all()
    assert TODAY <= db.session.get(EnforcementAction, old.id).repaired_on <= local_day()  # the day of the grant
    assert "深市监罚〔2026〕1号" not in client.get(f"/entity/{entity.id}").get_data(as_text=True)
    auth.login("samr.coord")
    assert "深市监罚〔2026〕1号" in client.get(f"/entities/{entity.id}").get_data(as_text=True)


def test_leaving_abnormal_list_lifts_the_class_floor(app, make, client, auth) -> None:  # noqa: ANN001
    """On the abnormal list the class is at least C; granting removal takes the entry off and the class drops."""
    entity, _old, _fresh, entry = _world(make)
    assert db.session.get(MarketEntity, entity.id).credit_class.value == "C"
    auth.login("ent")
    client.post(f"/enterprise/repairs/new/list_entry/{entry.id}", data={"reason": "已补报年度报告"})
    repair = db.session.query(CreditRepair).one()
    auth.logout()
    auth.login("samr.coord")
    client.post(f"/coordinator/repairs/{repair.id}", data={"decision": "rejected", "reason": ""})
    assert db.session.get(CreditRepair, repair.id).status.value == "submitted"
    client.post(f"/coordinator/repairs/{repair.id}", data={"decision": "granted", "reason": "年报已公示"})
    db.session.expire_all()
    removed = db.session.get(ListEntry, entry.id)
    assert TODAY <= removed.removed_date <= local_day() and "年报已公示" in removed.removed_reason
    fresh_entity = db.session.get(MarketEntity, entity.id)
    assert fresh_entity.credit_points == 13.0 and fresh_entity.credit_class.value == "B"
    auth.logout()
    auth.login("ent")
    assert "Granted" in client.get(f"/enterprise/repairs/{repair.id}").get_data(as_text=True)


def test_the_repair_page_lists_what_can_be_repaired_now_and_from_when(app, make, client, auth) -> None:  # noqa: ANN001
    """The enterprise finds its repairable records on the page itself: now (with the link), later (from the day
    the minimum publication period ends); one already applied for, and other entities' records, are not listed."""
    entity, old, fresh, entry = _world(make)
    other = make.entity("深圳市别家餐饮有限公司")
    make.enforcement(other, make.agency("SAMR"), penalty_type=PenaltyType.WARNING,
                     decision_date=TODAY - timedelta(days=120), decision_no="深市监罚〔2026〕9号")
    db.session.commit()
    auth.login("ent")
    page = client.get("/enterprise/repairs?lang=en").get_data(as_text=True)
    listed = page.split('id="repairable"')[1].split("</table>")[0]
    assert f'href="/enterprise/repairs/new/enforcement_action/{old.id}">Apply for credit repair</a>' in listed
    assert "深市监罚〔2026〕1号" in listed and "深市监罚〔2026〕9号" not in listed
    assert f'data-target="enforcement_action-{fresh.id}"' in listed and "261,500 yuan" in listed
    opens = repair_opens_on(fresh.decision_date, fresh.penalty_type, fresh.amount)
    assert opens > TODAY and f"You can apply from {opens.isoformat()}" in listed  # the fine's minimum period
    assert f'data-target="list_entry-{entry.id}"' in listed
    client.post(f"/enterprise/repairs/new/enforcement_action/{old.id}", data={"reason": "已整改"})
    listed = client.get("/enterprise/repairs").get_data(as_text=True).split('id="repairable"')[1].split("</table>")[0]
    assert f'data-target="enforcement_action-{old.id}"' not in listed  # under an open application now
    zh = client.get("/enterprise/repairs?lang=zh_Hans_CN").get_data(as_text=True)
    assert "可申请信用修复的记录" in zh
    api = client.get("/api/v1/repairs/repairable").get_json()  # the same list over JSON
    assert [(r["target_type"], r["target_id"]) for r in api] == [("enforcement_action", fresh.id),
                                                                ("list_entry", entry.id)]
    assert api[0] == {"target_type": "enforcement_action", "target_id": fresh.id, "agency_id": fresh.agency_id,
                      "date": fresh.decision_date.isoformat(), "kind": "fine", "can_apply": False,
                      "opens_on": opens.isoformat()}
    assert api[1]["can_apply"] is True and api[1]["kind"] == "abnormal_operations"
