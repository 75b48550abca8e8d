"""Hostile visitors: no input makes a public page answer 5xx or write a row it should not."""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import quote, urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.tokens import intake_token_make
from booking import services
from booking.models import Booking
from booking.timezones import offered_zones
from booking.tokens import hold_token_make, manage_token_make, verify_token_make
from clients.links import opt_out_token_make

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, IntakeFactory
from .helpers import cached_page_queries

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

BAD_TIME = "We could not read that time. Please pick one from the list."
# Instants at the edges of the calendar: the first two are valid ISO 8601 and
# aware, but every step of date arithmetic around them overflows.
EDGE_SLOTS = [
    "9999-12-31T23:59:00+00:00",
    "0001-01-01T00:00:00-14:00",
    "9999-12-31T23:59:00-14:00",
    "0001-01-01T00:00:00+14:00",
    "2200-01-01T00:00:00+00:00",
]


@pytest.mark.parametrize("week", ["9999-12-31", "9999-12-28", "0001-01-01", "2200-01-01"])
def test_it_shows_this_week_for_a_week_off_the_calendar(client, assessment, week):
    response = client.get(f"/book/assessment-call/?week={week}&tz=Pacific/Kiritimati")
    assert response.status_code == 200
    assert "Tuesday 3 March" in response.content.decode()


@pytest.mark.parametrize("slot", EDGE_SLOTS)
def test_it_refuses_a_hold_at_the_edge_of_the_calendar(client, assessment, slot):
    response = client.post(
        "/book/assessment-call/hold/?week=9999-12-31", {"slot": slot, "tz": "UTC"}
    )
    assert response.status_code == 400
    assert BAD_TIME in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("slot", EDGE_SLOTS)
def test_it_refuses_a_move_to_the_edge_of_the_calendar(client, assessment, slot):
    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    assert client.get(f"/b/{manage_token_make(booking.public_id)}/").status_code == 302
    url = "/b/reschedule/"
    assert client.get(url + "?week=9999-12-31").status_code == 200
    response = client.post(url, {"slot": slot, "tz": "UTC"})
    assert response.status_code == 400
    assert BAD_TIME in response.content.decode()
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9


def test_it_still_explains_a_time_beyond_the_horizon_in_its_own_words(client, assessment):
    slot = (NOW + timedelta(days=assessment.horizon_days + 30)).isoformat()
    response = client.post("/book/assessment-call/hold/", {"slot": slot, "tz": "UTC"})
    assert response.status_code == 409
    assert "further ahead than bookings are open" in response.content.decode()


@pytest.mark.parametrize(
    "malformed", ["2026-03-16T00:00", "2026-03-16junk", "2026-03-16 ", "2026-03-16%00"]
)
def test_it_never_caches_a_malformed_week_under_a_real_weeks_key(client, assessment, malformed):
    first = client.get(f"/book/assessment-call/?week={malformed}&tz=UTC")
    assert first.status_code == 200
    real = client.get("/book/assessment-call/?week=2026-03-16&tz=UTC").content.decode()
    assert "Monday 16 March" in real
    assert "Tuesday 3 March" not in real


