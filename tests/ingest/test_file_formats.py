"""The file formats page and the blank templates, read from the agencies' import mappings."""

from __future__ import annotations

import csv
import io

from models import ImportBatch, Role, SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.ingest import field_words, formats
from regulator.ingest.mapping import available_mappings, load_mapping

ZH = {"Accept-Language": "zh-CN"}


def test_every_field_and_type_of_every_mapping_has_words() -> None:
    """A field added to a mapping without words would show as its code on the formats page."""
    used = {(spec.name, spec.type) for code in available_mappings() for fm in load_mapping(code).files
            for spec in fm.fields}
    assert len(used) > 60
    assert sorted({name for name, _ in used} - set(field_words.FIELDS)) == []
    assert sorted({kind for _, kind in used} - set(field_words.TYPES)) == []


def test_a_kind_is_described_from_its_mapping() -> None:
    mee = load_mapping("MEE").for_file("", kind="mee_inspections")
    described = formats.describe(mee)
    by_name = {c.name: c for c in described.columns}
    assert described.columns[0].name == "检查记录号" and described.columns[0].key and described.columns[0].required
    assert by_name["单位名称"].required and not by_name["社会信用代码"].required
    # one column feeds two fields; the alternative column of the first is listed, not required
    assert [f.name for f in by_name["检查类别"].fields] == ["inspection_type", "selection_reason"]
    assert not by_name["专项行动"].required and "双随机" in by_name["检查类别"].values
    assert described.date_examples == ["2025/03/28", "2025-03-28", "2025年3月28日"] and described.has_dates
    assert not formats.describe(load_mapping("MEE").for_file("", kind="mee_violations")).has_dates
    serious = formats.describe(load_mapping("FIRE").for_file("", kind="fire_serious_list"))
    assert [(spec.name, spec.value) for spec in serious.constants] == [("list_type", "serious_illegal")]


def test_a_filled_template_imports_as_its_kind(app, agencies, tmp_path) -> None:  # noqa: ANN001
    """Each template's header is what the import needs: a row typed under it is read as that kind, found by
    the template's own file name."""
    from regulator.ingest import IngestOptions, ingest_file

    for code, kind, row in (("MEE", "mee_inspections", {"检查记录号": "T1", "单位名称": "深圳市模板测试有限公司",
                                                        "检查时间": "2025/03/28", "检查类别": "双随机"}),
                            ("SAMR", "samr_penalties", None)):
        fmap = load_mapping(code).for_file("", kind=kind)
        header = next(csv.reader(io.StringIO(formats.template_csv(fmap).decode("utf-8-sig"))))
        assert header == [c.name for c in formats.describe(fmap).columns]
        assert formats.template_csv(fmap).startswith(b"\xef\xbb\xbf")
        name = formats.template_name(fmap)
        assert load_mapping(code).for_file(name) == fmap, name
        if row is None:
            continue
        path = tmp_path / name
        path.write_text(formats.template_csv(fmap).decode("utf-8") + ",".join(row.get(h, "") for h in header)
                        + "\n", encoding="utf-8")
        batch = ingest_file(path, code, IngestOptions())
        assert (batch.rows_accepted, batch.rows_rejected, batch.mapping) == (1, 0, f"{code}/{kind}")


def test_the_page_and_templates_per_role(app, make, client, auth) -> None:  # noqa: ANN001
    mee, samr = make.agency("MEE"), make.agency("SAMR")
    make.user("mee.coord", Role.COORDINATOR, agency_id=mee.id)
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("mee.coord")
    page = client.get("/coordinator/imports/formats", headers=ZH).get_data(as_text=True)
    assert 'id="format-mee_inspections"' in page and "检查记录号" in page and "检查日期" in page
    assert "本行的编号" in page and "以“,”分隔" in page and "为空时：日常检查" in page
    assert "/coordinator/imports/formats" in client.get("/coordinator/imports").get_data(as_text=True)
    template = client.get("/coordinator/imports/formats/MEE/mee_inspections.csv")
    assert template.status_code == 200 and template.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "mee_inspections_template.csv" in template.headers["Content-Disposition"]
    assert template.data.decode("utf-8-sig").startswith("检查记录号,单位名称,")
    assert client.get("/coordinator/imports/formats/SAMR/samr_penalties.csv").status_code == 404
    assert client.get("/coordinator/imports/formats?agency=SAMR").status_code == 404
    assert client.get("/coordinator/imports/formats/MEE/nothing.csv").status_code == 404
    auth.logout()
    auth.login("admin")
    page = client.get(f"/coordinator/imports/formats?agency={samr.code}").get_data(as_text=True)
    assert 'id="format-samr_registration"' in page and 'id="formats-agency"' in page
    assert client.get("/coordinator/imports/formats/SAMR/samr_penalties.csv").status_code == 200
    assert 'href="/coordinator/imports/formats?agency=MEE">MEE</a>' in client.get("/admin/agencies").get_data(
        as_text=True)
    assert db.session.query(ImportBatch).count() == 0 and db.session.query(SourceRecord).filter(
        SourceRecord.status == SourceStatus.ACCEPTED).count() == 0


