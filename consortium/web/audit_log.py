"""The audit log as people read it: a sentence per event in the reader's language, naming the
object and linking to it, with filters by who, what, kind and date, and a CSV export.
Administrators and observers (revisorer) read it; nobody changes it."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, literal, null, select, union_all

from consortium import db
from consortium.audit.filters import PAGE_SIZE, filtered
from consortium.audit.models import AuditEvent
from consortium.auth.access import acting_user, require_user, roles
from consortium.auth.forms import EmptyForm
from consortium.auth.models import Role, User
from consortium.frame.exports import csv_response
from consortium.frame.paging import page_count
from consortium.governance.models import Council, Meeting, Motion
from consortium.members.models import Municipality, PopulationImport
from consortium.tools.models import Tool

# The audit log's pages (endpoints "audit.*"), made here because they read every domain.
bp = Blueprint("audit", __name__)
auditors = roles(Role.ADMIN, Role.OBSERVER)

# What happened, as a sentence: %(who)s is the person, %(what)s the object's name.
SENTENCES: dict[str, Any] = {
    "ballot.cast": _l("%(who)s cast the ballot of %(municipality)s on %(what)s"),
    "budget.adopt": _l("%(who)s adopted the budget %(what)s"),
    "budget.revise": _l("%(who)s made a new version of the budget %(what)s"),
    "budget.set": _l("%(who)s saved the budget %(what)s"),
    "council.create": _l("%(who)s created %(what)s"),
    "council.seats": _l("%(who)s changed the seats of %(what)s"),
    "fees.set": _l("%(who)s set the membership fees of %(what)s"),
    "meeting.attendance": _l("%(who)s recorded attendance at %(what)s"),
    "meeting.create": _l("%(who)s planned the meeting %(what)s"),
    "meeting.item": _l("%(who)s added a paragraph to %(what)s"),
    "meeting.minutes_signed": _l("The minutes of %(what)s were signed by all and locked"),
    "meeting.officer": _l("%(who)s named an officer of %(what)s"),
    "meeting.roll_change": _l("%(who)s changed the voting register of %(what)s"),
    "meeting.roll_fix": _l("%(who)s fixed the voting register of %(what)s"),
    "meeting.sign": _l("%(who)s signed the minutes of %(what)s"),
    "meeting.status": _l("%(who)s marked %(what)s as held"),
    "motion.close": _l("%(who)s closed and counted the vote on %(what)s"),
    "motion.create": _l("%(who)s proposed the motion %(what)s"),
    "motion.open": _l("%(who)s opened the vote on %(what)s"),
    "municipality.admit": _l("%(who)s admitted %(what)s as a member"),
    "municipality.apply": _l("%(who)s registered the application of %(what)s"),
    "municipality.create": _l("%(who)s added the municipality %(what)s"),
    "municipality.delete": _l("%(who)s removed the municipality %(what)s"),
    "municipality.import": _l("%(who)s imported municipalities from %(what)s"),
    "municipality.resign": _l("%(who)s registered the resignation of %(what)s"),
    "municipality.update": _l("%(who)s changed %(what)s"),
    "participation.set": _l("%(who)s changed the participation of %(municipality)s in %(what)s"),
    "population.set": _l("%(who)s set a population figure of %(what)s"),
    "proxy.create": _l("%(who)s registered a proxy of %(municipality)s in %(what)s"),
    "proxy.revoke": _l("%(who)s revoked a proxy in %(what)s"),
    "reservation.create": _l("%(who)s registered the reservation of %(municipality)s against "
                             "%(what)s"),
    "token.create": _l("%(who)s issued an API token"),
    "token.revoke": _l("%(who)s revoked an API token"),
    "tool.create": _l("%(who)s added the tool %(what)s"),
    "tool.update": _l("%(who)s changed the tool %(what)s"),
    "usage.set": _l("%(who)s set usage figures of %(municipality)s for %(what)s"),
    "user.activate": _l("%(who)s activated the user %(what)s"),
    "user.calendar": _l("%(who)s made a new calendar address"),
    "user.create": _l("%(who)s created the user %(what)s"),
    "user.deactivate": _l("%(who)s deactivated the user %(what)s"),
    "user.login": _l("%(who)s signed in"),
    "user.notices": _l("%(who)s changed which notices they receive"),
    "notice.resend": _l("%(who)s sent a notice again"),
    "invoicing.settings": _l("%(who)s changed the invoicing settings"),
    "user.password": _l("%(who)s set a new password for %(what)s"),
    "user.password_reset": _l("%(who)s sent a password-reset link to %(what)s"),
    "user.update": _l("%(who)s changed the role or municipality of %(what)s"),
    "year.close": _l("%(who)s closed the year %(what)s"),
}
KINDS: dict[str, Any] = {
    "api_token": _l("API tokens"), "budget": _l("Budgets"), "council": _l("Councils"),
    "fee_schedule": _l("Membership fees"), "import": _l("Imports"), "meeting": _l("Meetings"),
    "motion": _l("Motions and ballots"), "municipality": _l("Municipalities"),
    "tool": _l("Tools"), "user": _l("Users"), "year": _l("Closed years"),
}


@dataclass
class Line:
    event: Any  # a row of the event's columns and its actor's name (`event_rows`)
    who: str
    sentence: str
    link: str | None
    before: str = ""  # the fields before and after, one "name: value" a line
    after: str = ""


def fields_text(values: dict[str, Any] | None) -> str:
    """An event's before/after as lines of "name: value", each value in JSON (compact: the
    C encoder, not the indenting one, which cost more than the rest of the page's lines)."""
    if not values:
        return ""
    return "\n".join(f"{name}: {json.dumps(value, ensure_ascii=False, separators=(', ', ': '))}"
                     for name, value in values.items())


