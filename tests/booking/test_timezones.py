"""The visitor's time zone: only the zones the list offers are read, shown or remembered."""

import pytest

from booking.models import Booking
from booking.timezones import canonical, known_zones, offered_zones

from ..clock import NOW, TUESDAY_9

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

# Known to the zone database, but not in the list people choose from.
UNLISTED = ["EST5EDT", "PST8PDT", "Etc/GMT+5", "Etc/GMT-14", "localtime", "Factory"]
CHOOSE_FROM_THE_LIST = "Please choose your time zone from the list."


def test_it_reads_every_known_zone_as_a_listed_one_or_none():
    offered = set(offered_zones())
    assert {canonical(name) for name in known_zones()} <= offered | {None}


@pytest.mark.parametrize("name", UNLISTED)
def test_it_reads_an_unlisted_zone_as_none(name):
    assert canonical(name) is None


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Eastern", "America/New_York"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
        ("Etc/GMT", "UTC"),
        ("Europe/Amsterdam", "Europe/Amsterdam"),
    ],
)
def test_it_maps_old_spellings_to_listed_zones(name, current):
    assert canonical(name) == current


@pytest.mark.parametrize("name", UNLISTED)
def test_it_shows_the_practitioners_zone_for_an_unlisted_zone_and_forgets_it(
    client, assessment, name
):
    response = client.get("/book/assessment-call/", {"tz": name})
    assert response.status_code == 200
    assert "<option selected>Europe/Amsterdam</option>" in response.content.decode()
    assert "tz" not in response.cookies


@pytest.mark.parametrize("name", UNLISTED)
def test_it_ignores_an_unlisted_zone_in_the_cookie(client, assessment, name):
    client.cookies["tz"] = name
    response = client.get("/book/assessment-call/")
    assert "<option selected>Europe/Amsterdam</option>" in response.content.decode()
    assert "tz" not in response.cookies


@pytest.mark.parametrize("name", UNLISTED)
def test_it_refuses_a_hold_in_an_unlisted_zone(client, assessment, name):
    response = client.post(
        "/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": name}
    )
    assert response.status_code == 400
    assert CHOOSE_FROM_THE_LIST in response.content.decode()
    assert "tz" not in response.cookies
    assert not Booking.objects.exists()


@pytest.mark.parametrize("name", UNLISTED)
def test_it_preselects_a_listed_zone_on_the_details_form(client, assessment, name):
    details_url = client.post(
        "/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"}
    )["Location"]
    client.cookies["tz"] = name
    page = client.get(details_url).content.decode()
    assert '<option value="Europe/Amsterdam" selected>' in page


@pytest.mark.parametrize("name", [*UNLISTED, "Asia/Calcutta"])
def test_it_refuses_details_in_an_unlisted_zone_in_plain_words(client, assessment, name):
    details_url = client.post(
        "/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"}
    )["Location"]
    data = {
        "name": "Ana Souza",
        "email": "ana@example.com",
        "time_zone": name,
        "mode": "individual",
        "consent": "on",
    }
    response = client.post(details_url, data)
    assert response.status_code == 400
    assert CHOOSE_FROM_THE_LIST in response.content.decode()
    assert Booking.objects.get().status == Booking.Status.HELD
