"""What each domain adds to the application, in one place per app.

Each domain's `init_app(app)` (called by the factory in the layer order) registers here what
the others run without importing it: job handlers, periodic tasks with their order, and the
rules a lower domain must ask of a higher one (consortium/rules.py). Nothing registers itself
by being imported. A rule that is asked for and was never provided fails closed: the request
stops with an error rather than letting a change through, and the factory refuses to start an
app that lacks a required rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from flask import Flask, current_app, has_app_context

T = TypeVar("T")
JobHandler = Callable[..., Any]


class RuleMissing(RuntimeError):
    """A rule was asked for that no domain provided: nothing may go ahead without it."""


@dataclass(frozen=True)
class Rule(Generic[T]):
    """The name of a rule that some domain must provide, typed by its interface."""

    name: str


@dataclass(frozen=True)
class PeriodicTask:
    order: int
    name: str
    function: Callable[[], Any]
    # Tasks of a lane run in a thread of their own in the worker, so that one lane never
    # waits for another (notices are not held up by anything else the sweep does)
    lane: str = "main"
    # The setting that gives the seconds between a lane's rounds (the shortest of its tasks')
    every: str = "WORKER_SWEEP_SECONDS"


@dataclass
class Wiring:
    job_handlers: dict[str, JobHandler] = field(default_factory=dict)
    periodic: list[PeriodicTask] = field(default_factory=list)
    rules: dict[Rule[Any], object] = field(default_factory=dict)


_KEY = "consortium.wiring"
_active: dict[str, Wiring] = {}


def of(app: Flask) -> Wiring:
    wiring = app.extensions.get(_KEY)
    if wiring is None:
        wiring = app.extensions[_KEY] = Wiring()
    return wiring


def current() -> Wiring:
    """The current app's wiring; outside any app context (a script, a test's factory), the
    wiring of the last app that started."""
    if has_app_context():
        return of(current_app)
    try:
        return _active["wiring"]
    except KeyError:
        raise RuleMissing("No application has started: nothing is wired.") from None


def job_handler(app: Flask, kind: str, function: JobHandler) -> None:
    """The function that does a kind of job (`jobs.submit(kind, …)`)."""
    of(app).job_handlers[kind] = function


def periodic_task(app: Flask, function: Callable[[], Any], *, order: int,
                  lane: str = "main", every: str = "WORKER_SWEEP_SECONDS") -> None:
    """Work the worker's sweep does every few seconds (the setting `every`), lower `order`
    first."""
    tasks = of(app).periodic
    tasks.append(PeriodicTask(order, function.__name__, function, lane, every))
    tasks.sort(key=lambda task: task.order)


def provide(app: Flask, name: Rule[T], implementation: T) -> None:
    of(app).rules[name] = implementation


def rule(name: Rule[T]) -> T:
    """The implementation of a rule that a higher domain provided; RuleMissing if none did."""
    implementation = current().rules.get(name)
    if implementation is None:
        raise RuleMissing(f"No domain provides {name.name}: nothing may go ahead without it.")
    return cast(T, implementation)  # provide() stored it under its typed name


def start(app: Flask, required: Iterable[Rule[Any]]) -> None:
    """Refuse to start an app that lacks a required rule; else make it the active wiring."""
    missing = [name.name for name in required if name not in of(app).rules]
    if missing:
        raise RuleMissing("The application cannot start: no domain provides "
                          + ", ".join(missing) + ".")
    _active["wiring"] = of(app)
