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
import re
import smtplib
import uuid
from collections.abc import Iterable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import joinedload

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
    "meeting_called": True,
    "password_reset": True,
    "motion_result": False,
    "budget_adopted": False,
    "year_closed": False,
    "invoice_issued": False,
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


# Characters that may not stand in a header line (a title pasted from Word brings a vertical
# tab or U+2028): folded to one space, so that the header stays one line.
_NOT_IN_A_HEADER = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    return _NOT_IN_A_HEADER.sub(" ", text).strip()


def message_id(notice: Notice, app: Flask) -> str:
    """The same Message-ID on every attempt, so that a copy sent twice can be dropped."""
    domain = app.config["MAIL_FROM"].rpartition("@")[2] or "localhost"
    return f"<notice.{notice.id}@{domain}>"


def _message(notice: Notice, user: User, app: Flask) -> EmailMessage:
    subject, text, html = render(notice, user, app)
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id(notice, app)
    message["X-Consortium-Notice"] = notice.id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    invitation = (notice.params or {}).get("calendar")
    if invitation:  # a meeting called: the meeting as a calendar invitation (.ics)
        method = "CANCEL" if "METHOD:CANCEL" in str(invitation) else "REQUEST"
        message.add_attachment(str(invitation), subtype="calendar", charset="utf-8",
                               filename="kallelse.ics", params={"method": method})
    return message


class OutcomeUnknown(Exception):
    """The content went to the server and no answer came: it may have been delivered."""


def _send(message: EmailMessage, app: Flask, notice: Notice) -> None:
    """SMTP step by step, so that what went wrong is known: before DATA nothing was sent
    (retry); a refusal of the content is an answer (retry on 4xx, give up on 5xx); no answer
    after the content went out is OutcomeUnknown (never resent by itself). The moment the
    content starts is committed first, so that a worker that dies after it leaves the row
    "unknown" rather than retried. A failed QUIT after the server's 250 changes nothing."""
    config = app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                        timeout=config["MAIL_TIMEOUT"])
    try:
        smtp.ehlo_or_helo_if_needed()
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
            smtp.ehlo()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        sender, recipient = config["MAIL_FROM"], str(message["To"])
        code, answer = smtp.mail(sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, answer, sender)
        code, answer = smtp.rcpt(recipient)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
        notice.data_at = clock.now()
        db.session.commit()
        content = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        try:
            code, answer = smtp.data(content)
        except smtplib.SMTPDataError:
            raise  # the server answered DATA: it refused to take the content
        except (OSError, smtplib.SMTPException) as error:
            raise OutcomeUnknown(f"{type(error).__name__}: {error}") from error
        if code != 250:  # smtplib returns the final answer; a refusal is an answer
            raise smtplib.SMTPDataError(code, answer)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


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
    except Exception as error:  # a text no e-mail can carry: no attempt will do better
        log.exception("Notice %s cannot be written as an e-mail", notice.id)
        notice.status, notice.error = NoticeStatus.FAILED, f"{type(error).__name__}: {error}"
        db.session.commit()
        return notice.status.value
    try:
        if app.config["MAIL_SERVER"]:
            _send(message, app, notice)
        else:
            log.info("Notice %s to %s (no MAIL_SERVER: written here instead)\n%s\n\n%s",
                     notice.id, user.email, message["Subject"],
                     _plain(message))
    except OutcomeUnknown as error:
        notice.status, notice.error = NoticeStatus.UNKNOWN, (
            f"The message went to the server and no answer came ({error}); it may have "
            "arrived, so it is not sent again unless the office does.")[:2000]
        log.warning("Notice %s: outcome unknown: %s", notice.id, error)
        db.session.commit()
        return notice.status.value
    except (OSError, smtplib.SMTPException) as error:
        permanent = isinstance(error, smtplib.SMTPRecipientsRefused) or (
            isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600)
        notice.error = _described(error)[:2000]
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


def _described(error: Exception) -> str:
    """What went wrong, as the office reads it: the server's own answer where it gave one."""
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error
        text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
        return f"The mail server answered: {error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [f"{code} {text.decode(errors='replace')}"
                   for code, text in error.recipients.values()]
        return "The mail server refused the address: " + "; ".join(answers)
    return f"{type(error).__name__}: {error}"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … (NOTICE_RETRY_SECONDS doubled per attempt), at most 6 hours."""
    base = app_config()["NOTICE_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def hand_over_due() -> int:
    """Send every due notice (the worker's notices lane: a thread that nothing else holds up,
    so a notice never waits behind a document being made); retry or give up on rows whose
    sending was cut off. Returns how many were due."""
    now = clock.now()
    # A worker that died while sending: before the content went out the notice is simply
    # due again (same Message-ID); after, its fate is unknown and the office decides.
    stale = [Notice.status == NoticeStatus.SENDING, Notice.claimed_at < now - STALE_SENDING]
    db.session.execute(update(Notice).where(*stale, Notice.data_at.is_(None)).values(
        status=NoticeStatus.QUEUED, next_attempt_at=now,
        error="The worker stopped before the message went out; sent again."))
    db.session.execute(update(Notice).where(*stale, Notice.data_at.is_not(None)).values(
        status=NoticeStatus.UNKNOWN,
        error="The worker stopped while the message went to the server; it may have "
              "arrived, so it is not sent again unless the office does."))
    due = list(db.session.scalars(select(Notice.id).where(
        Notice.status == NoticeStatus.QUEUED, Notice.next_attempt_at <= now)
        .order_by(Notice.next_attempt_at).limit(500)))
    # A lease: another worker's lane takes these rows again only if this one did not get
    # to them (it stopped); the claim lets each through once whatever.
    if due:
        db.session.execute(update(Notice).where(Notice.id.in_(due), Notice.status ==
                                                NoticeStatus.QUEUED)
                           .values(next_attempt_at=now + timedelta(minutes=2)))
    db.session.commit()
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


TROUBLED = (NoticeStatus.FAILED, NoticeStatus.UNKNOWN)


def troubled(limit: int = 200) -> list[Notice]:
    """Notices that failed or whose fate is unknown, newest first: the office's to decide."""
    return list(db.session.scalars(select(Notice).where(Notice.status.in_(TROUBLED))
                                   .options(joinedload(Notice.user))  # its address, in one
                                   .order_by(Notice.created_at.desc()).limit(limit)))


def troubled_count() -> Any:
    """A scalar subquery: how many notices failed or are unknown (for a start page)."""
    from sqlalchemy import func

    return select(func.count()).where(Notice.status.in_(TROUBLED)).scalar_subquery()


def send_again(notice: Notice, *, actor: User) -> None:
    """The office decides that a failed or unknown notice goes again (with the same
    Message-ID, so a copy that did arrive can be told apart)."""
    from consortium.errors import Conflict

    if notice.status not in TROUBLED:
        raise Conflict("Only a notice that failed or whose fate is unknown is sent again.")
    before = notice.status.value
    notice.status, notice.next_attempt_at = NoticeStatus.QUEUED, clock.now()
    notice.attempts, notice.data_at, notice.error = 0, None, None
    record("notice.resend", "notice", notice.id, before={"status": before},
           after={"status": "queued", "to": notice.user.email, "kind": notice.kind},
           actor=actor)