def test_separators_show_on_the_page_blank_ones_in_words(app, make, client, auth) -> None:  # noqa: ANN001
    """FIRE's inspectors are separated by a space: the page said "Several values (separated by )"."""
    make.agency("FIRE")
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    page = client.get("/coordinator/imports/formats?agency=FIRE&lang=en").get_data(as_text=True)
    row = page.split('<tr data-column="监督员">')[1].split("</tr>")[0]
    assert "Several values (separated by a space)" in row
    assert "Several values (separated by “、”)" in page
    zh = client.get("/coordinator/imports/formats?agency=FIRE", headers=ZH).get_data(as_text=True)
    zh_row = zh.split('<tr data-column="监督员">')[1].split("</tr>")[0]
    assert "以“、”分隔" in zh and "以空格分隔" in zh_row and "以  分隔" not in zh
    with app.test_request_context("/?lang=en"):
        words = field_words.separators
        assert [words("\t"), words("\n"), words("\u3000"), words("\u00a0"), words("|")] == [
            "a tab", "a line break", "a full-width space", "a blank (U+00A0)", "“|”"]
        assert words(";,") == "“;” or “,”" and words(" \t;") == "a space, a tab or “;”"
        assert words(["\r", "\n"]) == "a line break" and words(["; "]) == "“; ”"


def test_an_agency_system_reads_its_formats_over_the_api(app, make, client) -> None:  # noqa: ANN001
    """With its token, an agency system reads what each kind of push must hold; an administrator names the agency."""
    from regulator.services.tokens import issue_token

    mee = make.agency("MEE")
    make.agency("SAMR")
    make.user("admin", Role.ADMIN)
    clear, _token = issue_token(mee, "mee-system", Role.COORDINATOR)
    db.session.commit()
    body = client.get("/api/v1/imports/formats", headers={"Authorization": f"Bearer {clear}"}).get_json()
    assert body["agency"] == "MEE"
    kind = next(k for k in body["kinds"] if k["kind"] == "mee_inspections")
    assert kind["record_type"] == "inspection" and kind["date_formats"] == ["%Y/%m/%d"]
    column = next(c for c in kind["columns"] if c["name"] == "检查类别")
    assert column["fields"] == ["inspection_type", "selection_reason"] and "双随机" in column["values"]
    assert kind["columns"][0] == {"name": "检查记录号", "fields": [], "type": "text", "required": True, "key": True,
                                  "values": [], "split": None}
    other = client.get("/api/v1/imports/formats?agency=SAMR", headers={"Authorization": f"Bearer {clear}"})
    assert other.get_json()["agency"] == "MEE"  # a token reads its own agency's, whatever it asks
    client.post("/auth/login", data={"username": "admin", "password": "test-password-123"})
    assert client.get("/api/v1/imports/formats?agency=SAMR").get_json()["agency"] == "SAMR"
    assert client.get("/api/v1/imports/formats?agency=NOPE").status_code == 404
    assert client.get("/api/v1/imports/formats").status_code == 422


def test_a_mapping_that_no_longer_reads_is_said_so(app, make, client, auth, tmp_path,
                                                   monkeypatch) -> None:  # noqa: ANN001
    """A mapping file edited into something unreadable: the page says it cannot be read (where, to an
    administrator; to ask one, to a coordinator), not that the agency has no mapping yet."""
    from regulator.ingest import mapping as mapping_module

    (tmp_path / "NEWA.yaml").write_text("agency: NEWA\nfiles:\n  newa_inspections:\n    record_type: inspectoin\n",
                                        encoding="utf-8")
    monkeypatch.setattr(mapping_module, "MAPPINGS_DIR", tmp_path)
    agency = make.agency("NEWA")
    make.user("admin", Role.ADMIN)
    make.user("newa.coord", Role.COORDINATOR, agency_id=agency.id)
    db.session.commit()
    auth.login("newa.coord")
    page = client.get("/coordinator/imports/formats?lang=en").get_data(as_text=True)
    assert "The import mapping NEWA cannot be read, so none of this agency's files can be imported." in page
    assert "Ask an administrator to mend it." in page and "record_type must be one of" not in page
    assert 'id="no-mapping"' not in page
    auth.logout()
    auth.login("admin")
    page = client.get("/coordinator/imports/formats?agency=NEWA&lang=en").get_data(as_text=True)
    assert "file newa_inspections: record_type must be one of" in page