def _names(events: Sequence[Any]) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(object type, object id) → (name, link) for the events of one page: one statement for
    every kind of object that occurs, whatever the number of events."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        wanted.setdefault(event.object_type, set()).add(event.object_id)
        municipality = (event.after or {}).get("municipality") or \
            (event.after or {}).get("principal")
        if isinstance(municipality, str):
            wanted.setdefault("municipality", set()).add(municipality)
    found: dict[tuple[str, str], tuple[str, str | None]] = {}
    user = acting_user()
    may_see_users = user is not None and user.role is Role.ADMIN

    def ids(kind: str) -> list[int]:
        return [int(i) for i in wanted.get(kind, ()) if i.isdigit()]

    # Rows of (kind, key, name, year, number); year and number for a meeting's name only
    def named(kind: str, key: Any, name: Any, *where: Any) -> Any:
        return select(literal(kind), cast(key, String), cast(name, String), null(), null()) \
            .where(*where)

    slugs = set(wanted.get("tool", ())) | {i.split("/")[0] for i in wanted.get("budget", ())}
    candidates: list[tuple[Any, Any]] = [
        (ids("motion"), lambda: named("motion", Motion.id, Motion.title,
                                      Motion.id.in_(ids("motion")))),
        (ids("meeting"), lambda: select(literal("meeting"), cast(Meeting.id, String),
                                        Council.name, Meeting.year, Meeting.number)
         .join(Council, Council.id == Meeting.council_id).where(Meeting.id.in_(ids("meeting")))),
        (ids("council"), lambda: named("council", Council.id, Council.name,
                                       Council.id.in_(ids("council")))),
        (wanted.get("municipality"), lambda: named(
            "municipality", Municipality.code, Municipality.name,
            Municipality.code.in_(sorted(wanted.get("municipality", ()))))),
        (slugs, lambda: named("tool", Tool.slug, Tool.name, Tool.slug.in_(sorted(slugs)))),
        (ids("user"), lambda: named("user", User.id, User.email, User.id.in_(ids("user")))),
        (ids("import"), lambda: named("import", PopulationImport.id, PopulationImport.filename,
                                      PopulationImport.id.in_(ids("import")))),
    ]
    parts = [make() for present, make in candidates if present]  # only the kinds on the page
    tools: dict[str, str] = {}
    for kind, key, name, year, number in (db.session.execute(union_all(*parts))
                                          if parts else ()):
        if kind == "motion":
            found[kind, key] = (name, url_for("governance.motion", motion_id=int(key)))
        elif kind == "meeting":
            found[kind, key] = (f"{name} {year}:{number}",
                                url_for("governance.meeting", meeting_id=int(key)))
        elif kind == "council":
            found[kind, key] = (name, url_for("governance.council", council_id=int(key)))
        elif kind == "municipality":
            found[kind, key] = (name, url_for("members.detail", code=key))
        elif kind == "tool":
            tools[key] = name
        elif kind == "user":
            found[kind, key] = (name, url_for("auth.user_detail", user_id=int(key))
                                if may_see_users else None)
        else:
            found[kind, key] = (name, url_for("members.import_detail", import_id=int(key)))
    for slug in wanted.get("tool", ()):
        if slug in tools:
            found["tool", slug] = (tools[slug], url_for("tools.detail", slug=slug))
    for key in wanted.get("budget", ()):
        slug, _sep, text = key.partition("/")
        if slug in tools and text.isdigit():
            found["budget", key] = (f"{tools[slug]} {text}",
                                    url_for("costs.budget", slug=slug, year=int(text)))
    for text in wanted.get("fee_schedule", ()):
        if text.isdigit():
            found["fee_schedule", text] = (text, url_for("costs.fees", year=int(text)))
    for text in wanted.get("year", ()):
        if text.isdigit():
            found["year", text] = (text, url_for("costs.overview", year=int(text)))
    return found


