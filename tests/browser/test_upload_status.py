"""The import page while an upload runs: it says the file is being imported, and the button waits."""

from __future__ import annotations

import pytest

from models import ImportBatch, Role
from regulator.extensions import db

from .conftest import sign_in

pytestmark = pytest.mark.browser

CSV = ("记录号,许可证编号,许可证名称,统一社会信用代码,企业名称,经营场所,法定代表人（负责人）,发证日期,有效期至,状态\n"
       "XK1,JY24403091600047,食品经营许可证,91110000600037341L,深圳市测试餐饮有限公司,深圳市福田区测试路1号,"
       "张三,2020-01-02,2025-01-01,有效\n")


def test_an_upload_says_it_is_importing_until_its_report_opens(live_server, page, tmp_path) -> None:  # noqa: ANN001
    """The import runs in the request (a large file for minutes): the page showed nothing but the browser's
    spinner and the button could be pressed again. Submitted, the form shows its status and a disabled button;
    the batch's report opens when the import is done."""
    agency = live_server.make.agency("SAMR", name="市场监督管理局")
    live_server.make.user("coord", Role.COORDINATOR, agency_id=agency.id)
    live_server.commit()
    sign_in(page, live_server, "coord")
    page.wait_for_url(live_server.url + "/coordinator/")
    page.goto(live_server.url + "/coordinator/imports")
    assert page.locator("#upload-status").is_hidden()
    path = tmp_path / "samr_licences.csv"
    path.write_text(CSV, encoding="utf-8")
    page.set_input_files("#file", str(path))
    # the request held back: the page as it stands while a long import runs
    page.evaluate("document.getElementById('upload-form').addEventListener('submit', (e) => e.preventDefault())")
    page.click("#upload-form [type=submit]")
    page.wait_for_function("document.querySelector('#upload-form [type=submit]').disabled")
    assert page.locator("#upload-status").is_visible()
    assert "Importing the file" in page.locator("#upload-status").inner_text()

    page.reload()
    page.set_input_files("#file", str(path))
    page.click("#upload-form [type=submit]")
    page.wait_for_url(live_server.url + "/coordinator/imports/*")
    assert page.locator("#batch-report").is_visible()
    assert db.session.query(ImportBatch).one().rows_accepted == 1
