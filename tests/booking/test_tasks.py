"""The confirmation email: sent once, discreet, in the client's zone, with a calendar file."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from booking.models import Booking
from booking.tasks import booking_confirmation_send_task

from ..factories import BookingFactory, ClientFactory

START = datetime(2026, 3, 31, 7, 0, tzinfo=UTC)  # 09:00 Amsterdam (summer time), 12:30 Kolkata

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(assessment):
    client = ClientFactory(name="Priya", email="priya@example.com", time_zone="Asia/Kolkata")
    return BookingFactory(
        session_type=assessment, client=client, start_at=START, client_time_zone="Asia/Kolkata"
    )


def test_it_sends_the_confirmation_in_the_clients_zone(booking):
    with time_machine.travel(datetime(2026, 3, 20, tzinfo=UTC), tick=False):
        booking_confirmation_send_task.apply(args=(booking.pk,))
    [message] = mail.outbox
    assert message.to == ["priya@example.com"]
    assert message.subject == "Booked: Tuesday 31 March 2026 at 12:30 (Kolkata time)"
    assert "Tuesday 31 March 2026 at 09:00 (Amsterdam time)" in message.body
    assert "https://meet.example.com/maya" in message.body
    assert "https://book.example.com/b/" in message.body
    html = message.alternatives[0].content
    assert "12:30 (Kolkata time)" in html
    booking.refresh_from_db()
    assert booking.confirmation_sent_at == datetime(2026, 3, 20, tzinfo=UTC)


def test_it_keeps_subject_and_calendar_title_discreet(booking):
    booking_confirmation_send_task.apply(args=(booking.pk,))
    [message] = mail.outbox
    [(filename, content, mimetype)] = message.attachments
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    for text in (message.subject, str(event["SUMMARY"])):
        for word in ("therap", "counsel", "relationship", "couple", "trauma", "assessment"):
            assert word not in text.lower()
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")


def test_it_sends_at_most_once(booking):
    booking_confirmation_send_task.apply(args=(booking.pk,))
    booking_confirmation_send_task.apply(args=(booking.pk,))
    assert len(mail.outbox) == 1


def test_it_sends_nothing_for_a_cancelled_booking(booking):
    booking.status = Booking.Status.CANCELLED
    booking.save()
    booking_confirmation_send_task.apply(args=(booking.pk,))
    assert mail.outbox == []


def test_it_releases_the_claim_when_sending_fails(booking, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    result = booking_confirmation_send_task.apply(args=(booking.pk,))
    assert result.state == "RETRY" or isinstance(result.result, ConnectionRefusedError)
    booking.refresh_from_db()
    assert booking.confirmation_sent_at is None
    monkeypatch.undo()
    booking_confirmation_send_task.apply(args=(booking.pk,))
    assert len(mail.outbox) == 1