def event_rows(query: Any, limit: int, offset: int = 0) -> list[Any]:
    """The events `query` selects, as plain rows of their columns and their actor's name:
    not entities (a page of loaded events cost more than its statements)."""
    return list(db.session.execute(query.with_only_columns(
        AuditEvent.id, AuditEvent.occurred_at, AuditEvent.actor_label, AuditEvent.action,
        AuditEvent.object_type, AuditEvent.object_id, AuditEvent.before, AuditEvent.after,
        AuditEvent.note, func.coalesce(func.nullif(User.name, ""), User.email).label("actor_name"))
        .outerjoin(User, User.id == AuditEvent.actor_id).limit(limit).offset(offset)))


def lines(events: Sequence[Any], sentences: dict[str, str] | None = None) -> list[Line]:
    """Each event in a sentence. Every text is translated once per page, not once per line
    (a translation look-up costs more than the rest of a line)."""
    names = _names(events)
    result = []
    labels = {"cli": _("The command line"), "system": _("The registry"),
              "closes_at": _("The registry (closing time)"), "demo": _("The demo")}
    sentences = sentences if sentences is not None else _sentences()
    for event in events:
        who = event.actor_name if event.actor_name is not None else \
            labels.get(event.actor_label, event.actor_label)
        name, link = names.get((event.object_type, event.object_id), (event.object_id, None))
        after = event.after or {}
        code = after.get("municipality") or after.get("principal")
        municipality = names.get(("municipality", code), (code or "", None))[0] \
            if isinstance(code, str) else ""
        template = sentences.get(event.action)
        sentence = template % {"who": who, "what": name, "municipality": municipality} \
            if template is not None else f"{who}: {event.action} {event.object_type} {name}"
        result.append(Line(event, who, sentence, link, fields_text(event.before),
                           fields_text(event.after)))
    return result


COUNT_CAP = 10_000  # events counted for "N entries"; beyond: "more than 10 000"


