"""E-mail: users' notices sent on by mail, and the links that set a forgotten password.

Flask-Mail speaks SMTP to the server that ``MAIL_SERVER`` names. Mail is sent only when that server and
``BASE_URL`` (the address the platform is reached at, which every link in a mail starts with) are both set:
links are never built from a request's ``Host`` header, which a caller chooses.

Notices are sent from an outbox: ``flask notices mail`` (run by cron every few minutes) takes the notices no run
has handled yet and sends each reader one mail listing theirs, in the reader's language. A notice is handled
once: it is marked ``sent``, or ``skipped`` (read on the platform first, too old, a reader without an address,
deactivated or who turned mail off), or ``failed`` where the server refused the address. A run claims its
notices before sending, so two runs at once send nothing twice; one killed between claiming and sending sends
those notices never (each is still on the platform): at most once, never twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app, render_template, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_mail import Connection, Message
from sqlalchemy import func, or_, select, update

from models import Notification, User

from .. import notification_words
from ..extensions import db

log = logging.getLogger(__name__)
#: notices handled per run at most (the rest wait for the next)
BATCH = 2_000


class MailError(RuntimeError):
    """Mail could not be sent at all (not configured, or the server cannot be reached); says why."""


def configured() -> bool:
    """Whether the platform sends mail: a server and the platform's own address are both set."""
    return bool(current_app.config.get("MAIL_SERVER") and current_app.config.get("BASE_URL"))


class _Connection(Connection):
    """Flask-Mail's connection with a time limit: its own waits for a silent server for ever, which would hold a
    mail run, and the thread that sends password links, for good."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        timeout = current_app.config["MAIL_TIMEOUT"]
        smtp = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _require_setup() -> None:
    if not configured():
        raise MailError(_("E-mail is not set up: MAIL_SERVER and BASE_URL must both be set."))


@contextmanager
def _connection() -> Iterator[Connection]:
    _require_setup()
    state = current_app.extensions["mail"]
    try:
        with _Connection(state) as conn:
            yield conn
    except (OSError, smtplib.SMTPException) as exc:
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            raise
        raise MailError(_("The mail server %(server)s:%(port)s could not be used: %(error)s",
                          server=state.server, port=state.port, error=exc)) from exc


@contextmanager
def _as_link_base() -> Iterator[None]:
    """A request context of its own, in which ``url_for(..., _external=True)`` gives addresses under ``BASE_URL``
    (inside or outside a request) and templates take the catalogue of the locale forced in it."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        yield


def _locale(user: User) -> str:
    return user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def _address(user: User) -> tuple[str, str]:
    return (user.display_name or user.username, user.email or "")


# -- notices ---------------------------------------------------------------------------------------------------

@dataclass
class MailRun:
    """What a run of ``send_notices`` did: mails sent, the notices in them, notices skipped by reason, notices
    whose address the server refused."""

    mails: int = 0
    sent: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failed: int = 0


def _skip_reason(note: Notification, user: User, oldest: datetime) -> str | None:
    if not user.active:
        return "inactive"
    if not user.email:
        return "no_address"
    if not user.email_notices:
        return "turned_off"
    if note.read_at is not None:
        return "read"
    created = note.created_at if note.created_at.tzinfo else note.created_at.replace(tzinfo=UTC)
    if created < oldest:
        return "too_old"
    return None


def _mark(ids: list[int], status: str | None, *, only_pending: bool = False) -> int:
    stmt = update(Notification).where(Notification.id.in_(ids))
    stmt = stmt.where(Notification.mail_status.is_(None)) if only_pending else stmt
    values: dict = {"mail_status": status}
    if status == "sent":
        values["mailed_at"] = datetime.now(UTC)
    return db.session.execute(stmt.values(**values).execution_options(synchronize_session=False)).rowcount or 0


