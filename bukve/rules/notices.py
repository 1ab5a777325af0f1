"""The notice ladder: which level falls due on which day, grouping, and the addressee."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from bukve.rules.policy import Ladder, NoticeStep

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class NextStep:
    index: int  # position in the ladder (0 = the 1st notice)
    step: NoticeStep
    date: date


def next_step(ladder: Ladder, due: date, done: int, last_date: date | None) -> NextStep | None:
    """The step after the first `done` steps of the ladder, and the day it falls due.

    Anchor "previous": the 1st step counts from the due date and each next one from the day
    the previous one was issued. Anchor "due": every step counts from the due date.
    """
    if done >= len(ladder.steps):
        return None
    step = ladder.steps[done]
    start = due if ladder.anchor == "due" or done == 0 or last_date is None else last_date
    return NextStep(done, step, start + timedelta(days=step.days))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def addressee(
    member: K,
    born: date | None,
    guardian: K | None,
    day: date,
    guardian_age: int = 15,
) -> K:
    """A notice goes to the member, or to the parent or guardian of a member under 15."""
    if guardian is not None and born is not None and age_on(born, day) < guardian_age:
        return guardian
    return member


def group_by_member(rows: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    """One notice per member per level per day: rows keyed (member, level, ...) are grouped."""
    groups: dict[K, list[V]] = {}
    for key, value in rows:
        groups.setdefault(key, []).append(value)
    return groups
