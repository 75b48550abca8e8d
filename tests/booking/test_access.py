"""Who may see a booking: the emailed manage link exchanged for a session, then no token.

Ana manages her booking on her own phone (``client``). Someone else who has her
browser history, an access log, or a second device without the session
(``stranger``, a fresh browser) must see nothing of it.
"""

from datetime import timedelta

import pytest
from django.test import Client

from booking import access
from booking.links import manage_path, manage_url
from booking.models import Booking

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

ENDED = "Please open the link in your email again"
TOKEN_LESS = ("/b/", "/b/calendar.ics", "/b/cancel/", "/b/reschedule/")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def booking(assessment) -> Booking:
    ana = ClientFactory(name="Ana Souza", email="ana@example.com", privacy_consent_at=NOW)
    return BookingFactory(session_type=assessment, start_at=TUESDAY_9, client=ana)


def token_of(booking: Booking) -> str:
    return manage_path(booking).split("/")[2]


def assert_shows_nothing(response) -> None:
    assert response.status_code == 410, response
    assert ENDED in text(response)
    for detail in ("Ana", "ana@example.com", "Status:", "Free assessment call", "BEGIN:"):
        assert detail not in text(response), detail


def test_it_emails_the_exchange_link(booking):
    assert manage_url(booking).endswith(f"/b/{token_of(booking)}/")


def test_it_exchanges_the_link_for_the_session_and_a_token_less_page(client, booking):
    response = client.get(manage_path(booking))

    assert response.status_code == 302
    assert response["Location"] == "/b/"
    assert "no-store" in response["Cache-Control"]
    assert client.session[access.SESSION_KEY]["id"] == str(booking.public_id)
    page = client.get("/b/")
    assert page.status_code == 200
    assert "Your booking" in text(page)


def test_it_gives_the_browser_a_new_session_key_on_the_exchange(client, booking):
    client.get("/privacy/")
    session = client.session
    session["something"] = "before"
    session.save()
    before = session.session_key

    client.get(manage_path(booking))

    assert client.session.session_key != before
    assert client.session["something"] == "before"


@pytest.mark.parametrize("flash", ["booked", "moved", "cancelled", "verified"])
def test_it_keeps_the_message_across_the_exchange(client, booking, flash):
    response = client.get(manage_path(booking) + f"?{flash}=1")
    assert response["Location"] == f"/b/?{flash}=1"


def test_it_never_redirects_or_links_to_the_token_after_the_exchange(client, booking):
    token = token_of(booking)
    responses = [client.get(manage_path(booking) + "?verified=1")]
    responses += [client.get(url) for url in TOKEN_LESS]
    responses.append(client.get("/b/?booked=1"))
    responses.append(client.get("/b/reschedule/?week=2026-05-11&tz=UTC"))
    new_start = TUESDAY_9 + timedelta(hours=1)
    responses.append(client.post("/b/reschedule/", {"slot": "nonsense", "tz": "UTC"}))
    responses.append(client.post("/b/reschedule/", {"slot": new_start.isoformat(), "tz": "UTC"}))
    responses.append(
        client.post("/b/reschedule/confirm/", {"slot": new_start.isoformat(), "tz": "UTC"})
    )
    responses.append(client.get("/b/?moved=1"))
    responses.append(client.post("/b/cancel/"))
    responses.append(client.get("/b/?cancelled=1"))
    responses.append(client.get("/b/reschedule/"))
    responses.append(client.get("/leave/"))
    responses += [client.get(url) for url in TOKEN_LESS]

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED  # the pages did what they say
    assert booking.start_at == new_start
    for response in responses:
        assert token not in response.get("Location", ""), response
        assert token not in text(response), response
    assert client.get(manage_path(booking)).status_code == 302  # the emailed link still works


def test_it_never_redirects_to_the_token_after_booking_in_this_browser(client, assessment):
    held = client.post(
        f"/book/{assessment.slug}/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"}
    )
    details = {
        "name": "Ana Souza",
        "email": "ana@example.com",
        "time_zone": "UTC",
        "mode": "individual",
        "consent": "on",
    }
    response = client.post(held["Location"], details)

    assert response.status_code == 302
    assert response["Location"] == "/b/?booked=1"
    assert "You are booked" in text(client.get(response["Location"]))


def test_it_shows_a_second_browser_nothing_of_the_booking(client, booking):
    client.get(manage_path(booking))
    assert client.get("/b/").status_code == 200
    stranger = Client()

    for url in TOKEN_LESS:
        assert_shows_nothing(stranger.get(url))
    assert_shows_nothing(stranger.post("/b/cancel/"))
    slot = (TUESDAY_9 + timedelta(hours=1)).isoformat()
    assert_shows_nothing(stranger.post("/b/reschedule/", {"slot": slot, "tz": "UTC"}))
    assert_shows_nothing(stranger.post("/b/reschedule/confirm/", {"slot": slot, "tz": "UTC"}))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start_at == TUESDAY_9


def test_it_ends_the_session_after_two_idle_hours(client, booking, time_machine):
    client.get(manage_path(booking))
    time_machine.move_to(NOW + timedelta(hours=1, minutes=50))
    assert client.get("/b/").status_code == 200  # each page keeps it open
    time_machine.move_to(NOW + timedelta(hours=3, minutes=30))
    assert client.get("/b/").status_code == 200
    time_machine.move_to(NOW + timedelta(hours=5, minutes=31))

    assert_shows_nothing(client.get("/b/"))


def test_it_keeps_the_questionnaire_and_the_booking_apart_in_the_session(client, booking):
    client.get(manage_path(booking))
    assert access.SESSION_KEY == "booking"
    assert "intake" not in client.session
