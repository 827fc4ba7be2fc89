"""``TRUSTED_HOSTS``: a platform told its host names refuses requests for any other ``Host`` (400), so links that
pages and downloads build from the request (the public report's check link, the results file's profile links)
cannot be made to point elsewhere; without it every host is served."""

from __future__ import annotations

import shutil

from regulator import create_app

from ..conftest import _config


def test_a_host_not_trusted_is_refused(sqlite_template, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "hosts.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(_config(f"sqlite:///{path}", TRUSTED_HOSTS=["regulator.example.gov", ".gov.cn"]))
    client = app.test_client()
    assert client.get("/?lang=en", base_url="https://regulator.example.gov").status_code == 200
    assert client.get("/?lang=en", base_url="https://samr.sz.gov.cn").status_code == 200  # a domain and its hosts
    refused = client.get("/?lang=en", base_url="https://attacker.example")
    assert refused.status_code == 400 and "not served here" in refused.get_data(as_text=True)
    assert "attacker" not in refused.get_data(as_text=True)
    chinese = client.get("/?lang=zh_Hans_CN", base_url="https://attacker.example")
    assert chinese.status_code == 400 and "不响应此主机名" in chinese.get_data(as_text=True)
    api = client.get("/api/v1/health", base_url="http://attacker.example")
    assert api.status_code == 400 and api.get_json()["code"] == "bad_request"


def test_without_the_setting_every_host_is_served(sqlite_template, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "hosts.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(_config(f"sqlite:///{path}"))
    assert app.config["TRUSTED_HOSTS"] is None
    assert app.test_client().get("/?lang=en", base_url="https://anything.example").status_code == 200
