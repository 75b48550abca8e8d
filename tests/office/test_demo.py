"""The demo practice obeys the app's own rules, whatever the day and hour it is seeded."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from assessments import scoring
from assessments.models import Intake
from booking.models import Booking, Practitioner, SessionType
from booking.selectors import slots_for
from booking.services import OUTCOMES, booking_outside_hours, client_statuses_refresh
from clients.models import Client
from notifications.kinds import kind_get, subject_type_get
from notifications.models import OutboundEmail
from office.demo import COUPLE_BOOKER, RETURNING
from office.models import Note

from ..clock import NOW

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The plain winter week of tests/clock.py, and the week whose Sunday the clocks go
# forward (29 March 2026).
WINTER_MONDAY = NOW.astimezone(AMSTERDAM).date()
DST_MONDAY = datetime(2026, 3, 23).date()


def moments() -> list:
    """Every weekday, at 08:00 and 20:00 on her clock, in both weeks."""
    return [
        pytest.param(
            datetime.combine(monday + timedelta(days=day), time(hour), tzinfo=AMSTERDAM),
            id=f"{monday + timedelta(days=day):%a-%d-%b}-{hour:02d}h",
        )
        for monday in (WINTER_MONDAY, DST_MONDAY)
        for day in range(7)
        for hour in (8, 20)
    ]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def pending_emails():
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.SCHEDULED)


def assert_true_to_the_app(now: datetime) -> None:
    future = Booking.objects.filter(start_at__gt=now)
    assert not future.filter(status__in=OUTCOMES).exists(), "a future booking has an outcome"

    confirmed = future.filter(status=Booking.Status.CONFIRMED).select_related(
        "session_type__practitioner"
    )
    assert confirmed.count() >= 4
    for booking in confirmed:
        session_type = booking.session_type
        assert not booking_outside_hours(session_type=session_type, start=booking.start_at)
        assert booking.start_at not in slots_for(session_type=session_type)
        # Taken by this booking and nothing else: without it, the page offers the time.
        assert booking.start_at in slots_for(
            session_type=session_type, exclude_booking_id=booking.pk
        )

    for email in pending_emails():
        subject = subject_type_get(email.subject_type).load(email.subject_id)
        reason = kind_get(email.kind).still_needed(email, subject, now)
        assert reason == "", f"{email.kind} queued but not needed: {reason}"
    answered = Intake.objects.filter(status=Intake.Status.COMPLETED).values("booking_id")
    assert not pending_emails().filter(kind="intake_nudge", subject_id__in=answered).exists()
    cancelled = Booking.objects.filter(status=Booking.Status.CANCELLED).values("pk")
    assert cancelled.exists()
    assert not pending_emails().filter(kind="intake_nudge", subject_id__in=cancelled).exists()

    statuses = dict(Client.objects.values_list("pk", "status"))
    assert client_statuses_refresh(now=now) == 0
    assert dict(Client.objects.values_list("pk", "status")) == statuses


def assert_the_story(now: datetime) -> None:
    couple = Booking.objects.get(client__email=COUPLE_BOOKER.email)
    assert couple.mode == Booking.Mode.COUPLE
    booker, partner = (couple.intakes.get(role=role) for role in ("client", "partner"))
    assert booker.status == partner.status == Intake.Status.COMPLETED
    assert booker.answers != partner.answers
    for intake in (booker, partner):
        assert not scoring.validate_answers(intake.instrument.definition, intake.answers)
    assert booker.answers["ctx_hopes"] != partner.answers["ctx_hopes"]
    assert OutboundEmail.objects.filter(kind="intake_invitation", subject_id=couple.pk).exists()

    urgent = Intake.objects.get(urgent=True)
    assert urgent.booking.start_at > now
    assert OutboundEmail.objects.filter(
        kind="urgent_alert", subject_id=urgent.booking_id, status="scheduled"
    ).exists()

    no_show = Booking.objects.get(status=Booking.Status.NO_SHOW)
    assert no_show.end_at <= now
    assert pending_emails().filter(kind="missed", subject_id=no_show.pk).exists()

    not_started = Intake.objects.get(
        status=Intake.Status.NOT_STARTED,
        booking__status=Booking.Status.CONFIRMED,
        booking__start_at__gt=now,
    )
    assert pending_emails().filter(kind="intake_nudge", subject_id=not_started.booking_id).exists()

    returning = Client.objects.get(email=RETURNING.email)
    attended = returning.bookings.filter(status=Booking.Status.COMPLETED)
    assert attended.count() >= 3
    assert all(booking.end_at <= now for booking in attended)
    assert attended.filter(session_type__kind=SessionType.Kind.ASSESSMENT).exists()
    assert attended.filter(session_type__kind=SessionType.Kind.SESSION).count() >= 2
    upcoming = returning.bookings.get(start_at__gt=now)
    assert upcoming.status == Booking.Status.CONFIRMED
    assert upcoming.session_type.kind == SessionType.Kind.SESSION
    assert returning.status == Client.Status.CLIENT
    assert Note.objects.filter(client=returning).exists()


@pytest.mark.parametrize("moment", moments())
def test_it_seeds_a_demo_true_to_the_app(debug_on, time_machine, moment):
    time_machine.move_to(moment, tick=False)
    now = moment.astimezone(UTC)
    assert "Demo data ready: 7 clients, 9 bookings." in seed()
    assert_true_to_the_app(now)
    assert_the_story(now)


def snapshot() -> dict:
    return {
        "bookings": list(Booking.objects.order_by("pk").values()),
        "clients": list(Client.objects.order_by("pk").values()),
        "intakes": list(Intake.objects.order_by("pk").values()),
        "emails": list(OutboundEmail.objects.order_by("pk").values()),
        "notes": list(Note.objects.order_by("pk").values()),
        "practitioner": list(Practitioner.objects.values()),
    }


def test_it_changes_nothing_when_seeded_again(debug_on, time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 20, 0, tzinfo=AMSTERDAM), tick=False)
    seed()
    before = snapshot()
    time_machine.move_to(datetime(2026, 3, 5, 8, 0, tzinfo=AMSTERDAM), tick=False)
    assert "Demo data already there (7 clients, 9 bookings); nothing changed." in seed()
    assert snapshot() == before


def test_it_fills_in_the_landing_page_profile(debug_on, time_machine):
    from booking.demo_profile import DEMO_PROFILE

    time_machine.move_to(datetime(2026, 3, 2, 8, 0, tzinfo=AMSTERDAM), tick=False)
    seed()
    practitioner = Practitioner.objects.get()
    for field, value in DEMO_PROFILE.items():
        if hasattr(practitioner, field):
            assert getattr(practitioner, field) == value
