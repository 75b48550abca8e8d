"""Every email: discreet, in the recipient's zone, plain text and HTML, no private words."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from booking.emails import SPECS, opt_out_token_make, render_email
from booking.models import OutboundEmail

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


def email_of(kind: str, booking) -> OutboundEmail:
    to_practitioner = SPECS[kind].to_practitioner
    return OutboundEmail.objects.create(
        kind=kind,
        booking=booking,
        client=booking.client,
        to_email="maya@example.com" if to_practitioner else booking.client.email,
        due_at=START - timedelta(hours=24),
        dedupe_key=f"test:{kind}",
    )


@pytest.mark.parametrize("kind", list(SPECS))
def test_every_kind_renders_text_and_html_without_private_words(booking, kind):
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


def test_the_confirmation_carries_a_valid_calendar_file(booking):
    message = render_email(email_of("confirmation", booking))
    [(name, content, mimetype)] = message.attachments
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert name == "appointment.ics"
    assert mimetype.startswith("text/calendar")
    assert event.decoded("DTSTART") == START
    assert str(event["SUMMARY"]) == "Call with Maya Lind"
    assert "https://book.example.com/b/" in message.body


def test_the_practitioners_alert_links_to_the_office_not_the_answers(booking):
    message = render_email(email_of("urgent_alert", booking))
    assert message.to == ["maya@example.com"]
    assert f"/admin/booking/booking/{booking.pk}/change/" in message.body
    assert "Priya" not in message.subject


def test_each_email_has_a_stable_message_id(booking):
    email = email_of("confirmation", booking)
    first, second = render_email(email), render_email(email)
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == f"<outbox-{email.pk}@scales.localhost>"


def test_a_client_can_stop_follow_ups_from_the_link(client, booking):
    url = f"/follow-ups/stop/{opt_out_token_make(booking.client.pk)}/"
    assert "Stop follow-up emails?" in client.get(url).content.decode()
    response = client.post(url)
    assert "no more follow-up emails" in response.content.decode()
    booking.client.refresh_from_db()
    assert booking.client.follow_ups_opt_out_at is not None


def test_a_forged_opt_out_link_changes_nothing(client, booking):
    forged = signing.dumps(booking.client.pk, salt="something-else")
    assert client.post(f"/follow-ups/stop/{forged}/").status_code == 404
    booking.client.refresh_from_db()
    assert booking.client.follow_ups_opt_out_at is None


@pytest.fixture
def office(client, maya):
    client.force_login(maya.user)
    return client


@pytest.mark.parametrize("kind", list(SPECS))
def test_the_office_previews_every_email(office, kind):
    response = office.get(f"/admin/booking/outboundemail/preview/{kind}/")
    assert response.status_code == 200
    assert "Alex Demo" in response.content.decode() or kind.endswith("alert")


def test_the_email_log_filters_and_sends_failed_ones_again(office, booking):
    failed = email_of("confirmation", booking)
    failed.status = OutboundEmail.Status.FAILED
    failed.save()
    sent = email_of("reminder", booking)
    sent.status = OutboundEmail.Status.SENT
    sent.save()
    listing = (
        office.get("/admin/booking/outboundemail/?status__exact=failed").context["cl"].result_list
    )
    assert list(listing) == [failed]
    office.post(
        "/admin/booking/outboundemail/",
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
    )
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SCHEDULED
    assert sent.status == OutboundEmail.Status.SENT


def test_the_email_log_uses_a_fixed_number_of_queries(office, booking):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get("/admin/booking/outboundemail/").status_code == 200
        return len(queries)

    email_of("confirmation", booking)
    few = count()
    for index in range(20):
        OutboundEmail.objects.create(
            kind="reminder",
            booking=booking,
            client=booking.client,
            to_email="x@example.com",
            due_at=START,
            dedupe_key=f"many:{index}",
        )
    assert count() == few
