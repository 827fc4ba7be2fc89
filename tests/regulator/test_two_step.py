"""Two-step sign-in with real TOTP codes (pyotp computes what the phone would show): set up with a scanned key,
asked after the password, codes taken once, recovery codes once each, wrong codes lock the account like wrong
passwords, turned off with the password and a code or by an administrator, and compulsory for chosen roles."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from models import AuditLog, Role, User
from regulator import create_app
from regulator.extensions import db

PASSWORD = "test-password-123"


def _user(name: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == name))


def _set_up(client) -> tuple[str, list[str]]:  # noqa: ANN001
    """Turn it on as a user would; the key scanned and the recovery codes shown."""
    page = client.get("/auth/two-step/setup?lang=en").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    wrong = client.post("/auth/two-step/setup?lang=en", data={"code": "000000"}).get_data(as_text=True)
    assert "The code is wrong" in wrong
    client.setup_code = pyotp.TOTP(key).now()
    done = client.post("/auth/two-step/setup?lang=en", data={"code": client.setup_code})
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", done.get_data(as_text=True))
    return key, codes


def _code_at(key: str, step_offset: int) -> str:
    return pyotp.TOTP(key).generate_otp(int(time.time()) // 30 + step_offset)


def test_set_up_then_asked_for_a_code_after_the_password(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    auth.login("coord")
    key, codes = _set_up(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    user = _user("coord")
    assert user.totp_secret == key and len(user.recovery_codes) == 10 and codes[0] not in str(user.recovery_codes)
    assert "On: signing in asks for a code" in client.get("/auth/account?lang=en").get_data(as_text=True)
    auth.logout()

    first = auth.login("coord")
    assert first.status_code == 302 and first.headers["Location"].endswith("/auth/two-step")
    assert client.get("/coordinator/").status_code == 302  # the password alone signs nobody in
    assert client.post("/auth/two-step?lang=en", data={"code": "123456"}).status_code == 401
    assert client.post("/auth/two-step", data={"code": client.setup_code}).status_code == 401  # setting up took it
    assert client.post("/auth/two-step", data={"code": "验证码一二三"}).status_code == 401  # not a code, no error
    code = _code_at(key, 1)  # the next step's code: a clock a little ahead
    full_width = code.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})  # as a Chinese IME types it
    signed = client.post("/auth/two-step", data={"code": full_width})
    assert signed.status_code == 302 and client.get("/coordinator/").status_code == 200
    auth.logout()

    auth.login("coord")  # the same code again, within its 30 seconds: refused (replay)
    assert client.post("/auth/two-step", data={"code": code}).status_code == 401
    assert client.post("/auth/two-step", data={"code": codes[0].upper().replace("-", " ")}).status_code == 302
    assert len(_user("coord").recovery_codes) == 9
    auth.logout()
    auth.login("coord")
    assert client.post("/auth/two-step", data={"code": codes[0]}).status_code == 401  # each once
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.object_id == user.id)))
    assert {"user.two_step_on", "login", "login.two_step_failed", "user.recovery_code_used"} <= actions
    assert db.session.scalar(select(AuditLog.details).where(AuditLog.action == "login").order_by(
        AuditLog.id.desc()).limit(1)) == {"second_step": "recovery"}


def test_wrong_codes_lock_the_account_and_the_step_expires(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    auth.login("coord")
    key, _codes = _set_up(client)
    auth.logout()
    for _ in range(2):  # the password typed again between wrong codes does not wipe the count
        auth.login("coord")
        client.post("/auth/two-step", data={"code": "999999"})
        client.post("/auth/two-step", data={"code": "999998"})
    assert _user("coord").failed_logins == 4 and _user("coord").locked_until is None
    auth.login("coord")
    client.post("/auth/two-step", data={"code": "999997"})
    assert _user("coord").locked_until is not None
    locked = client.post("/auth/two-step?lang=en", data={"code": _code_at(key, 0)}, follow_redirects=True)
    assert "locked for a while" in locked.get_data(as_text=True)
    assert client.get("/coordinator/").status_code == 302

    user = _user("coord")
    user.locked_until, user.failed_logins = None, 0
    db.session.commit()
    auth.login("coord")
    app.config["TWO_STEP_TIMEOUT"] = -1
    late = client.post("/auth/two-step?lang=en", data={"code": _code_at(key, 1)}, follow_redirects=True)
    assert "the time for the code ran out" in late.get_data(as_text=True)
    assert client.get("/coordinator/").status_code == 302


def test_turned_off_with_password_and_code_or_by_an_administrator(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    make.user("root", Role.ADMIN)
    db.session.commit()
    auth.login("coord")
    key, _codes = _set_up(client)
    client.post("/auth/two-step/off", data={"off-password": "wrong", "off-code": _code_at(key, 0),
                                            "off-turn_off": "1"})
    assert _user("coord").totp_secret == key
    renewed = client.post("/auth/two-step/off", data={"off-password": PASSWORD, "off-new_codes": "1"})
    new_codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and _codes[1] not in new_codes
    client.post("/auth/two-step/off", data={"off-password": PASSWORD, "off-code": _code_at(key, 1),
                                            "off-turn_off": "1"})
    assert _user("coord").totp_secret is None
    key, _codes = _set_up(client)
    auth.logout()

    admin = app.test_client()
    admin.post("/auth/login", data={"username": "root", "password": PASSWORD})
    page = admin.get(f"/admin/users/{_user('coord').id}?lang=en").get_data(as_text=True)
    assert "Turn off two-step sign-in" in page
    admin.post(f"/admin/users/{_user('coord').id}", data={"active": "y", "display_name": "c", "reset_two_step": "y"})
    assert _user("coord").totp_secret is None
    assert db.session.scalar(select(AuditLog.username).where(AuditLog.action == "user.two_step_off")
                             .order_by(AuditLog.id.desc()).limit(1)) == "root"
    assert auth.login("coord").headers["Location"].endswith("/coordinator/")


def test_roles_that_must_sign_in_in_two_steps_set_it_up_first(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("root", Role.ADMIN)
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    app.config["TWO_STEP_ROLES"] = ("admin",)
    auth.login("root")
    blocked = client.get("/admin/users")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/auth/two-step/setup")
    assert client.get("/api/v1/me").status_code == 403
    assert "Your role must sign in in two steps" in client.get("/auth/two-step/setup?lang=en").get_data(as_text=True)
    assert client.get("/").status_code == 200  # public pages stay open
    key, _codes = _set_up(client)
    assert client.get("/admin/users").status_code == 200
    refused = client.post("/auth/two-step/off?lang=en", data={"off-password": PASSWORD, "off-code": _code_at(key, 1),
                                                              "off-turn_off": "1"}, follow_redirects=True)
    assert "cannot be turned off" in refused.get_data(as_text=True) and _user("root").totp_secret == key
    auth.logout()
    auth.login("coord")
    assert client.get("/coordinator/").status_code == 200  # another role is not asked


def test_a_misspelt_compulsory_role_stops_the_start_with_its_name(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(RuntimeError, match="TWO_STEP_ROLES names no such role: admins"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "TWO_STEP_ROLES": ("admins",)})
