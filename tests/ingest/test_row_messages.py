"""Reasons for rejected rows and data-quality findings are shown in the reader's language.

The ingest stores each reason in English with the row; the batch page, the quarantine and the source-row
page translate them. The file below breaks each rule a mapping checks, so every stored reason is a real one.
"""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from models import ImportBatch, Role, SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.ingest import row_messages

from ..conftest import PASSWORD

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}
HEADER = ("检查编号,统一社会信用代码,企业名称,检查地址,检查日期,检查类型,抽取方式,抽取概率,检查结果,"
          "检查人员1,检查人员2,发现问题代码,问题描述,原检查编号\n")
ROWS = [
    "J1,,深圳市甲餐饮有限公司,福田区甲路1号,2025-13-45,日常检查,风险分级,0.15,合格,张三,李四,,,\n",
    "J2,,,福田区乙路2号,2025-01-03,日常检查,风险分级,0.15,合格,张三,李四,,,\n",
    "J3,,深圳市丙餐饮有限公司,福田区丙路3号,2025-01-04,日常检查,风险分级,很高,合格,张三,李四,,,\n",
    "J4,,深圳市丁餐饮有限公司,福田区丁路4号,2025-01-05,日常检查,风险分级,0.15,待定,张三,李四,,,\n",
    "J5,,深圳市戊餐饮有限公司,福田区戊路5号,2025-01-06,日常检查,风险分级,0.15,合格,张三,李四,,,,多余\n",
    "J6,91440300MA5XXXXXX0,深圳市己餐饮有限公司,福田区己路6号,2025-01-07,日常检查,风险分级,0.15,合格,张三,李四,,,\n",
    f"J7,,深圳市庚{'很' * 400}有限公司,福田区庚路7号,2025-01-08,日常检查,风险分级,0.15,合格,张三,李四,,,\n",
]
#: stored English that must not reach a Chinese page
ENGLISH = ["is required but empty", "not a date", "not a number", "unknown value", "names no entity", "too long",
           "fields, the header has", "check character", "uscc_"]


