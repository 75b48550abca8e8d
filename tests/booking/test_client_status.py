"""A client's status follows their bookings: lead, client, former client."""

from datetime import timedelta

import pytest

from booking import services
from booking.models import Booking
from booking.services import booking_outcome_mark, client_statuses_refresh
from clients.models import Client

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def status(client) -> str:
    client.refresh_from_db()
    return client.status


def test_it_makes_a_lead_a_client_when_a_session_is_marked_attended(assessment, single_session):
    ana = ClientFactory()
    call = BookingFactory(session_type=assessment, client=ana, start_at=NOW - timedelta(days=9))
    booking_outcome_mark(booking=call, outcome=Booking.Status.COMPLETED)
    assert status(ana) == "lead"  # a free call is not yet a session
    session = BookingFactory(
        session_type=single_session, client=ana, start_at=NOW - timedelta(days=2)
    )
    booking_outcome_mark(booking=session, outcome=Booking.Status.COMPLETED)
    assert status(ana) == "client"


def test_it_makes_a_client_former_after_the_quiet_time_and_back(
    single_session, time_machine, settings
):
    settings.CLIENT_FORMER_AFTER_DAYS = 180
    ana = ClientFactory(status=Client.Status.CLIENT)
    BookingFactory(
        session_type=single_session,
        client=ana,
        start_at=NOW - timedelta(days=10),
        status=Booking.Status.COMPLETED,
    )
    assert client_statuses_refresh(now=NOW) == 0
    assert status(ana) == "client"
    later = NOW + timedelta(days=171)
    assert client_statuses_refresh(now=later) == 1
    assert status(ana) == "former"
    BookingFactory(session_type=single_session, client=ana, start_at=later + timedelta(days=3))
    client_statuses_refresh(now=later)
    assert status(ana) == "client"


def test_it_keeps_everyone_else_a_lead(assessment):
    sam = ClientFactory(status=Client.Status.FORMER)  # wrongly set by hand
    BookingFactory(session_type=assessment, client=sam, start_at=NOW + timedelta(days=1))
    client_statuses_refresh(now=NOW)
    assert status(sam) == "lead"


def test_it_refreshes_any_number_of_clients_in_three_statements(
    single_session, django_assert_num_queries
):
    for _ in range(5):
        BookingFactory(
            session_type=single_session,
            client=ClientFactory(),
            start_at=NOW - timedelta(days=1),
            status=Booking.Status.COMPLETED,
        )
    former = ClientFactory(status=Client.Status.CLIENT)
    BookingFactory(
        session_type=single_session,
        client=former,
        start_at=NOW - timedelta(days=400),
        status=Booking.Status.COMPLETED,
    )
    lead = ClientFactory(status=Client.Status.FORMER)
    with django_assert_num_queries(3):
        assert client_statuses_refresh(now=NOW) == 7
    assert Client.objects.filter(status=Client.Status.CLIENT).count() == 5
    assert (status(former), status(lead)) == ("former", "lead")


def confirm_call(assessment, email: str) -> Booking:
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    details = services.ClientDetails(name="Ana Souza", email=email, time_zone="UTC")
    return services.booking_confirm(public_id=held.public_id, details=details)


def test_it_makes_a_former_client_a_client_again_when_they_book(assessment, single_session):
    ana = ClientFactory(email="ana@example.com", status=Client.Status.FORMER)
    BookingFactory(
        session_type=single_session,
        client=ana,
        start_at=NOW - timedelta(days=400),
        status=Booking.Status.COMPLETED,
    )
    confirm_call(assessment, "ANA@example.com")
    assert status(ana) == "client"


def test_it_books_someone_new_as_a_lead(assessment):
    booking = confirm_call(assessment, "new@example.com")
    assert status(booking.client) == "lead"
