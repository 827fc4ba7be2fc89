"""E-mail through a real SMTP server on localhost (aiosmtpd): notices mailed once per reader in the reader's
language, skipped or kept for the next run as they should be; a forgotten password set from a mailed link that
works once and only for a while; a new password ends the account's other sessions."""

from __future__ import annotations

import logging
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from models import AuditLog, Notification, Role, User
from regulator.extensions import db, mail
from regulator.services import mail as mail_service
from regulator.services.notifications import notify

BASE = "https://regulator.example.gov"


class Inbox:
    """An SMTP handler that keeps what it receives and refuses addresses that begin with ``bounce``."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.hold = threading.Event()  # cleared: the server takes a mail's data and answers only once it is set
        self.hold.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address.startswith("bounce"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.hold.wait()
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):  # noqa: ANN001, ANN201
    """A running SMTP server, and the app set up to send through it."""
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    _mail_on(app, port)
    yield handler
    controller.stop()


def _mail_on(app, port: int) -> None:  # noqa: ANN001
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, BASE_URL=BASE, MAIL_SUPPRESS_SEND=False,
                      MAIL_DEFAULT_SENDER="Regulator <noreply@example.gov>", MAIL_TIMEOUT=5)
    mail.init_app(app)


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _statuses() -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for note in db.session.scalars(select(Notification).order_by(Notification.id)):
        out.setdefault(db.session.get(User, note.user_id).username, []).append(note.mail_status)
    return out


def _readers(make):  # noqa: ANN001, ANN202
    samr = make.agency("SAMR")
    entity = make.entity("深圳市邮件测试贸易有限公司")
    make.user("zh.ent", Role.ENTERPRISE, entity_id=entity.id, email="zh@example.com", locale="zh_Hans_CN")
    make.user("en.coord", Role.COORDINATOR, agency_id=samr.id, email="en@example.com", locale="en",
              display_name="Ann Lee")
    make.user("no.address", Role.COORDINATOR, agency_id=samr.id)
    make.user("quiet", Role.COORDINATOR, agency_id=samr.id, email="quiet@example.com", email_notices=False)
    make.user("gone", Role.COORDINATOR, agency_id=samr.id, email="gone@example.com", active=False)
    db.session.commit()
    return entity


def test_notices_are_mailed_once_each_reader_one_mail_in_their_language(app, make, runner, inbox) -> None:  # noqa: ANN001
    entity = _readers(make)
    ids = {n: _user(n).id for n in ("zh.ent", "en.coord", "no.address", "quiet", "gone")}
    notify([ids["zh.ent"]], "objection.accepted", "objection", 7, entity.id)
    notify([ids["zh.ent"]], "credit_repair.granted", "credit_repair", 3, entity.id)
    notify([i for name, i in ids.items() if name != "zh.ent"], "objection.submitted", "objection", 8, entity.id)
    notify([ids["en.coord"]], "credit_repair.submitted", "credit_repair", 4, entity.id)
    db.session.commit()
    read, old = db.session.scalars(select(Notification).where(Notification.user_id == ids["en.coord"])
                                   .order_by(Notification.id)).all()
    read.read_at = datetime.now(UTC)  # read on the platform before any mail went out
    old.created_at = datetime.now(UTC) - timedelta(days=10)
    db.session.commit()

    result = runner.invoke(args=["notices", "mail"])
    assert result.exit_code == 0, result.output
    assert "mails sent: 1 (notices: 2)" in result.output
    assert [rcpt for rcpt, _ in inbox.messages] == [["zh@example.com"]]
    message = inbox.to("zh@example.com")[0]
    assert message["Subject"] == "智慧监管：2 条新通知"
    assert message["From"] == "Regulator <noreply@example.gov>"
    body = message.get_content()
    assert "您的异议 #7 已被采纳" in body and "您的信用修复申请 #3 已获准" in body
    notes = db.session.scalars(select(Notification).where(Notification.user_id == ids["zh.ent"])
                               .order_by(Notification.id)).all()
    assert f"{BASE}/auth/notifications/{notes[0].id}" in body and f"{BASE}/auth/account" in body
    db.session.expire_all()
    assert _statuses() == {"zh.ent": ["sent", "sent"], "en.coord": ["skipped", "skipped"],
                           "no.address": ["skipped"], "quiet": ["skipped"], "gone": ["skipped"]}
    assert all(n.mailed_at is not None for n in notes)

    again = runner.invoke(args=["notices", "mail"])
    assert again.exit_code == 0 and "mails sent: 0" in again.output and len(inbox.messages) == 1

    notify([ids["en.coord"]], "objection.submitted", "objection", 9, entity.id)
    db.session.commit()
    runner.invoke(args=["notices", "mail"])
    english = inbox.to("en@example.com")[0]
    assert english["Subject"] == "Regulator: 1 new notice" and english["To"] == "Ann Lee <en@example.com>"
    assert "objects to a record of your agency (objection #9)" in english.get_content()


def test_a_server_out_of_reach_leaves_the_notices_for_the_next_run(app, make, runner, inbox) -> None:  # noqa: ANN001
    entity = _readers(make)
    notify([_user("zh.ent").id], "objection.accepted", "objection", 7, entity.id)
    db.session.commit()
    working = app.config["MAIL_PORT"]
    _mail_on(app, _free_port())  # nothing listens there
    result = runner.invoke(args=["notices", "mail"])
    assert result.exit_code == 1 and "could not be used" in result.output and "127.0.0.1" in result.output
    db.session.expire_all()
    assert _statuses() == {"zh.ent": [None]} and not inbox.messages

    _mail_on(app, working)
    assert runner.invoke(args=["notices", "mail"]).exit_code == 0
    db.session.expire_all()
    assert _statuses() == {"zh.ent": ["sent"]} and len(inbox.messages) == 1


def test_a_refused_address_fails_its_own_notices_and_the_others_go(app, make, runner, inbox) -> None:  # noqa: ANN001
    entity = _readers(make)
    make.user("bouncer", Role.ENTERPRISE, entity_id=entity.id, email="bounce@example.com")
    db.session.commit()
    notify([_user("bouncer").id, _user("zh.ent").id], "objection.accepted", "objection", 7, entity.id)
    db.session.commit()
    result = runner.invoke(args=["notices", "mail"])
    assert result.exit_code == 0 and "refused addresses' notices: 1" in result.output
    db.session.expire_all()
    assert _statuses() == {"bouncer": ["failed"], "zh.ent": ["sent"]}


def test_without_mail_set_up_the_command_says_what_to_set(app, make, runner) -> None:  # noqa: ANN001
    entity = _readers(make)
    notify([_user("zh.ent").id], "objection.accepted", "objection", 7, entity.id)
    db.session.commit()
    result = runner.invoke(args=["notices", "mail"])
    assert result.exit_code == 1 and "MAIL_SERVER and BASE_URL" in result.output
    db.session.expire_all()
    assert _statuses() == {"zh.ent": [None]}


def _link(message: EmailMessage) -> str:
    return next(line.strip() for line in message.get_content().splitlines() if line.strip().startswith(BASE))


def test_a_forgotten_password_is_set_from_a_mailed_link_once(app, make, client, auth, inbox) -> None:  # noqa: ANN001
    _readers(make)
    # the link names the configured address, never the Host a caller sends
    asked = client.post("/auth/reset", data={"login": "EN@example.com"}, base_url="http://attacker.example")
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/auth/login")
    assert mail_service.wait_for_deliveries(30)
    link = _link(inbox.to("en@example.com")[0])
    assert link.startswith(f"{BASE}/auth/reset/") and "attacker" not in inbox.to("en@example.com")[0].as_string()
    path = link[len(BASE):]
    page = client.get(path + "?lang=en")
    assert page.status_code == 200 and "Account: en.coord" in page.get_data(as_text=True)

    weak = client.post(path, data={"new": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"})
    assert weak.status_code == 400  # the same password rules as everywhere
    done = client.post(path, data={"new": "new-password-456", "confirm": "new-password-456"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/auth/login")
    assert auth.login("en.coord").status_code == 401
    assert auth.login("en.coord", "new-password-456").status_code == 302
    auth.logout()

    used = client.get(path)  # works once: the new password changed what the link was signed for
    assert used.status_code == 302 and used.headers["Location"].endswith("/auth/reset")
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.object_id == _user("en.coord").id,
                                                                  AuditLog.object_type == "user")))
    assert "user.password_link" in actions and "user.password_reset" in actions


def test_an_unknown_name_gets_the_same_answer_and_no_mail(app, make, client, inbox) -> None:  # noqa: ANN001
    _readers(make)
    known = client.post("/auth/reset?lang=en", data={"login": "en.coord"}, follow_redirects=True)
    unknown = client.post("/auth/reset?lang=en", data={"login": "nobody"}, follow_redirects=True)
    without = client.post("/auth/reset?lang=en", data={"login": "no.address"}, follow_redirects=True)
    deactivated = client.post("/auth/reset?lang=en", data={"login": "gone"}, follow_redirects=True)
    said = "a link to set a new password was sent to its address"
    assert all(said in r.get_data(as_text=True) for r in (known, unknown, without, deactivated))
    assert mail_service.wait_for_deliveries(30)
    assert [rcpt for rcpt, _ in inbox.messages] == [["en@example.com"]]


def test_the_page_answers_before_the_mail_server_does(app, make, client, inbox) -> None:  # noqa: ANN001
    _readers(make)
    inbox.hold.clear()  # the server takes the mail and holds its answer
    try:
        asked = client.post("/auth/reset?lang=en", data={"login": "en.coord"}, follow_redirects=True)
        assert "a link to set a new password was sent" in asked.get_data(as_text=True)
        assert inbox.messages == []  # answered while the server still held the mail
        assert not mail_service.wait_for_deliveries(0.2)
    finally:
        inbox.hold.set()
    assert mail_service.wait_for_deliveries(30)
    assert len(inbox.to("en@example.com")) == 1 and _link(inbox.to("en@example.com")[0]).startswith(BASE)


def test_a_server_out_of_reach_is_logged_and_the_page_answers_alike(app, make, client, caplog) -> None:  # noqa: ANN001
    _readers(make)
    _mail_on(app, _free_port())  # nothing listens there
    with caplog.at_level(logging.ERROR, logger="regulator.services.mail"):
        asked = client.post("/auth/reset?lang=en", data={"login": "en.coord"}, follow_redirects=True)
        assert "a link to set a new password was sent" in asked.get_data(as_text=True)
        assert mail_service.wait_for_deliveries(30)
    user = _user("en.coord")
    assert [r.getMessage() for r in caplog.records if r.name == "regulator.services.mail"] == [
        f"password link for user {user.id} not sent: The mail server 127.0.0.1:{app.config['MAIL_PORT']} could not "
        f"be used: [Errno 111] Connection refused"]


def test_an_expired_or_forged_link_is_refused(app, make, client, inbox) -> None:  # noqa: ANN001
    _readers(make)
    client.post("/auth/reset", data={"login": "en.coord"})
    assert mail_service.wait_for_deliveries(30)
    path = _link(inbox.to("en@example.com")[0])[len(BASE):]
    forged = client.get(path[:-3] + ("abc" if not path.endswith("abc") else "xyz") + "?lang=en", follow_redirects=True)
    assert "not valid or was used already" in forged.get_data(as_text=True)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    expired = client.get(path + "?lang=en", follow_redirects=True)
    assert "This link has expired" in expired.get_data(as_text=True)
    refused = client.post(path, data={"new": "new-password-456", "confirm": "new-password-456"})
    assert refused.status_code == 302
    assert client.post("/auth/login", data={"username": "en.coord", "password": "new-password-456"}).status_code == 401


def test_without_mail_the_page_sends_users_to_an_administrator(app, make, client) -> None:  # noqa: ANN001
    _readers(make)
    page = client.get("/auth/reset?lang=en").get_data(as_text=True)
    assert 'id="no-mail"' in page and "ask an administrator" in page and 'name="login"' not in page
    assert 'href="/auth/reset"' in client.get("/auth/login?lang=en").get_data(as_text=True)


def test_a_new_password_ends_the_other_sessions_of_the_account(app, make, auth, client) -> None:  # noqa: ANN001
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    other = app.test_client()
    other.post("/auth/login", data={"username": "coord", "password": "test-password-123"})
    assert other.get("/coordinator/").status_code == 200
    auth.login("coord")
    changed = client.post("/auth/account", data={"current": "test-password-123", "new": "another-pass-789",
                                                 "confirm": "another-pass-789", "submit": "1"})
    assert changed.status_code == 302
    assert client.get("/coordinator/").status_code == 200  # this session goes on
    assert other.get("/coordinator/").status_code in (302, 401)  # the other one has ended
    user = _user("coord")
    admin_side = app.test_client()
    make.user("root", Role.ADMIN)
    db.session.commit()
    admin_side.post("/auth/login", data={"username": "root", "password": "test-password-123"})
    admin_side.post(f"/admin/users/{user.id}", data={"active": "y", "display_name": "c",
                                                    "email": "coord@example.com", "password": "reset-by-admin-1"})
    assert client.get("/coordinator/").status_code in (302, 401)  # an administrator's reset ends it too
    assert admin_side.get("/admin/").status_code == 200
    db.session.expire_all()
    assert _user("coord").email == "coord@example.com"


def test_users_choose_whether_notices_come_by_mail(app, make, auth, client, runner, inbox) -> None:  # noqa: ANN001
    entity = _readers(make)
    auth.login("zh.ent")
    page = client.get("/auth/account?lang=en").get_data(as_text=True)
    assert "zh@example.com" in page and '<input checked class="form-check-input" id="mail-email_notices"' in page
    client.post("/auth/account", data={"mail-save": "1"})  # unticked
    db.session.expire_all()
    assert _user("zh.ent").email_notices is False
    notify([_user("zh.ent").id], "objection.accepted", "objection", 7, entity.id)
    db.session.commit()
    runner.invoke(args=["notices", "mail"])
    assert not inbox.messages
    client.post("/auth/account", data={"mail-save": "1", "mail-email_notices": "y"})
    db.session.expire_all()
    assert _user("zh.ent").email_notices is True
    assert db.session.scalar(select(AuditLog.details).where(AuditLog.action == "user.mail_choice")
                             .order_by(AuditLog.id.desc()).limit(1)) == {"email_notices": True}


def test_users_change_their_own_address_with_their_password(app, make, auth, client) -> None:  # noqa: ANN001
    _readers(make)
    auth.login("no.address")
    wrong = client.post("/auth/account?lang=en", data={"email-email": "me@example.com", "email-password": "nope",
                                                        "email-change": "1"})
    assert "The current password is wrong" in wrong.get_data(as_text=True)
    bad = client.post("/auth/account?lang=en", data={"email-email": "not an address",
                                                      "email-password": "test-password-123", "email-change": "1"})
    assert "Invalid email address" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert _user("no.address").email is None
    done = client.post("/auth/account", data={"email-email": " me@example.com ", "email-password": "test-password-123",
                                              "email-change": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert _user("no.address").email == "me@example.com"
    assert db.session.scalar(select(AuditLog.object_id).where(AuditLog.action == "user.email")) == \
        _user("no.address").id


def test_one_run_writes_each_reader_in_their_own_language(app, make, runner, inbox) -> None:  # noqa: ANN001
    """Readers of two languages in the same run: neither mail takes the other's catalogue."""
    entity = _readers(make)
    notify([_user("zh.ent").id], "objection.accepted", "objection", 7, entity.id)
    notify([_user("en.coord").id], "objection.submitted", "objection", 8, entity.id)
    db.session.commit()
    assert "mails sent: 2" in runner.invoke(args=["notices", "mail"]).output
    chinese, english = inbox.to("zh@example.com")[0], inbox.to("en@example.com")[0]
    assert chinese["Subject"] == "智慧监管：1 条新通知" and "您好" in chinese.get_content()
    assert english["Subject"] == "Regulator: 1 new notice" and "Hello Ann Lee," in english.get_content()
    assert "All your notices:" in english.get_content() and "全部通知" in chinese.get_content()