def _import(client, auth, make, agencies) -> ImportBatch:  # noqa: ANN001
    samr = next(a for a in agencies if a.code == "SAMR")
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("samr.coord", PASSWORD)
    data = (HEADER + "".join(ROWS)).encode("utf-8-sig")
    response = client.post("/coordinator/imports", data={"file": (io.BytesIO(data), "samr_inspections.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(ImportBatch))


def test_rejection_reasons_and_findings_read_in_chinese(app, client, auth, make, agencies) -> None:  # noqa: ANN001
    batch = _import(client, auth, make, agencies)
    assert batch.rows_rejected == 6, batch.report
    page = client.get(f"/coordinator/imports/{batch.id}", headers=ZH).get_data(as_text=True)
    for english in ENGLISH:
        assert english not in page, english
    for chinese in ("日历上没有这一天", "必填但为空", "不是数字", "未知的值", "没有指明市场主体", "过长",
                    "该行有 15 个字段，表头有 14 个", "统一社会信用代码校验位不符"):
        assert chinese in page, chinese
    assert "整行：" in page and "检查日期：" in page  # the row as a whole, and a column, then a full-width colon
    quarantine = client.get("/coordinator/quarantine", headers=ZH).get_data(as_text=True)
    assert "检查日期：日历上没有这一天：“2025-13-45”" in quarantine  # the value in the reader's quotation marks
    for english in ENGLISH:
        assert english not in quarantine, english
    bad_date = db.session.scalar(select(SourceRecord).where(SourceRecord.source_key == "J1"))
    row = client.get(f"/coordinator/quarantine/{bad_date.id}", headers=ZH).get_data(as_text=True)
    assert "日历上没有这一天" in row and "not a day" not in row


def test_the_same_reasons_stay_english_for_an_english_reader(app, client, auth, make, agencies) -> None:  # noqa: ANN001
    batch = _import(client, auth, make, agencies)
    page = client.get(f"/coordinator/imports/{batch.id}", headers=EN).get_data(as_text=True)
    assert "检查日期: not a day of the calendar" in page  # 2025-13-45: written as asked, but no such day
    assert "row: names no entity" in page
    assert "credit code that fails its check character" in page
    accepted = db.session.scalar(select(SourceRecord).where(SourceRecord.source_key == "J6"))
    assert accepted.status == SourceStatus.ACCEPTED and accepted.findings
    source = client.get(f"/entities/sources/{accepted.id}", headers=EN).get_data(as_text=True)
    assert "credit code that fails its check character: 统一社会信用代码 · 91440300MA5XXXXXX0" in source
    assert "{&#39;kind&#39;" not in source  # the finding's dict is not printed as it is stored


def test_every_stored_message_has_a_pattern_and_a_chinese_translation(app) -> None:  # noqa: ANN001
    """The messages the ingest writes (``RowError`` texts), each recognised and translated; others pass through."""
    stored = ["is required but empty", "not a day of the calendar: '2025-13-45'",
              "not a date in the expected format (%Y-%m-%d): '2025-13-45'",
              "not a date in the expected format (%Y-%m-%d)", "unknown value '待定' (expected one of 合格, 不合格)",
              "unknown value", "not a whole number: 'x'", "not a number: '很高'", "not a yes/no value: '也许'",
              "out of range: '1e30'", "not a single value (a JSON list or object)",
              "out of range: from -2147483647 to 2147483647",
              "too long: 420 characters, at most 300", "too long", "row has 15 fields, the header has 14",
              "names no entity: neither a name nor a valid credit code", "names no entity and no place",
              "refers to an inspection not imported (or rejected)", "refers to an entity not imported",
              "not valid JSON: Expecting value", "not a JSON object"]
    with app.test_request_context(headers=ZH):
        for text in stored:
            translated = row_messages.message(text)
            assert translated != text and not re.search(r"[a-z]{4,}", re.sub(r"'[^']*'|JSON|Expecting value", "",
                                                                                translated)), (text, translated)
        assert row_messages.message("a mapping's own words") == "a mapping's own words"


def test_date_formats_read_as_people_write_them(app) -> None:  # noqa: ANN001
    with app.test_request_context(headers=EN):
        assert row_messages.message("not a date in the expected format (%Y-%m-%d): '2025/01/02'") == \
            "not a date in the expected format (YYYY-MM-DD): “2025/01/02”"
    assert row_messages.readable_formats("%Y-%m-%d, %Y/%m/%d, %Y年%m月%d日") == \
        "YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日"
    assert row_messages.readable_formats("%d.%m.%y %H:%M:%S") == "DD.MM.YY hh:mm:ss"
    assert row_messages.readable_formats("ISO") == "YYYY-MM-DD"


def test_an_unknown_value_stands_in_the_readers_quotation_marks(app) -> None:  # noqa: ANN001
    """As the other reasons' values do: “作废”, not as Python wrote it ('作废'), in either language."""
    stored = "unknown value '作废' (expected one of 有效, 已过期)"
    with app.test_request_context(headers=EN):
        assert row_messages.message(stored) == "unknown value “作废” (expected one of 有效, 已过期)"
    with app.test_request_context(headers=ZH):
        assert row_messages.message(stored) == "未知的值 “作废”（应为以下之一：有效, 已过期）"


def test_a_follow_up_note_reads_in_the_readers_language(app, client, auth, make) -> None:  # noqa: ANN001
    """The ingest notes a follow-up inspection as "follow-up of <ref>"; the timeline and the record page say it in
    the reader's language, and an agency's own note is shown as stored."""
    samr, entity = make.agency("SAMR"), make.entity()
    inspection = make.inspection(entity, samr, notes="follow-up of SJ2023000116")
    make.inspection(entity, samr, notes="整改到位")
    make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("samr.coord")
    for url in (f"/entities/{entity.id}", f"/entities/{entity.id}/records/inspection/{inspection.id}"):
        zh = client.get(url, headers=ZH).get_data(as_text=True)
        assert "复查（原检查 SJ2023000116）" in zh and "follow-up of" not in zh, url
        assert "Follow-up of SJ2023000116" in client.get(url, headers=EN).get_data(as_text=True), url
    assert "整改到位" in client.get(f"/entities/{entity.id}", headers=ZH).get_data(as_text=True)
    with app.test_request_context(headers=ZH):
        assert row_messages.note(None) == "" and row_messages.note("follow-up") == "follow-up"
