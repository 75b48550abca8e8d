"""Today, the office's first page: urgent things first, the week, what waits, the funnel."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Intake
from booking.models import Booking
from notifications.models import Heartbeat, OutboundEmail

from ..clock import NOW
from ..factories import BookingFactory, ClientFactory, IntakeFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def page(office) -> str:
    response = office.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def sent(intake, *, at=NOW, urgent=False):
    Intake.objects.filter(pk=intake.pk).update(
        status=Intake.Status.COMPLETED,
        submitted_at=at,
        awaiting_review=True,  # as intake_submit sets it
        urgent=urgent,
        urgent_at=at if urgent else None,
    )


def booking_at(session_type, start, name="Priya Raman", **fields):
    client = ClientFactory(name=name)
    return BookingFactory(session_type=session_type, start_at=start, client=client, **fields)


def test_it_opens_on_today_in_the_practitioners_words(office):
    content = page(office)
    assert "<h1>Today, Monday 2 March</h1>" in content
    for word in ("Today", "Clients", "Bookings", "Questionnaires", "Emails", "Settings"):
        assert f">{word}</a>" in content
    assert "Authentication and Authorization" not in content
    assert "Site administration" not in content


def test_it_shows_a_safety_answer_first_until_the_report_is_marked_read(office, assessment):
    booking = booking_at(assessment, NOW + timedelta(days=2))
    sent(IntakeFactory(booking=booking), urgent=True)
    content = page(office)
    first = content.index('id="first"')
    assert content.index("Safety answer:", first) < content.index('id="week"')
    report = f"/admin/assessments/intake/report/{booking.pk}/"
    assert f'href="{report}"' in content

    response = office.post(f"{report}read/")
    assert response["Location"] == "/admin/"
    content = page(office)
    assert "Safety answer:" not in content
    assert "Marked as read." in content
    assert "You have read every questionnaire sent." in content


def test_it_shows_a_report_again_when_something_new_is_sent(office, assessment, time_machine):
    booking = booking_at(assessment, NOW + timedelta(days=2), mode=Booking.Mode.COUPLE)
    client = IntakeFactory(booking=booking)
    sent(client)
    office.post(f"/admin/assessments/intake/report/{booking.pk}/read/")
    assert "You have read every questionnaire sent." in page(office)
    partner = IntakeFactory(booking=booking, role=Intake.Role.PARTNER, client=ClientFactory())
    sent(partner, at=NOW + timedelta(hours=1))
    assert "You have read every questionnaire sent." not in page(office)


def test_it_refuses_to_mark_read_with_a_get(office, assessment):
    booking = booking_at(assessment, NOW + timedelta(days=2))
    response = office.get(f"/admin/assessments/intake/report/{booking.pk}/read/")
    assert response.status_code == 405


def test_it_points_to_emails_that_failed_and_a_stalled_sweep(office):
    OutboundEmail.objects.create(
        kind="confirmation",
        subject_type="booking",
        subject_id=1,
        to_email="a@example.com",
        due_at=NOW,
        dedupe_key="x",
        status=OutboundEmail.Status.FAILED,
    )
    Heartbeat.objects.create(name="outbox-sweep", beat_at=NOW - timedelta(minutes=42))
    content = page(office)
    assert "1 email could not be sent." in content
    assert "?status__exact=failed" in content
    assert "Emails have not been sent since Mon 2 Mar, 08:18." in content


def test_it_asks_for_support_resources_when_they_are_empty(office, maya):
    maya.support_resources = ""
    maya.save()
    assert "Support resources are empty." in page(office)
    maya.support_resources = "Crisis line: 113"
    maya.save()
    assert "Support resources are empty." not in page(office)


def test_it_lists_the_weeks_sessions_on_her_clock(office, assessment):
    # 23:30 in Amsterdam on Monday is 22:30 UTC: still Monday on her calendar.
    late = booking_at(assessment, NOW.replace(hour=22, minute=30), name="Late Lou")
    IntakeFactory(booking=late)
    booking_at(assessment, NOW + timedelta(days=1, hours=2), name="Tomorrow Tess")
    booking_at(assessment, NOW + timedelta(days=8), name="Next Month Ned")
    booking_at(
        assessment, NOW + timedelta(days=2), name="Cancelled Cas", status=Booking.Status.CANCELLED
    )
    content = page(office)
    week = content[content.index('id="week"') : content.index('id="waiting"')]
    assert week.index("Today") < week.index("23:30–23:50") < week.index("Late Lou")
    assert week.index("Late Lou") < week.index("Tomorrow") < week.index("Tomorrow Tess")
    assert "Not started" in week
    assert "Next Month Ned" not in week
    assert "Cancelled Cas" not in week


def test_it_counts_the_last_ninety_days(office, assessment, single_session):
    attended = booking_at(
        assessment, NOW - timedelta(days=10), name="Ana", status=Booking.Status.COMPLETED
    )
    BookingFactory(
        session_type=single_session, client=attended.client, start_at=NOW + timedelta(days=3)
    )
    booking_at(assessment, NOW - timedelta(days=5), status=Booking.Status.NO_SHOW)
    booking_at(assessment, NOW - timedelta(days=20), status=Booking.Status.NOT_A_FIT)
    booking_at(assessment, NOW - timedelta(days=100), status=Booking.Status.COMPLETED)
    funnel = office.get("/admin/").context["today"].funnel
    assert funnel.steps == [
        ("Free calls booked", 3),
        ("Attended", 2),
        ("Not a fit", 1),
        ("No-show", 1),
        ("Booked a session afterwards", 1),
    ]


def fill(assessment, n: int, *, first: int = 0) -> None:
    """Add ``n`` upcoming calls (half urgent) and ``n`` past ones; ``first`` keeps them apart
    from an earlier fill (PostgreSQL refuses overlapping bookings)."""
    for i in range(first, first + n):
        booking = booking_at(assessment, NOW + timedelta(hours=3 + i * 7), name=f"Client {i}")
        sent(IntakeFactory(booking=booking), urgent=i % 2 == 0)
        booking_at(assessment, NOW - timedelta(days=1 + i), name=f"Past {i}", status="completed")


def count_queries(office) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert office.get("/admin/").status_code == 200
    return len(queries)


def test_it_reads_today_in_a_fixed_number_of_queries(office, assessment):
    fill(assessment, 2)
    few = count_queries(office)
    fill(assessment, 12, first=2)
    many = count_queries(office)
    # session, user, second factor, practitioner (her clock), sweep, urgent, failed,
    # emails due (never swept here), week, waiting, waiting count, funnel
    assert few == many == 12


def test_it_leaves_the_days_after_a_full_week_to_the_calendar(office, assessment, monkeypatch):
    from office import selectors

    monkeypatch.setattr(selectors, "UPCOMING_LIMIT", 3)
    for hours in (2, 3, 26, 27, 50):  # two today, two tomorrow, one the day after
        booking_at(assessment, NOW + timedelta(hours=hours), name=f"Client {hours}")
    content = page(office)
    for hours in (2, 3):
        assert f"Client {hours}" in content
    for hours in (26, 27, 50):  # tomorrow is cut short: the whole day goes to the calendar
        assert f"Client {hours}" not in content
    assert "From Tuesday 3 March on, your sessions are on the" in content
    assert 'href="/admin/calendar/?week=2026-03-03"' in content
