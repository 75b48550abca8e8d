"""The practitioner's office: bookings on their own clock, fixed query counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import Booking

from ..factories import BookingFactory, ClientFactory
from ..staff.helpers import sign_in

# Tuesday 7 July 2026, 09:00 in Amsterdam (summer time) but 07:00 in UTC: a list that shows
# 9 a.m. is on the practitioner's clock.
START = datetime(2026, 7, 7, 7, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, maya):
    sign_in(client, maya.user)
    return client


def test_it_shows_booking_times_on_the_practitioners_clock(office, assessment):
    BookingFactory(session_type=assessment, start_at=START, client_time_zone="Asia/Kolkata")
    content = office.get("/admin/booking/booking/").content.decode()
    assert "9 a.m." in content or "09:00" in content
    assert "7 a.m." not in content


def test_it_filters_bookings_by_status(office, assessment):
    BookingFactory(session_type=assessment, start_at=START, client=ClientFactory(name="Kept"))
    BookingFactory(
        session_type=assessment,
        start_at=START + timedelta(days=1),
        client=ClientFactory(name="Gone"),
        status="cancelled",
    )
    BookingFactory(
        session_type=assessment,
        start_at=START + timedelta(days=2),
        client=ClientFactory(name="Typing"),
        status="held",
        held_until=START,
    )
    content = office.get("/admin/booking/booking/?status=cancelled").content.decode()
    assert "Gone" in content
    assert "Kept" not in content
    # By default: what is booked, not times being booked now nor cancelled ones.
    content = office.get("/admin/booking/booking/").content.decode()
    assert "Kept" in content
    assert "Gone" not in content
    assert "Typing" not in content
    content = office.get("/admin/booking/booking/?status=all").content.decode()
    assert all(name in content for name in ("Kept", "Gone", "Typing"))


def test_it_shows_the_clients_note_as_they_wrote_it(office, assessment):
    booking = BookingFactory(session_type=assessment, start_at=START, note="Please call me Sam")
    content = office.get(f"/admin/booking/booking/{booking.pk}/change/").content.decode()
    assert "Please call me Sam" in content
    assert 'name="note"' not in content


def test_it_lists_bookings_in_a_fixed_number_of_queries(office, assessment):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get("/admin/booking/booking/").status_code == 200
        return len(queries)

    BookingFactory(session_type=assessment, start_at=START)
    few = count()
    for day in range(1, 30):
        BookingFactory(session_type=assessment, start_at=START + timedelta(days=day))
    assert count() == few


def test_it_lists_bookings_as_their_index_is_built(office, assessment):
    """Sorted and filtered as booking_booked_idx: a page reads the index, not every booking.

    Its time at 5,000 and 50,000 bookings is measured by bench/office_bench.py.
    """
    BookingFactory(session_type=assessment, start_at=START)
    listed = office.get("/admin/booking/booking/").context["cl"]
    index = next(index for index in Booking._meta.indexes if index.name == "booking_booked_idx")
    # The admin repeats its own ordering in the query; the SQL says each field once.
    ordering = dict.fromkeys(field.replace("pk", "id") for field in listed.queryset.query.order_by)
    assert list(ordering) == index.fields
    assert listed.queryset.query.where == Booking.objects.filter(index.condition).query.where


def test_it_lets_the_practitioner_edit_profile_hours_and_overrides(office, maya):
    page = office.get(f"/admin/booking/practitioner/{maya.pk}/change/")
    content = page.content.decode()
    assert "Change weekly hours" in content  # her hours have their own page now
    assert "Date overrides" in content


def test_it_opens_every_admin_list(office, assessment):
    BookingFactory(session_type=assessment, start_at=START)
    for url in (
        "/admin/",
        "/admin/booking/sessiontype/",
        "/admin/booking/practitioner/",
        "/admin/clients/client/",
        f"/admin/clients/client/{ClientFactory().pk}/change/",
    ):
        assert office.get(url).status_code == 200, url


def test_it_filters_bookings_with_an_urgent_questionnaire(office, assessment):
    from ..factories import IntakeFactory

    calm = BookingFactory(
        session_type=assessment, start_at=START, client=ClientFactory(name="Calm")
    )
    worried = BookingFactory(
        session_type=assessment,
        start_at=START + timedelta(days=1),
        client=ClientFactory(name="Worried"),
    )
    IntakeFactory(booking=calm, client=calm.client)
    IntakeFactory(
        booking=worried,
        client=worried.client,
        urgent=True,
        urgent_at=START,
        status="completed",
        submitted_at=START,
    )
    listing = office.get("/admin/booking/booking/?questionnaire=urgent").context["cl"]
    assert [booking.pk for booking in listing.result_list] == [worried.pk]


def test_it_lists_a_clients_questionnaires_on_their_page(office, assessment):
    from ..factories import IntakeFactory

    booking = BookingFactory(session_type=assessment, start_at=START)
    IntakeFactory(booking=booking, client=booking.client)
    page = office.get(f"/admin/clients/client/{booking.client.pk}/change/").content.decode()
    assert "Questionnaires" in page
    assert f"/admin/assessments/intake/report/{booking.pk}/" in page


@pytest.fixture
def past_call(assessment):
    """Priya's call on Tuesday 7 July 2026, an hour after it ended."""
    return BookingFactory(
        session_type=assessment, start_at=START, client=ClientFactory(name="Priya")
    )


