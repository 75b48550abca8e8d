"""Moving a booking from the manage page: the current time, a choice, a confirmation, a move."""

from datetime import timedelta

import pytest
from django.test import Client

from booking.models import Booking
from booking.tokens import manage_token_make
from notifications.models import OutboundEmail

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

NEW_START = TUESDAY_9 + timedelta(hours=1)
CHOSEN = {"slot": NEW_START.isoformat(), "tz": "America/Santiago"}
# 09:00 and 10:00 in Amsterdam (UTC+1) are 05:00 and 06:00 in Santiago (UTC-3) in March.
OLD_WHEN = "Tuesday 3 March 2026 at 05:00 (Santiago time)"
NEW_WHEN = "Tuesday 3 March 2026 at 06:00 (Santiago time)"
HOLD_TEXT = "while you add your details"


@pytest.fixture
def booking(client, assessment) -> Booking:
    """A confirmed booking in Santiago, open in the test client's session."""
    booking = BookingFactory(
        session_type=assessment, start_at=TUESDAY_9, client_time_zone="America/Santiago"
    )
    assert client.get(f"/b/{manage_token_make(booking.public_id)}/").status_code == 302
    return booking


def moves_queued() -> int:
    return OutboundEmail.objects.filter(kind="rescheduled").count()


def test_it_shows_the_current_time_in_the_clients_zone(client, booking):
    page = client.get("/b/reschedule/").content.decode()
    assert f"Your call is now on <strong>{OLD_WHEN}</strong>." in page
    assert "Times are shown in your time zone: <strong>Santiago (Chile)</strong>" in page
    assert '<option value="America/Santiago" selected>' in page
    assert HOLD_TEXT not in page
    assert "Keep my current time" in page


def test_it_asks_to_confirm_before_moving(client, booking):
    response = client.post("/b/reschedule/", CHOSEN)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Move your call from <strong>{OLD_WHEN}</strong> to <strong>{NEW_WHEN}</strong>?" in (
        page
    )
    assert "We'll email you the new time and a new calendar file; the old time is released." in (
        page
    )
    assert '<a class="btn btn-outline-secondary" href="/b/">Keep my current time</a>' in page
    assert 'action="/b/reschedule/confirm/"' in page
    assert f'name="slot" value="{NEW_START.isoformat()}"' in page
    assert "csrfmiddlewaretoken" in page
    assert HOLD_TEXT not in page
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9
    assert moves_queued() == 0


def test_it_moves_only_from_the_confirmation(client, booking):
    response = client.post("/b/reschedule/confirm/", CHOSEN)
    assert response.status_code == 302
    assert response["Location"] == "/b/?moved=1"
    booking.refresh_from_db()
    assert booking.start_at == NEW_START
    assert moves_queued() == 1
    page = client.get(response["Location"]).content.decode()
    assert f"Your call is moved to {NEW_WHEN}." in page
    assert HOLD_TEXT not in page


def test_it_refuses_a_confirmation_without_the_csrf_token(booking, client):
    careful = Client(enforce_csrf_checks=True)
    careful.cookies = client.cookies  # the same browser session, but no token
    response = careful.post("/b/reschedule/confirm/", CHOSEN)
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9


def test_it_says_when_the_time_was_taken_meanwhile(client, booking, assessment):
    client.post("/b/reschedule/", CHOSEN)
    BookingFactory(session_type=assessment, start_at=NEW_START)  # someone else, meanwhile
    response = client.post("/b/reschedule/confirm/", CHOSEN)
    page = response.content.decode()
    assert response.status_code == 409
    assert "this time was just taken" in page.lower()
    assert "These nearby times are free:" in page
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9
    assert moves_queued() == 0


def test_it_sends_a_reload_of_the_confirmation_back_to_the_picker(client, booking):
    response = client.get("/b/reschedule/confirm/")
    assert response.status_code == 302
    assert response["Location"] == "/b/reschedule/"


def test_it_refuses_an_unreadable_time_calmly(client, booking):
    response = client.post("/b/reschedule/confirm/", {"slot": "next tuesday", "tz": "UTC"})
    assert response.status_code == 400
    assert "Please pick one from the list." in response.content.decode()
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9


def test_it_leaves_the_booking_as_it_is_for_its_own_time(client, booking):
    response = client.post("/b/reschedule/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"})
    assert response.status_code == 302
    assert response["Location"] == "/b/"


def test_it_shows_nothing_to_a_browser_without_the_booking(booking):
    response = Client().post("/b/reschedule/confirm/", CHOSEN)
    assert response.status_code == 410
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9


def test_it_is_never_stored_by_the_browser(client, booking):
    response = client.post("/b/reschedule/", CHOSEN)
    assert "no-store" in response["Cache-Control"]
