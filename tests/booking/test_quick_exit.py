""" "Leave this page quickly": on every client page, and it ends the session behind it."""

import pytest

from assessments import access
from assessments.services import intakes_create_for_booking
from booking.links import manage_path

from ..assessments.test_views import ANA_NOTE, get, number_of, page, post_section, text
from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

EXIT = 'href="/leave/" rel="noreferrer" data-quick-exit>Leave this page quickly</a>'
ENDED = "Please open the link in your email again"


@pytest.fixture
def ana_intake(assessment):
    ana = ClientFactory(name="Ana Souza", email="ana@example.com", privacy_consent_at=NOW)
    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9, client=ana)
    [intake] = intakes_create_for_booking(booking=booking)
    return intake


def test_it_is_on_every_client_page_with_its_script(client, assessment):
    for url in ("/", "/privacy/", f"/book/{assessment.slug}/", "/no-such-page/"):
        content = text(client.get(url))
        assert EXIT in content, url
        assert "js/quick-exit.js" in content, url


def test_it_is_not_in_the_office(admin_client):
    content = text(admin_client.get("/admin/"))
    assert "data-quick-exit" not in content


def test_it_ends_the_session_and_sends_a_weather_page_with_nothing_cached(client, ana_intake):
    post_section(client, ana_intake, "financial", fin_notes=ANA_NOTE)
    money = number_of(ana_intake, "financial")
    assert ANA_NOTE in text(get(client, ana_intake, money))

    response = client.get("/leave/")

    assert response.status_code == 302
    assert response["Location"] == "https://www.bbc.com/weather"
    assert "no-store" in response["Cache-Control"]
    assert response["Clear-Site-Data"] == '"cache"'
    # Back, as often as you like: nothing of the questionnaire, only the way back in.
    for url in (page(ana_intake, money), page(ana_intake, money + 1), "/intake/", "/intake/done/"):
        again = client.get(url)
        assert again.status_code == 410, url
        assert ENDED in text(again)
        assert ANA_NOTE not in text(again)
        assert "Money" not in text(again)


def test_it_keeps_the_device_cookie(client, ana_intake):
    get(client, ana_intake)

    response = client.get("/leave/")

    assert access.DEVICE_COOKIE not in response.cookies  # neither set nor deleted
    assert access.DEVICE_COOKIE in client.cookies


def test_it_ends_the_booking_pages_too(client, ana_intake):
    booking = ana_intake.booking
    client.get(manage_path(booking))
    assert "Status:" in text(client.get("/b/"))

    response = client.get("/leave/")

    assert response.status_code == 302
    # Back, as often as you like: nothing of the booking, only the way back in.
    for url in ("/b/", "/b/?booked=1", "/b/calendar.ics", "/b/cancel/", "/b/reschedule/"):
        again = client.get(url)
        assert again.status_code == 410, url
        assert ENDED in text(again)
        assert "Status:" not in text(again)
        assert "Free assessment call" not in text(again)
    assert client.get(manage_path(booking)).status_code == 302  # the emailed link opens it again