def act(office, action: str, *bookings):
    return office.post(
        "/admin/booking/booking/",
        {"action": action, "_selected_action": [booking.pk for booking in bookings]},
        follow=True,
    )


def kinds_queued(booking) -> list[str]:
    from notifications.selectors import emails_about

    return sorted(emails_about("booking", booking.pk).values_list("kind", flat=True))


@pytest.mark.time_machine(START + timedelta(hours=1), tick=False)
@pytest.mark.parametrize(
    ("action", "status", "email"),
    [
        ("mark_attended", "completed", []),
        ("mark_no_show", "no_show", ["missed"]),
        ("mark_not_a_fit", "not_a_fit", ["not_a_fit"]),
    ],
)
def test_it_marks_how_a_call_went_and_queues_the_matching_email(
    office, past_call, action, status, email
):
    page = act(office, action, past_call).content.decode()
    past_call.refresh_from_db()
    assert past_call.status == status
    assert "1 booking(s) marked." in page
    assert kinds_queued(past_call) == email


@pytest.mark.time_machine(START - timedelta(days=1), tick=False)
def test_it_explains_why_a_future_call_cannot_be_marked(office, past_call):
    page = act(office, "mark_no_show", past_call).content.decode()
    past_call.refresh_from_db()
    assert past_call.status == "confirmed"
    assert "This booking has not happened yet." in page
    assert kinds_queued(past_call) == []


@pytest.mark.time_machine(START - timedelta(days=1), tick=False)
def test_it_cancels_selected_bookings_without_an_alert_to_the_practitioner(office, past_call):
    page = act(office, "cancel_bookings", past_call).content.decode()
    past_call.refresh_from_db()
    assert past_call.status == "cancelled"
    assert "1 booking(s) cancelled." in page
    assert kinds_queued(past_call) == ["cancelled"]


@pytest.mark.time_machine(START - timedelta(days=1), tick=False)
def test_it_deletes_a_booking_with_the_emails_about_it(office, past_call):
    from notifications.models import OutboundEmail

    act(office, "cancel_bookings", past_call)
    assert OutboundEmail.objects.exists()
    office.post(f"/admin/booking/booking/{past_call.pk}/delete/", {"post": "yes"})
    assert not OutboundEmail.objects.exists()


def test_it_shows_what_to_check_on_a_booking_made_with_a_clients_email(office, assessment):
    booking = BookingFactory(session_type=assessment, start_at=START, email_of_existing_client=True)
    BookingFactory(session_type=assessment, start_at=START + timedelta(days=1))
    listed = office.get("/admin/booking/booking/").content.decode()
    assert listed.count("Booked with the email of an existing client: check with them.") == 1
    page = office.get(f"/admin/booking/booking/{booking.pk}/change/").content.decode()
    assert "Booked with the email of an existing client: check with them." in page
