"""One "today" everywhere: the platform's local day (Asia/Shanghai), not the server's (UTC). From 00:00 to 08:00 in
Shenzhen the two differ, and credit repair opened a day late while credit scoring kept a penalty repaired that
morning, and a licence ended yesterday still read as valid.

The tests set the platform's zone to one whose day differs from the server's right now, whichever hour it is, and
pick records dated on the local day and the local tomorrow: the server's day is one of the local yesterday and
tomorrow, so code that reads it gets one of the two wrong.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import CreditRepair, EnforcementAction, LicenceStatus, MarketEntity, PenaltyType, Role
from regulator.extensions import db
from regulator.services import credit, repairs
from risk.disclosure import repair_opens_on


@pytest.fixture
def local_today(app) -> date:  # noqa: ANN001
    """Set the platform's zone to one where the date is not the server's; returns that local date."""
    zone = next(z for z in ("Pacific/Kiritimati", "Etc/GMT+12") if datetime.now(ZoneInfo(z)).date() != date.today())
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    return datetime.now(ZoneInfo(zone)).date()


def _decided_for_repair_on(opens: date) -> date:
    """A warning's decision day from which credit repair opens on ``opens``."""
    return next(day for day in (opens - timedelta(days=n) for n in range(80, 100))
                if repair_opens_on(day, PenaltyType.WARNING, None) == opens)


def test_repair_opens_on_the_local_day(app, make, local_today) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    entity = make.entity("深圳市本地日修复测试有限公司")
    opening = make.enforcement(entity, samr, penalty_type=PenaltyType.WARNING,
                               decision_date=_decided_for_repair_on(local_today))
    waiting = make.enforcement(entity, samr, penalty_type=PenaltyType.WARNING,
                               decision_date=_decided_for_repair_on(local_today + timedelta(days=1)))
    db.session.commit()
    assert repairs.eligibility("enforcement_action", opening).allowed
    verdict = repairs.eligibility("enforcement_action", waiting)
    assert not verdict.allowed and verdict.opens_on == local_today + timedelta(days=1)
    listed = {r.record.id: r.verdict.allowed for r in repairs.repairable(entity.id)}
    assert listed == {opening.id: True, waiting.id: False}


def test_a_repair_granted_today_stops_counting_in_credit_today(app, make, local_today) -> None:  # noqa: ANN001
    """The grant dates the repair on the local day; credit's default day is the same, so the penalty stops
    counting at once (on the server's day it still counted until the server's date caught up)."""
    samr = make.agency("SAMR")
    entity = make.entity("深圳市本地日信用修复有限公司")
    clean = make.entity("深圳市本地日无记录有限公司")
    applicant = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    coordinator = make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    fine = make.enforcement(entity, samr, penalty_type=PenaltyType.FINE, amount=261500,
                            decision_date=local_today - timedelta(days=400))
    credit.recompute([entity.id, clean.id])
    db.session.commit()
    assert db.session.get(MarketEntity, entity.id).credit_points != db.session.get(MarketEntity, clean.id).credit_points
    repair = repairs.apply(applicant, "enforcement_action", fine.id, "已缴纳罚款并整改")
    db.session.flush()
    repairs.grant(db.session.get(CreditRepair, repair.id), coordinator, "整改到位")
    credit.recompute([entity.id, clean.id])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(EnforcementAction, fine.id).repaired_on == local_today
    assert db.session.get(MarketEntity, entity.id).credit_points == db.session.get(MarketEntity, clean.id).credit_points


def test_credit_counts_records_up_to_the_local_day(app, make, local_today) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    fined_today = make.entity("深圳市本地日今日处罚有限公司")
    fined_tomorrow = make.entity("深圳市本地日明日处罚有限公司")
    clean = make.entity("深圳市本地日清白有限公司")
    for entity, day in ((fined_today, local_today), (fined_tomorrow, local_today + timedelta(days=1))):
        make.enforcement(entity, samr, penalty_type=PenaltyType.FINE, amount=261500, decision_date=day)
    credit.recompute([fined_today.id, fined_tomorrow.id, clean.id])
    db.session.commit()
    points = {e.id: db.session.get(MarketEntity, e.id).credit_points for e in (fined_today, fined_tomorrow, clean)}
    assert points[fined_today.id] != points[clean.id]
    assert points[fined_tomorrow.id] == points[clean.id]


def test_a_licence_ended_yesterday_has_expired_today(app, make, client, auth, local_today) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    entity = make.entity("深圳市本地日执照测试有限公司")
    make.licence(entity, samr, licence_no="JY-ENDED", licence_status=LicenceStatus.VALID,
                 issue_date=local_today - timedelta(days=1800), valid_to=local_today - timedelta(days=1))
    make.licence(entity, samr, licence_no="JY-LAST-DAY", licence_status=LicenceStatus.VALID,
                 issue_date=local_today - timedelta(days=1800), valid_to=local_today)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    expected = {"JY-ENDED": "expired", "JY-LAST-DAY": "valid"}

    def rows(html: str) -> dict[str, str]:
        return {no: html.split(no, 1)[1].split("</tr>", 1)[0] for no in expected}

    public = rows(client.get(f"/entity/{entity.id}?lang=en").get_data(as_text=True))
    assert "Expired" in public["JY-ENDED"] and "Expired" not in public["JY-LAST-DAY"]
    body = client.get(f"/api/v1/public/entities/{entity.id}").get_json()
    assert {lic["licence_no"]: lic["status"] for lic in body["licences"]} == expected
    auth.login("coord")
    staff = rows(client.get(f"/entities/{entity.id}?lang=en").get_data(as_text=True))
    assert "Expired" in staff["JY-ENDED"] and "Expired" not in staff["JY-LAST-DAY"]
    body = client.get(f"/api/v1/entities/{entity.id}").get_json()
    assert {lic["licence_no"]: lic["status"] for lic in body["licences"]} == expected
