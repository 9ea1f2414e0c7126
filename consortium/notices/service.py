"""Writing notices to the outbox and delivering them.

A domain calls `notify` inside the transaction of the event (a motion opened, minutes ready
to sign, …): the notice row commits or rolls back with the event. The worker's sweep hands
due rows to Redis (RQ) and `deliver` sends one through SMTP:

- at most once: `deliver` claims the row from "queued" to "sending" in one UPDATE and a
  second delivery of the same id finds nothing to claim; a row left in "sending" by a worker
  that died while talking to the mail server is marked failed rather than sent again;
- never lost: a row stays "queued" while Redis, the worker or the mail server is down; a
  failed attempt puts it back with a later `next_attempt_at` (exponential backoff), and the
  sweep hands it over again when that time comes.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import CursorResult, delete, select, update

from consortium import clock, db
from consortium.audit.service import record
from consortium.db import app_config
from consortium.notices.models import Notice, NoticeOptOut, NoticeStatus

if TYPE_CHECKING:  # named for types only: the ORM finds the class by its name
    from consortium.auth.models import User

log = logging.getLogger(__name__)

# Kinds of notice; True: it asks the user to act (vote, sign) and cannot be turned off.
KINDS: dict[str, bool] = {
    "motion_opened": True,
    "motion_reminder": True,
    "minutes_to_sign": True,
    "password_reset": True,
    "motion_result": False,
    "budget_adopted": False,
    "year_closed": False,
}
OPTIONAL = [kind for kind, must in KINDS.items() if not must]
STALE_SENDING = timedelta(minutes=10)


def notify(users: Iterable[User], kind: str, params: dict[str, Any], link: str, *,
           once: str | None = None) -> list[Notice]:
    """Write a notice per user into the current transaction (not committed here). Users who
    turned the kind off, inactive users and users without an address get none; `once` makes
    the notice unique per user (a reminder is sent once whatever happens)."""
    assert kind in KINDS, kind
    recipients = {user.id: user for user in users if user.active and user.email}
    if not recipients:
        return []
    if not KINDS[kind]:
        turned_off = set(db.session.scalars(select(NoticeOptOut.user_id).where(
            NoticeOptOut.kind == kind, NoticeOptOut.user_id.in_(list(recipients)))))
        recipients = {uid: u for uid, u in recipients.items() if uid not in turned_off}
    if once is not None:
        keys = {f"{kind}:{once}:{uid}" for uid in recipients}
        done = set(db.session.scalars(select(Notice.once_key).where(Notice.once_key.in_(keys))))
        recipients = {uid: u for uid, u in recipients.items()
                      if f"{kind}:{once}:{uid}" not in done}
    notices = [Notice(id=str(uuid.uuid4()), user_id=uid, kind=kind, params=params, link=link,
                      once_key=f"{kind}:{once}:{uid}" if once is not None else None,
                      status=NoticeStatus.QUEUED, attempts=0, next_attempt_at=clock.now())
               for uid in sorted(recipients)]
    db.session.add_all(notices)
    db.session.flush()
    return notices


def render(notice: Notice, user: User, app: Flask) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a notice, in the user's language."""
    link = app.config["BASE_URL"] + notice.link
    with force_locale(user.lang or "sv"):
        body = render_template(f"notices/{notice.kind}.txt", p=notice.params, user=user,
                               link=link).strip()
        subject, _blank, text = body.partition("\n")
        text = text.strip() + "\n\n" + link + "\n"
        paragraphs = [Markup("<br>").join(escape(line) for line in block.splitlines())
                      for block in text.split("\n\n")[:-1]]
        html = render_template("notices/layout.html", subject=subject.strip(),
                               paragraphs=paragraphs, link=link)
    return subject.strip(), text, html


def _message(notice: Notice, user: User, app: Flask) -> EmailMessage:
    subject, text, html = render(notice, user, app)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Date"] = format_datetime(clock.now())
    domain = app.config["MAIL_FROM"].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=notice.id.replace("-", ""), domain=domain)
    message["X-Consortium-Notice"] = notice.id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _send(message: EmailMessage, app: Flask) -> None:
    config = app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                      timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    return body.get_content() if body is not None else ""


