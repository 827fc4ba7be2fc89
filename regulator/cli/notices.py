"""`flask notices mail`: send users' new notices by e-mail (run it from cron every few minutes)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..services import mail, reminders


@click.group()
def notices() -> None:
    """Users' notifications."""


@notices.command("mail")
@click.option("--limit", type=click.IntRange(1), default=mail.BATCH, show_default=True,
              help="notices handled in this run at most; the rest wait for the next")
@with_appcontext
def send(limit: int) -> None:
    """Mail each user the notices that no run has handled yet: one mail per user, in the user's language.

    Notices read on the platform first, older than MAIL_NOTICE_MAX_AGE, or of users without an address, who are
    deactivated or who turned mail off are skipped. Exits with an error, leaving the unsent notices for the
    next run, where mail is not set up or the server cannot be reached.
    """
    try:
        run = mail.send_notices(limit)
    except mail.MailError as exc:
        raise click.ClickException(str(exc)) from exc
    skipped = ", ".join(f"{reason} {n}" for reason, n in sorted(run.skipped.items())) or "none"
    click.echo(f"mails sent: {run.mails} (notices: {run.sent}); skipped: {skipped}; refused addresses' notices: "
               f"{run.failed}")


@notices.command("remind")
@click.option("--ahead", type=click.IntRange(0), default=reminders.AHEAD, show_default=True,
              help="working days before its day that a request is reminded of")
@with_appcontext
def remind(ahead: int) -> None:
    """Remind the agencies' coordinators of objections and credit repair applications whose day to be decided by
    is near or past, and of results due public (once each; run it daily, before `notices mail`)."""
    added = reminders.remind(ahead=ahead)
    db.session.commit()
    click.echo(f"reminders added: {added}")
