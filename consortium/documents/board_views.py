"""The public notice board (anslagstavla) and its Atom feed, without login: the signed
protocols of public councils and their sealed PDFs, and nothing else of the registry. One
statement per page whatever the number of protocols; ETag and Last-Modified let browsers,
feed readers and proxies ask "changed?" cheaply. And the page where anyone signed in checks
a PDF they hold (the same check as `flask --app app documents verify`)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from consortium import clock, db
from consortium.auth.access import public, readers
from consortium.documents import board, signing
from consortium.documents.pdfs import pdf_response, protocol_filename, protocol_pdf
from consortium.documents.views import bp
from consortium.governance.models import Meeting

EARLIER = 50  # taken-down protocols listed below the current ones
FEED_ENTRIES = 50


def _conditional(response: Response, postings: list[board.Posting]) -> Any:
    """ETag over what the answer says (and today's date and the language, which decide what
    is still up and in which words); Last-Modified: the newest posting."""
    state = "|".join([str(get_locale()), clock.today().isoformat(),
                      *(f"{p.meeting_id}:{p.locked_at.isoformat()}:{p.council}"
                        for p in postings)])
    response.set_etag(hashlib.sha256(state.encode()).hexdigest())
    response.last_modified = max((p.locked_at for p in postings),
                                 default=datetime(2000, 1, 1, tzinfo=UTC))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.vary.add("Accept-Language")
    return response.make_conditional(request)


@bp.route("/anslagstavla")
@public
def notice_board() -> Any:
    found = board.postings()
    today = clock.today()
    up = [p for p in found if p.up_on(today)]
    earlier = [p for p in found if not p.up_on(today)][:EARLIER]
    response = Response(render_template(
        "board/anslagstavla.html", up=up, earlier=earlier, today=today,
        consortium=current_app.config["CONSORTIUM_NAME"], lang=str(get_locale())))
    db.rollback()  # a read
    return _conditional(response, found)


@bp.route("/anslagstavla.atom")
@public
def notice_board_feed() -> Any:
    from feedgen.feed import FeedGenerator

    found = board.postings()[:FEED_ENTRIES]
    name = current_app.config["CONSORTIUM_NAME"]
    feed = FeedGenerator()
    feed.id(url_for("documents.notice_board", _external=True))
    feed.title(_("%(name)s: notice board (anslagstavla)", name=name))
    feed.link(href=url_for("documents.notice_board", _external=True), rel="alternate")
    feed.link(href=url_for("documents.notice_board_feed", _external=True), rel="self")
    feed.language(str(get_locale()))
    feed.updated(max((p.locked_at for p in found), default=datetime(2000, 1, 1, tzinfo=UTC)))
    for posting in reversed(found):  # feedgen lists the last added first
        entry = feed.add_entry()
        link = url_for("documents.notice_board_pdf", meeting_id=posting.meeting_id,
                       _external=True)
        entry.id(f"{link}#{posting.locked_at.isoformat()}")
        entry.title(_("Minutes %(council)s %(number)s", council=posting.council,
                      number=posting.label))
        entry.link(href=link, rel="alternate", type="application/pdf")
        entry.published(posting.locked_at)
        entry.updated(posting.locked_at)
        entry.summary(_("Meeting %(held)s. Posted %(posted)s; the last day to appeal is "
                        "%(until)s; taken down %(down)s.", held=posting.held_on.isoformat(),
                        posted=posting.dates.posted.isoformat(),
                        until=posting.dates.appeal_until.isoformat(),
                        down=posting.dates.taken_down.isoformat()))
    response = Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")
    db.rollback()
    return _conditional(response, found)


@bp.route("/anslagstavla/<int:meeting_id>.pdf")
@public
def notice_board_pdf(meeting_id: int) -> Any:
    """The sealed protocol of a public council, in the consortium's language; nothing that
    is not on the board."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not board.is_posted(meeting):
        abort(404)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        content, digest = protocol_pdf(meeting)
    response = pdf_response(content, protocol_filename(meeting), digest)
    response.headers["Content-Disposition"] = \
        f'inline; filename="{protocol_filename(meeting)}"'
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(digest)
    return response.make_conditional(request)


class VerifyForm(FlaskForm):
    file = FileField(validators=[FileRequired()])
    submit = SubmitField()


@bp.route("/documents/verify", methods=["GET", "POST"])
@readers
def verify() -> Any:
    form = VerifyForm()
    verdict = None
    if form.validate_on_submit():
        verdict = signing.verify(form.file.data.read())
        db.rollback()  # a check reads; nothing to keep
    return render_template("board/verify.html", form=form, verdict=verdict,
                           configured=signing.status()), 422 if form.errors else 200
