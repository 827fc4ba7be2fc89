"""The administrators' list of users on a phone: each account a block of lines naming their columns, not eight
columns squeezed a character wide."""

from __future__ import annotations

from pathlib import Path

from models import Role
from regulator.extensions import db

CSS = Path(__file__).resolve().parents[2] / "regulator" / "static" / "css" / "regulator.css"


def test_the_users_list_stacks_on_a_phone(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/users?lang=zh_Hans_CN").get_data(as_text=True)
    assert '<table class="table table-sm stack-on-phone" id="users">' in page
    assert '<td data-label="显示名称">admin</td>' in page and '<td data-label="角色">系统管理员</td>' in page
    assert "table.stack-on-phone td:empty { display: none; }" in CSS.read_text(encoding="utf-8")
