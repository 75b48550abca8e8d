"""The office's week: which days she works, when, and what is booked. Pure, no Django.

The calendar page shows one week, Monday to Sunday, in the practitioner's zone:
each day's working hours (from the weekly pattern, changed by a day off or extra
hours), and the bookings that start that day. Agenda rows rather than an hour
grid, so it reads the same on a phone and with a screen reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any


@dataclass(frozen=True)
class Window:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class Change:
    """A date that differs from the weekly pattern: closed (with or without times) or extra."""

    day: date
    closed: bool
    start: time | None
    end: time | None
    note: str = ""


@dataclass
class CalendarDay:
    day: date
    hours: list[Window]
    closed_note: str | None  # "" for a day off without a note, None for a working day
    bookings: list[Any] = field(default_factory=list)

    @property
    def works(self) -> bool:
        return bool(self.hours)


def week_start(day: date) -> date:
    """Return the Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_days(
    monday: date,
    weekly: Iterable[tuple[int, time, time]],
    changes: Sequence[Change],
    bookings: Iterable[tuple[date, Any]],
) -> list[CalendarDay]:
    """Return the seven days from ``monday``: hours per day after changes, and bookings.

    ``weekly`` holds (weekday, start, end) windows; ``bookings`` (day, booking) pairs,
    already in the practitioner's zone and order.
    """
    pattern: dict[int, list[Window]] = {}
    for weekday, start, end in weekly:
        pattern.setdefault(weekday, []).append(Window(start, end))
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        hours = sorted(pattern.get(day.weekday(), []), key=lambda window: window.start)
        closed_note = None
        for change in (c for c in changes if c.day == day):
            if change.closed and change.start is None:
                hours, closed_note = [], change.note
            elif change.closed and change.start is not None and change.end is not None:
                hours = _without(hours, Window(change.start, change.end))
            elif change.start is not None and change.end is not None:
                hours = sorted([*hours, Window(change.start, change.end)], key=lambda w: w.start)
        days.append(CalendarDay(day=day, hours=hours, closed_note=closed_note))
    by_day = {calendar_day.day: calendar_day for calendar_day in days}
    for day, booking in bookings:
        if day in by_day:
            by_day[day].bookings.append(booking)
    return days


def _without(hours: list[Window], gap: Window) -> list[Window]:
    """Return ``hours`` with the ``gap`` cut out (a few hours off within a working day)."""
    kept = []
    for window in hours:
        if gap.end <= window.start or gap.start >= window.end:
            kept.append(window)
            continue
        if window.start < gap.start:
            kept.append(Window(window.start, gap.start))
        if gap.end < window.end:
            kept.append(Window(gap.end, window.end))
    return kept