def test_it_serves_this_weeks_page_from_one_cache_entry_however_it_is_asked(client, assessment):
    client.get("/book/assessment-call/?tz=UTC")
    for asked in ("?week=2026-03-02&tz=UTC", "?week=2020-01-01&tz=UTC", "?week=nonsense&tz=UTC"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/book/assessment-call/{asked}")
        assert "Tuesday 3 March" in response.content.decode()
        # The cached page: the key is the week as read, not as sent.
        assert len(queries) == cached_page_queries()


# --- Property tests: every public URL, driven with hostile values ------------------

# About 50 examples a URL keeps the whole file well under a minute on SQLite. The
# data is built once per test and shared by its examples, which is why the
# function-scoped-fixture health check is off: each example checks what it changed.
# Derandomized: CI runs the same examples every time, so a red run is a real bug,
# not the luck of the draw; widen max_examples locally to explore further.
hostile = settings(
    max_examples=50,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HUGE = 10_000
HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "2026-03-16\x00",
    "\x00" * 64,
    "x" * HUGE,
    "9" * HUGE,
    "2026-03-16" + "0" * HUGE,
    "\u202e2026-03-16",  # right-to-left override
    "２０２６-０３-１６",  # fullwidth digits
    "2026-03-16T00:00",
    "2026-3-16",
    "e\u0301" * 20,  # combining accents
    "\U0001f600" * 100,
    "<script>alert(1)</script>",
    "'; DROP TABLE booking_booking; --",
    "%00%2F..%2F",
    "../../etc/passwd",
]
EDGE_DATES = ["0001-01-01", "9999-12-31", "9999-12-25", "2026-02-29", "2026-13-01", "-001-01-01"]
EDGE_TIMES = [
    "9999-12-31T23:59:00+00:00",
    "9999-12-31T23:59:59.999999-14:00",
    "0001-01-01T00:00:00-14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00",
    "2026-03-03T08:00:00+00:00",  # a free time, so some holds succeed
    "2026-03-03T08:00:00Z",
    "2026-03-03T22:00:00+14:00",
    "2026-03-03T08:00:00+23:59",
]
UNKNOWN_ZONES = ["EST5EDT", "Etc/GMT+5", "localtime", "Factory", "Mars/Olympus", "posixrules"]
EDGE_OFFSETS = [timezone(timedelta(hours=hours)) for hours in (-14, -1, 0, 5.5, 14)]

# Anything a browser can send: any character but a lone surrogate, which no
# browser can encode (the test client would fail before the server is asked).
any_character = st.characters(exclude_categories=["Cs"])
hostile_text = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(any_character, max_size=40))
week_values = st.one_of(hostile_text, st.sampled_from(EDGE_DATES), st.dates().map(date.isoformat))
slot_values = st.one_of(
    hostile_text,
    st.sampled_from(EDGE_TIMES),
    st.datetimes(timezones=st.sampled_from(EDGE_OFFSETS)).map(datetime.isoformat),
    st.datetimes(
        min_value=datetime(2026, 2, 25), max_value=datetime(2026, 5, 15), timezones=st.just(UTC)
    ).map(datetime.isoformat),
)
zone_values = st.one_of(
    hostile_text, st.sampled_from(UNKNOWN_ZONES), st.sampled_from(offered_zones())
)
# What a browser can put in a cookie: printable ASCII without the separators.
cookie_values = st.one_of(
    st.sampled_from([*UNKNOWN_ZONES, "Asia/Calcutta", "x" * 4000]),
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=';",\\'),
        max_size=80,
    ),
)
REFUSALS = {400, 404, 409, 410}


def tampered(token: str) -> st.SearchStrategy[str]:
    """Return a strategy of the token cut short, with a character changed, or replaced."""
    last = len(token) - 1
    return st.one_of(
        hostile_text,
        st.integers(0, last).map(lambda cut: token[:cut]),
        st.builds(
            lambda at, char: token[:at] + char + token[at + 1 :],
            st.integers(0, last),
            any_character,
        ),
        st.sampled_from([token + "x", token.upper(), token[::-1], f"{token}:{token}"]),
    ).filter(lambda value: value != token)


def booking_rows() -> list[tuple]:
    return list(Booking.objects.order_by("pk").values_list("pk", "status", "start_at", "client"))


def plain_words(response) -> str:
    """Return what a refusal tells the person: its message box, else its heading."""
    html = response.content.decode()
    found = re.search(r'role="alert"[^>]*>(.*?)</div>', html, re.DOTALL) or re.search(
        r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL
    )
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def assert_calm(response, *, rows_before: list[tuple]) -> None:
    """Assert no 5xx; a refusal says why in words and writes nothing; a GET writes nothing."""
    status = response.status_code
    assert status < 500, response.content.decode()[:300]
    if status >= 400:
        assert status in REFUSALS, status
        assert len(plain_words(response).split()) >= 3, response.content.decode()[:300]
    if status >= 400 or response.request["REQUEST_METHOD"] == "GET":
        assert booking_rows() == rows_before


@pytest.mark.parametrize("path", ["/", "/privacy/"])
@hostile
@given(week=week_values, tz=zone_values)
def test_it_answers_the_plain_pages_calmly_whatever_the_query(client, assessment, path, week, tz):
    rows = booking_rows()
    assert_calm(client.get(path, {"week": week, "tz": tz}), rows_before=rows)


@hostile
@given(week=week_values, tz=zone_values, cookie=cookie_values)
def test_it_answers_the_slot_page_calmly_and_caches_it_truly(client, assessment, week, tz, cookie):
    rows = booking_rows()
    client.cookies["tz"] = cookie
    response = client.get("/book/assessment-call/", {"week": week, "tz": tz})
    assert_calm(response, rows_before=rows)
    assert response.status_code == 200
    real = client.get("/book/assessment-call/", {"week": "2026-03-16", "tz": tz}).content.decode()
    assert "Mon 16 Mar – Sun 22 Mar" in real


