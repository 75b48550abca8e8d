"""The visitor's time zone: only the zones the list offers are read, shown or remembered."""

from datetime import UTC, datetime, timedelta

import pytest

from booking.models import Booking
from booking.timezones import canonical, known_zones, offered_zones, zone_choices

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
    assert '<option value="Europe/Amsterdam" selected>' in response.content.decode()
    assert "tz" not in response.cookies


@pytest.mark.parametrize("name", UNLISTED)
def test_it_ignores_an_unlisted_zone_in_the_cookie(client, assessment, name):
    client.cookies["tz"] = name
    response = client.get("/book/assessment-call/")
    assert '<option value="Europe/Amsterdam" selected>' in response.content.decode()
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


@pytest.mark.parametrize("name", UNLISTED)
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


# The list people choose from: common zones first, then by region, as places and their time.


def labels_at(moment) -> dict[str, str]:
    """Return {zone: label} of every listed choice at that moment."""
    return {zone: label for _, choices in zone_choices(moment) for zone, label in choices}


def test_it_lists_common_zones_first_then_each_region():
    groups = [label for label, _ in zone_choices(NOW)]
    assert groups == [
        "Common",
        "Africa",
        "Americas",
        "Asia",
        "Atlantic Ocean",
        "Australia",
        "Europe",
        "Indian Ocean",
        "Pacific",
        "Antarctica",
        "Arctic",
        "Other",
    ]
    common = [zone for zone, _ in zone_choices(NOW)[0][1]]
    for zone in ("Europe/London", "America/New_York", "America/Santiago", "Asia/Kolkata"):
        assert zone in common
    assert 20 <= len(common) <= 30


def test_it_lists_every_offered_zone_once_in_its_region():
    regional = [zone for _, choices in zone_choices(NOW)[1:] for zone, _ in choices]
    assert len(regional) == len(set(regional))
    assert set(regional) == set(offered_zones())
    europe = dict(zone_choices(NOW))["Europe"]
    assert [label for _, label in europe] == sorted(
        (label for _, label in europe), key=str.casefold
    )


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/Santiago", "Santiago (Chile), now 05:00"),
        ("Asia/Kolkata", "Kolkata (India), now 13:30"),
        ("Europe/London", "London (United Kingdom), now 08:00"),
        ("Europe/Amsterdam", "Amsterdam (Netherlands), now 09:00"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires (Argentina), now 05:00"),
        ("America/Indiana/Indianapolis", "Indianapolis, Indiana (United States), now 03:00"),
        ("Asia/Singapore", "Singapore, now 16:00"),
        ("UTC", "UTC, now 08:00"),
    ],
)
def test_it_labels_a_zone_by_city_country_and_time_now(zone, label):
    assert labels_at(NOW)[zone] == label


def test_it_shows_each_zones_time_after_a_clock_change():
    # Europe moves to summer time on 29 March; New York did on 8 March; Santiago waits for April.
    labels = labels_at(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    assert labels["Europe/Amsterdam"] == "Amsterdam (Netherlands), now 10:00"
    assert labels["Europe/London"] == "London (United Kingdom), now 09:00"
    assert labels["America/New_York"] == "New York (United States), now 04:00"
    assert labels["America/Santiago"] == "Santiago (Chile), now 05:00"


def test_it_shows_the_time_of_the_minute_the_page_is_built(client, assessment, time_machine):
    page = client.get("/book/assessment-call/").content.decode()
    assert ">Santiago (Chile), now 05:00<" in page
    time_machine.move_to(NOW + timedelta(minutes=1))
    page = client.get("/book/assessment-call/").content.decode()
    assert ">Santiago (Chile), now 05:01<" in page


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("America/Argentina/ComodRivadavia", "America/Argentina/Catamarca"),
        ("US/Eastern", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("America/Montreal", "America/Toronto"),
    ],
)
def test_it_accepts_a_legacy_name_as_its_zone_but_never_lists_it(client, assessment, name, current):
    assert name not in labels_at(NOW)
    assert canonical(name) == current
    page = client.get("/book/assessment-call/", {"tz": name}).content.decode()
    assert f'<option value="{current}" selected>' in page
    assert f'value="{name}"' not in page


def test_it_reads_a_fixed_offset_as_no_zone_of_the_list():
    # Etc/GMT+3 is UTC-3 all year: no city's clock, so no guess at one.
    assert canonical("Etc/GMT+3") is None
    assert "Etc/GMT+3" not in labels_at(NOW)


def test_it_accepts_details_in_a_legacy_name_as_the_current_one(client, assessment):
    details_url = client.post(
        "/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"}
    )["Location"]
    data = {
        "name": "Ana Souza",
        "email": "ana@example.com",
        "time_zone": "Asia/Calcutta",
        "mode": "individual",
        "consent": "on",
    }
    assert client.post(details_url, data).status_code == 302
    assert Booking.objects.get().client_time_zone == "Asia/Kolkata"


def test_it_shows_the_details_form_with_the_grouped_list(client, assessment):
    details_url = client.post(
        "/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "Asia/Kolkata"}
    )["Location"]
    page = client.get(details_url).content.decode()
    assert '<optgroup label="Common">' in page
    assert '<option value="Asia/Kolkata" selected>Kolkata (India), now 13:30</option>' in page
    assert page.count(" selected>") == 1


# The slot page says plainly which zone its times are in, above the times.

DEFAULT_ZONE_SAYS = (
    "Times below are in <strong>Amsterdam (Netherlands)</strong> time (UTC+01:00). "
    "Not your time zone? Choose yours:"
)
YOUR_ZONE = "Times are shown in your time zone"


def test_it_says_whose_zone_the_times_are_in_before_any_choice(client, assessment):
    page = client.get("/book/assessment-call/").content.decode()
    assert DEFAULT_ZONE_SAYS in page
    assert YOUR_ZONE not in page
    assert page.index('id="tz-form"') < page.index('class="slot-form"')
    assert page.index(DEFAULT_ZONE_SAYS) < page.index('class="slot-form"')
    assert '<form method="get" action="/book/assessment-call/"' in page


@pytest.mark.parametrize("how", ["query", "cookie"])
def test_it_says_the_times_are_in_the_visitors_zone_once_chosen(client, assessment, how):
    if how == "cookie":
        client.cookies["tz"] = "America/Santiago"
        page = client.get("/book/assessment-call/").content.decode()
    else:
        page = client.get("/book/assessment-call/", {"tz": "America/Santiago"}).content.decode()
    assert (
        "Times are shown in your time zone: <strong>Santiago (Chile)</strong> time (UTC-03:00)."
    ) in page
    assert "Not your time zone?" not in page
    assert "Maya Lind is in Amsterdam (Netherlands)." in page


def test_it_never_serves_the_default_zones_page_to_a_visitor_who_chose_that_zone(
    client, assessment
):
    assert DEFAULT_ZONE_SAYS in client.get("/book/assessment-call/").content.decode()
    chosen = client.get("/book/assessment-call/", {"tz": "Europe/Amsterdam"}).content.decode()
    assert "Times are shown in your time zone: <strong>Amsterdam (Netherlands)</strong>" in chosen
    client.cookies.clear()  # a visitor who has chosen nothing, after one who chose
    assert DEFAULT_ZONE_SAYS in client.get("/book/assessment-call/").content.decode()
