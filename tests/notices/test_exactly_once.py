"""Issue 22, items 2 and 3: notices exactly once as far as SMTP allows. Each reproduction of
the attack is a real SMTP server on loopback (aiosmtpd) told to fail as real servers do."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from consortium import clock, db
from consortium.auth.models import Role
from consortium.notices.models import Notice, NoticeStatus
from consortium.notices.service import STALE_SENDING, deliver, hand_over_due, message_id
from tests.conftest import csrf_token, end_the_test_s_unit_of_work
from tests.notices.test_notices import board_vote, outbox, run_sweep

EN = {"Accept-Language": "en"}


def one_notice(consortium, make_user, title="Verksamhetsplan 2027"):
    board_vote(consortium, make_user, title=title)
    first, *_rest = outbox("motion_opened")
    end_the_test_s_unit_of_work()
    return first.id


def due_now(notice_id):
    db.session.execute(update(Notice).where(Notice.id == notice_id)
                       .values(next_attempt_at=clock.now()))
    db.session.commit()


def status_of(notice_id):
    return db.session.get(Notice, notice_id, populate_existing=True)


def test_a_late_final_answer_is_unknown_and_not_sent_again(app, consortium, make_user,
                                                           mail_server):
    """The server stores the message and answers 250 after MAIL_TIMEOUT (content scanners
    do): on main it was sent three times, each with a new Message-ID."""
    mail_server.start()
    mail_server.inbox.answer_late = 2.0
    app.config["MAIL_TIMEOUT"] = 0.5
    notice_id = one_notice(consortium, make_user)
    with app.app_context():
        assert deliver(notice_id) == "unknown"
    with app.app_context():
        db.session.execute(update(Notice).values(next_attempt_at=clock.now()))
        db.session.commit()
        hand_over_due()
        assert deliver(notice_id) == "not claimed"
    notice = status_of(notice_id)
    assert notice.status is NoticeStatus.UNKNOWN and "no answer came" in notice.error
    assert mail_server.inbox.ids().count(notice_id) == 1


def test_an_error_to_quit_after_the_250_changes_nothing(app, consortium, make_user,
                                                        mail_server):
    mail_server.start()
    mail_server.inbox.quit_answer = "421 closing"
    notice_id = one_notice(consortium, make_user)
    with app.app_context():
        assert deliver(notice_id) == "sent"
    assert mail_server.inbox.ids().count(notice_id) == 1


def test_a_refusal_is_retried_or_given_up_and_listed(app, client_as, consortium, make_user,
                                                     mail_server):
    mail_server.start()
    mail_server.inbox.data_answer = "451 try again later"
    notice_id = one_notice(consortium, make_user)
    with app.app_context():
        assert deliver(notice_id) == "queued"
    mail_server.inbox.data_answer = "554 no such mailbox here"
    with app.app_context():
        due_now(notice_id)
        assert deliver(notice_id) == "failed"
    admin = client_as(Role.ADMIN)
    home = admin.get("/", headers=EN).get_data(as_text=True)
    assert "Notices that did not arrive" in home
    page = admin.get("/admin/notices", headers=EN).get_data(as_text=True)
    assert "554 no such mailbox here" in page and "Send again" in page
    mail_server.inbox.data_answer = None
    again = admin.post(f"/admin/notices/{notice_id}/send-again", headers=EN,
                       data={"csrf_token": csrf_token(admin, "/admin/notices")})
    assert again.status_code == 302
    assert status_of(notice_id).status is NoticeStatus.QUEUED
    run_sweep(app)
    (arrived,) = [m for m in mail_server.inbox.messages
                  if str(m["X-Consortium-Notice"]) == notice_id]
    with app.app_context():
        assert str(arrived["Message-ID"]) == message_id(status_of(notice_id), app)


def test_a_worker_that_died_before_the_content_is_retried_after_it_unknown(
        app, consortium, make_user, mail_server):
    """A worker killed before the message reached the server left the row "sending", and ten
    minutes later "failed", never retried and shown nowhere."""
    mail_server.start()
    before, after = one_notice(consortium, make_user), None
    board_vote(consortium, make_user, title="Budget 2028")
    after = next(n.id for n in outbox("motion_opened") if n.id != before
                 and n.params["motion"] == "Budget 2028")
    long_ago = clock.now() - STALE_SENDING - timedelta(minutes=1)
    db.session.execute(update(Notice).where(Notice.id == before).values(
        status=NoticeStatus.SENDING, claimed_at=long_ago, attempts=1))
    db.session.execute(update(Notice).where(Notice.id == after).values(
        status=NoticeStatus.SENDING, claimed_at=long_ago, data_at=long_ago, attempts=1))
    run_sweep(app)
    assert status_of(before).status is NoticeStatus.SENT  # same Message-ID, sent once
    assert status_of(after).status is NoticeStatus.UNKNOWN
    assert mail_server.inbox.ids().count(before) == 1 and after not in mail_server.inbox.ids()


def test_a_title_pasted_from_word_reaches_the_subject_on_one_line(app, consortium, make_user,
                                                                  mail_server):
    """A motion title with a vertical tab or U+2028 made every "vote opened" notice fail in
    EmailMessage."""
    mail_server.start()
    notice_id = one_notice(consortium, make_user, title="Budget\x0b2027\u2028ändrad")
    with app.app_context():
        assert deliver(notice_id) == "sent"
    (message,) = [m for m in mail_server.inbox.messages
                  if str(m["X-Consortium-Notice"]) == notice_id]
    assert "Budget 2027 ändrad" in str(message["Subject"])


def test_the_message_id_is_the_same_on_every_attempt(app, consortium, make_user, mail_server):
    mail_server.start()
    mail_server.inbox.data_answer = "451 later"
    notice_id = one_notice(consortium, make_user)
    with app.app_context():
        deliver(notice_id)
        due_now(notice_id)
    mail_server.inbox.data_answer = None
    with app.app_context():
        assert deliver(notice_id) == "sent"
        expected = message_id(status_of(notice_id), app)
    (message,) = mail_server.inbox.messages[-1:]
    assert str(message["Message-ID"]) == expected == f"<notice.{notice_id}@localhost>"
