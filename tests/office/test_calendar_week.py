"""The office's week, as a pure function: hours after days off and extra hours, bookings by day."""

from datetime import date, time

from office.calendar import Change, Window, week_days, week_start

MONDAY = date(2026, 3, 2)
WEEKLY = [(0, time(14), time(17)), (0, time(9), time(12)), (1, time(9), time(12))]


def test_it_starts_every_week_on_monday():
    assert week_start(date(2026, 3, 8)) == MONDAY  # a Sunday
    assert week_start(MONDAY) == MONDAY


def test_it_shows_the_weekly_hours_in_order():
    days = week_days(MONDAY, WEEKLY, [], [])
    assert [str(w) for w in days[0].hours] == ["09:00–12:00", "14:00–17:00"]
    assert days[1].works
    assert not days[2].works
    assert days[2].closed_note is None  # simply not a working day


def test_it_closes_a_day_off_and_keeps_its_reason():
    days = week_days(MONDAY, WEEKLY, [Change(MONDAY, True, None, None, "Training")], [])
    assert days[0].hours == []
    assert days[0].closed_note == "Training"


def test_it_cuts_a_few_hours_off_and_adds_extra_hours():
    changes = [
        Change(MONDAY, True, time(10), time(11)),
        Change(date(2026, 3, 4), False, time(18), time(20)),
    ]
    days = week_days(MONDAY, WEEKLY, changes, [])
    assert [str(w) for w in days[0].hours] == ["09:00–10:00", "11:00–12:00", "14:00–17:00"]
    assert days[2].hours == [Window(time(18), time(20))]


def test_it_puts_each_booking_on_its_day_and_ignores_others():
    days = week_days(
        MONDAY, WEEKLY, [], [(MONDAY, "a"), (date(2026, 3, 8), "b"), (date(2026, 3, 9), "c")]
    )
    assert days[0].bookings == ["a"]
    assert days[6].bookings == ["b"]
