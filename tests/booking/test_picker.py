"""The slot picker's week (booking/picker.py) and how its times read in the visitor's zone."""

from datetime import date, time

import pytest

from booking.models import AvailabilityRule
from booking.picker import picker_week

from ..clock import NOW
from ..factories import PractitionerFactory, SessionTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

SUNDAY = 6
# London's clocks go back at 02:00 on Sunday 25 October 2026, New York's on Sunday
# 1 November: 01:00-01:59 happens twice there, an hour apart in UTC.
LONDON_AUTUMN = date(2026, 10, 25)
NEW_YORK_AUTUMN = date(2026, 11, 1)


@pytest.fixture
def night_owl(db):
    """A practitioner in UTC with Sunday hours across both cities' repeated hours."""
    practitioner = PractitionerFactory(
        user__username="sam", display_name="Sam Reyes", time_zone="UTC"
    )
    AvailabilityRule.objects.create(
        practitioner=practitioner, weekday=SUNDAY, start_time=time(0), end_time=time(8)
    )
    return SessionTypeFactory(practitioner=practitioner, slug="night-call", horizon_days=300)


def labels(week, day: date) -> list[str]:
    return [label for _, label in next(d for d in week.days if d.day == day).times]


def test_it_tells_apart_the_two_times_of_londons_repeated_hour(night_owl):
    week = picker_week(session_type=night_owl, zone_name="Europe/London", first_day=LONDON_AUTUMN)
    assert labels(week, LONDON_AUTUMN)[:6] == [
        "01:00 (first)",
        "01:30 (first)",
        "01:00 (second)",
        "01:30 (second)",
        "02:00",
        "02:30",
    ]


def test_it_tells_apart_the_two_times_of_new_yorks_repeated_hour(night_owl):
    week = picker_week(
        session_type=night_owl, zone_name="America/New_York", first_day=NEW_YORK_AUTUMN
    )
    assert "01:30 (first)" in labels(week, NEW_YORK_AUTUMN)
    assert "01:30 (second)" in labels(week, NEW_YORK_AUTUMN)
    assert all(len(set(labels(week, day.day))) == len(day.times) for day in week.days)


def test_it_labels_an_ordinary_night_plainly(night_owl):
    week = picker_week(
        session_type=night_owl, zone_name="Europe/London", first_day=date(2026, 3, 8)
    )
    assert labels(week, date(2026, 3, 8))[:2] == ["00:00", "00:30"]


def test_it_shows_the_repeated_hour_apart_on_the_page(client, night_owl):
    page = client.get("/book/night-call/?week=2026-10-25&tz=Europe/London").content.decode()
    first = 'value="2026-10-25T00:30:00+00:00" aria-label="Sunday 25 October at 01:30 (first)"'
    second = 'value="2026-10-25T01:30:00+00:00" aria-label="Sunday 25 October at 01:30 (second)"'
    assert first in page
    assert second in page
    assert ">01:30 (first)</button>" in page
    assert ">01:30 (second)</button>" in page
    assert "The clocks go back that night" in page
