"""The calendar page: one week in her zone, other weeks one click away."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import AvailabilityOverride, Booking

from ..clock import NOW
from ..factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)

CALENDAR = "/admin/calendar/"


def book(assessment, start, name="Priya Raman", **fields):
    client = ClientFactory(name=name)
    return BookingFactory(session_type=assessment, client=client, start_at=start, **fields)


def test_it_shows_this_week_with_hours_days_off_and_bookings(office, maya, assessment):
    AvailabilityOverride.objects.create(
        practitioner=maya, date=NOW.date() + timedelta(days=1), note="Training"
    )
    booking = book(assessment, NOW + timedelta(days=2, hours=1))
    book(assessment, NOW + timedelta(days=3), name="Cancelled Cas", status=Booking.Status.CANCELLED)
    content = office.get(CALENDAR).content.decode()
    assert "<h1>Week of 2 March 2026</h1>" in content
    assert "Working 09:00–12:00, 14:00–17:00" in content
    assert "Day off: Training" in content
    assert f'href="/admin/booking/booking/{booking.pk}/change/"' in content
    assert "10:00–10:20" in content  # 09:00 UTC is 10:00 in Amsterdam
    assert "Cancelled Cas" not in content


def test_it_keeps_her_clock_across_the_change_to_summer_time(office, assessment):
    # 09:00 in Amsterdam: 08:00 UTC before 29 March 2026, 07:00 UTC after.
    book(assessment, datetime(2026, 3, 27, 8, 0, tzinfo=UTC), name="Before")
    book(assessment, datetime(2026, 3, 30, 7, 0, tzinfo=UTC), name="After")
    before = office.get(CALENDAR + "?week=2026-03-23").content.decode()
    after = office.get(CALENDAR + "?week=2026-03-30").content.decode()
    assert re.search(r"09:00–09:20</strong>\s+Before", before)
    assert re.search(r"09:00–09:20</strong>\s+After", after)


def test_it_moves_between_weeks(office):
    content = office.get(CALENDAR + "?week=2026-03-11").content.decode()
    assert "<h1>Week of 9 March 2026</h1>" in content
    assert 'href="?week=2026-03-02"' in content  # earlier, and this week
    assert 'href="?week=2026-03-16"' in content


def test_it_explains_a_week_it_cannot_read(office):
    content = office.get(CALENDAR + "?week=next-tuesday", follow=True).content.decode()
    assert "That week could not be read; here is this week." in content
    assert "<h1>Week of 2 March 2026</h1>" in content


def count(office) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert office.get(CALENDAR).status_code == 200
    return len(queries)


def test_it_reads_a_week_in_a_fixed_number_of_queries(office, assessment):
    for i in range(2):
        book(assessment, NOW + timedelta(days=1, hours=i * 3), name=f"A{i}")
    few = count(office)
    for i in range(12):
        book(assessment, NOW + timedelta(days=2, hours=i), name=f"B{i}")
    # session, user, second factor, practitioner (her clock), hours, days off, bookings
    assert few == count(office) == 7
