"""Times on the pages read on the platform's clock (Asia/Shanghai), the one its working-day deadlines follow:
a step taken at 01:30 in Shenzhen is shown at 01:30 on that day, not at 17:30 the day before (UTC, as stored)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from models import Notification, Objection, Role, StatusEvent
from regulator.extensions import db
from regulator.services import objections, working_days

#: 17:30 UTC on a Monday is 01:30 on the Tuesday in Shenzhen
STORED = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)


def test_enterprise_reads_steps_and_notices_on_local_time(app, make, client, auth) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    entity = make.entity("深圳市时区测试有限公司")
    ent = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    coord = make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    violation = make.violation(entity, samr, found_date=date(2026, 2, 1))
    db.session.commit()
    objection = objections.submit(ent, "violation", violation.id, "整改完毕")
    db.session.flush()
    objections.start_review(objection, coord, "核查中")
    db.session.flush()
    for model in (Objection, StatusEvent, Notification):
        db.session.execute(update(model).values(created_at=STORED).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire_all()
    assert working_days.decide_by(db.session.get(Objection, objection.id)).day == working_days.add(
        date(2026, 3, 3), app.config["OBJECTION_DECISION_WORKING_DAYS"])  # counted from the local day

    auth.login("ent")
    page = client.get(f"/enterprise/objections/{objection.id}?lang=en").get_data(as_text=True)
    assert "2026-03-03 01:30" in page and "2026-03-02 17:30" not in page
    listing = client.get("/enterprise/objections?lang=en").get_data(as_text=True)
    assert "2026-03-03" in listing and "2026-03-02" not in listing
    home = client.get("/enterprise/?lang=en").get_data(as_text=True)
    assert "2026-03-03 ·" in home
    notices = client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert "2026-03-03 01:30" in notices
    auth.logout()

    auth.login("coord")
    listing = client.get("/coordinator/objections?lang=en").get_data(as_text=True)
    assert "2026-03-03" in listing and "2026-03-02" not in listing


def test_staff_pages_read_moments_on_local_time_and_the_audit_log_says_utc(app, make, client, auth) -> None:  # noqa: ANN001
    """Imports, a record's file, users' last sign-in, tokens: the platform's clock too; the audit log keeps UTC
    (its date filter and CSV count in UTC) and says so in its column."""
    from models import ApiToken, BatchStatus, ImportBatch

    samr = make.agency("SAMR")
    make.user("root", Role.ADMIN)
    coord = make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    batch = make._add(ImportBatch(agency_id=samr.id, filename="许可.csv", file_format="csv",
                                  status=BatchStatus.COMPLETED, created_by_id=coord.id))
    entity = make.entity()
    record = make.source_record(samr, batch_id=batch.id, entity_id=entity.id)
    make._add(ApiToken(agency_id=samr.id, name="系统", prefix="rg_test", token_hash="0" * 64, role=Role.COORDINATOR,
                       scopes=["read"], last_used_at=STORED, expires_at=STORED))
    db.session.commit()
    db.session.execute(update(ImportBatch).values(created_at=STORED))
    db.session.commit()

    auth.login("coord")
    imports = client.get("/coordinator/imports?lang=en").get_data(as_text=True)
    assert "2026-03-03 01:30" in imports and "2026-03-02 17:30" not in imports
    source = client.get(f"/entities/sources/{record.id}?lang=en")
    assert source.status_code == 200 and "2026-03-03)" in source.get_data(as_text=True)
    auth.logout()
    auth.login("root")
    from models import User

    db.session.execute(update(User).where(User.username == "coord").values(last_login_at=STORED))
    db.session.commit()
    users = client.get("/admin/users?lang=en").get_data(as_text=True)
    assert "2026-03-03 01:30" in users and "2026-03-02 17:30" not in users
    tokens = client.get("/admin/tokens?lang=en").get_data(as_text=True)
    assert "2026-03-03 01:30" in tokens and "2026-03-03</td>" in tokens
    audit = client.get("/admin/audit?lang=en").get_data(as_text=True)
    assert "When (UTC)" in audit


def test_a_token_expired_whatever_zone_the_database_gives_its_time_in(app, make, client, auth) -> None:  # noqa: ANN001
    """PostgreSQL gives a timestamp back in its session's zone: 01:00 in Shanghai is 17:00 UTC the day before,
    so a token that expired then is expired at 18:00 UTC (the page compared the wall-clock figures)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from models import ApiToken
    from regulator.services.tokens import expired

    samr = make.agency("SAMR")
    make.user("root", Role.ADMIN)
    token = ApiToken(agency_id=samr.id, name="t", prefix="rg_x", token_hash="1" * 64, role=Role.COORDINATOR,
                     scopes=["read"], expires_at=datetime(2026, 3, 3, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert expired(token, datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    assert not expired(token, datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    assert not expired(ApiToken(expires_at=None))
    now = datetime.now(UTC)
    make._add(ApiToken(agency_id=samr.id, name="gone", prefix="rg_a", token_hash="2" * 64, role=Role.COORDINATOR,
                       scopes=["read"], expires_at=now - timedelta(hours=1)))
    make._add(ApiToken(agency_id=samr.id, name="live", prefix="rg_b", token_hash="3" * 64, role=Role.COORDINATOR,
                       scopes=["read"], expires_at=now + timedelta(hours=1)))
    db.session.commit()
    auth.login("root")
    page = client.get("/admin/tokens?lang=en").get_data(as_text=True)
    gone, live = page.split("gone", 1)[1].split("</tr>", 1)[0], page.split("live", 1)[1].split("</tr>", 1)[0]
    assert "expired" in gone and "active" not in gone and "active" in live and "expired" not in live
