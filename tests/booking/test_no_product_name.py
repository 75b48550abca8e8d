"""Clients meet the practitioner, never the software: no "Scales" on their pages or emails.

The product's name belongs to the office (and to emails only staff receive).
"""

from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.test import Client

from assessments import services as intake_services
from assessments.links import intake_path
from booking.links import manage_path
from clients.links import opt_out_token_make
from notifications.kinds import kind_get, kinds_all
from notifications.models import OutboundEmail

from ..clock import NOW, THURSDAY_9
from ..emails import rendered
from ..factories import BookingFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

PRODUCT = "Scales"
CLIENT_KINDS = [
    kind.name for kind in kinds_all() if kind.subject_type == "booking" and not kind.to_practitioner
]


@pytest.fixture(autouse=True)
def sender_named_after_the_software(settings):
    """The development default, which production refuses: the name must still not show."""
    settings.DEFAULT_FROM_EMAIL = "Scales <hello@localhost>"


@pytest.fixture
def booking(assessment):
    priya = ClientFactory(name="Priya", email="priya@example.com", time_zone="Asia/Kolkata")
    return BookingFactory(
        session_type=assessment,
        client=priya,
        start_at=THURSDAY_9,
        client_time_zone="Asia/Kolkata",
        mode="couple",
        partner_name="Sam",
        partner_email="sam@example.com",
    )


def assert_unbranded(response, url: str) -> None:
    page = response.content.decode()
    assert PRODUCT not in page, url
    if response.status_code != 302:
        assert "Maya Lind" in page, url


def test_it_keeps_the_name_off_every_client_page(client, booking, assessment, single_session):
    [intake, *_partner] = intake_services.intakes_create_for_booking(booking=booking)
    held = client.post(
        f"/book/{assessment.slug}/hold/",
        {"slot": THURSDAY_9.replace(hour=10).isoformat(), "tz": "Europe/Amsterdam"},
    )
    pages = {
        "/": 200,
        "/privacy/": 200,
        f"/book/{assessment.slug}/": 200,
        f"/book/{single_session.slug}/": 200,
        held["Location"]: 200,  # the details form
        manage_path(booking): 302,  # opens the booking in this session for the next three
        "/b/": 200,
        "/b/cancel/": 200,
        "/b/reschedule/": 200,
        f"/follow-ups/stop/{opt_out_token_make(booking.client.pk)}/": 200,
        intake_path(intake): 302,
        "/intake/": 200,
        "/no-such-page/": 404,
        "/b/not-a-real-link/": 404,
        "/practitioner/photo.jpg": 404,
    }
    for url, status in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert_unbranded(response, url)


def test_it_keeps_the_name_off_the_pages_for_a_link_opened_elsewhere(maya):
    stranger = Client()
    for url in ("/b/", "/b/cancel/", "/intake/"):
        response = stranger.get(url)
        assert response.status_code == 410, url
        assert_unbranded(response, url)


def test_it_keeps_the_name_off_the_error_pages(maya):
    bad_host = Client().get("/", HTTP_HOST="attacker.example")
    assert bad_host.status_code == 400
    assert_unbranded(bad_host, "400")


def email_of(kind: str, booking) -> OutboundEmail:
    return OutboundEmail.objects.create(
        kind=kind,
        subject_type="booking",
        subject_id=booking.pk,
        recipient_client_id=booking.client.pk,
        to_email=booking.client.email,
        due_at=THURSDAY_9 - timedelta(hours=24),
        dedupe_key=f"test:{kind}",
    )


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_it_sends_client_emails_in_her_name(booking, kind, settings):
    message = rendered(email_of(kind, booking))
    for part in (message.subject, message.body, message.alternatives[0].content):
        assert PRODUCT not in part, kind
    assert message.from_email == "Maya Lind <hello@localhost>"
    assert parseaddr(message.message()["From"]) == ("Maya Lind", "hello@localhost")


def test_it_covers_the_emails_clients_get():
    assert {"confirmation", "reminder", "cancelled", "intake_invitation"} <= set(CLIENT_KINDS)
    assert "new_booking_alert" not in CLIENT_KINDS


def test_it_sends_her_own_alerts_from_the_practice_address(booking, settings):
    settings.DEFAULT_FROM_EMAIL = "Bookings <hello@localhost>"
    email = email_of("new_booking_alert", booking)
    assert kind_get("new_booking_alert").to_practitioner
    assert rendered(email).from_email == "Bookings <hello@localhost>"
