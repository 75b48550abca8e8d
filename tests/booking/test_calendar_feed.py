"""Her private calendar feed: her bookings by initials, at an address only she has."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from booking import services
from booking.feed import calendar_feed_url, feed_title
from booking.formatting import initials
from booking.models import Booking

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def feed_path(practitioner) -> str:
    return calendar_feed_url(practitioner).removeprefix("https://book.example.com")


def events(response) -> list:
    assert response.status_code == 200, response.content.decode()[:500]
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ana Souza", "A.S."),
        ("Priya", "P."),
        ("ana maria de souza", "A.S."),
        ("  Jean-Luc  Picard ", "J.P."),
        ("- Ana", "A."),
        ("", ""),
    ],
)
def test_it_reads_initials_from_a_name(name, expected):
    assert initials(name) == expected


def test_it_names_a_couple_by_both_initials(single_session):
    booking = BookingFactory.build(
        session_type=single_session,
        client=ClientFactory.build(name="Ana Souza"),
        mode=Booking.Mode.COUPLE,
        partner_name="Jon Rivera",
        start_at=TUESDAY_9,
    )
    assert feed_title(booking) == "Session · A.S. & J.R. · Single session"


def test_it_is_off_until_she_turns_it_on(client, maya, assessment):
    BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    assert maya.calendar_feed_token == ""
    assert calendar_feed_url(maya) == ""
    for path in ("/calendar/x.ics", "/calendar/.ics", "/calendar/%20.ics"):
        response = client.get(path)
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()


def test_it_lists_her_bookings_by_initials_only(client, maya, assessment, single_session):
    services.calendar_feed_enable(practitioner=maya)
    ana = ClientFactory(name="Ana Souza", email="ana.souza@example.com")
    booked = BookingFactory(
        session_type=single_session,
        client=ana,
        start_at=TUESDAY_9,
        mode=Booking.Mode.COUPLE,
        partner_name="Jon Rivera",
        partner_email="jon.rivera@example.com",
        note="We argue about money",
    )
    attended = BookingFactory(
        session_type=assessment,
        client=ClientFactory(name="Priya Raman"),
        start_at=NOW - timedelta(days=10),
        status=Booking.Status.COMPLETED,
    )
    for status in (Booking.Status.CANCELLED, Booking.Status.HELD):
        BookingFactory(
            session_type=assessment,
            client=ClientFactory(name=f"Gone {status}"),
            start_at=TUESDAY_9 + timedelta(days=1),
            status=status,
            held_until=NOW + timedelta(minutes=5),
        )
    BookingFactory(  # too long ago for the feed
        session_type=assessment,
        client=ClientFactory(name="Long Ago"),
        start_at=NOW - timedelta(days=31),
        status=Booking.Status.COMPLETED,
    )

    response = client.get(feed_path(maya))
    found = events(response)
    content = response.content.decode()

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert "noindex" in response["X-Robots-Tag"]
    assert [str(event["summary"]) for event in found] == [
        "Session · P.R. · Free assessment call",
        "Session · A.S. & J.R. · Single session",
    ]
    for private in ("Ana Souza", "Jon Rivera", "Priya Raman", "@example.com", "money", "Gone"):
        assert private not in content
    event = found[1]
    assert event.decoded("dtstart") == booked.start_at
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert event.decoded("dtend") == booked.end_at
    assert "DTSTART:20260303T080000Z" in content
    assert str(event["uid"]) == f"booking-{booked.pk}@book.example.com"
    office_url = f"https://book.example.com/admin/booking/booking/{booked.pk}/change/"
    assert str(event["url"]) == office_url
    assert office_url in str(event["description"])
    assert str(found[0]["uid"]) == f"booking-{attended.pk}@book.example.com"


def test_it_keeps_an_events_uid_when_the_booking_moves(client, maya, assessment):
    services.calendar_feed_enable(practitioner=maya)
    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    before = events(client.get(feed_path(maya)))[0]
    services.booking_reschedule(booking=booking, new_start=TUESDAY_9 + timedelta(hours=1))
    after = events(client.get(feed_path(maya)))[0]
    assert after["uid"] == before["uid"]
    assert after["sequence"] > before["sequence"]
    assert after.decoded("dtstart") == TUESDAY_9 + timedelta(hours=1)


def test_it_stops_the_old_address_when_she_makes_a_new_one(client, maya, assessment):
    services.calendar_feed_enable(practitioner=maya)
    old = feed_path(maya)
    assert client.get(old).status_code == 200
    services.calendar_feed_enable(practitioner=maya)
    assert feed_path(maya) != old
    assert client.get(old).status_code == 404
    assert client.get(feed_path(maya)).status_code == 200


def test_it_stops_answering_once_turned_off(client, maya, assessment):
    services.calendar_feed_enable(practitioner=maya)
    path = feed_path(maya)
    services.calendar_feed_disable(practitioner=maya)
    maya.refresh_from_db()
    assert maya.calendar_feed_token == ""
    assert client.get(path).status_code == 404


def test_it_answers_in_two_reads_and_an_audit_line_whatever_the_number_of_bookings(
    client, maya, assessment, single_session, django_assert_num_queries
):
    services.calendar_feed_enable(practitioner=maya)
    path = feed_path(maya)

    def add_bookings(count: int, first_day: int) -> None:
        for day in range(first_day, first_day + count):
            BookingFactory(
                session_type=single_session if day % 2 else assessment,
                start_at=TUESDAY_9 + timedelta(days=day),
                mode=Booking.Mode.COUPLE,
                partner_name="Jon Rivera",
            )

    add_bookings(2, first_day=0)
    # Two reads (her, her bookings) and one insert: the audit trail's "feed fetched".
    with django_assert_num_queries(3):
        assert len(events(client.get(path))) == 2
    add_bookings(30, first_day=2)
    with django_assert_num_queries(3):
        assert len(events(client.get(path))) == 32


def test_it_reaches_beyond_the_public_horizon_to_bookings_she_made_herself(
    client, maya, assessment
):
    services.calendar_feed_enable(practitioner=maya)
    assessment.horizon_days = 90
    assessment.save()
    BookingFactory(session_type=assessment, start_at=NOW + timedelta(days=89))
    BookingFactory(session_type=assessment, start_at=NOW + timedelta(days=200))
    BookingFactory(session_type=assessment, start_at=NOW - timedelta(days=31))  # too old
    assert len(events(client.get(feed_path(maya)))) == 2
