"""She books a client in, moves a booking and cancels one, from the office, by the same rules."""

from datetime import UTC, datetime, timedelta

import pytest

from assessments.models import Intake
from booking.models import Booking
from booking.services import SlotUnavailable, booking_create_by_practitioner
from notifications.models import OutboundEmail

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)

BOOK = "/admin/calendar/book/"


@pytest.fixture
def priya(db):
    return ClientFactory(name="Priya Raman", email="priya@example.com", time_zone="Asia/Kolkata")


def form(assessment, **fields) -> dict:
    return {
        "email": "Priya@Example.com ",
        "session_type": assessment.pk,
        "day": "2026-03-03",
        "time": "09:00",  # Tuesday, in her hours (Amsterdam)
        "mode": "individual",
        **fields,
    }


def kinds(booking) -> set[str]:
    return set(OutboundEmail.objects.filter(subject_id=booking.pk).values_list("kind", flat=True))


def test_it_books_a_client_in_with_the_usual_emails_and_questionnaire(office, assessment, priya):
    response = office.post(BOOK, form(assessment))
    booking = Booking.objects.get()
    assert response["Location"] == f"/admin/booking/booking/{booking.pk}/change/"
    assert (booking.client, booking.start_at, booking.status) == (priya, TUESDAY_9, "confirmed")
    assert booking.client_time_zone == "Asia/Kolkata"
    assert "confirmation" in kinds(booking)
    assert "new_booking_alert" not in kinds(booking)  # she booked it herself
    assert Intake.objects.filter(booking=booking).exists()
    page = office.get(response["Location"]).content.decode()
    assert "Booked. Priya Raman gets the confirmation by email." in page


def test_it_asks_before_booking_outside_her_hours(office, assessment, priya):
    evening = form(assessment, time="19:30")
    response = office.post(BOOK, evening)
    assert response.status_code == 400
    assert "This is outside your working hours. Tick the box" in response.content.decode()
    assert not Booking.objects.exists()
    office.post(BOOK, {**evening, "outside_hours_ok": "on"})
    assert Booking.objects.get().start_at == datetime(2026, 3, 3, 18, 30, tzinfo=UTC)


def test_it_never_books_over_another_booking(office, assessment, priya):
    other = ClientFactory(name="Sam Other")
    BookingFactory(session_type=assessment, client=other, start_at=TUESDAY_9)
    response = office.post(BOOK, form(assessment, time="09:15"))
    assert response.status_code == 400
    assert "That time overlaps Sam Other at 09:00" in response.content.decode()
    assert Booking.objects.count() == 1


def test_it_explains_what_it_cannot_book(office, assessment, priya):
    cases = [
        ({"email": "nobody@example.com"}, "No client has this email."),
        ({"day": "2026-03-01"}, "That time has already passed."),
        ({"day": "2026-03-29", "time": "02:30"}, "the clocks go forward then"),
        ({"mode": "couple"}, "Please give the partner&#x27;s name for a couple."),
    ]
    for fields, message in cases:
        response = office.post(BOOK, form(assessment, outside_hours_ok="on", **fields))
        assert response.status_code == 400, fields
        assert message in response.content.decode(), fields
    assert not Booking.objects.exists()


def test_the_service_refuses_an_overlap_directly(assessment, priya):
    booking_create_by_practitioner(session_type=assessment, client=priya, start=TUESDAY_9)
    with pytest.raises(SlotUnavailable, match="overlaps Priya Raman"):
        booking_create_by_practitioner(
            session_type=assessment, client=priya, start=TUESDAY_9 + timedelta(minutes=25)
        )


def test_it_moves_a_booking_and_tells_the_client(office, assessment, priya):
    booking = booking_create_by_practitioner(session_type=assessment, client=priya, start=TUESDAY_9)
    url = f"/admin/booking/booking/{booking.pk}/move/"
    page = office.get(url).content.decode()
    assert "now Tuesday 3 March, 09:00" in page
    # Filled in as browsers' date and time inputs read them.
    assert 'value="2026-03-03"' in page
    assert 'value="09:00"' in page
    response = office.post(url, {"day": "2026-03-04", "time": "10:00"})
    assert response["Location"] == f"/admin/booking/booking/{booking.pk}/change/"
    booking.refresh_from_db()
    assert booking.start_at == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert booking.sequence == 1
    assert "rescheduled" in kinds(booking)


def test_it_moves_only_to_a_free_time(office, assessment, priya):
    booking = booking_create_by_practitioner(session_type=assessment, client=priya, start=TUESDAY_9)
    BookingFactory(
        session_type=assessment, client=ClientFactory(name="Sam"), start_at=NOW + timedelta(days=2)
    )
    url = f"/admin/booking/booking/{booking.pk}/move/"
    response = office.post(url, {"day": "2026-03-04", "time": "09:00"})
    assert "That time overlaps Sam at 09:00" in response.content.decode()
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9


def test_it_cancels_and_tells_the_client_only_if_she_wants(office, assessment, priya):
    told = booking_create_by_practitioner(session_type=assessment, client=priya, start=TUESDAY_9)
    quiet = booking_create_by_practitioner(
        session_type=assessment, client=priya, start=TUESDAY_9 + timedelta(hours=2)
    )
    assert office.get(f"/admin/booking/booking/{told.pk}/cancel/").status_code == 200
    office.post(f"/admin/booking/booking/{told.pk}/cancel/", {"tell_client": "on"})
    office.post(f"/admin/booking/booking/{quiet.pk}/cancel/", {})
    told.refresh_from_db()
    quiet.refresh_from_db()
    assert told.status == quiet.status == "cancelled"
    assert "cancelled" in kinds(told)
    assert "cancelled" not in kinds(quiet)
    # The time is free again: she can book it at once.
    booking_create_by_practitioner(session_type=assessment, client=priya, start=TUESDAY_9)


def test_it_links_move_and_cancel_from_the_booking(office, assessment, priya):
    booking = booking_create_by_practitioner(session_type=assessment, client=priya, start=TUESDAY_9)
    page = office.get(f"/admin/booking/booking/{booking.pk}/change/").content.decode()
    assert f'href="/admin/booking/booking/{booking.pk}/move/"' in page
    assert f'href="/admin/booking/booking/{booking.pk}/cancel/"' in page


def test_it_books_any_minute_inside_her_hours_without_a_warning(assessment, priya):
    from booking.services import booking_outside_hours

    inside = TUESDAY_9.replace(minute=7)  # 09:07, a time off the booking pages' grid
    assert not booking_outside_hours(session_type=assessment, start=inside)
    assert booking_outside_hours(session_type=assessment, start=TUESDAY_9 - timedelta(minutes=7))
