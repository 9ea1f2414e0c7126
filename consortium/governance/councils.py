"""Councils and their seats: the föreningsstämma, the board with listed seats and a
förvaltningsråd per tool whose seats follow membership and participation on a day.
Each operation is one transaction that checks the rules and writes the audit log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import joinedload

from consortium import clock, db
from consortium.audit.service import record
from consortium.auth.models import User
from consortium.errors import Invalid, NotFound
from consortium.governance.models import (
    BoardSeat,
    Council,
    CouncilKind,
)
from consortium.members.models import Municipality, member_between
from consortium.tools.models import Participation, Tool


def municipality_by_code(code: str | None, field: str) -> Municipality | None:
    if not code:
        return None
    found = db.session.scalar(select(Municipality).where(Municipality.code == code))
    if found is None:
        raise Invalid(_("No municipality has the code %(code)s.", code=code),
                      {field: _("Unknown municipality.")})
    return found


def get_council(council_id: int) -> Council:
    # with its standing chair, which its page and its meetings name: not one statement more
    council = db.session.get(Council, council_id,
                             options=[joinedload(Council.chair_municipality)])
    if council is None:
        raise NotFound(_("No council has the number %(id)s.", id=council_id))
    return council


def create_council(data: dict[str, Any], *, actor: User | None = None,
                   actor_label: str | None = None) -> Council:
    errors: dict[str, str] = {}
    try:
        kind = CouncilKind(str(data.get("kind")))
    except ValueError:
        raise Invalid(_("Unknown kind of council."),
                      {"kind": _("Must be one of assembly, board, tool.")}) from None
    name = (data.get("name") or "").strip()
    if not name or len(name) > 150:
        errors["name"] = _("Give the council a name (at most 150 characters).")
    tool = None
    if kind is CouncilKind.TOOL:
        slug = data.get("tool")
        tool = db.session.scalar(select(Tool).where(Tool.slug == slug)) if slug else None
        if tool is None:
            errors["tool"] = _("A förvaltningsråd belongs to a tool: give its identifier.")
        elif db.session.scalar(select(exists().where(Council.tool_id == tool.id))):
            errors["tool"] = _("%(tool)s already has a förvaltningsråd.", tool=tool.name)
    elif data.get("tool"):
        errors["tool"] = _("Only a förvaltningsråd belongs to a tool.")
    if kind is CouncilKind.ASSEMBLY and db.session.scalar(
            select(exists().where(Council.kind == CouncilKind.ASSEMBLY))):
        errors["kind"] = _("The consortium has one föreningsstämma.")
    chair = municipality_by_code(data.get("chair"), "chair")
    limit = data.get("proxy_limit") or 1
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
        errors["proxy_limit"] = _("A whole number from 1 to 50.")
    if errors:
        raise Invalid(_("The council could not be saved."), errors)
    council = Council(kind=kind, name=name, tool=tool, chair_municipality=chair,
                      proxy_limit=limit, public=bool(data.get("public", False)))
    db.session.add(council)
    db.session.flush()
    record("council.create", "council", council.id,
           after={"kind": kind.value, "name": name, "tool": tool.slug if tool else None,
                  "chair": chair.code if chair else None, "proxy_limit": limit,
                  "public": council.public},
           actor=actor, actor_label=actor_label)
    return council


def set_public(council: Council, public: bool, *, actor: User | None = None) -> None:
    """Whether the council's signed protocols go on the public notice board (anslagstavla)."""
    if council.public == public:
        return
    council.public = public
    record("council.public", "council", council.id, before={"public": not public},
           after={"public": public}, actor=actor)


