"""The account page's password checks count towards the lockout as sign-in does: a session left open cannot try
passwords without end (then change the e-mail address, or get new recovery codes, and take the account)."""

from __future__ import annotations

from models import AuditLog, Role, User
from regulator.extensions import db

from ..conftest import PASSWORD


def _user(make, name: str) -> User:  # noqa: ANN001
    user = make.user(name, Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    return user


def test_wrong_current_passwords_lock_the_account(app, make, client, auth) -> None:  # noqa: ANN001
    """Five wrong passwords on the e-mail form lock the account: the right one is then refused too, here and at
    sign-in, and the address stays."""
    user = _user(make, "c.tries")
    auth.login("c.tries")
    for n in range(5):
        page = client.post("/auth/account?lang=en", data={"email-email": "thief@example.com",
                                                          "email-password": f"guess-{n}-wrong",
                                                          "email-change": "1"}).get_data(as_text=True)
        assert "The current password is wrong." in page
    page = client.post("/auth/account?lang=en", data={"email-email": "thief@example.com",
                                                      "email-password": PASSWORD,
                                                      "email-change": "1"}).get_data(as_text=True)
    assert "Too many failed attempts: this account is locked for a while." in page
    db.session.refresh(user)
    assert user.email != "thief@example.com" and user.locked_until is not None
    assert db.session.query(AuditLog).filter_by(action="account.password_failed").count() == 5
    page = client.post("/auth/account?lang=en", data={"current": PASSWORD, "new": "a-new-password-1",
                                                      "confirm": "a-new-password-1", "submit": "1"})
    assert "Too many failed attempts" in page.get_data(as_text=True)
    auth.logout()
    assert auth.login("c.tries").status_code == 401


def test_wrong_passwords_for_recovery_codes_count(app, make, client, auth) -> None:  # noqa: ANN001
    """New recovery codes are given for the password alone: its wrong tries count as well, and once locked the
    right password gets no codes."""
    user = _user(make, "c.codes")
    auth.login("c.codes")
    user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    db.session.commit()
    for n in range(5):
        client.post("/auth/two-step/off", data={"off-password": f"guess-{n}-wrong", "off-new_codes": "1"})
    db.session.refresh(user)
    assert user.locked_until is not None
    response = client.post("/auth/two-step/off?lang=en", data={"off-password": PASSWORD, "off-new_codes": "1"})
    assert response.status_code == 302  # the codes' page is never shown
    assert "Too many failed attempts" in client.get("/auth/account?lang=en").get_data(as_text=True)


def test_wrong_codes_to_turn_two_step_off_count(app, make, client, auth) -> None:  # noqa: ANN001
    """Six digits are few: wrong codes to turn two-step sign-in off count towards the lockout too."""
    user = _user(make, "c.off")
    auth.login("c.off")
    user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    db.session.commit()
    for _n in range(5):
        client.post("/auth/two-step/off", data={"off-password": PASSWORD, "off-code": "wrong!", "off-turn_off": "1"})
    db.session.refresh(user)
    assert user.locked_until is not None and user.totp_secret
    assert db.session.query(AuditLog).filter_by(action="account.code_failed").count() == 5