@bp.route("/admin/audit")
@auditors
def log() -> Any:
    query, filters, errors = filtered(request.args)
    # Counted up to COUNT_CAP, so that the page costs the same however long the log grows;
    # beyond it the page says "more than" and pages on by whether a next page exists.
    total = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(AuditEvent.id).order_by(None).limit(COUNT_CAP + 1)
        .subquery())) or 0
    beyond = total > COUNT_CAP
    page = max(1, request.args.get("page", 1, type=int) or 1)
    events = event_rows(query, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    has_next, events = len(events) > PAGE_SIZE, events[:PAGE_SIZE]
    pages = (page + 1 if has_next else page) if beyond else page_count(total, PAGE_SIZE)
    sentences = _sentences()
    from consortium.audit.verification import state

    chain, stalled = state()
    return render_template("audit/log.html", lines=lines(events, sentences), filters=filters,
                           chain=chain, stalled=stalled,
                           verify_form=EmptyForm(formdata=None),
                           errors=errors, total=total, beyond=beyond, count_cap=COUNT_CAP,
                           page=page, pages=pages, kinds=KINDS,
                           actions=_actions_in(str(get_locale())))


VERIFY_KIND = "audit.verify"


def verification_job(_params: dict[str, Any], progress: Any) -> Any:
    """A walk asked for on the audit page (the worker's job; inline in tests)."""
    from consortium.audit.verification import verify_incrementally
    from consortium.jobs.service import Result

    progress(0, 1)
    found = verify_incrementally(by="on demand")  # committed with the job's result
    progress(1, 1)
    return Result(json.dumps({"events": found.events, "whole": found.whole}).encode(),
                  "verification.json", "application/json")


@bp.route("/admin/audit/verify", methods=["POST"])
@auditors
def verify_now() -> Any:
    from consortium.jobs import service as jobs

    if EmptyForm().validate_on_submit():
        job = jobs.submit(VERIFY_KIND, {}, user_id=require_user().id)
        db.after_commit(lambda: jobs.start(job.id))  # the request commits the job's row
        flash(_("The verification is started; its result shows here when it is done."),
              "success")
    return redirect(url_for("audit.log") + "#chain")


def _sentences() -> dict[str, str]:
    """Every kind of event's sentence in the reader's language (not to be changed)."""
    return _sentences_in(str(get_locale()))


@functools.lru_cache(maxsize=8)
def _sentences_in(locale: str) -> dict[str, str]:
    """Translated once per language and process, not once per page: the translations are
    read when the app starts and never change while it runs."""
    with force_locale(locale):
        return {action: str(template) for action, template in SENTENCES.items()}


@functools.lru_cache(maxsize=8)
def _actions_in(locale: str) -> list[tuple[str, str]]:
    """The kinds of event for the filter, each with its label, in the order of the labels."""
    sentences = _sentences_in(locale)
    return [(action, _action_label(sentences[action]))
            for action in sorted(sentences, key=sentences.__getitem__)]


def _action_label(sentence: str) -> str:
    """What a kind of event is, for the filter: the sentence without its people."""
    return (sentence % {"who": "…", "what": "…", "municipality": "…"}).replace("… ", "", 1)


@bp.route("/admin/audit.csv")
@auditors
def log_csv() -> Any:

    query, _filters, _errors = filtered(request.args)
    events = event_rows(query, 50_000)
    header = ["#", _("When (UTC)"), _("Who"), _("What happened"), _("Action"), _("Object"),
              _("Object id"), _("Before"), _("After"), _("Note")]
    rows = [[line.event.id, line.event.occurred_at.isoformat(timespec="seconds"), line.who,
             line.sentence, line.event.action, line.event.object_type, line.event.object_id,
             json.dumps(line.event.before, ensure_ascii=False, default=str)
             if line.event.before else "",
             json.dumps(line.event.after, ensure_ascii=False, default=str)
             if line.event.after else "", line.event.note or ""]
            for line in lines(events)]
    return csv_response("granskningslogg.csv", header, rows)


@bp.route("/admin/audit/checkpoints.atom")
@auditors
def checkpoints_feed() -> Any:
    """The signed checkpoints of the chain's head as an Atom feed: a feed reader (or a
    script with a token of an auditor) keeps copies where the database cannot reach them."""

    from feedgen.feed import FeedGenerator
    from flask import Response, current_app

    from consortium.audit.checkpoints import listed

    held = listed(limit=100)
    base = current_app.config["BASE_URL"]
    feed = FeedGenerator()
    feed.id(f"{base}/admin/audit/checkpoints.atom")
    feed.title(_("%(name)s: signed checkpoints of the audit log",
                 name=current_app.config["CONSORTIUM_NAME"]))
    feed.link(href=f"{base}/admin/audit/checkpoints.atom", rel="self")
    feed.language(str(get_locale()))
    feed.updated(held[0]["at"] if held else "1970-01-01T00:00:00+00:00")
    for checkpoint in reversed(held):  # feedgen lists the last added first
        entry = feed.add_entry()
        entry.id(f"urn:consortium:audit-checkpoint:{checkpoint['sequence']}:"
                 f"{checkpoint['sha256']}")
        entry.title(_("Place %(sequence)s in the chain: %(sha256)s",
                      sequence=checkpoint["sequence"], sha256=checkpoint["sha256"]))
        entry.updated(checkpoint["at"])
        entry.content(json.dumps(checkpoint, sort_keys=True), type="text")
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")
