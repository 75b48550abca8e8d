"""The slot engine: which start times are free. Pure Python, no Django.

Inputs are plain values: the practitioner's weekly windows and date overrides
(wall-clock times in the practitioner's zone), the calendar's busy ranges
(UTC, already widened by each booking's buffers), the session's policy and
"now". Output is a sorted list of free start instants in UTC.

Daylight saving: candidate start times are generated on the practitioner's
wall clock, so "every 30 minutes from 09:00" stays 09:00, 09:30, ... all year.
A wall time that does not exist (the skipped hour in spring) is never offered;
a wall time that happens twice (the repeated hour in autumn) is offered once,
as its first occurrence (``fold=0``). Windows are closed at their UTC end, so
a window that spans a transition is exactly as long as the clock says.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Open from ``start`` to ``end`` every ``weekday`` (Monday is 0)."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DateOverride:
    """A change for one date: ``closed`` removes time, otherwise it adds time.

    A closed override without times closes the whole day.
    """

    day: date
    closed: bool
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, slots=True)
class Busy:
    """A range of the calendar already taken, in UTC, buffers included."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class SlotPolicy:
    duration: timedelta
    step: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=60)
    max_per_day: int | None = None


def to_utc(zone: ZoneInfo, day: date, wall: time) -> datetime | None:
    """Return the UTC instant of a wall time in ``zone``, or None if it never happens.

    The first occurrence is used for a wall time that happens twice.
    """
    local = datetime.combine(day, wall, tzinfo=zone)  # fold=0: the first occurrence
    instant = local.astimezone(UTC)
    back = instant.astimezone(zone)
    # Compared as date and time rather than via replace(tzinfo=None), which costs
    # more than the two conversions together; this runs for every candidate slot.
    if back.time() != local.time() or back.date() != local.date():
        return None  # inside the gap of a spring-forward change
    return instant


def _wall_to_utc_end(zone: ZoneInfo, day: date, wall: time) -> datetime:
    """Return the UTC instant a window closes, moving a non-existent time forward.

    ``time(0, 0)`` as an end means midnight at the end of ``day``.
    """
    if wall == time(0, 0):
        day, wall = day + timedelta(days=1), time(0, 0)
    instant = to_utc(zone, day, wall)
    if instant is None:
        # 02:30 in a skipped hour: the clock jumps past it, so close at the jump.
        local = datetime.combine(day, wall, tzinfo=zone)
        instant = local.astimezone(UTC)
        for minutes in range(1, 181):
            moved = (datetime.combine(day, wall) + timedelta(minutes=minutes)).replace(tzinfo=zone)
            if to_utc(zone, moved.date(), moved.time()) is not None:
                instant = moved.astimezone(UTC)
                break
    return instant


def day_windows(
    day: date,
    weekly: Sequence[WeeklyWindow],
    overrides: Sequence[DateOverride],
) -> list[tuple[time, time]]:
    """Return the open wall-clock windows of one date, after overrides, merged and sorted."""
    windows = [(w.start, w.end) for w in weekly if w.weekday == day.weekday()]
    for override in overrides:
        if override.day != day:
            continue
        if override.closed and override.start is None:
            return []
    windows += [
        (o.start, o.end)
        for o in overrides
        if o.day == day and not o.closed and o.start is not None and o.end is not None
    ]
    closures = [
        (o.start, o.end)
        for o in overrides
        if o.day == day and o.closed and o.start is not None and o.end is not None
    ]
    merged = _merge(windows)
    for closed_start, closed_end in closures:
        merged = _subtract(merged, closed_start, closed_end)
    return merged


