"""The public booking pages through Django's test client."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Intake
from booking.links import manage_path
from booking.models import Booking
from booking.tokens import manage_token_make
from clients.models import Client
from notifications.models import OutboundEmail
from notifications.services import outbox_kick

from ..clock import NOW, TUESDAY_9
from ..emails import rendered
from ..factories import BookingFactory, ClientFactory
from ..staff.helpers import sign_in
from .helpers import cached_page_queries, committed

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def details_data(**overrides) -> dict:
    data = {
        "name": "Ana Souza",
        "email": "ana@example.com",
        "time_zone": "America/Sao_Paulo",
        "mode": "individual",
        "consent": "on",
    }
    return {**data, **overrides}


def hold(client, session_type, slot=TUESDAY_9, tz="America/Sao_Paulo"):
    return client.post(f"/book/{session_type.slug}/hold/", {"slot": slot.isoformat(), "tz": tz})


def book(client, session_type, slot=TUESDAY_9, **overrides):
    response = hold(client, session_type, slot)
    assert response.status_code == 302, response.content.decode()[:500]
    return client.post(response["Location"], details_data(**overrides))


def open_link(client, booking: Booking, query: str = "") -> str:
    """Open the emailed manage link in this browser; return where it sends the browser."""
    response = client.get(manage_path(booking) + query)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_it_shows_both_offers_on_the_landing_page(client, assessment, single_session):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Book a free assessment call" in response.content
    assert b"Worked with me before?" in response.content


def test_it_lists_times_in_the_visitors_zone(client, assessment):
    response = client.get("/book/assessment-call/?tz=Asia/Kolkata")
    content = response.content.decode()
    # Tuesday 09:00 Amsterdam (UTC+1) is 13:30 in Kolkata (UTC+5:30).
    assert 'value="2026-03-03T08:00:00+00:00"' in content
    assert 'aria-label="Tuesday 3 March at 13:30"' in content
    assert response.cookies["tz"].value == "Asia/Kolkata"


def test_it_remembers_the_zone_in_a_cookie(client, assessment):
    client.cookies["tz"] = "America/New_York"
    content = client.get("/book/assessment-call/").content.decode()
    assert '<option value="America/New_York" selected>' in content
    # 09:00 Amsterdam is 03:00 in New York in early March (before the US change on 8 March).
    assert 'aria-label="Tuesday 3 March at 03:00"' in content


def test_it_falls_back_to_the_practitioners_zone_for_an_unknown_zone(client, assessment):
    response = client.get("/book/assessment-call/?tz=Mars/Olympus")
    assert response.status_code == 200
    assert '<option value="Europe/Amsterdam" selected>' in response.content.decode()
    assert "tz" not in response.cookies


def test_it_moves_between_weeks(client, assessment):
    content = client.get("/book/assessment-call/?week=2026-03-09&tz=UTC").content.decode()
    assert "Monday 9 March" in content
    assert "Tuesday 3 March" not in content
    assert "?week=2026-03-02" in content  # back to this week
    assert "?week=2026-03-16" in content


def test_it_points_to_the_next_open_time_in_an_empty_week(client, assessment, maya):
    from booking.models import AvailabilityOverride

    for offset in range(7):
        AvailabilityOverride.objects.create(
            practitioner=maya, date=datetime(2026, 3, 2).date() + timedelta(days=offset)
        )
    content = client.get("/book/assessment-call/?tz=Europe/Amsterdam").content.decode()
    assert "No open times in these days." in content
    assert "Monday 9 March 2026 at 09:00 (Amsterdam time)" in content


def test_it_books_a_call_from_picker_to_confirmation(
    client, assessment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = book(client, assessment)
    assert response.status_code == 302
    assert "?booked=1" in response["Location"]
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.client_time_zone == "America/Sao_Paulo"
    assert [c for c in callbacks if c is outbox_kick] == [outbox_kick]  # one sweep, after commit
    page = client.get(response["Location"]).content.decode()
    assert "You are booked." in page
    assert "Tuesday 3 March 2026 at 05:00 (Sao Paulo time)" in page
    assert "Tuesday 3 March 2026 at 09:00 (Amsterdam time)" in page


def test_it_serves_the_calendar_file(client, assessment):
    manage = book(client, assessment)["Location"].split("?")[0]
    response = client.get(manage + "calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"DTSTART:20260303T080000Z" in response.content
    unfolded = response.content.replace(b"\r\n ", b"")
    assert b"Join: https://meet.example.com/maya" in unfolded
    assert b"/b/" not in unfolded  # a synced calendar must not carry a link that can cancel


def test_it_makes_one_booking_from_a_double_click(client, assessment):
    details_url = hold(client, assessment)["Location"]
    first = client.post(details_url, details_data())
    second = client.post(details_url, details_data())
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1


def test_it_tells_the_loser_of_a_race_and_offers_nearby_times(client, assessment):
    BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    response = hold(client, assessment)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Sorry, this time was just taken." in content
    assert "These nearby times are free:" in content
    assert 'value="2026-03-03T08:30:00+00:00"' in content


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        ("not-a-time", "We could not read that time."),
        ("2026-03-03T08:00:00", "We could not read that time."),
        ("2026-03-01T08:00:00+00:00", "That time has already passed."),
        ("2026-03-02T10:00:00+00:00", "That time is too soon to book online."),
        ("2026-09-01T08:00:00+00:00", "further ahead than bookings are open"),
        ("2026-03-03T08:10:00+00:00", "That time is not one of the open times."),
    ],
)
def test_it_explains_a_bad_time_and_books_nothing(client, assessment, slot, message):
    response = client.post("/book/assessment-call/hold/", {"slot": slot, "tz": "UTC"})
    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_it_refuses_an_unknown_zone_on_hold(client, assessment):
    response = client.post(
        "/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "Nowhere/Land"}
    )
    assert response.status_code == 400
    assert "Please choose your time zone from the list." in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"consent": ""}, "Please agree to the privacy notice to book."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"name": "x" * 121}, "Ensure this value has at most 120 characters"),
        ({"note": "x" * 1001}, "Ensure this value has at most 1000 characters"),
        ({"time_zone": "Mars/Olympus"}, "Please choose your time zone from the list."),
        ({"mode": "couple"}, "please give your partner"),
        (
            {"mode": "couple", "partner_name": "Jo", "partner_email": "ana@example.com"},
            "must be different from yours",
        ),
    ],
)
def test_it_explains_bad_details_and_keeps_the_hold(client, assessment, overrides, field_message):
    details_url = hold(client, assessment)["Location"]
    response = client.post(details_url, details_data(**overrides))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert Booking.objects.get().status == Booking.Status.HELD


SESSION_SLOT = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


def link_in(email: OutboundEmail, path: str) -> str:
    """Return the site path of the link starting with ``path`` in a rendered email."""
    found = re.search(
        rf"https://book\.example\.com({re.escape(path)}[^\s\"<]+)", rendered(email).body
    )
    assert found, rendered(email).body
    return found.group(1)


def confirm_link(to: str) -> str:
    return link_in(OutboundEmail.objects.get(kind="booking_verify", to_email=to), "/book/confirm/")


def test_it_answers_a_single_session_the_same_for_a_clients_and_a_strangers_email(
    client, single_session
):
    ana = ClientFactory(
        name="Ana Souza", email="ana@example.com", status="client", time_zone="Europe/Berlin"
    )
    stranger = book(client, single_session, slot=SESSION_SLOT, email="zoe@example.com")
    Booking.objects.all().delete()  # the stranger's hold goes; the same time is held again
    known = book(client, single_session, slot=SESSION_SLOT, email="ana@example.com")

    assert stranger.status_code == known.status_code == 200
    assert stranger.content.decode().replace("zoe@example.com", "EMAIL") == (
        known.content.decode().replace("ana@example.com", "EMAIL")
    )
    page = known.content.decode()
    assert "Check your email: we sent a link to" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Your time is held until 05:30 (Sao Paulo time)." in page
    assert Booking.objects.get().status == Booking.Status.HELD
    assert list(Client.objects.all()) == [ana]  # no stranger's record, and Ana's untouched
    fresh = Client.objects.get()
    assert (fresh.name, fresh.time_zone, fresh.privacy_consent_at, fresh.updated_at) == (
        ana.name,
        ana.time_zone,
        ana.privacy_consent_at,
        ana.updated_at,
    )


def test_it_confirms_a_single_session_only_when_the_emailed_button_is_pressed(
    client, single_session
):
    ClientFactory(email="ana@example.com", status="client")
    book(client, single_session, slot=SESSION_SLOT)
    url = confirm_link("ana@example.com")

    page = client.get(url)
    assert page.status_code == 200
    assert "Confirm my booking" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert (
        Booking.objects.get().status == Booking.Status.HELD
    )  # a mail scanner's visit books nothing

    response = client.post(url)
    assert response.status_code == 302
    assert "?booked=1" in response["Location"]
    booking = Booking.objects.get()
    assert (booking.status, booking.email_verified_at) == (Booking.Status.CONFIRMED, NOW)
    assert "You are booked." in client.get(response["Location"]).content.decode()


def test_it_refuses_the_emailed_link_once_the_hold_has_lapsed(client, single_session, time_machine):
    ClientFactory(email="ana@example.com", status="client")
    book(client, single_session, slot=SESSION_SLOT)
    url = confirm_link("ana@example.com")
    time_machine.shift(timedelta(minutes=31))

    page = client.get(url)
    assert page.status_code == 404  # the link lives as long as the hold
    assert "This link does not work any more" in page.content.decode()
    assert "Confirm my booking" not in page.content.decode()
    assert client.post(url).status_code == 404
    assert Booking.objects.get().status == Booking.Status.HELD


def test_it_tells_a_stranger_kindly_once_they_have_proved_their_email(client, single_session):
    book(client, single_session, slot=SESSION_SLOT, email="zoe@example.com")

    response = client.post(confirm_link("zoe@example.com"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Single sessions are for people who have already had an assessment call" in page
    assert 'href="/book/assessment-call/"' in page or 'href="/"' in page
    assert not Client.objects.exists()
    assert Booking.objects.get().status == Booking.Status.HELD


def test_it_links_a_kindly_refused_stranger_to_the_free_call(client, assessment, single_session):
    book(client, single_session, slot=SESSION_SLOT, email="zoe@example.com")
    page = client.post(confirm_link("zoe@example.com")).content.decode()
    assert 'href="/book/assessment-call/"' in page


def couple_data(**overrides) -> dict:
    return {
        "mode": "couple",
        "partner_name": "Sam",
        "partner_email": "sam@example.com",
        **overrides,
    }


def test_it_tells_the_booker_when_their_partner_will_be_invited(client, assessment):
    details_url = hold(client, assessment)["Location"]
    form = client.get(details_url).content.decode()
    assert "We will invite them to answer a few questions separately once you confirm your" in form

    manage = client.post(details_url, details_data(**couple_data()))["Location"]
    page = client.get(manage).content.decode()
    assert "We will invite Sam to answer separately once you open the link in" in page
    confirmation = rendered(OutboundEmail.objects.get(kind="confirmation"))
    assert (
        "We will invite Sam to answer separately once you open the link in this email"
        in confirmation.body
    )
    assert "We will invite Sam to answer separately" in confirmation.alternatives[0].content
    assert not OutboundEmail.objects.filter(kind="intake_invitation").exists()
    assert Intake.objects.filter(role="partner").exists()  # created, not yet announced

    proof = link_in(OutboundEmail.objects.get(kind="confirmation"), "/book/email/")
    opened = client.get(proof)  # a mail scanner's visit proves nothing: one button does
    assert opened.status_code == 200
    assert "Yes, this is my email" in opened.content.decode()
    assert not OutboundEmail.objects.filter(kind="intake_invitation").exists()
    response = client.post(proof)
    assert response.status_code == 302
    assert "?verified=1" in response["Location"]
    [invitation] = OutboundEmail.objects.filter(kind="intake_invitation")
    assert invitation.to_email == "sam@example.com"
    page = client.get(response["Location"]).content.decode()
    assert "We have sent Sam an invitation to answer separately" in page
    assert client.get(proof).status_code == 302  # opened again: straight to the booking
    client.post(proof)
    assert OutboundEmail.objects.filter(kind="intake_invitation").count() == 1


def test_it_never_reveals_a_partner_who_is_already_a_client(client, assessment):
    ClientFactory(name="Samuel Okafor", email="sam@example.com")
    manage = book(client, assessment, **couple_data())["Location"]
    page = client.get(manage).content.decode()
    confirmation = rendered(OutboundEmail.objects.get(kind="confirmation")).body
    for text in (page, confirmation):
        assert "Samuel" not in text
        assert "We will invite Sam to answer separately" in text
    assert Booking.objects.get().partner_is_existing_client


def test_it_404s_on_a_bad_email_proof_link(client, assessment):
    BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    token = signing.dumps("00000000-0000-4000-8000-000000000000", salt="booking.email_proof")
    assert client.get(f"/book/email/{token}/").status_code == 404
    assert client.get("/book/email/nonsense/").status_code == 404


def test_it_rejects_a_tampered_hold_link(client, assessment):
    details_url = hold(client, assessment)["Location"]
    response = client.get(details_url[:-3] + "abc/")
    assert response.status_code == 404
    assert "This link does not work any more" in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps("00000000-0000-4000-8000-000000000000", salt="booking.manage"),
        signing.dumps("not-a-uuid", salt="booking.manage"),
        signing.dumps("00000000-0000-4000-8000-000000000000", salt="booking.hold"),
    ],
)
def test_it_404s_on_bad_manage_links(client, assessment, token):
    BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    assert client.get(f"/b/{token}/").status_code == 404
    assert client.post(f"/b/{token}/cancel/").status_code == 404
    assert client.post("/b/cancel/").status_code == 410  # a bad link opened nothing
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_it_expires_manage_links_weeks_after_the_booking(client, assessment, time_machine):
    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    url = f"/b/{manage_token_make(booking.public_id)}/"
    assert client.get(url, follow=True).status_code == 200
    time_machine.move_to(TUESDAY_9 + timedelta(days=61))
    assert client.get(url).status_code == 404
    assert client.get("/b/").status_code in (404, 410)


def test_it_refuses_to_exchange_an_expired_manage_link(client, assessment, time_machine):
    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    time_machine.move_to(TUESDAY_9 + timedelta(days=61))

    response = client.get(manage_path(booking))

    assert response.status_code == 404
    assert "it may have expired" in response.content.decode()
    assert "booking" not in client.session
    page = client.get("/b/")
    assert page.status_code == 410
    assert "Please open the link in your email again" in page.content.decode()


def test_it_cancels_from_the_manage_link(client, assessment):
    manage = book(client, assessment)["Location"].split("?")[0]
    assert "Yes, cancel it" in client.get(manage + "cancel/").content.decode()
    response = client.post(manage + "cancel/")
    assert response.status_code == 302
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert "Your booking is cancelled." in client.get(response["Location"]).content.decode()


def test_it_reschedules_from_the_manage_link(client, assessment):
    manage = book(client, assessment)["Location"].split("?")[0]
    picker = client.get(manage + "reschedule/").content.decode()
    assert "Choose a new time" in picker
    new_slot = TUESDAY_9 + timedelta(hours=1)
    chosen = {"slot": new_slot.isoformat(), "tz": "UTC"}
    asked = client.post(manage + "reschedule/", chosen)
    assert asked.status_code == 200
    assert "Move your call from" in asked.content.decode()
    assert Booking.objects.get().start_at == TUESDAY_9  # only the confirmation moves it
    response = client.post(manage + "reschedule/confirm/", chosen)
    assert response.status_code == 302
    assert Booking.objects.get().start_at == new_slot


def test_it_explains_the_cutoff_and_how_to_reach_the_practitioner(client, assessment, time_machine):
    book(client, assessment)
    time_machine.move_to(TUESDAY_9 - timedelta(hours=2))
    manage = open_link(client, Booking.objects.get())  # the session ended hours ago
    page = client.get(manage).content.decode()
    assert "can no longer be changed online" in page
    assert "mailto:maya@example.com" in page
    assert "Cancel this booking" not in page
    response = client.post(manage + "cancel/")
    assert response.status_code == 409
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_it_lists_times_in_the_same_queries_whatever_the_calendar_size(client, assessment):
    def count_queries() -> int:
        cache.clear()  # measure the page as built, not as cached
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/book/assessment-call/?tz=UTC").status_code == 200
        return len(queries)

    few = count_queries()
    for day in range(60):
        BookingFactory(
            session_type=assessment,
            client=ClientFactory(),
            start_at=TUESDAY_9 + timedelta(days=day, hours=5),
        )
    assert count_queries() == few <= 5


def test_it_serves_a_cached_picker_without_a_query(client, assessment):
    client.get("/book/assessment-call/?tz=UTC")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/book/assessment-call/?tz=UTC").status_code == 200
    assert len(queries) == cached_page_queries()


def test_it_shows_the_manage_page_in_a_fixed_number_of_queries(client, assessment):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/b/").status_code == 200
        return len(queries)

    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    open_link(client, booking)
    few = count_queries()
    for day in range(1, 20):
        BookingFactory(
            session_type=assessment,
            client=booking.client if day % 2 else ClientFactory(),
            start_at=TUESDAY_9 + timedelta(days=day),
        )
    assert count_queries() == few == 3  # the session, the booking, the client's questionnaire


def test_it_never_puts_the_booking_id_in_links(client, assessment):
    location = book(client, assessment)["Location"]
    booking = Booking.objects.get()
    for manage in (location, manage_path(booking)):
        assert not re.search(rf"/b/{booking.pk}\b", manage)
        assert str(booking.public_id) not in manage  # signed and encoded, not the raw id


def test_it_maps_legacy_zone_names_browsers_report(client, assessment):
    response = client.get("/book/assessment-call/?tz=Asia/Calcutta")
    content = response.content.decode()
    assert '<option value="Asia/Kolkata" selected>' in content
    assert ">Asia/Calcutta<" not in content
    assert response.cookies["tz"].value == "Asia/Kolkata"
    details_url = hold(client, assessment, tz="Europe/Kiev")["Location"]
    client.post(details_url, details_data(time_zone="Europe/Kyiv"))
    assert Booking.objects.get().client_time_zone == "Europe/Kyiv"


def test_it_never_shows_a_time_just_taken_from_the_cache(client, assessment):
    slot = 'value="2026-03-03T08:00:00+00:00"'
    assert slot in client.get("/book/assessment-call/?tz=UTC").content.decode()
    assert slot in client.get("/book/assessment-call/?tz=UTC").content.decode()  # from cache
    with committed():
        hold(client, assessment)
    assert slot not in client.get("/book/assessment-call/?tz=UTC").content.decode()


def test_it_moves_a_cached_picker_on_with_the_clock(client, assessment, time_machine):
    slot = 'value="2026-03-03T08:00:00+00:00"'
    assert slot in client.get("/book/assessment-call/?tz=UTC").content.decode()
    time_machine.move_to(TUESDAY_9 - timedelta(hours=11, minutes=59))  # now inside the 12 h notice
    assert slot not in client.get("/book/assessment-call/?tz=UTC").content.decode()


def test_it_reflects_new_hours_from_the_office_in_a_cached_picker(client, assessment, maya):
    slot = 'value="2026-03-03T08:00:00+00:00"'
    assert slot in client.get("/book/assessment-call/?tz=UTC").content.decode()
    sign_in(client, maya.user)
    rules = list(maya.availability_rules.all())
    data = {
        "user": maya.user.pk,
        "display_name": maya.display_name,
        "time_zone": maya.time_zone,
        "meeting_url": maya.meeting_url,
        "contact_email": maya.contact_email,
        "bio": "",
        "availability_rules-TOTAL_FORMS": str(len(rules)),
        "availability_rules-INITIAL_FORMS": str(len(rules)),
        "availability_rules-MIN_NUM_FORMS": "0",
        "availability_rules-MAX_NUM_FORMS": "1000",
        "availability_overrides-TOTAL_FORMS": "1",
        "availability_overrides-INITIAL_FORMS": "0",
        "availability_overrides-MIN_NUM_FORMS": "0",
        "availability_overrides-MAX_NUM_FORMS": "1000",
        "availability_overrides-0-date": "2026-03-03",
        "availability_overrides-0-kind": "closed",
        "inactive_lead_days": "365",
        "keep_records_years": "7",
    }
    for index, rule in enumerate(rules):
        data[f"availability_rules-{index}-id"] = rule.pk
        data[f"availability_rules-{index}-practitioner"] = maya.pk
        data[f"availability_rules-{index}-weekday"] = rule.weekday
        data[f"availability_rules-{index}-start_time"] = rule.start_time.strftime("%H:%M")
        data[f"availability_rules-{index}-end_time"] = rule.end_time.strftime("%H:%M")
    with committed():
        response = client.post(f"/admin/booking/practitioner/{maya.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    assert slot not in client.get("/book/assessment-call/?tz=UTC").content.decode()


DOWN_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here: Redis is down
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_it_lists_and_holds_times_while_the_cache_is_down(client, assessment, settings):
    settings.CACHES = DOWN_CACHE
    response = client.get("/book/assessment-call/?tz=Asia/Kolkata")
    assert response.status_code == 200
    assert TUESDAY_9.isoformat() in response.content.decode()
    assert book(client, assessment).status_code == 302
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_it_shows_the_questionnaire_panel_on_an_assessment_calls_manage_page(client, assessment):
    response = book(client, assessment)
    page = client.get(response["Location"]).content.decode()
    assert "Before we talk" in page
    assert "/intake/" in page


def test_it_shows_no_questionnaire_panel_for_a_single_session(client, single_session):
    ClientFactory(email="ana@example.com", status="client")
    book(client, single_session, slot=TUESDAY_9 + timedelta(hours=1))
    response = client.post(confirm_link("ana@example.com"))
    assert response.status_code == 302, response.content.decode()[:300]
    page = client.get(response["Location"]).content.decode()
    assert "Before we talk" not in page


def test_it_never_lets_a_browser_store_pages_with_a_personal_link(client, assessment):
    details_url = hold(client, assessment)["Location"]
    details = client.get(details_url)
    manage = client.post(details_url, details_data())["Location"].split("?")[0]
    pages = [details, client.post(details_url, details_data(email="not-an-email"))]
    for url in (manage, manage + "calendar.ics", manage + "cancel/", manage + "reschedule/"):
        pages.append(client.get(url))
    for response in pages:
        assert response.status_code in (200, 302, 400), response.request["PATH_INFO"]
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_it_answers_head_like_get_on_read_only_pages(client, assessment):
    manage = book(client, assessment)["Location"].split("?")[0]
    for url in ("/", "/privacy/", "/book/assessment-call/", manage, manage + "calendar.ics"):
        assert client.head(url).status_code == 200, url


def test_it_gives_the_questionnaire_of_an_existing_clients_address_only_by_email(
    client, assessment
):
    ClientFactory(name="Ana Souza", email="ana@example.com")
    page = client.get(book(client, assessment)["Location"]).content.decode()
    assert "Before we talk" in page
    assert "/intake/" not in page  # whoever typed Ana's address may not be Ana
    assert "The link to it is in your confirmation email." in page
    confirmation = rendered(OutboundEmail.objects.get(kind="confirmation"))
    assert "/intake/" in confirmation.body  # Ana herself gets it


def test_it_shows_a_newcomer_their_questionnaire_on_the_manage_page(client, assessment):
    page = client.get(book(client, assessment)["Location"]).content.decode()
    assert "/intake/" in page
