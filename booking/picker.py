"""The slot picker's week: free times grouped by day in the visitor's zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import SessionType
from .selectors import slots_for

DAYS_SHOWN = 7


@dataclass
class PickerDay:
    day: date
    times: list[tuple[datetime, str]] = field(default_factory=list)  # (UTC start, "14:30")


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
    first_day = max(first_day or today, today)
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
            days[local.date()].times.append((slot_start, local.strftime("%H:%M")))

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