def _merge(windows: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    merged: list[tuple[time, time]] = []
    for start, end in sorted(windows):
        end_key = end if end != time(0, 0) else time.max
        if merged:
            last_start, last_end = merged[-1]
            last_key = last_end if last_end != time(0, 0) else time.max
            if start <= last_key:
                if end_key > last_key:
                    merged[-1] = (last_start, end)
                continue
        merged.append((start, end))
    return merged


def _subtract(
    windows: list[tuple[time, time]], cut_start: time, cut_end: time
) -> list[tuple[time, time]]:
    result = []
    cut_end_key = cut_end if cut_end != time(0, 0) else time.max
    for start, end in windows:
        end_key = end if end != time(0, 0) else time.max
        if cut_end_key <= start or cut_start >= end_key:
            result.append((start, end))
            continue
        if start < cut_start:
            result.append((start, cut_start))
        if cut_end_key < end_key:
            result.append((cut_end, end))
    return result


class _BusyIndex:
    """Answer "does [start, end) overlap anything busy?" in O(log n)."""

    def __init__(self, busy: Iterable[Busy]) -> None:
        merged: list[list[datetime]] = []
        for item in sorted(busy, key=lambda b: b.start):
            if merged and item.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], item.end)
            else:
                merged.append([item.start, item.end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # The last merged range that starts before ``end`` is the only candidate.
        index = bisect.bisect_left(self._starts, end) - 1
        return index >= 0 and self._ends[index] > start


def free_slots(
    *,
    zone: ZoneInfo,
    weekly: Sequence[WeeklyWindow],
    overrides: Sequence[DateOverride],
    busy: Iterable[Busy],
    policy: SlotPolicy,
    now: datetime,
    bookings_per_day: Mapping[date, int] | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> list[datetime]:
    """Return the free start instants (UTC, sorted) a client may book.

    ``first_day`` and ``last_day`` (practitioner's dates, inclusive) narrow the
    search; notice and horizon narrow it further. ``bookings_per_day`` counts
    live bookings of this session type per practitioner date, for the daily limit.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    earliest = now + policy.min_notice
    latest = now + policy.horizon
    start_day = max(first_day or date.min, earliest.astimezone(zone).date())
    end_day = min(last_day or date.max, latest.astimezone(zone).date())
    index = _BusyIndex(busy)
    counts = bookings_per_day or {}

    slots: list[datetime] = []
    day = start_day
    while day <= end_day:
        if policy.max_per_day is not None and counts.get(day, 0) >= policy.max_per_day:
            day += timedelta(days=1)
            continue
        for window_start, window_end in day_windows(day, weekly, overrides):
            slots.extend(
                _window_slots(zone, day, window_start, window_end, policy, index, earliest, latest)
            )
        day += timedelta(days=1)
    return slots


def _window_slots(
    zone: ZoneInfo,
    day: date,
    window_start: time,
    window_end: time,
    policy: SlotPolicy,
    index: _BusyIndex,
    earliest: datetime,
    latest: datetime,
) -> list[datetime]:
    close = _wall_to_utc_end(zone, day, window_end)
    wall = datetime.combine(day, window_start)
    wall_limit = datetime.combine(day, time(0, 0)) + timedelta(days=1)
    found = []
    seen: set[datetime] = set()
    while wall < wall_limit:
        start = to_utc(zone, wall.date(), wall.time())
        wall += policy.step
        if start is None:
            continue
        end = start + policy.duration
        if end > close:
            if start >= close:
                break
            continue
        if start < earliest or start > latest or start in seen:
            continue
        if index.overlaps(start - policy.buffer_before, end + policy.buffer_after):
            continue
        seen.add(start)
        found.append(start)
    return found


def is_free(slot_start: datetime, **kwargs: Any) -> bool:
    """Return whether ``slot_start`` is one of the free slots for these inputs."""
    zone: ZoneInfo = kwargs["zone"]
    local_day = slot_start.astimezone(zone).date()
    return slot_start in free_slots(first_day=local_day, last_day=local_day, **kwargs)


def nearest(slots: Sequence[datetime], target: datetime, count: int = 3) -> list[datetime]:
    """Return up to ``count`` slots closest in time to ``target``, in time order."""
    ranked = sorted(slots, key=lambda s: (abs(s - target), s))[:count]
    return sorted(ranked)