def send_notices(limit: int = BATCH) -> MailRun:
    """Send each reader one mail with their notices that no run has handled; mark every notice taken."""
    _require_setup()
    run = MailRun()
    notes = list(db.session.scalars(select(Notification).where(Notification.mail_status.is_(None))
                                    .order_by(Notification.id).limit(limit)))
    if not notes:
        return run
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in notes})))}
    oldest = datetime.now(UTC) - current_app.config["MAIL_NOTICE_MAX_AGE"]
    by_user: dict[int, list[Notification]] = defaultdict(list)
    skipped: dict[str, list[int]] = defaultdict(list)
    for note in notes:
        reason = _skip_reason(note, users[note.user_id], oldest)
        if reason:
            skipped[reason].append(note.id)
        else:
            by_user[note.user_id].append(note)
    for reason, ids in skipped.items():
        run.skipped[reason] += _mark(ids, "skipped", only_pending=True)
    db.session.commit()
    if not by_user:
        return run
    with _connection() as conn:
        for user_id, mine in by_user.items():
            ids = [n.id for n in mine]
            # claimed before sending: another run at the same time finds them taken and sends nothing twice
            if _mark(ids, "sending", only_pending=True) != len(ids):
                db.session.rollback()
                continue
            db.session.commit()
            try:
                conn.send(_notice_mail(users[user_id], mine))
            except smtplib.SMTPRecipientsRefused as exc:
                log.warning("mail to user %d refused: %s", user_id, exc)
                _mark(ids, "failed")
                run.failed += len(ids)
            except BaseException:
                _mark(ids, None)  # the server went away: these wait for the next run
                db.session.commit()
                raise
            else:
                _mark(ids, "sent")
                run.mails += 1
                run.sent += len(ids)
            db.session.commit()
    return run


def _notice_mail(user: User, notes: list[Notification]) -> Message:
    # a request context per mail: templates keep the catalogue they first used for the rest of their request
    with _as_link_base(), force_locale(_locale(user)):
        items = [(words, url_for("auth.notification_open", notification_id=n.id, _external=True))
                 for n, words in notification_words.described(notes)]
        subject = ngettext("Regulator: %(num)d new notice", "Regulator: %(num)d new notices", len(notes))
        body = render_template("mail/notices.txt", user=user, items=items,
                               all_url=url_for("auth.notification_list", _external=True),
                               account_url=url_for("auth.account", _external=True))
    return Message(subject=subject, recipients=[_address(user)], body=body)


# -- password reset --------------------------------------------------------------------------------------------

def send_password_link(user: User, token: str) -> Future:
    """Mail the user the link that sets a new password: written now, sent by ``deliver_later``.

    Raises ``MailError`` where mail is not set up."""
    _require_setup()
    with _as_link_base(), force_locale(_locale(user)):
        link = url_for("auth.reset_password", token=token, _external=True)
        body = render_template("mail/reset.txt", user=user, link=link,
                               minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
        message = Message(subject=_("Regulator: set a new password"), recipients=[_address(user)], body=body)
    return deliver_later(message, f"password link for user {user.id}")


#: one thread per process sends the mails a page asked for, in order
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")


def deliver_later(message: Message, what: str) -> Future:
    """Send ``message`` from a background thread; failures are logged with ``what``.

    The page that asked does not wait for the mail server: it answers alike for an account that gets a mail and
    a name that gets none, however slow the server (a page that waited would tell, by its time, which names are
    accounts), and a server out of reach does not hold the user for ``MAIL_TIMEOUT``. Mails still queued when the
    process exits are sent first (the executor's threads are joined at exit).
    """
    return _sender.submit(_deliver, current_app._get_current_object(), message, what)


def _deliver(app: object, message: Message, what: str) -> None:
    with app.app_context():  # type: ignore[attr-defined]
        try:
            with _connection() as conn:
                conn.send(message)
        except (MailError, smtplib.SMTPException) as exc:
            log.error("%s not sent: %s", what, exc)
        else:
            log.info("%s sent", what)


def wait_for_deliveries(timeout: float | None = None) -> bool:
    """Wait until every mail queued so far is sent or has failed; False if ``timeout`` passed first (the one
    sending thread takes mails in order, so a no-op queued now finishes after them)."""
    try:
        _sender.submit(lambda: None).result(timeout)
    except TimeoutError:
        return False
    return True


def users_with_address(login: str) -> list[User]:
    """Active accounts that a username or an e-mail address names and that have an address to mail."""
    from .users import plain_username

    login = plain_username(login)
    if not login:
        return []
    return list(db.session.scalars(select(User).where(
        User.active.is_(True), User.email.is_not(None), User.email != "",
        or_(func.lower(User.username) == login.lower(), func.lower(User.email) == login.lower()))))
