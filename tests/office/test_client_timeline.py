"""A client's page tells their story: bookings, questionnaires, emails, notes, newest first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Intake
from booking.models import Booking
from notifications.models import OutboundEmail
from office.models import Note

from ..clock import NOW
from ..emails import email_row
from ..factories import BookingFactory, ClientFactory, IntakeFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def page(office, client) -> str:
    response = office.get(f"/admin/clients/client/{client.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def couple(assessment):
    ana = ClientFactory(name="Ana Silva", email="ana@example.com")
    jo = ClientFactory(name="Jo Reyes", email="jo@example.com")
    booking = BookingFactory(
        session_type=assessment,
        client=ana,
        start_at=NOW + timedelta(days=2),
        mode=Booking.Mode.COUPLE,
        partner_name="Jo Reyes",
        partner_email="jo@example.com",
    )
    IntakeFactory(booking=booking, client=ana, role=Intake.Role.CLIENT)
    IntakeFactory(booking=booking, client=jo, role=Intake.Role.PARTNER, urgent=True, urgent_at=NOW)
    return booking


def test_it_tells_the_clients_story_newest_first(office, couple, maya):
    ana = couple.client
    sent = email_row(couple, "confirmation", ana.email, due_at=NOW - timedelta(hours=1))
    OutboundEmail.objects.filter(pk=sent.pk).update(status="sent", sent_at=NOW - timedelta(hours=1))
    Note.objects.create(
        client=ana, text="Prefers mornings.", author=maya.user, created_at=NOW - timedelta(days=1)
    )
    content = page(office, ana)
    timeline = content[content.index('class="timeline"') :]
    booking_at = timeline.index("Free assessment call")
    email_at = timeline.index("Email: Booking confirmation")
    note_at = timeline.index("Your note")
    assert booking_at < email_at < note_at  # in two days, an hour ago, yesterday
    assert f'href="/admin/booking/booking/{couple.pk}/change/"' in timeline
    assert f'href="/admin/notifications/outboundemail/{sent.pk}/change/"' in timeline
    assert f'href="/admin/assessments/intake/report/{couple.pk}/"' in timeline
    assert "Prefers mornings." in timeline


def test_it_links_partners_and_keeps_each_ones_answers_on_their_own_record(office, couple):
    ana, jo = couple.client, Intake.objects.get(role="partner").client
    anas = page(office, ana)
    assert f'href="/admin/clients/client/{jo.pk}/change/">Jo Reyes</a>' in anas
    assert "Safety answer</span>" not in anas  # Jo's flag is on Jo's page, not Ana's
    jos = page(office, jo)
    assert f'href="/admin/clients/client/{ana.pk}/change/">Ana Silva</a>' in jos
    assert "Free assessment call (as Ana Silva&#x27;s partner)" in jos
    assert "Safety answer</span>" in jos


def count(office, client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(office, client)
    return len(queries)


def test_it_reads_a_client_page_in_a_fixed_number_of_queries(office, assessment, maya):
    ana = ClientFactory(name="Ana Silva")

    def history(n: int, first: int = 0) -> None:
        for i in range(first, first + n):
            booking = BookingFactory(
                session_type=assessment, client=ana, start_at=NOW - timedelta(days=10 + i * 3)
            )
            IntakeFactory(booking=booking, client=ana)
            email_row(booking, "reminder", ana.email)
            Note.objects.create(client=ana, booking=booking, text=f"Note {i}", author=maya.user)

    history(2)
    few = count(office, ana)
    history(10, first=2)
    assert few == count(office, ana)


def test_it_shows_the_latest_entries_and_links_to_the_rest(office, assessment):
    ana = ClientFactory(name="Ana Silva", email="ana@example.com")
    for i in range(30):
        booking = BookingFactory(
            session_type=assessment, client=ana, start_at=NOW - timedelta(days=1 + i)
        )
        email_row(booking, "reminder", ana.email, due_at=NOW - timedelta(days=2 + i))
    content = page(office, ana)
    timeline = content[content.index('class="timeline"') :]
    assert timeline.count("<time ") == 50
    assert "These are the latest 50." in timeline
    assert "?status=all&amp;q=ana%40example.com" in timeline
    # The newest come first: yesterday's call, not the one a month ago.
    assert "Email: Reminder" in timeline
    assert (NOW - timedelta(days=30)).strftime("%a %-d %b %Y") not in timeline