def set_board_seats(council: Council, codes: list[str], *, actor: User | None = None,
                    actor_label: str | None = None) -> None:
    """The board's seats as listed by hand. A board whose seats are dated (an election
    seated it) gets the new list from today, the current seats ending yesterday; otherwise
    the undated list is replaced."""
    if council.kind is not CouncilKind.BOARD:
        raise Invalid(_("Only a board has seats listed by hand; the others follow membership "
                        "and participation."), {"seats": _("Not a board.")})
    found = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(codes)))}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise Invalid(_("Unknown municipality codes: %(codes)s.", codes=", ".join(unknown)),
                      {"seats": _("Unknown codes.")})
    before = sorted(m.code for m in board_seats(council))
    dated = db.session.scalar(select(exists().where(
        BoardSeat.council_id == council.id,
        or_(BoardSeat.valid_from.is_not(None), BoardSeat.valid_until.is_not(None)))))
    if dated:
        reseat(council, list(found.values()), clock.today())
    else:
        db.session.execute(delete(BoardSeat).where(BoardSeat.council_id == council.id))
        for municipality in found.values():
            db.session.add(BoardSeat(council_id=council.id, municipality_id=municipality.id))
    record("council.seats", "council", council.id, before={"seats": before},
           after={"seats": sorted(found)}, actor=actor, actor_label=actor_label)


def reseat(council: Council, municipalities: list[Municipality], start: date,
           motion_id: int | None = None) -> None:
    """The board's seats from `start`: the seats held the day before end then (the past is
    kept as it was), seats that would only begin on or after `start` give way."""
    db.session.execute(delete(BoardSeat).where(BoardSeat.council_id == council.id,
                                               BoardSeat.valid_from >= start))
    db.session.execute(update(BoardSeat).where(
        BoardSeat.council_id == council.id,
        or_(BoardSeat.valid_until.is_(None), BoardSeat.valid_until >= start))
        .values(valid_until=start - timedelta(days=1)))
    for municipality in municipalities:
        db.session.add(BoardSeat(council_id=council.id, municipality_id=municipality.id,
                                 valid_from=start, motion_id=motion_id))
    db.session.flush()


def _held_on(on: date) -> Any:
    return and_(or_(BoardSeat.valid_from.is_(None), BoardSeat.valid_from <= on),
                or_(BoardSeat.valid_until.is_(None), BoardSeat.valid_until >= on))


def board_seats(council: Council, on: date | None = None) -> list[Municipality]:
    """The board's seats held on a day (default today)."""
    return list(db.session.scalars(
        select(Municipality).join(BoardSeat, BoardSeat.municipality_id == Municipality.id)
        .where(BoardSeat.council_id == council.id, _held_on(on or clock.today()))
        .order_by(Municipality.sort_name)))


def _seat_condition(council: Council, on: date) -> Any:
    """Who holds a seat of an assembly or a tool's council on a date."""
    if council.kind is CouncilKind.ASSEMBLY:
        return member_between(on, on)
    # A non-member may take part in a tool open to all and pays its share, but holds no
    # seat in the förvaltningsråd: a seat needs participation and membership that day.
    participates = exists().where(
        Participation.municipality_id == Municipality.id,
        Participation.tool_id == council.tool_id, Participation.joined_on <= on,
        or_(Participation.left_on.is_(None), Participation.left_on >= on))
    return participates & member_between(on, on)


def seats_on(council: Council, on: date) -> list[Municipality]:
    """The seats of a council on a date: members (föreningsstämma), the tool's participants
    (förvaltningsråd) or the listed seats (styrelse). Never typed for the first two."""
    if council.kind is CouncilKind.BOARD:
        return board_seats(council, on)
    return list(db.session.scalars(select(Municipality).where(_seat_condition(council, on))
                                   .order_by(Municipality.sort_name)))


def seat_names(council: Council, on: date, limit: int | None = None
               ) -> tuple[list[tuple[str, str]], int]:
    """(kommunkod, name) of each seat on a date (the first `limit` of them), for a page that
    lists them, and how many seats there are: one statement."""
    query = (select(Municipality.code, Municipality.name, func.count().over())
             .order_by(Municipality.sort_name))
    if council.kind is CouncilKind.BOARD:
        query = query.join(BoardSeat, BoardSeat.municipality_id == Municipality.id).where(
            BoardSeat.council_id == council.id, _held_on(on))
    else:
        query = query.where(_seat_condition(council, on))
    rows = db.session.execute(query.limit(limit)).all()
    return [(code, name) for code, name, _total in rows], (rows[0][2] if rows else 0)
