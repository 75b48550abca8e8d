"""Every email: discreet, in the recipient's zone, plain text and HTML, no private words."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from booking.emails import booking_load
from notifications.kinds import kind_get, kinds_all
from notifications.models import OutboundEmail
from notifications.rendering import render_email as render_with_subject

from ..factories import BookingFactory, ClientFactory

START = datetime(2026, 3, 31, 7, 0, tzinfo=UTC)  # 09:00 Amsterdam (summer), 12:30 Kolkata
PRIVATE_WORDS = ("therap", "counsel", "relationship", "trauma", "couple", "abuse", "safety")

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(assessment):
    client = ClientFactory(name="Priya", email="priya@example.com", time_zone="Asia/Kolkata")
    return BookingFactory(
        session_type=assessment,
        client=client,
        start_at=START,
        client_time_zone="Asia/Kolkata",
        note="My partner shouts at me when we talk about money.",
        mode="couple",
        partner_name="Sam",
    )


KINDS = [kind.name for kind in kinds_all() if kind.subject_type == "booking"]


def render_email(email: OutboundEmail):
    return render_with_subject(email, booking_load(email.subject_id))


def email_of(kind: str, booking) -> OutboundEmail:
    to_practitioner = kind_get(kind).to_practitioner
    return OutboundEmail.objects.create(
        kind=kind,
        subject_type="booking",
        subject_id=booking.pk,
        recipient_client_id=None if to_practitioner else booking.client.pk,
        to_email="maya@example.com" if to_practitioner else booking.client.email,
        due_at=START - timedelta(hours=24),
        dedupe_key=f"test:{kind}",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_it_renders_every_kind_as_text_and_html_without_private_words(booking, kind):
    message = render_email(email_of(kind, booking))
    html = message.alternatives[0].content
    assert message.body.strip()
    assert "<p>" in html
    for word in PRIVATE_WORDS:
        assert word not in message.subject.lower(), (kind, word)
    for text in (message.body, html, message.subject):
        assert "shouts" not in text  # the client's own note never leaves the office
    assert "{{" not in message.body
    assert "{%" not in html


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("confirmation", "Booked: Tuesday 31 March 2026 at 12:30 (Kolkata time)"),
        ("reminder", "Reminder: Tuesday 31 March 2026 at 12:30 (Kolkata time)"),
        ("new_booking_alert", "New booking: Tuesday 31 March 2026 at 09:00 (Amsterdam time)"),
    ],
)
def test_it_shows_times_in_the_recipients_zone(booking, kind, expected):
    assert render_email(email_of(kind, booking)).subject == expected


def test_it_attaches_a_valid_calendar_file_to_the_confirmation(booking):
    message = render_email(email_of("confirmation", booking))
    [(name, content, mimetype)] = message.attachments
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert name == "appointment.ics"
    assert mimetype.startswith("text/calendar")
    assert event.decoded("DTSTART") == START
    assert str(event["SUMMARY"]) == "Call with Maya Lind"
    assert "https://book.example.com/b/" in message.body
    # A calendar is shared and synced: it keeps the meeting link, never one that can cancel.
    assert "Join: https://meet.example.com/maya" in str(event["DESCRIPTION"])
    calendar = content if isinstance(content, str) else content.decode()
    assert "/b/" not in calendar.replace("\r\n ", "")  # unfolded


def test_it_links_the_practitioners_alert_to_the_report_not_the_answers(booking):
    message = render_email(email_of("urgent_alert", booking))
    assert message.to == ["maya@example.com"]
    report = f"https://book.example.com/admin/assessments/intake/report/{booking.pk}/"
    assert report in message.body
    assert f'href="{report}"' in message.alternatives[0].content
    assert "Priya" not in message.subject


def test_it_gives_each_email_a_stable_message_id(booking):
    email = email_of("confirmation", booking)
    first, second = render_email(email), render_email(email)
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == f"<outbox-{email.pk}@scales.localhost>"


def test_it_tells_the_practitioner_what_to_check_in_the_new_booking_alert(booking):
    booking.email_of_existing_client = True
    booking.partner_is_existing_client = True
    booking.save()
    message = render_email(email_of("new_booking_alert", booking))
    for body in (message.body, message.alternatives[0].content):
        assert "Booked with the email of an existing client: check with them." in body
        assert "existing client&#x27;s: check with them." in body or (
            "The partner's email is an existing client's: check with them." in body
        )
