"""The administration commands no other test runs: `flask agencies`, `tokens`, `users list|password|two-step-off`,
`search reindex`
and the campaign steps after the draw (`plan`, `staff`, `publish`, `release`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import (
    Agency,
    ApiToken,
    AuditLog,
    Campaign,
    CampaignStatus,
    CreditClass,
    EntityNameGram,
    InspectionTask,
    ModelVersion,
    Role,
    TaskInspector,
    User,
)
from regulator.extensions import db


def test_agencies_add_updates_by_code_and_lists(app, runner) -> None:  # noqa: ANN001
    out = runner.invoke(args=["agencies", "add", "SAMR", "市场监督管理局", "--domain", "market",
                              "--name-en", "Market regulation"])
    assert out.exit_code == 0, out.output
    first_id = db.session.scalar(select(Agency.id).where(Agency.code == "SAMR"))
    assert out.output.strip() == f"agency SAMR id={first_id}"
    again = runner.invoke(args=["agencies", "add", "SAMR", "市场监管局", "--domain", "market"])
    assert again.exit_code == 0 and again.output.strip() == f"agency SAMR id={first_id}"
    runner.invoke(args=["agencies", "add", "MEE", "生态环境局", "--domain", "environment"])
    agency = db.session.scalar(select(Agency).where(Agency.code == "SAMR"))
    db.session.refresh(agency)
    assert (agency.name, agency.name_en) == ("市场监管局", "Market regulation")  # the English name is kept
    listed = runner.invoke(args=["agencies", "list"]).output.strip().splitlines()
    assert [line.split()[1:] for line in listed] == [["MEE", "environment", "生态环境局"],
                                                     ["SAMR", "market", "市场监管局"]]
    missing = runner.invoke(args=["agencies", "add", "X", "某局"])
    assert missing.exit_code != 0 and "--domain" in missing.output


def test_tokens_issue_authenticate_list_without_secret_and_revoke(app, runner, client, make) -> None:  # noqa: ANN001
    make.agency("SAMR")
    db.session.commit()
    out = runner.invoke(args=["tokens", "issue", "--agency", "SAMR", "--name", "系统对接"])
    assert out.exit_code == 0, out.output
    clear = out.output.strip().rsplit(" ", 1)[1]
    headers = {"Authorization": f"Bearer {clear}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["agency_id"] == make.agency("SAMR").id
    listed = runner.invoke(args=["tokens", "list"]).output
    assert clear not in listed and clear[:10] in listed and "系统对接 active" in listed
    token_id = out.output.split()[1]
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert "系统对接 revoked" in runner.invoke(args=["tokens", "list"]).output
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    unknown = runner.invoke(args=["tokens", "revoke", "999"])
    assert unknown.exit_code != 0 and "no token 999" in unknown.output
    nowhere = runner.invoke(args=["tokens", "issue", "--agency", "NOPE", "--name", "x"])
    assert nowhere.exit_code != 0 and "no agency with code 'NOPE'" in nowhere.output


def test_users_list_shows_roles_and_bindings_not_passwords(app, runner, make) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    company = make.entity()
    make.user("li.insp", Role.INSPECTOR, agency_id=samr.id)
    make.user("acme", Role.ENTERPRISE, entity_id=company.id)
    make.user("gone", Role.COORDINATOR, agency_id=samr.id, active=False)
    db.session.commit()
    out = runner.invoke(args=["users", "list"])
    assert out.exit_code == 0, out.output
    rows = {line.split()[1]: line.split()[2:] for line in out.output.strip().splitlines()}
    assert rows["li.insp"] == ["inspector", "SAMR"]
    assert rows["acme"] == ["enterprise", "entity", str(company.id)]
    assert rows["gone"] == ["coordinator", "SAMR", "(inactive)"]
    assert "pbkdf2" not in out.output


def test_search_reindex_indexes_every_name(app, runner, make, client) -> None:  # noqa: ANN001
    make.entity("深圳市华盛达贸易有限公司")
    make.entity("Golden Dragon Restaurant")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(EntityNameGram)) == 0
    out = runner.invoke(args=["search", "reindex"])
    assert out.exit_code == 0, out.output
    grams = db.session.scalar(select(func.count()).select_from(EntityNameGram))
    assert grams > 0 and out.output.strip() == f"{grams} name grams indexed"


def test_campaign_plan_staff_publish_release(app, runner, make) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE", domain="environment")
    for i in range(40):
        make.entity(credit_class=[CreditClass.B, CreditClass.C, CreditClass.D][i % 3])
    db.session.commit()
    out = runner.invoke(args=["campaign", "create", "--name", "联合检查", "--start", "2025-12-01", "--end",
                              "2025-12-31", "--agency", "SAMR:8", "--agency", "MEE:4", "--seed", "s-1"])
    campaign_id = out.output.split()[1]
    assert runner.invoke(args=["campaign", "draw", campaign_id]).exit_code == 0
    replanned = runner.invoke(args=["campaign", "plan", campaign_id])
    assert replanned.exit_code == 0, replanned.output
    assert '"visits":' in replanned.output
    tasks = db.session.scalar(select(func.count()).select_from(InspectionTask)
                              .where(InspectionTask.campaign_id == int(campaign_id)))
    assert tasks > 0
    nobody = runner.invoke(args=["campaign", "staff", campaign_id])
    assert "nothing to staff" in nobody.output  # no inspector accounts yet
    for n in range(3):
        make.user(f"samr.insp{n}", Role.INSPECTOR, agency_id=samr.id)
        make.user(f"mee.insp{n}", Role.INSPECTOR, agency_id=mee.id)
    db.session.commit()
    staffed = runner.invoke(args=["campaign", "staff", campaign_id])
    assert staffed.exit_code == 0 and f"{tasks} tasks staffed in {tasks} visits" in staffed.output, staffed.output
    unstaffed = db.session.scalar(select(func.count()).select_from(InspectionTask).where(
        InspectionTask.campaign_id == int(campaign_id), ~InspectionTask.inspectors.any()))
    assert unstaffed == 0 and db.session.scalar(select(func.count()).select_from(TaskInspector)) >= tasks
    early = runner.invoke(args=["campaign", "release", campaign_id])
    assert early.exit_code != 0 and "Published" in early.output  # results only after the plan is published
    assert runner.invoke(args=["campaign", "publish", campaign_id]).exit_code == 0
    released = runner.invoke(args=["campaign", "release", campaign_id])
    assert released.exit_code == 0 and "results released" in released.output
    campaign = db.session.get(Campaign, int(campaign_id))
    db.session.refresh(campaign)
    assert campaign.status == CampaignStatus.RELEASED and campaign.released_at is not None
    late = runner.invoke(args=["campaign", "plan", campaign_id])
    assert late.exit_code != 0 and "Drawn or Planned" in late.output


def test_a_locked_out_administrator_is_helped_from_the_server(app, runner, make) -> None:  # noqa: ANN001
    """The last administrator who lost the phone and the recovery codes: two-step sign-in off, a new password."""
    make.user("root", Role.ADMIN, totp_secret="A" * 32, recovery_codes=["x"])
    db.session.commit()
    assert "(two-step)" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "two-step-off", "root"])
    assert result.exit_code == 0 and "turned off" in result.output
    again = runner.invoke(args=["users", "two-step-off", "root"])
    assert again.exit_code == 1 and "does not sign in in two steps" in again.output
    assert runner.invoke(args=["users", "two-step-off", "nobody"]).exit_code == 1
    weak = runner.invoke(args=["users", "password", "root", "--password", "short"])
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    assert runner.invoke(args=["users", "password", "root", "--password", "server-side-pw-1"]).exit_code == 0
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == "root"))
    assert user.totp_secret is None and user.recovery_codes == []
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "root", "password": "server-side-pw-1"}).headers[
        "Location"].endswith("/admin/")
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.object_id == user.id)))
    assert {"user.two_step_off", "user.password"} <= actions


def test_tokens_issue_read_only_and_expiring_and_list_says_so(app, runner, client, make) -> None:  # noqa: ANN001
    """``--scope read`` issues a token that cannot write, ``--days`` one that expires (the agency's code in any
    case); ``tokens list`` says each token's scopes and when it stops working, and "expired" once it has."""
    make.agency("SAMR")
    db.session.commit()
    out = runner.invoke(args=["tokens", "issue", "--agency", "samr", "--name", "reader", "--scope", "read",
                              "--days", "30"])
    assert out.exit_code == 0, out.output
    headers = {"Authorization": f"Bearer {out.output.strip().rsplit(' ', 1)[1]}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post("/api/v1/imports", json={"kind": "x", "rows": []}, headers=headers).status_code == 403
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "reader"))
    assert token.scopes == ["read"] and token.expires_at is not None
    listed = runner.invoke(args=["tokens", "list"]).output
    assert re.search(r"read\s+reader active until \d{4}-\d\d-\d\d \d\d:\d\d UTC", listed), listed
    token.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert "reader expired" in runner.invoke(args=["tokens", "list"]).output
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_server_side_administration_is_in_the_audit_log(app, runner) -> None:  # noqa: ANN001
    """``flask agencies add`` and ``flask risk activate`` leave the same audit rows as their pages, and the agency
    command refuses what the agency form refuses."""
    out = runner.invoke(args=["agencies", "add", "SAMR", "市场监督管理局", "--domain", "market"])
    assert out.exit_code == 0, out.output
    runner.invoke(args=["agencies", "add", "SAMR", "市场监管局", "--domain", "market"])
    wrong = runner.invoke(args=["agencies", "add", "MEE", "生态环境局", "--domain", "enviroment"])
    assert wrong.exit_code != 0 and "Unknown field of supervision: enviroment." in wrong.output
    version = ModelVersion(version="risk-old")
    db.session.add(version)
    db.session.commit()
    assert runner.invoke(args=["risk", "activate", version.version]).exit_code == 0
    rows = [(r.action, r.role, r.details.get("code") or r.details.get("version"))
            for r in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert rows == [("agency.create", "system", "SAMR"), ("agency.update", "system", "SAMR"),
                    ("risk_model.activate", "system", version.version)]
