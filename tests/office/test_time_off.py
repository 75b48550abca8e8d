"""Time off as a range with one reason, from the calendar."""

from datetime import date

import pytest

from booking.models import AvailabilityOverride
from booking.services import BookingError, time_off_add

from ..clock import NOW

pytestmark = pytest.mark.time_machine(NOW, tick=False)

TIME_OFF = "/admin/calendar/time-off/"


def test_it_closes_every_day_of_a_holiday_in_one_step(office, maya):
    response = office.post(
        TIME_OFF, {"first_day": "2026-03-09", "last_day": "2026-03-13", "note": "Holiday"}
    )
    assert response["Location"] == "/admin/calendar/?week=2026-03-09"
    days = AvailabilityOverride.objects.filter(practitioner=maya).order_by("date")
    assert [d.date.day for d in days] == [9, 10, 11, 12, 13]
    assert {d.note for d in days} == {"Holiday"}
    page = office.get(response["Location"]).content.decode()
    assert "5 days off added." in page
    assert page.count("Day off: Holiday") == 5


def test_it_keeps_days_already_off_and_counts_only_new_ones(maya):
    assert (
        time_off_add(
            practitioner=maya,
            first_day=date(2026, 3, 9),
            last_day=date(2026, 3, 9),
            note="Training",
        )
        == 1
    )
    added = time_off_add(
        practitioner=maya, first_day=date(2026, 3, 9), last_day=date(2026, 3, 10), note="Holiday"
    )
    assert added == 1
    assert AvailabilityOverride.objects.get(date=date(2026, 3, 9)).note == "Training"


def test_it_explains_a_range_it_cannot_take(office, maya):
    response = office.post(TIME_OFF, {"first_day": "2026-03-13", "last_day": "2026-03-09"})
    assert response.status_code == 400
    assert "The last day comes before the first." in response.content.decode()
    with pytest.raises(BookingError, match="at most a year"):
        time_off_add(
            practitioner=maya, first_day=date(2026, 1, 1), last_day=date(2027, 1, 2), note=""
        )
    assert not AvailabilityOverride.objects.exists()


def test_it_closes_the_days_for_booking(maya, assessment):
    from booking.selectors import slots_for

    time_off_add(practitioner=maya, first_day=date(2026, 3, 3), last_day=date(2026, 3, 3), note="")
    found = slots_for(
        session_type=assessment, first_day=date(2026, 3, 3), last_day=date(2026, 3, 3)
    )
    assert found == []
