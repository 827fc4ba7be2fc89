"""The services' error messages reach the user in the user's language: flashed on pages, and in API answers."""

from __future__ import annotations

import io
from datetime import date

from models import (
    Campaign,
    CampaignStatus,
    InspectionTask,
    Role,
    SelectionReason,
    SourceStatus,
    TaskAgency,
    TaskInspector,
)
from regulator.extensions import db
from regulator.services import campaigns, referrals

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def _page(client, url: str, data: dict, headers: dict, **kw) -> str:  # noqa: ANN001, ANN003
    return client.post(url, data=data, headers=headers, follow_redirects=True, **kw).get_data(as_text=True)


def _campaign(agency, status: CampaignStatus = CampaignStatus.DRAFT) -> Campaign:  # noqa: ANN001
    campaign = campaigns.create_campaign("春季抽查", date(2025, 3, 1), date(2025, 5, 31),
                                         [campaigns.AgencyPart(agency.id, 5)])
    campaign.status = status
    db.session.flush()
    return campaign


def test_campaign_step_refused_in_the_users_language(app, client, auth, make) -> None:  # noqa: ANN001
    """The status in the message is its label, in the same language as the sentence."""
    samr = make.agency("SAMR")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    campaign = _campaign(samr)
    db.session.commit()
    auth.login("coord")
    url = f"/coordinator/campaigns/{campaign.id}/draw"
    assert (f"抽查任务 {campaign.id} 当前状态为“草稿”，只有在“已承诺随机种子”状态下才能执行这一步。"
            in _page(client, url, {}, ZH))
    assert (f"Campaign {campaign.id} is “Draft”: this step can only be taken when it is “Seed committed”."
            in _page(client, url, {}, EN))


def test_merge_and_split_refused_in_the_users_language(app, client, auth, make) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    entity = make.entity()
    db.session.commit()
    auth.login("coord")
    merge = {"other": entity.id, "direction": "into_this", "reason": "同一家"}
    assert "市场主体不能与自身合并，请选择另一个主体。" in _page(
        client, f"/coordinator/entities/{entity.id}/merge", merge, ZH)
    assert "A market entity cannot be merged into itself" in _page(
        client, f"/coordinator/entities/{entity.id}/merge", merge, EN)
    assert "请至少选择一条要拆分出去的源记录。" in _page(
        client, f"/coordinator/entities/{entity.id}/split", {"reason": "误合并"}, ZH)


def test_user_creation_refused_in_the_users_language(app, client, auth, make) -> None:  # noqa: ANN001
    """The role in the message is its label."""
    make.agency("SAMR")
    make.user("admin", Role.ADMIN, locale="zh_Hans_CN")  # the user's own preference, not the browser's
    db.session.commit()
    auth.login("admin")
    form = {"username": "insp", "role": "inspector", "agency": "", "password": "long-enough-1"}
    assert "角色为“执法检查人员”的账号必须隶属于某个部门，请选择部门。" in _page(client, "/admin/users/new", form, EN)


def test_referral_decision_refused_in_the_users_language(app, client, auth, make) -> None:  # noqa: ANN001
    samr, mee = make.agency("SAMR"), make.agency("MEE", domain="environment")
    sender = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    make.user("mee-coord", Role.COORDINATOR, agency_id=mee.id)
    referral = referrals.send(make.entity().id, samr.id, mee.id, "疑似偷排废水", user=sender)
    db.session.commit()
    auth.login("mee-coord")
    url = f"/coordinator/referrals/{referral.id}"
    assert "请说明驳回该移送线索的理由。" in _page(client, url, {"decision": "rejected", "note": ""}, ZH)
    assert "Say why the referral is rejected." in _page(client, url, {"decision": "rejected", "note": ""}, EN)
    page = client.get(url, headers=ZH).get_data(as_text=True)  # the agencies, not a date ("From" read 起始日期)
    assert "移送部门" in page and "接收部门" in page and "起始日期" not in page


