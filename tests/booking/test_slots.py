"""Unit tests for the pure-Python slot engine (booking/slots.py)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.slots import (
    Busy,
    DateOverride,
    SlotPolicy,
    WeeklyWindow,
    day_windows,
    free_slots,
    is_free,
    nearest,
    to_utc,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")

MONDAY = 0
# Monday 1 December 2025, 01:00 in Amsterdam: the "now" slots are searched from, weeks
# before every test date, so notice and the past cut nothing unless a test says so.
DECEMBER_1 = datetime(2025, 12, 1, tzinfo=UTC)

# Mondays in Amsterdam's winter (UTC+1) and summer (UTC+2).
WINTER_MONDAY = date(2026, 1, 5)
SUMMER_MONDAY = date(2026, 7, 6)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def policy(duration: int = 50, step: int = 30, **changes) -> SlotPolicy:
    """A policy in minutes, its horizon long enough to reach every test date from DECEMBER_1."""
    changes.setdefault("horizon", timedelta(days=800))
    return SlotPolicy(duration=minutes(duration), step=minutes(step), **changes)


def every_day(start: time, end: time) -> list[WeeklyWindow]:
    return [WeeklyWindow(weekday, start, end) for weekday in range(7)]


def slots(
    zone: ZoneInfo,
    weekly: list[WeeklyWindow],
    first: date | None,
    last: date | None = None,
    *,
    overrides: list[DateOverride] | None = None,
    busy: list[Busy] | None = None,
    rules: SlotPolicy | None = None,
    now: datetime = DECEMBER_1,
    **kwargs,
) -> list[datetime]:
    return free_slots(
        zone=zone,
        weekly=weekly,
        overrides=overrides or [],
        busy=busy or [],
        policy=rules or policy(),
        now=now,
        first_day=first,
        last_day=last or first,
        **kwargs,
    )


def walls(zone: ZoneInfo, instants: list[datetime]) -> list[str]:
    """The wall-clock times ("HH:MM") of ``instants`` in ``zone``."""
    return [instant.astimezone(zone).strftime("%H:%M") for instant in instants]


def local_stamps(zone: ZoneInfo, instants: list[datetime]) -> list[str]:
    """Date, time and UTC offset of ``instants`` in ``zone``, e.g. "2026-01-05 13:30 +0530"."""
    return [instant.astimezone(zone).strftime("%Y-%m-%d %H:%M %z") for instant in instants]


def morning() -> list[WeeklyWindow]:
    """Mondays 09:00-12:00."""
    return [WeeklyWindow(MONDAY, time(9), time(12))]


# --- to_utc and day_windows -------------------------------------------------------------------


def test_it_converts_a_wall_time_to_utc():
    assert to_utc(AMSTERDAM, WINTER_MONDAY, time(9)) == utc(2026, 1, 5, 8)
    assert to_utc(AMSTERDAM, SUMMER_MONDAY, time(9)) == utc(2026, 7, 6, 7)
    assert to_utc(KOLKATA, WINTER_MONDAY, time(9)) == utc(2026, 1, 5, 3, 30)


def test_it_has_no_instant_for_a_wall_time_in_the_spring_gap():
    assert to_utc(AMSTERDAM, date(2026, 3, 29), time(2, 30)) is None
    assert to_utc(LORD_HOWE, date(2026, 10, 4), time(2, 15)) is None


def test_it_takes_the_first_occurrence_of_a_repeated_wall_time():
    assert to_utc(AMSTERDAM, date(2026, 10, 25), time(2, 30)) == utc(2026, 10, 25, 0, 30)
    assert to_utc(NEW_YORK, date(2026, 11, 1), time(1, 30)) == utc(2026, 11, 1, 5, 30)


def test_it_merges_overlapping_windows_of_a_day():
    weekly = [
        WeeklyWindow(MONDAY, time(14), time(16)),
        WeeklyWindow(MONDAY, time(9), time(11)),
        WeeklyWindow(MONDAY, time(10), time(12)),
        WeeklyWindow(MONDAY, time(15), time(0)),
    ]

    assert day_windows(WINTER_MONDAY, weekly, []) == [(time(9), time(12)), (time(14), time(0))]


# --- the weekly window --------------------------------------------------------------------------


def test_it_offers_every_start_whose_session_fits_the_window_in_winter():
    """09:00-12:00, 50 minutes every 30: 11:00 ends 11:50 and fits, 11:30 would end 12:20."""
    assert slots(AMSTERDAM, morning(), WINTER_MONDAY) == [
        utc(2026, 1, 5, 8, 0),
        utc(2026, 1, 5, 8, 30),
        utc(2026, 1, 5, 9, 0),
        utc(2026, 1, 5, 9, 30),
        utc(2026, 1, 5, 10, 0),
    ]


def test_it_offers_the_same_wall_times_in_summer_an_hour_earlier_in_utc():
    assert slots(AMSTERDAM, morning(), SUMMER_MONDAY) == [
        utc(2026, 7, 6, 7, 0),
        utc(2026, 7, 6, 7, 30),
        utc(2026, 7, 6, 8, 0),
        utc(2026, 7, 6, 8, 30),
        utc(2026, 7, 6, 9, 0),
    ]


def test_it_returns_utc_aware_instants():
    found = slots(AMSTERDAM, morning(), WINTER_MONDAY)

    assert found
    assert all(instant.tzinfo is UTC for instant in found)


def test_it_offers_nothing_on_a_day_without_a_window():
    assert slots(AMSTERDAM, morning(), WINTER_MONDAY + timedelta(days=1)) == []


def test_it_offers_a_session_that_exactly_fills_the_window():
    weekly = [WeeklyWindow(MONDAY, time(9), time(10))]

    assert slots(AMSTERDAM, weekly, WINTER_MONDAY, rules=policy(60, 30)) == [utc(2026, 1, 5, 8)]


def test_it_offers_nothing_when_the_session_is_longer_than_the_window():
    weekly = [WeeklyWindow(MONDAY, time(9), time(10))]

    assert slots(AMSTERDAM, weekly, WINTER_MONDAY, rules=policy(90, 30)) == []


def test_it_serves_several_windows_a_day_in_time_order():
    weekly = [
        WeeklyWindow(MONDAY, time(14), time(15)),
        WeeklyWindow(MONDAY, time(9), time(10)),
    ]

    found = slots(AMSTERDAM, weekly, WINTER_MONDAY, rules=policy(30, 30))

    assert walls(AMSTERDAM, found) == ["09:00", "09:30", "14:00", "14:30"]
    assert found == sorted(found)


def test_it_merges_overlapping_windows_without_duplicates():
    weekly = [
        WeeklyWindow(MONDAY, time(9), time(11)),
        WeeklyWindow(MONDAY, time(10), time(12)),
    ]

    found = slots(AMSTERDAM, weekly, WINTER_MONDAY, rules=policy(60, 60))

    assert found == [utc(2026, 1, 5, 8), utc(2026, 1, 5, 9), utc(2026, 1, 5, 10)]


def test_it_lets_a_session_span_the_seam_of_touching_windows():
    weekly = [
        WeeklyWindow(MONDAY, time(9), time(10)),
        WeeklyWindow(MONDAY, time(10), time(11)),
    ]

    found = slots(AMSTERDAM, weekly, WINTER_MONDAY, rules=policy(60, 30))

    assert walls(AMSTERDAM, found) == ["09:00", "09:30", "10:00"]


# --- overrides ------------------------------------------------------------------------------------


def test_it_closes_the_whole_day_for_a_closed_override_without_times():
    closed = [DateOverride(WINTER_MONDAY, closed=True)]
    next_monday = WINTER_MONDAY + timedelta(days=7)

    found = slots(AMSTERDAM, morning(), WINTER_MONDAY, next_monday, overrides=closed)

    assert {instant.date() for instant in found} == {next_monday}
    assert walls(AMSTERDAM, found) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_it_cuts_a_window_with_a_partly_closed_override():
    closed = [DateOverride(WINTER_MONDAY, closed=True, start=time(10), end=time(11))]

    found = slots(AMSTERDAM, morning(), WINTER_MONDAY, overrides=closed, rules=policy(60, 30))

    assert day_windows(WINTER_MONDAY, morning(), closed) == [
        (time(9), time(10)),
        (time(11), time(12)),
    ]
    assert found == [utc(2026, 1, 5, 8), utc(2026, 1, 5, 10)]


def test_it_adds_extra_hours_on_a_day_without_a_weekly_window():
    saturday = date(2026, 1, 10)
    extra = [DateOverride(saturday, closed=False, start=time(10), end=time(12))]

    found = slots(AMSTERDAM, morning(), saturday, overrides=extra, rules=policy(60, 60))

    assert found == [utc(2026, 1, 10, 9), utc(2026, 1, 10, 10)]


def test_it_merges_extra_hours_with_the_weekly_window():
    extra = [DateOverride(WINTER_MONDAY, closed=False, start=time(11), end=time(13))]

    found = slots(AMSTERDAM, morning(), WINTER_MONDAY, overrides=extra, rules=policy(60, 60))

    assert walls(AMSTERDAM, found) == ["09:00", "10:00", "11:00", "12:00"]


def test_it_applies_an_override_only_to_its_own_date():
    closed = [DateOverride(date(2026, 1, 6), closed=True)]

    assert slots(AMSTERDAM, morning(), WINTER_MONDAY, overrides=closed) == slots(
        AMSTERDAM, morning(), WINTER_MONDAY
    )


# --- busy ranges and buffers ----------------------------------------------------------------------


def test_it_drops_slots_overlapping_a_busy_range_but_keeps_abutting_ones():
    """Busy 10:00-11:00 local: 09:00-10:00 ends as it starts and 11:00 starts as it ends."""
    busy = [Busy(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10))]

    found = slots(AMSTERDAM, morning(), WINTER_MONDAY, busy=busy, rules=policy(60, 30))

    assert walls(AMSTERDAM, found) == ["09:00", "11:00"]


def test_it_widens_each_slot_by_its_buffers():
    """With 30-minute buffers a slot needs 30 minutes clear either side of the busy hour."""
    weekly = [WeeklyWindow(MONDAY, time(8), time(13))]
    busy = [Busy(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10))]  # 10:00-11:00 local
    rules = policy(60, 30, buffer_before=minutes(30), buffer_after=minutes(30))

    found = slots(AMSTERDAM, weekly, WINTER_MONDAY, busy=busy, rules=rules)

    # 08:30 + 60 + 30 ends at 10:00 and 11:30 - 30 starts at 11:00: both only abut.
    assert walls(AMSTERDAM, found) == ["08:00", "08:30", "11:30", "12:00"]


def test_it_drops_a_slot_whose_buffer_alone_touches_a_busy_range():
    busy = [Busy(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10))]  # 10:00-11:00 local
    rules = policy(60, 30, buffer_after=minutes(1))

    found = slots(AMSTERDAM, morning(), WINTER_MONDAY, busy=busy, rules=rules)

    assert walls(AMSTERDAM, found) == ["11:00"]


def test_it_handles_unsorted_and_overlapping_busy_ranges():
    weekly = [WeeklyWindow(MONDAY, time(8), time(14))]
    busy = [
        Busy(utc(2026, 1, 5, 9, 30), utc(2026, 1, 5, 9, 45)),  # inside the next one
        Busy(utc(2026, 1, 5, 9), utc(2026, 1, 5, 11)),  # 10:00-12:00 local
        Busy(utc(2026, 1, 5, 7, 30), utc(2026, 1, 5, 8)),  # 08:30-09:00 local
        Busy(utc(2026, 1, 5, 10, 30), utc(2026, 1, 5, 10, 45)),  # inside too
    ]

    found = slots(AMSTERDAM, weekly, WINTER_MONDAY, busy=busy, rules=policy(60, 30))

    assert walls(AMSTERDAM, found) == ["09:00", "12:00", "12:30", "13:00"]


# --- notice, horizon, daily limit, date range ---------------------------------------------------


def test_it_respects_the_minimum_notice():
    now = utc(2026, 1, 5, 8, 10)  # 09:10 local: earliest start is 10:10 local

    found = slots(
        AMSTERDAM, morning(), WINTER_MONDAY, now=now, rules=policy(min_notice=minutes(60))
    )

    assert found == [utc(2026, 1, 5, 9, 30), utc(2026, 1, 5, 10)]


def test_it_offers_a_slot_exactly_at_the_end_of_the_notice():
    now = utc(2026, 1, 5, 8)

    found = slots(
        AMSTERDAM, morning(), WINTER_MONDAY, now=now, rules=policy(min_notice=minutes(60))
    )

    assert found[0] == utc(2026, 1, 5, 9)


def test_it_never_offers_the_past():
    now = utc(2026, 1, 5, 9, 15)  # 10:15 local

    assert walls(AMSTERDAM, slots(AMSTERDAM, morning(), WINTER_MONDAY, now=now)) == [
        "10:30",
        "11:00",
    ]


def test_it_stops_at_the_horizon():
    now = utc(2026, 1, 5, 7)  # 08:00 local: the horizon ends on 2026-01-12 at 09:45 local
    rules = policy(horizon=timedelta(days=7, hours=1, minutes=45))

    found = slots(AMSTERDAM, morning(), None, now=now, rules=rules)

    assert found == [
        utc(2026, 1, 5, 8, 0),
        utc(2026, 1, 5, 8, 30),
        utc(2026, 1, 5, 9, 0),
        utc(2026, 1, 5, 9, 30),
        utc(2026, 1, 5, 10, 0),
        utc(2026, 1, 12, 8, 0),
        utc(2026, 1, 12, 8, 30),
    ]


def test_it_offers_a_slot_exactly_at_the_horizon():
    now = utc(2026, 1, 5, 8)  # 09:00 local
    rules = policy(horizon=timedelta(days=7))

    found = slots(AMSTERDAM, morning(), None, now=now, rules=rules)

    assert found[-1] == utc(2026, 1, 12, 8)


def test_it_searches_only_between_first_and_last_day():
    found = slots(AMSTERDAM, morning(), date(2026, 1, 12), date(2026, 1, 19))

    assert sorted({instant.date() for instant in found}) == [date(2026, 1, 12), date(2026, 1, 19)]
    assert len(found) == 10


def test_it_skips_a_day_that_reached_its_daily_limit():
    next_monday = WINTER_MONDAY + timedelta(days=7)
    rules = policy(max_per_day=2)

    full = slots(
        AMSTERDAM,
        morning(),
        WINTER_MONDAY,
        next_monday,
        rules=rules,
        bookings_per_day={WINTER_MONDAY: 2},
    )
    room = slots(
        AMSTERDAM,
        morning(),
        WINTER_MONDAY,
        next_monday,
        rules=rules,
        bookings_per_day={WINTER_MONDAY: 1},
    )

    assert {instant.date() for instant in full} == {next_monday}
    assert {instant.date() for instant in room} == {WINTER_MONDAY, next_monday}


def test_it_counts_the_daily_limit_on_the_practitioners_date():
    """A New York evening is already the next day in UTC; the limit follows the New York date."""
    weekly = [WeeklyWindow(MONDAY, time(20), time(23))]  # 01:00-04:00 UTC on Tuesday
    rules = policy(60, 60, max_per_day=1)

    by_local_date = slots(
        NEW_YORK, weekly, WINTER_MONDAY, rules=rules, bookings_per_day={WINTER_MONDAY: 1}
    )
    by_utc_date = slots(
        NEW_YORK, weekly, WINTER_MONDAY, rules=rules, bookings_per_day={date(2026, 1, 6): 1}
    )

    assert by_local_date == []
    assert by_utc_date == [utc(2026, 1, 6, 1), utc(2026, 1, 6, 2), utc(2026, 1, 6, 3)]


def test_it_refuses_a_naive_now():
    with pytest.raises(ValueError, match="aware"):
        slots(AMSTERDAM, morning(), WINTER_MONDAY, now=datetime(2026, 1, 1))


# --- midnight ---------------------------------------------------------------------------------------


def test_it_reads_an_end_of_midnight_as_the_end_of_the_day():
    weekly = [WeeklyWindow(MONDAY, time(22), time(0))]

    found = slots(
        AMSTERDAM, weekly, WINTER_MONDAY, WINTER_MONDAY + timedelta(days=1), rules=policy(60, 30)
    )

    assert found == [utc(2026, 1, 5, 21), utc(2026, 1, 5, 21, 30), utc(2026, 1, 5, 22)]


def test_it_opens_the_whole_day_from_midnight_to_midnight():
    found = slots(AMSTERDAM, every_day(time(0), time(0)), WINTER_MONDAY, rules=policy(60, 60))

    assert len(found) == 24
    assert found[0] == utc(2026, 1, 4, 23)
    assert found[-1] == utc(2026, 1, 5, 22)


def test_it_closes_the_last_hour_before_midnight():
    weekly = [WeeklyWindow(MONDAY, time(21), time(0))]
    closed = [DateOverride(WINTER_MONDAY, closed=True, start=time(23), end=time(0))]

    found = slots(AMSTERDAM, weekly, WINTER_MONDAY, overrides=closed, rules=policy(60, 60))

    assert walls(AMSTERDAM, found) == ["21:00", "22:00"]


# --- daylight saving: Europe/Amsterdam ---------------------------------------------------------


def test_it_skips_the_spring_forward_gap():
    """On 2026-03-29 Amsterdam jumps from 02:00 to 03:00: no 02:00 or 02:30 start exists."""
    spring = date(2026, 3, 29)
    weekly = every_day(time(1), time(4))

    found = slots(AMSTERDAM, weekly, spring, rules=policy(30, 30))

    assert walls(AMSTERDAM, found) == ["01:00", "01:30", "03:00", "03:30"]
    assert found == [
        utc(2026, 3, 29, 0, 0),
        utc(2026, 3, 29, 0, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 29, 1, 30),
    ]


def test_it_offers_the_repeated_autumn_hour_once():
    """On 2026-10-25 Amsterdam goes from 03:00 back to 02:00: 02:00 and 02:30 happen twice."""
    autumn = date(2026, 10, 25)
    weekly = every_day(time(1), time(4))

    found = slots(AMSTERDAM, weekly, autumn, rules=policy(30, 30))

    assert walls(AMSTERDAM, found) == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert found == [
        utc(2026, 10, 24, 23, 0),
        utc(2026, 10, 24, 23, 30),
        utc(2026, 10, 25, 0, 0),  # 02:00 CEST, the first occurrence
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 2, 0),  # 03:00 CET
        utc(2026, 10, 25, 2, 30),
    ]
    assert len(set(found)) == len(found)
    assert found == sorted(found)


def test_it_ends_a_window_inside_the_spring_gap_at_the_jump():
    """A window closing at 02:30 on the spring day closes when the clock jumps, at 03:00."""
    found = slots(
        AMSTERDAM, every_day(time(1), time(2, 30)), date(2026, 3, 29), rules=policy(30, 30)
    )

    assert found == [utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 0, 30)]


def test_it_does_not_let_a_session_run_past_a_window_that_spans_the_spring_gap():
    """01:00-04:00 on the spring day is two real hours long: a 60-minute 03:30 start overruns."""
    found = slots(AMSTERDAM, every_day(time(1), time(4)), date(2026, 3, 29), rules=policy(60, 30))

    assert walls(AMSTERDAM, found) == ["01:00", "01:30", "03:00"]


def test_it_keeps_the_wall_clock_start_across_amsterdams_changes():
    found = slots(
        AMSTERDAM,
        every_day(time(9), time(10)),
        date(2026, 3, 28),
        date(2026, 3, 30),
        rules=policy(60, 60),
    )

    assert found == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 7), utc(2026, 3, 30, 7)]


# --- daylight saving: America/New_York ----------------------------------------------------------


def test_it_skips_new_yorks_spring_forward_gap():
    """On 2026-03-08 New York jumps from 02:00 EST to 03:00 EDT."""
    found = slots(NEW_YORK, every_day(time(1), time(4)), date(2026, 3, 8), rules=policy(30, 30))

    assert walls(NEW_YORK, found) == ["01:00", "01:30", "03:00", "03:30"]
    assert found == [
        utc(2026, 3, 8, 6, 0),
        utc(2026, 3, 8, 6, 30),
        utc(2026, 3, 8, 7, 0),
        utc(2026, 3, 8, 7, 30),
    ]


def test_it_offers_new_yorks_repeated_hour_once():
    """On 2026-11-01 New York goes from 02:00 EDT back to 01:00 EST: 01:00-02:00 happens twice."""
    found = slots(NEW_YORK, every_day(time(0), time(4)), date(2026, 11, 1), rules=policy(30, 30))

    assert walls(NEW_YORK, found) == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "02:00",
        "02:30",
        "03:00",
        "03:30",
    ]
    assert found == [
        utc(2026, 11, 1, 4, 0),
        utc(2026, 11, 1, 4, 30),
        utc(2026, 11, 1, 5, 0),  # 01:00 EDT, the first occurrence
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 1, 7, 0),  # 02:00 EST
        utc(2026, 11, 1, 7, 30),
        utc(2026, 11, 1, 8, 0),
        utc(2026, 11, 1, 8, 30),
    ]
    assert len(set(found)) == len(found)


@pytest.mark.parametrize(
    ("first", "last", "first_starts"),
    [
        (
            date(2026, 3, 7),
            date(2026, 3, 9),
            [utc(2026, 3, 7, 14), utc(2026, 3, 8, 13), utc(2026, 3, 9, 13)],
        ),
        (
            date(2026, 10, 31),
            date(2026, 11, 2),
            [utc(2026, 10, 31, 13), utc(2026, 11, 1, 14), utc(2026, 11, 2, 14)],
        ),
    ],
)
def test_it_keeps_new_yorks_working_day_on_the_wall_clock(first, last, first_starts):
    found = slots(NEW_YORK, every_day(time(9), time(17)), first, last, rules=policy(60, 60))

    by_day: dict[date, list[datetime]] = {}
    for instant in found:
        by_day.setdefault(instant.astimezone(NEW_YORK).date(), []).append(instant)
    assert [starts[0] for starts in by_day.values()] == first_starts
    for starts in by_day.values():
        assert walls(NEW_YORK, starts) == [f"{hour:02}:00" for hour in range(9, 17)]


# --- daylight saving: Australia/Lord_Howe's half-hour shift ----------------------------------------


def test_it_skips_lord_howes_half_hour_gap():
    """On 2026-10-04 Lord Howe jumps from 02:00 (+10:30) to 02:30 (+11)."""
    found = slots(LORD_HOWE, every_day(time(1), time(4)), date(2026, 10, 4), rules=policy(30, 30))

    assert walls(LORD_HOWE, found) == ["01:00", "01:30", "02:30", "03:00", "03:30"]
    assert found == [
        utc(2026, 10, 3, 14, 30),
        utc(2026, 10, 3, 15, 0),
        utc(2026, 10, 3, 15, 30),
        utc(2026, 10, 3, 16, 0),
        utc(2026, 10, 3, 16, 30),
    ]


def test_it_offers_lord_howes_repeated_half_hour_once():
    """On 2026-04-05 Lord Howe goes from 02:00 (+11) back to 01:30 (+10:30)."""
    found = slots(LORD_HOWE, every_day(time(1), time(3)), date(2026, 4, 5), rules=policy(30, 30))

    assert walls(LORD_HOWE, found) == ["01:00", "01:30", "02:00", "02:30"]
    assert found == [
        utc(2026, 4, 4, 14, 0),
        utc(2026, 4, 4, 14, 30),  # 01:30 +11, the first occurrence
        utc(2026, 4, 4, 15, 30),
        utc(2026, 4, 4, 16, 0),
    ]


# --- the client's view ------------------------------------------------------------------------------


def test_it_shows_a_kolkata_client_the_practitioners_morning_in_their_own_time():
    """Kolkata is UTC+5:30 all year, so the gap to Amsterdam shrinks by an hour in summer."""
    winter = slots(AMSTERDAM, morning(), WINTER_MONDAY)
    summer = slots(AMSTERDAM, morning(), SUMMER_MONDAY)

    assert local_stamps(KOLKATA, winter) == [
        "2026-01-05 13:30 +0530",
        "2026-01-05 14:00 +0530",
        "2026-01-05 14:30 +0530",
        "2026-01-05 15:00 +0530",
        "2026-01-05 15:30 +0530",
    ]
    assert local_stamps(KOLKATA, summer) == [
        "2026-07-06 12:30 +0530",
        "2026-07-06 13:00 +0530",
        "2026-07-06 13:30 +0530",
        "2026-07-06 14:00 +0530",
        "2026-07-06 14:30 +0530",
    ]


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # Amsterdam springs forward on 2026-03-29; Lord Howe stays on +11.
        (
            date(2026, 3, 27),
            date(2026, 3, 30),
            ["2026-03-27 19:00 +1100", "2026-03-30 18:00 +1100"],
        ),
        # Lord Howe leaves DST on 2026-04-05 (+11 -> +10:30); Amsterdam stays on +2.
        (
            date(2026, 4, 3),
            date(2026, 4, 6),
            ["2026-04-03 18:00 +1100", "2026-04-06 17:30 +1030"],
        ),
        # Lord Howe starts DST on 2026-10-04 (+10:30 -> +11); Amsterdam stays on +2.
        (
            date(2026, 10, 2),
            date(2026, 10, 5),
            ["2026-10-02 17:30 +1030", "2026-10-05 18:00 +1100"],
        ),
    ],
)
def test_it_shows_a_lord_howe_client_the_half_hour_shift(first, last, expected):
    weekly = [WeeklyWindow(0, time(9), time(10)), WeeklyWindow(4, time(9), time(10))]  # Mon, Fri

    found = slots(AMSTERDAM, weekly, first, last, rules=policy(60, 60))

    assert walls(AMSTERDAM, found) == ["09:00", "09:00"]
    assert local_stamps(LORD_HOWE, found) == expected


# --- is_free and nearest --------------------------------------------------------------------------


def free(slot_start: datetime, now: datetime = DECEMBER_1, **changes) -> bool:
    return is_free(
        slot_start,
        zone=AMSTERDAM,
        weekly=morning(),
        overrides=[],
        busy=[Busy(utc(2026, 1, 5, 9), utc(2026, 1, 5, 10))],  # 10:00-11:00 local
        policy=policy(60, 30, **changes),
        now=now,
    )


def test_it_confirms_an_offered_slot_is_free():
    assert free(utc(2026, 1, 5, 8))
    assert free(utc(2026, 1, 5, 8).astimezone(AMSTERDAM))  # any aware datetime for the instant


def test_it_refuses_an_off_grid_time():
    assert not free(utc(2026, 1, 5, 8, 15))


def test_it_refuses_a_busy_time():
    assert not free(utc(2026, 1, 5, 9, 30))


def test_it_refuses_a_time_in_the_past_or_inside_the_notice():
    assert not free(utc(2026, 1, 5, 8), now=utc(2026, 1, 5, 8, 1))
    assert not free(utc(2026, 1, 5, 8), now=utc(2026, 1, 5, 7, 30), min_notice=minutes(60))
    assert free(utc(2026, 1, 5, 8), now=utc(2026, 1, 5, 7), min_notice=minutes(60))


def test_it_refuses_a_time_beyond_the_horizon():
    assert not free(utc(2026, 1, 5, 8), now=DECEMBER_1, horizon=timedelta(days=30))
    assert free(utc(2026, 1, 5, 8), now=DECEMBER_1, horizon=timedelta(days=40))


def test_it_returns_the_nearest_slots_in_time_order():
    offered = [utc(2026, 1, 5, hour) for hour in (8, 9, 10, 11, 14, 15)]

    assert nearest(offered, utc(2026, 1, 5, 10, 40)) == [
        utc(2026, 1, 5, 9),
        utc(2026, 1, 5, 10),
        utc(2026, 1, 5, 11),
    ]
    assert nearest(offered, utc(2026, 1, 5, 16), count=2) == [
        utc(2026, 1, 5, 14),
        utc(2026, 1, 5, 15),
    ]


def test_it_breaks_a_nearest_tie_in_favour_of_the_earlier_slot():
    offered = [utc(2026, 1, 5, 14), utc(2026, 1, 5, 11)]

    assert nearest(offered, utc(2026, 1, 5, 12, 30), count=1) == [utc(2026, 1, 5, 11)]


def test_it_returns_fewer_nearest_slots_when_there_are_fewer():
    assert nearest([utc(2026, 1, 5, 9)], utc(2026, 1, 5, 12)) == [utc(2026, 1, 5, 9)]
    assert nearest([], utc(2026, 1, 5, 12)) == []


# --- properties ---------------------------------------------------------------------------------

PROPERTY_ZONES = [
    "Europe/Amsterdam",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/Sao_Paulo",
]

# Random dates rarely land on a change, so the changes of 2026-2027 are drawn on purpose too.
TRANSITION_DAYS = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 9, 27),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2027, 3, 14),
    date(2027, 3, 28),
    date(2027, 4, 4),
    date(2027, 9, 26),
    date(2027, 10, 3),
    date(2027, 10, 31),
    date(2027, 11, 7),
]


def wall_time(five_minutes: int) -> time:
    """The wall time ``five_minutes`` * 5 minutes after midnight; 24:00 is written 00:00."""
    return time(five_minutes // 12 % 24, five_minutes % 12 * 5)


windows_5min = st.integers(0, 287).flatmap(
    lambda start: st.tuples(st.just(start), st.integers(start + 1, 288))
)
busy_ranges = st.tuples(st.integers(0, 4 * 24 * 12), st.integers(1, 48))


def window_close(zone: ZoneInfo, day: date, end: time) -> datetime:
    """An upper bound for the UTC close of a window (exact unless ``end`` is in a gap)."""
    if end == time(0, 0):
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def overlaps(start: datetime, end: datetime, busy: list[Busy]) -> bool:
    return any(start < item.end and item.start < end for item in busy)


@settings(max_examples=200, deadline=None, database=None)
@given(
    zone_name=st.sampled_from(PROPERTY_ZONES),
    first=st.one_of(
        st.dates(date(2026, 1, 1), date(2027, 12, 29)), st.sampled_from(TRANSITION_DAYS)
    ),
    span=st.integers(0, 2),
    windows=st.lists(windows_5min, min_size=1, max_size=3),
    step=st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90]),
    duration=st.sampled_from([10, 15, 30, 45, 50, 60, 90, 120]),
    buffer_before=st.sampled_from([0, 5, 15, 30]),
    buffer_after=st.sampled_from([0, 5, 15, 30]),
    raw_busy=st.lists(busy_ranges, max_size=4),
)
def test_it_keeps_its_invariants_for_any_zone_date_and_window(
    zone_name, first, span, windows, step, duration, buffer_before, buffer_after, raw_busy
):
    zone = ZoneInfo(zone_name)
    last = first + timedelta(days=span)
    weekly = [
        WeeklyWindow(weekday, wall_time(start), wall_time(end))
        for weekday in range(7)
        for start, end in windows
    ]
    base = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(hours=14)
    busy = [
        Busy(base + minutes(5 * offset), base + minutes(5 * (offset + length)))
        for offset, length in raw_busy
    ]
    rules = policy(
        duration, step, buffer_before=minutes(buffer_before), buffer_after=minutes(buffer_after)
    )

    found = slots(zone, weekly, first, last, busy=busy, rules=rules)
    unbusy = slots(zone, weekly, first, last, rules=rules)

    assert found == sorted(set(found))  # sorted, and each instant once
    for instant in found:
        assert instant.tzinfo is not None
        assert instant.utcoffset() == timedelta(0)

        local = instant.astimezone(zone)
        day, wall = local.date(), local.time().replace(fold=0)
        assert first <= day <= last
        assert to_utc(zone, day, wall) == instant  # the first occurrence of its wall time

        containing = [
            (start, end)
            for start, end in day_windows(day, weekly, [])
            if start <= wall and (wall < end or end == time(0, 0))
        ]
        assert len(containing) == 1
        assert instant + rules.duration <= window_close(zone, day, containing[0][1])

        padded_start = instant - rules.buffer_before
        padded_end = instant + rules.duration + rules.buffer_after
        assert not overlaps(padded_start, padded_end, busy)

    # Busy ranges only ever take slots away, and exactly the ones they touch.
    assert found == [
        instant
        for instant in unbusy
        if not overlaps(
            instant - rules.buffer_before, instant + rules.duration + rules.buffer_after, busy
        )
    ]
