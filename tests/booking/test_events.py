"""booking.events: the apps above hear of bookings inside the booking's own transaction."""

import pytest

from assessments.models import Intake
from booking import events
from booking.models import Booking
from notifications.models import OutboundEmail

from ..clock import NOW, THURSDAY_9
from .helpers import book

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def failing_receiver():
    def receiver(event: events.BookingConfirmed) -> None:
        raise RuntimeError("the questionnaire could not be created")

    events.booking_confirmed.connect(receiver)
    yield receiver
    events.booking_confirmed.disconnect(receiver)


def test_it_rolls_the_booking_back_when_a_receiver_fails(assessment, failing_receiver):
    with pytest.raises(RuntimeError, match="questionnaire"):
        book(assessment)
    assert Booking.objects.get().status == Booking.Status.HELD
    assert not OutboundEmail.objects.exists()
    assert not Intake.objects.exists()


def test_it_tells_the_questionnaire_app_of_a_confirmed_call(assessment):
    booking = book(assessment)
    assert list(Intake.objects.values_list("booking_id", "role")) == [(booking.pk, "client")]


def test_it_hands_receivers_the_time_a_moved_booking_had(assessment):
    heard: list[events.BookingRescheduled] = []
    events.booking_rescheduled.connect(heard.append)
    try:
        from booking import services

        booking = services.booking_reschedule(
            booking=book(assessment), new_start=THURSDAY_9.replace(hour=13)
        )
    finally:
        events.booking_rescheduled.disconnect(heard.append)
    [event] = heard
    assert (event.booking.pk, event.previous_start) == (booking.pk, THURSDAY_9)


def test_it_records_no_proof_of_email_when_a_receiver_fails(assessment):
    from booking import services

    def receiver(event: events.BookingEmailVerified) -> None:
        raise RuntimeError("the invitation could not be queued")

    booking = book(assessment, mode="couple", partner_name="Sam", partner_email="sam@example.com")
    events.booking_email_verified.connect(receiver)
    try:
        with pytest.raises(RuntimeError, match="invitation"):
            services.booking_email_verify(booking=booking)
    finally:
        events.booking_email_verified.disconnect(receiver)
    booking.refresh_from_db()
    assert booking.email_verified_at is None
    assert not OutboundEmail.objects.filter(kind="intake_invitation").exists()