def test_task_result_refused_in_the_users_language(app, client, auth, make) -> None:  # noqa: ANN001
    """A bad violations line names the line in Chinese; the form's own field errors are Chinese too."""
    samr = make.agency("SAMR")
    inspector = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    campaign = _campaign(samr, CampaignStatus.PUBLISHED)
    task = InspectionTask(campaign_id=campaign.id, entity_id=make.entity().id, window_start=date(2025, 3, 1),
                          window_end=date(2025, 3, 14))
    db.session.add(task)
    db.session.flush()
    db.session.add_all([TaskAgency(task_id=task.id, agency_id=samr.id, selection_reason=SelectionReason.RANDOM_DRAW),
                        TaskInspector(task_id=task.id, user_id=inspector.id, agency_id=samr.id)])
    db.session.commit()
    auth.login("insp")
    url = f"/inspector/tasks/{task.id}/result"
    form = {"result": "fail", "inspection_date": "2025-03-05", "violations-0-code": "JG-07",
            "violations-0-severity": "minor", "violations-1-code": "", "violations-1-severity": "serious",
            "violations-1-description": "无证经营"}
    assert "本次检查发现的违法行为：第 2 项违法行为：请填写违法行为代码。" in _page(client, url, form, ZH)
    assert "Violations found at this visit: Violation 2: Give the violation&#39;s code." in _page(client, url, form, EN)
    assert "检查日期：" in _page(client, url, {"result": "fail", "inspection_date": ""}, ZH)


def test_quarantine_resubmit_refused_in_the_users_language(app, client, auth, make) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    record = make.source_record(samr, status=SourceStatus.REJECTED, raw={"编号": "X1"})
    db.session.commit()
    auth.login("coord")
    url = f"/coordinator/quarantine/{record.id}"
    assert f"源记录 {record.id} 没有可用于重新提交的导入映射，请更正文件后重新导入。" in _page(
        client, url, {"col-0": "X2"}, ZH)
    assert f"Source record {record.id} has no import mapping to re-submit it through" in _page(
        client, url, {"col-0": "X2"}, EN)


def test_unusable_upload_refused_in_the_users_language(app, client, auth, make) -> None:  # noqa: ANN001
    """A whole file refused: the message names the file, in the user's language."""
    samr = make.agency("SAMR")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("coord")

    def upload(headers: dict) -> str:
        return _page(client, "/coordinator/imports", {"file": (io.BytesIO(b""), "samr_licences.csv")}, headers,
                     content_type="multipart/form-data")

    assert "samr_licences.csv 是空文件：没有表头行。" in upload(ZH)
    assert "samr_licences.csv is empty: it has no header row." in upload(EN)


def test_command_line_speaks_english_and_leaves_pages_alone(app, runner, client, auth, make) -> None:  # noqa: ANN001
    """Outside a request the messages are English; the language chosen there does not stick to later requests."""
    make.agency("SAMR")
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    out = runner.invoke(args=["users", "create", "--username", "insp", "--role", "inspector",
                              "--password", "long-enough-1"])
    assert out.exit_code == 1
    assert "Error: An account with the role “Inspector” must belong to an agency: choose one." in out.output
    form = {"username": "insp", "role": "inspector", "agency": "", "password": "long-enough-1"}
    assert "角色为“执法检查人员”的账号必须隶属于某个部门，请选择部门。" in _page(client, "/admin/users/new", form, ZH)


def test_enterprise_account_bound_by_credit_code(app, client, auth, make) -> None:  # noqa: ANN001
    """The administrator names the enterprise by its credit code, written any way; an unknown one is refused."""
    from models import User

    entity = make.entity("深圳市绑定测试有限公司")
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    form = {"username": "ent1", "role": "enterprise", "agency": "", "password": "long-enough-1",
            "entity": f" {entity.uscc.lower()} "}
    assert client.post("/admin/users/new", data=form).status_code == 302
    assert db.session.query(User).filter_by(username="ent1").one().entity_id == entity.id
    refused = _page(client, "/admin/users/new", dict(form, username="ent2", entity="91440300MA5XXXXXX0"), ZH)
    assert "没有统一社会信用代码或编号为“91440300MA5XXXXXX0”的市场主体。" in refused
    page = client.get("/admin/users/new", headers=ZH).get_data(as_text=True)
    assert ">企业用户</option>" in page and ">enterprise</option>" not in page  # roles by their names


def test_an_error_page_s_heading_is_in_the_reader_s_language(app, client) -> None:  # noqa: ANN001
    """A missing entity's page said '404 · Not Found' in English on the Chinese page (werkzeug's name of the
    status); the heading now comes from the catalogue, like the sentence under it."""
    from flask_babel import force_locale, gettext

    for lang in ("en", "zh_Hans_CN"):
        with force_locale(lang):
            expected = {404: gettext("Page not found"), 400: gettext("Bad request")}
        for url, code in (("/entity/999999", 404), ("/search?q=%00", 400)):
            page = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}").get_data(as_text=True)
            heading = page.split('<h1 class="h3">')[1].split("</h1>")[0]
            assert heading == f"{code} · {expected[code]}", (lang, heading)