@hostile
@given(slot=slot_values, tz=zone_values, week=week_values)
def test_it_refuses_a_hostile_hold_calmly(client, assessment, slot, tz, week):
    rows = booking_rows()
    response = client.post(
        f"/book/assessment-call/hold/?{urlencode({'week': week})}", {"slot": slot, "tz": tz}
    )
    assert_calm(response, rows_before=rows)
    assert "tz" not in response.cookies or response.cookies["tz"].value in offered_zones()
    if response.status_code == 302:  # a free time; a browser's new hold replaces its last
        assert Booking.objects.filter(status=Booking.Status.HELD).exists()


@pytest.fixture
def details_url(assessment) -> str:
    """Return the details link of a held time (the examples share it; one may confirm it)."""
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    token = hold_token_make(
        public_id=held.public_id, session_type_slug=assessment.slug, slot_start=held.start_at
    )
    return f"/book/details/{token}/"


@hostile
@given(
    fields=st.fixed_dictionaries(
        {
            "name": st.one_of(st.just("Ana Souza"), hostile_text),
            "email": st.one_of(st.just("ana@example.com"), hostile_text),
            "time_zone": st.one_of(st.just("America/Sao_Paulo"), zone_values),
            "mode": st.one_of(st.sampled_from(["individual", "couple"]), hostile_text),
            "partner_name": st.one_of(st.just(""), hostile_text),
            "partner_email": st.one_of(st.just(""), hostile_text),
            "note": st.one_of(st.just(""), hostile_text),
            "consent": st.one_of(st.just("on"), hostile_text),
        }
    ),
    tz=zone_values,
    cookie=cookie_values,
)
def test_it_answers_hostile_details_calmly(client, details_url, fields, tz, cookie):
    client.cookies["tz"] = cookie
    rows = booking_rows()
    assert_calm(client.get(details_url, {"tz": tz}), rows_before=rows)
    assert_calm(client.post(f"{details_url}?{urlencode({'tz': tz})}", fields), rows_before=rows)


@pytest.fixture
def reschedule_url(client, assessment) -> str:
    """Open a booking's manage link in the test client; return its token-less move page."""
    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    assert client.get(f"/b/{manage_token_make(booking.public_id)}/").status_code == 302
    return "/b/reschedule/"


@hostile
@given(week=week_values, slot=slot_values, tz=zone_values)
def test_it_refuses_a_hostile_move_calmly(client, reschedule_url, week, slot, tz):
    rows = booking_rows()
    assert_calm(client.get(reschedule_url, {"week": week, "tz": tz}), rows_before=rows)
    assert_calm(client.post(reschedule_url, {"slot": slot, "tz": tz}), rows_before=rows)


@pytest.fixture
def links(assessment) -> dict[str, str]:
    """Return a working link of every kind, each to be tampered with."""
    booking = BookingFactory(session_type=assessment, start_at=TUESDAY_9)
    intake = IntakeFactory(booking=booking)
    manage = manage_token_make(booking.public_id)
    hold = hold_token_make(
        public_id=booking.public_id, session_type_slug=assessment.slug, slot_start=TUESDAY_9
    )
    return {
        "/book/details/{}/": hold,
        "/book/confirm/{}/": verify_token_make(public_id=booking.public_id, request=1),
        "/b/{}/": manage,  # only exchanged: the pages it opens carry no token
        "/follow-ups/stop/{}/": opt_out_token_make(booking.client_id),
        "/intake/{}/": intake_token_make(intake.public_id),
    }


@pytest.mark.parametrize(
    "pattern",
    [
        "/book/details/{}/",
        "/book/confirm/{}/",
        "/b/{}/",
        "/follow-ups/stop/{}/",
        "/intake/{}/",
    ],
)
@hostile
@given(data=st.data())
def test_it_answers_a_tampered_link_calmly(client, links, pattern, data):
    token = data.draw(tampered(links[pattern]), label="token")
    url = pattern.format(quote(token, safe=""))
    rows = booking_rows()
    assert_calm(client.get(url), rows_before=rows)
    # Read-only pages take no POST (the manage and questionnaire links only open a session).
    if not pattern.endswith(("calendar.ics", "/b/{}/", "/intake/{}/")):
        assert_calm(client.post(url, {"slot": EDGE_TIMES[0], "consent": "on"}), rows_before=rows)