def deliver(notice_id: str) -> str:
    """Send one notice (what the worker runs); returns its status afterwards."""
    app = db.the_app()
    claimed = db.session.execute(
        update(Notice).where(Notice.id == notice_id, Notice.status == NoticeStatus.QUEUED)
        .values(status=NoticeStatus.SENDING, claimed_at=clock.now(),
                attempts=Notice.attempts + 1))
    db.session.commit()
    if cast(CursorResult[Any], claimed).rowcount != 1:
        return "not claimed"
    notice = db.session.get(Notice, notice_id, populate_existing=True)
    assert notice is not None
    user = notice.user
    try:
        message = _message(notice, user, app)
        if app.config["MAIL_SERVER"]:
            _send(message, app)
        else:
            log.info("Notice %s to %s (no MAIL_SERVER: written here instead)\n%s\n\n%s",
                     notice.id, user.email, message["Subject"],
                     _plain(message))
    except (OSError, smtplib.SMTPException) as error:
        permanent = isinstance(error, smtplib.SMTPRecipientsRefused) or (
            isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600)
        notice.error = f"{type(error).__name__}: {error}"[:2000]
        if permanent or notice.attempts >= app.config["NOTICE_MAX_ATTEMPTS"]:
            notice.status = NoticeStatus.FAILED
        else:
            notice.status = NoticeStatus.QUEUED
            notice.next_attempt_at = clock.now() + backoff(notice.attempts)
        log.warning("Notice %s not delivered (attempt %s): %s", notice.id, notice.attempts,
                    notice.error)
        db.session.commit()
        return notice.status.value
    notice.status, notice.sent_at = NoticeStatus.SENT, clock.now()
    notice.recipient, notice.subject = user.email, str(message["Subject"])
    notice.text = _plain(message)
    notice.error = None
    db.session.commit()
    return notice.status.value


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … (NOTICE_RETRY_SECONDS doubled per attempt), at most 6 hours."""
    base = app_config()["NOTICE_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def hand_over_due() -> int:
    """Hand every due notice to whoever delivers (Redis, or at once in the inline and thread
    modes); mark rows whose sending was cut off. Returns how many were handed over."""
    from consortium.jobs.service import queue

    app = db.the_app()
    now = clock.now()
    db.session.execute(
        update(Notice).where(Notice.status == NoticeStatus.SENDING,
                             Notice.claimed_at < now - STALE_SENDING)
        .values(status=NoticeStatus.FAILED,
                error="Sending was cut off (the worker stopped); not sent again so that it "
                      "is sent at most once."))
    due = list(db.session.scalars(select(Notice.id).where(
        Notice.status == NoticeStatus.QUEUED, Notice.next_attempt_at <= now)
        .order_by(Notice.next_attempt_at).limit(500)))
    # A lease: the next sweep hands a row over again only if it was not delivered meanwhile
    # (Redis lost the job); delivering it twice is harmless, the claim lets one through.
    if due:
        db.session.execute(update(Notice).where(Notice.id.in_(due), Notice.status ==
                                                NoticeStatus.QUEUED)
                           .values(next_attempt_at=now + timedelta(minutes=2)))
    db.session.commit()
    if app.config["JOBS_MODE"] == "rq":
        try:
            jobs = queue(app)
            for notice_id in due:
                jobs.enqueue_call("consortium.notices.service.deliver", args=(notice_id,),
                                  result_ttl=600, failure_ttl=86400)
        except Exception:
            log.warning("Redis does not answer: %d notices wait", len(due), exc_info=True)
            db.session.execute(update(Notice).where(Notice.id.in_(due), Notice.status ==
                                                    NoticeStatus.QUEUED)
                               .values(next_attempt_at=now))
            db.session.commit()
            return 0
    else:
        for notice_id in due:
            deliver(notice_id)
    return len(due)



def turned_off(user: User) -> set[str]:
    return set(db.session.scalars(select(NoticeOptOut.kind).where(
        NoticeOptOut.user_id == user.id)))


def set_turned_off(user: User, kinds: Iterable[str]) -> None:
    """Keep exactly these optional kinds turned off for the user (the others on)."""
    wanted = {kind for kind in kinds if kind in OPTIONAL}
    have = turned_off(user)
    for kind in have - wanted:
        db.session.execute(delete(NoticeOptOut).where(
            NoticeOptOut.user_id == user.id, NoticeOptOut.kind == kind))
    for kind in sorted(wanted - have):
        db.session.add(NoticeOptOut(user_id=user.id, kind=kind))
    if wanted != have:
        record("user.notices", "user", user.id, before={"turned_off": sorted(have)},
               after={"turned_off": sorted(wanted)}, actor=user)
