"""The administrators' user and agency forms say a refusal at the field it is about (marked, the message below it,
the input kept), not only in a banner; a new username must be well formed, on the web and on the command line."""

from __future__ import annotations

import re

import pytest

from models import Role, User
from regulator.extensions import db
from regulator.services.users import UserError, create_user

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _field(page: str, name: str) -> tuple[str, list[str]]:
    """The class of the field's input or select, and the messages said under it."""
    block = re.search(r'<div class="mb-3">\s*<label[^>]* for="%s"[^>]*>.*?</div>\s*(?=<div class="mb-3">|<p|<input '
                      r'class="btn|<input id="submit")' % name, page, re.S)
    assert block, name
    css = re.search(r'<(?:input|select)[^>]* class="([^"]*)"[^>]* id="%s"' % name, block.group(0))
    assert css, name
    return css.group(1), re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', block.group(0))


def _banner(page: str) -> list[str]:
    return re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page)


def _refused(client, url: str, data: dict, name: str, **kw) -> tuple[str, list[str], str]:  # noqa: ANN001, ANN003
    response = client.post(url, data=data, **kw)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    css, messages = _field(page, name)
    assert "is-invalid" in css.split(), (name, css)
    assert _banner(page) == []
    return page, messages, css


def test_user_form_says_each_refusal_at_its_field(app, make, client, auth) -> None:  # noqa: ANN001
    make.agency("SAMR")
    make.user("admin", Role.ADMIN)
    entity = make.entity()
    db.session.commit()
    auth.login("admin")
    url = "/admin/users/new?lang=en"
    base = {"username": "newcomer", "display_name": "", "role": "inspector", "agency": "SAMR", "entity": "",
            "password": "long-enough-1"}

    page, messages, _css = _refused(client, url, dict(base, username="admin"), "username")
    assert messages == ["The username “admin” is taken: choose another."]
    assert re.search(r'id="username"[^>]* value="admin"', page)

    _page, messages, _css = _refused(client, url, dict(base, agency=""), "agency")
    assert messages == ["An account with the role “Inspector” must belong to an agency: choose one."]
    _page, messages, _css = _refused(client, url, dict(base, role="coordinator", agency=""), "agency")
    assert messages == ["An account with the role “Agency coordinator” must belong to an agency: choose one."]
    _page, messages, _css = _refused(client, url, dict(base, role="admin"), "agency")
    assert "does not belong to an agency" in messages[0]

    enterprise = dict(base, role="enterprise", agency="")
    page, messages, _css = _refused(client, url, dict(enterprise, entity="abc"), "entity")
    assert messages == ["No market entity has the credit code or id “abc”."]
    assert re.search(r'id="entity"[^>]* value="abc"', page)
    _page, messages, _css = _refused(client, url, enterprise, "entity")
    assert messages[0].startswith("An enterprise user must be bound to an existing market entity")
    _page, messages, _css = _refused(client, url, dict(base, password="aaaaaaaaaaaa"), "password")
    assert messages == ["The password must mix letters with digits or symbols."]
    assert "is-invalid" not in _field(_page, "username")[0]

    _page, messages, _css = _refused(client, "/admin/users/new", dict(base, username="admin"), "username",
                                     headers=ZH)
    assert messages == ["用户名“admin”已被占用，请换一个。"]

    assert client.post(url, data=dict(enterprise, username="ent1", entity=entity.uscc)).status_code == 302
    assert db.session.scalar(db.select(User.entity_id).where(User.username == "ent1")) == entity.id


def test_user_edit_says_a_weak_password_at_its_field(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    user = make.user("coord", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    _page, messages, _css = _refused(client, f"/admin/users/{user.id}?lang=en",
                                     {"active": "y", "display_name": "c", "password": "aaaaaaaaaaaa"}, "password")
    assert messages == ["The password must mix letters with digits or symbols."]


@pytest.mark.parametrize("username", ["bad name!", "a", ".hidden", "-dash", "_under", "名字 有空格", "a@b.c",
                                      "x" * 81])
def test_a_new_username_must_be_well_formed(app, make, username) -> None:  # noqa: ANN001
    with pytest.raises(UserError, match="A username is 2 to 80 letters") as refused:
        create_user(username, "long-enough-1", Role.ADMIN)
    assert refused.value.field == "username"


@pytest.mark.parametrize("username", ["samr.coordinator", "samr.inspector1", "enterprise1", "li", "e1", "李四",
                                      "zhang_wei-2", "x" * 80])
def test_usernames_of_letters_digits_dots_hyphens_underscores_are_taken(app, make, username) -> None:  # noqa: ANN001
    assert create_user(f" {username} ", "long-enough-1", Role.ADMIN).username == username


def test_bad_username_refused_on_the_web_and_the_command_line(app, make, client, auth, runner) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    page, messages, _css = _refused(client, "/admin/users/new?lang=en", {
        "username": "bad name!", "role": "admin", "agency": "", "password": "long-enough-1"}, "username")
    assert messages == ["A username is 2 to 80 letters, digits, dots, hyphens or underscores, starting with a letter "
                        "or digit."]
    assert re.search(r'id="username"[^>]* value="bad name!"', page)
    out = runner.invoke(args=["users", "create", "--username", "bad name!", "--role", "admin",
                              "--password", "long-enough-1"])
    assert out.exit_code == 1 and "Error: A username is 2 to 80 letters" in out.output
    assert db.session.scalar(db.select(User.id).where(User.username == "bad name!")) is None


def test_agency_form_says_a_bad_or_taken_code_at_the_code_field(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    make.agency("FIRE", domain="fire")
    db.session.commit()
    auth.login("admin")
    form = {"name": "消防救援支队", "name_en": "", "domain": "fire", "mapping": ""}
    url = "/admin/agencies/new?lang=en"
    page, messages, _css = _refused(client, url, dict(form, code="FIRE"), "code")
    assert messages == ["An agency with the code FIRE exists already."]
    assert re.search(r'id="code"[^>]* value="FIRE"', page)
    _page, messages, _css = _refused(client, url, dict(form, code="1X"), "code")
    assert messages == ["A code is 2 to 32 capital letters, digits or underscores, starting with a letter."]
    _page, messages, _css = _refused(client, url, dict(form, code="NEW", mapping="NOPE"), "mapping")
    assert messages[0].startswith("The import mapping NOPE cannot be used")
    _page, messages, _css = _refused(client, "/admin/agencies/new", dict(form, code="FIRE"), "code", headers=ZH)
    assert messages == ["代码为 FIRE 的部门已存在。"]


def test_a_full_width_username_is_its_plain_form_at_creation_and_sign_in(app, make) -> None:  # noqa: ANN001
    """ａｄｍｉｎ２ typed on a Chinese keyboard is admin2: one account, found either way, never a look-alike."""
    from regulator.services.users import authenticate

    assert create_user("ａｄｍｉｎ２", "long-enough-1", Role.ADMIN).username == "admin2"
    with pytest.raises(UserError, match="is taken"):
        create_user("admin2", "long-enough-1", Role.ADMIN)
    assert authenticate("ａｄｍｉｎ２", "long-enough-1")[0].username == "admin2"
