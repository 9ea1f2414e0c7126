"""What a poll of several options adds to the shared poll (motions.py): the proposals of a
vote with counter-proposals (motförslag) and the candidates of an election, what a ballot
of each kind may say, and how a secret ballot of options is sealed (a fixed-length bitmap
over the options, so its length tells nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consortium import db
from consortium.errors import Invalid
from consortium.governance import election_counting
from consortium.governance.models import Choice, Motion, PollKind
from consortium.governance.poll_models import PollOption
from consortium.governance.sealing import CHOICE_WIDTH
from consortium.members.models import Municipality

MAX_OPTIONS = 50
MAX_TEXT = 5000


@dataclass(frozen=True)
class NewOption:
    text: str
    municipality: Municipality | None


def label_of(option: PollOption, kind: PollKind, code: str | None) -> str:
    """SPEC "The lot": a municipality's code, a person's name as entered, a proposal's
    number."""
    if kind is PollKind.PROPOSALS:
        return str(option.number)
    return code if code is not None else option.text


def parse_proposals(raw: Any, errors: dict[str, str]) -> list[NewOption]:
    if not isinstance(raw, list) or not all(isinstance(text, str) for text in raw):
        errors["proposals"] = _("A list of the proposals' texts, the main proposal first.")
        return []
    texts = [text.strip() for text in raw]
    if len(texts) < 2 or len(texts) > MAX_OPTIONS:
        errors["proposals"] = _("Give the main proposal and at least one counter-proposal "
                                "(at most %(count)s).", count=MAX_OPTIONS)
    elif any(not text or len(text) > MAX_TEXT for text in texts):
        errors["proposals"] = _("Every proposal needs its text (at most %(count)s characters).",
                                count=MAX_TEXT)
    return [NewOption(text, None) for text in texts]


def parse_candidates(raw: Any, errors: dict[str, str]) -> list[NewOption]:
    """Candidates: {"municipality": code} or {"name": a person's name}; each label once."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_OPTIONS:
        errors["candidates"] = _("Give the candidates (one to %(count)s).", count=MAX_OPTIONS)
        return []
    codes = [entry.get("municipality") for entry in raw if isinstance(entry, dict)]
    found = {m.code: m for m in db.session.scalars(select(Municipality).where(
        Municipality.code.in_([code for code in codes if isinstance(code, str)])))}
    options: list[NewOption] = []
    problems: list[str] = []
    for entry in raw:
        code = entry.get("municipality") if isinstance(entry, dict) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(code, str) and name is None:
            if code in found:
                options.append(NewOption(found[code].name, found[code]))
            else:
                problems.append(_("No municipality has the code %(code)s.", code=code))
        elif isinstance(name, str) and code is None and name.strip() \
                and len(name.strip()) <= 150:
            options.append(NewOption(name.strip(), None))
        else:
            problems.append(_("A candidate is a municipality's code or a person's name "
                              "(at most 150 characters)."))
    labels = [option.municipality.code if option.municipality else option.text
              for option in options]
    doubled = sorted({label for label in labels if labels.count(label) > 1})
    if doubled:
        problems.append(_("Named twice: %(labels)s.", labels=", ".join(doubled)))
    if problems:
        errors["candidates"] = " ".join(dict.fromkeys(problems))
    return options


def add_options(motion: Motion, options: Sequence[NewOption]) -> None:
    for number, option in enumerate(options, start=1):
        db.session.add(PollOption(
            motion_id=motion.id, number=number, text=option.text,
            municipality_id=option.municipality.id if option.municipality else None))


def options_of(motion: Motion) -> list[tuple[PollOption, str]]:
    """The poll's options in order, each with its label."""
    rows = db.session.execute(
        select(PollOption, Municipality.code)
        .outerjoin(Municipality, Municipality.id == PollOption.municipality_id)
        .where(PollOption.motion_id == motion.id).order_by(PollOption.number)).all()
    return [(option, label_of(option, motion.kind, code)) for option, code in rows]


@dataclass(frozen=True)
class Vote:
    """What a ballot says: a choice (yes/no/abstain; abstain also for a proposals ballot
    that chooses none and a blank election ballot) and the options it marks."""

    choice: Choice
    marked: tuple[PollOption, ...]
    labels: tuple[str, ...]

    def sealed_text(self, options: Sequence[tuple[PollOption, str]]) -> str:
        if not options:
            return self.choice.value
        chosen = {option.id for option in self.marked}
        return "".join("1" if option.id in chosen else "0" for option, _label in options)


def seal_width(options: Sequence[Any]) -> int:
    """The sealed text's width for every ballot of the poll: a choice, or a mark per option."""
    return max(CHOICE_WIDTH, len(options))


def read_vote(motion: Motion, options: Sequence[tuple[PollOption, str]], *,
              choice: str | None, proposal: Any, candidates: Any) -> Vote:
    """The ballot's content for the poll's kind; Invalid (422) names what is wrong."""
    if motion.kind is PollKind.YES_NO:
        try:
            return Vote(Choice(choice or ""), (), ())
        except ValueError:
            raise Invalid(_("The choice is yes, no or abstain."),
                          {"choice": _("Must be yes, no or abstain.")}) from None
    if motion.kind is PollKind.PROPOSALS:
        if proposal is None and choice == Choice.ABSTAIN.value:
            return Vote(Choice.ABSTAIN, (), ())
        numbers = {option.number: (option, label) for option, label in options}
        if isinstance(proposal, bool) or not isinstance(proposal, int) \
                or proposal not in numbers:
            message = _("Choose one of the proposals 1 to %(count)s, or abstain.",
                        count=len(options))
            raise Invalid(message, {"proposal": message})
        option, label = numbers[proposal]
        return Vote(Choice.YES, (option,), (label,))
    if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
        message = _("The candidates marked: a list of their labels (kommunkod or name).")
        raise Invalid(message, {"candidates": message})
    by_label = {label: option for option, label in options}
    try:
        election_counting.check_marks(candidates, by_label, motion.positions or 0)
    except election_counting.BallotError:
        unknown = [label for label in candidates if label not in by_label]
        if unknown:
            message = _("Not a candidate in this election: %(labels)s.",
                        labels=", ".join(unknown))
        elif len(set(candidates)) != len(candidates):
            message = _("A candidate can be marked once.")
        else:
            message = _("Mark at most %(count)s candidates, as many as there are positions.",
                        count=motion.positions)
        raise Invalid(message, {"candidates": message}) from None
    if not candidates:
        return Vote(Choice.ABSTAIN, (), ())
    return Vote(Choice.YES, tuple(by_label[label] for label in candidates), tuple(candidates))


def marked_labels(sealed_text: str, options: Sequence[tuple[PollOption, str]]) -> list[str]:
    """The labels a sealed ballot's bitmap marks (one character per option, in order)."""
    return [label for (_option, label), flag in zip(options, sealed_text, strict=False)
            if flag == "1"]
