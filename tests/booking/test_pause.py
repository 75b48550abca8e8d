"""Pausing new bookings: visitors read her message instead of times; booked people carry on."""

from datetime import timedelta

import pytest

from booking import services
from booking.links import manage_path
from booking.models import PAUSED_MESSAGE_DEFAULT, Booking

from ..clock import NOW, TUESDAY_9
from ..staff.helpers import sign_in
from .helpers import book, committed

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

SLOT = 'value="2026-03-03T08:00:00+00:00"'
PAGE = "/book/assessment-call/?tz=UTC"


def pause(practitioner, message: str = "") -> None:
    """Pause as her profile page does: save, and tell the cached slot pages."""
    practitioner.bookings_paused = True
    practitioner.paused_message = message
    with committed():
        practitioner.save()
        services.practitioner_calendar_touch(practitioner_id=practitioner.pk)


def resume(practitioner) -> None:
    practitioner.bookings_paused = False
    with committed():
        practitioner.save()
        services.practitioner_calendar_touch(practitioner_id=practitioner.pk)


def test_it_shows_the_message_instead_of_times_while_paused(client, maya, assessment):
    pause(maya)
    response = client.get(PAGE)
    content = response.content.decode()
    assert response.status_code == 200
    assert str(PAUSED_MESSAGE_DEFAULT) in content
    assert SLOT not in content
    assert 'name="slot"' not in content
    assert "Step 1 of 2" not in content
    assert "mailto:maya@example.com" in content


def test_it_shows_her_own_words_while_paused(client, maya, assessment):
    pause(maya, "I am away until April. Thank you for your patience.")
    content = client.get(PAGE).content.decode()
    assert "I am away until April. Thank you for your patience." in content
    assert str(PAUSED_MESSAGE_DEFAULT) not in content


def test_it_says_so_on_the_landing_page_while_paused(client, maya, assessment, single_session):
    pause(maya)
    content = client.get("/").content.decode()
    assert str(PAUSED_MESSAGE_DEFAULT) in content
    assert "Book a free assessment call" not in content
    assert 'href="/book/' not in content
    assert "Worked with me before?" in content  # the offers are still described


def test_it_refuses_to_hold_a_time_while_paused(maya, assessment):
    pause(maya, "Back in April.")
    with pytest.raises(services.BookingsPaused) as refused:
        services.booking_hold(session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC")
    assert refused.value.message == "Back in April."
    assert refused.value.code == "paused"
    assert not Booking.objects.exists()


def test_it_refuses_a_hold_posted_from_a_page_left_open(client, maya, assessment):
    assert SLOT in client.get(PAGE).content.decode()
    pause(maya, "Back in April.")
    response = client.post(
        "/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"}
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert "Back in April." in content
    assert 'name="slot"' not in content
    assert not Booking.objects.exists()


def test_it_shows_times_again_once_resumed(client, maya, assessment):
    assert SLOT in client.get(PAGE).content.decode()
    assert SLOT in client.get(PAGE).content.decode()  # now from the cache
    pause(maya)
    assert SLOT not in client.get(PAGE).content.decode()
    resume(maya)
    content = client.get(PAGE).content.decode()
    assert SLOT in content
    assert str(PAUSED_MESSAGE_DEFAULT) not in content
    held = client.post("/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"})
    assert held.status_code == 302


def test_it_keeps_an_existing_booking_working_while_paused(client, maya, assessment):
    booking = book(assessment)
    pause(maya)
    manage = client.get(manage_path(booking))["Location"].split("?")[0]
    page = client.get(manage)
    assert page.status_code == 200
    assert "Cancel this booking" in page.content.decode()
    # Moving a booking is not a new booking: the picker still offers times.
    picker = client.get(manage + "reschedule/").content.decode()
    assert "Choose a new time" in picker
    assert str(PAUSED_MESSAGE_DEFAULT) not in picker
    new_slot = TUESDAY_9 + timedelta(hours=1)
    chosen = {"slot": new_slot.isoformat(), "tz": "UTC"}
    assert client.post(manage + "reschedule/", chosen).status_code == 200  # asks to confirm
    moved = client.post(manage + "reschedule/confirm/", chosen)
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.start_at == new_slot
    assert client.post(manage + "cancel/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_it_lets_a_time_held_before_the_pause_be_booked(maya, assessment):
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    pause(maya)
    details = services.ClientDetails(name="Ana Souza", email="ana@example.com", time_zone="UTC")
    booking = services.booking_confirm(public_id=held.public_id, details=details)
    assert booking.status == Booking.Status.CONFIRMED


def test_it_refuses_a_lapsed_hold_while_paused(maya, assessment, time_machine):
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    pause(maya)
    time_machine.move_to(NOW + timedelta(minutes=30))  # the hold has lapsed
    details = services.ClientDetails(name="Ana Souza", email="ana@example.com", time_zone="UTC")
    with pytest.raises(services.BookingsPaused):
        services.booking_confirm(public_id=held.public_id, details=details)
    assert Booking.objects.get().status == Booking.Status.HELD


def test_it_pauses_from_her_profile_in_the_office(client, maya, assessment):
    assert SLOT in client.get(PAGE).content.decode()
    sign_in(client, maya.user)
    page = client.get(f"/admin/booking/practitioner/{maya.pk}/change/").content.decode()
    assert "New bookings" in page
    assert "Pause new bookings" in page
    version = maya.calendar_version
    data = {
        "user": maya.user.pk,
        "display_name": maya.display_name,
        "time_zone": maya.time_zone,
        "meeting_url": maya.meeting_url,
        "contact_email": maya.contact_email,
        "bio": "",
        "bookings_paused": "on",
        "paused_message": "Back in April.",
        "inactive_lead_days": "365",
        "keep_records_years": "7",
        "availability_rules-TOTAL_FORMS": "0",
        "availability_rules-INITIAL_FORMS": "0",
        "availability_overrides-TOTAL_FORMS": "0",
        "availability_overrides-INITIAL_FORMS": "0",
    }
    with committed():
        response = client.post(f"/admin/booking/practitioner/{maya.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    maya.refresh_from_db()
    assert maya.bookings_paused
    assert maya.calendar_version > version
    client.logout()
    content = client.get(PAGE).content.decode()
    assert "Back in April." in content
    assert SLOT not in content
    assert maya.availability_rules.count() == 8  # her hours are untouched
