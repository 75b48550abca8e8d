"""The slot picker's week: free times grouped by day in the visitor's zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import SessionType
from .selectors import nearest_slots, slots_for

DAYS_SHOWN = 7
# The furthest any session type's horizon reaches (horizon_days is a small integer).
# No time beyond it can be booked, and near the calendar's ends (years 1 and 9999)
# date arithmetic overflows, so the picker reads no week or time further away.
LONGEST_HORIZON = timedelta(days=32767)


@dataclass
class PickerDay:
    day: date
    times: list[tuple[datetime, str]] = field(default_factory=list)  # (UTC start, "14:30")
    has_repeated_hour: bool = False  # the clocks go back: some times read twice


@dataclass
class PickerWeek:
    zone_name: str
    first_day: date
    days: list[PickerDay]
    previous_week: date | None
    next_week: date | None
    next_open: datetime | None = None

    @property
    def has_times(self) -> bool:
        return any(day.times for day in self.days)


def within_reach(moment: datetime, now: datetime) -> bool:
    """Return whether an instant is close enough to now to look up at all."""
    return abs(moment - now) <= LONGEST_HORIZON


def week_asked(value: str | None) -> date | None:
    """Return ?week= read as ``WeekForm`` reads it (YYYY-MM-DD), or None.

    Without a form: the cached slot page reads it on every view, and a form
    cost a fifth of such a view.
    """
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


def week_start(asked: date | None, today: date) -> date:
    """Return the week's first day: the asked day, or today for one past or beyond any horizon."""
    if asked is None or not today <= asked <= today + LONGEST_HORIZON:
        return today
    return asked


def reads_twice(local: datetime) -> bool:
    """Return whether this wall time names two instants (the hour the clocks go back)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def clock_label(local: datetime) -> str:
    """Return e.g. "14:30", or "01:30 (first)" and "01:30 (second)" when the clocks go back.

    Two buttons of the repeated hour would otherwise read alike; ``fold`` says
    which of the two instants this one is.
    """
    label = local.strftime("%H:%M")
    if not reads_twice(local):
        return label
    return f"{label} (second)" if local.fold else f"{label} (first)"


def picker_week(
    *,
    session_type: SessionType,
    zone_name: str,
    first_day: date | None = None,
    exclude_booking_id: int | None = None,
) -> PickerWeek:
    """Return one week of free times as the visitor's calendar shows them.

    The visitor's week is mapped onto the practitioner's dates (a day either
    side covers every zone offset), the slot engine runs once, and its UTC
    results are grouped by the visitor's local date.
    """
    now = timezone.now()
    zone = ZoneInfo(zone_name)
    practitioner_zone = session_type.practitioner.zone
    today = now.astimezone(zone).date()
    first_day = week_start(first_day, today)
    last_day = first_day + timedelta(days=DAYS_SHOWN - 1)
    horizon_end = (now + timedelta(days=session_type.horizon_days)).astimezone(zone).date()

    window_start = datetime.combine(first_day, time.min, tzinfo=zone)
    window_end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    found = slots_for(
        session_type=session_type,
        now=now,
        first_day=window_start.astimezone(practitioner_zone).date(),
        last_day=window_end.astimezone(practitioner_zone).date(),
        exclude_booking_id=exclude_booking_id,
    )
    days = {
        first_day + timedelta(days=i): PickerDay(first_day + timedelta(days=i))
        for i in range(DAYS_SHOWN)
    }
    for slot_start in found:
        local = slot_start.astimezone(zone)
        if local.date() in days:
            day = days[local.date()]
            day.times.append((slot_start, clock_label(local)))
            if reads_twice(local):
                day.has_repeated_hour = True

    week = PickerWeek(
        zone_name=zone_name,
        first_day=first_day,
        days=list(days.values()),
        previous_week=max(first_day - timedelta(days=DAYS_SHOWN), today)
        if first_day > today
        else None,
        next_week=last_day + timedelta(days=1) if last_day < horizon_end else None,
    )
    if not week.has_times:
        later = slots_for(
            session_type=session_type,
            now=now,
            first_day=window_end.astimezone(practitioner_zone).date(),
            exclude_booking_id=exclude_booking_id,
        )
        week.next_open = next((s for s in later if s >= window_end), None)
    return week


def nearest_free(
    *, session_type: SessionType, around: datetime, exclude_booking_id: int | None = None
) -> list[datetime]:
    """Return the free times nearest to ``around`` (two days either side), for "just taken"."""
    if not within_reach(around, timezone.now()):
        return []
    zone = session_type.practitioner.zone
    nearby = slots_for(
        session_type=session_type,
        first_day=(around - timedelta(days=2)).astimezone(zone).date(),
        last_day=(around + timedelta(days=2)).astimezone(zone).date(),
        exclude_booking_id=exclude_booking_id,
    )
    return nearest_slots(nearby, around)
