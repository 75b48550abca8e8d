"""Limits on the public pages: one visitor cannot hold the calendar, flood a form, or be used
by another website, and an outage of the cache never locks a client out.
"""

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from booking.models import Booking
from booking.selectors import slots_for

from ..clock import NOW, TUESDAY_9

SCRIPT = "203.0.113.5"
NEIGHBOUR = "198.51.100.20"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture(autouse=True)
def limits_on(settings):
    settings.PUBLIC_LIMITS = True
    settings.BOOKING_HOLDS_PER_VISITOR = 2
    settings.PUBLIC_ATTEMPTS_PER_WINDOW = 1000  # the flood test counts holds, not attempts
    cache.clear()  # counts from earlier tests must not leak in


def hold(client, session_type, slot, ip=SCRIPT, **headers):
    return client.post(
        f"/book/{session_type.slug}/hold/",
        {"slot": slot.isoformat(), "tz": "Europe/Amsterdam"},
        REMOTE_ADDR=ip,
        headers=headers,
    )


def live_holds() -> int:
    return Booking.objects.filter(status=Booking.Status.HELD).count()


def test_it_leaves_one_flooding_visitor_two_holds_and_everyone_else_every_other_time(
    client, assessment, single_session
):
    free = {
        session_type: slots_for(session_type=session_type)
        for session_type in (assessment, single_session)
    }
    attempts = 0
    for session_type, times in free.items():
        for slot in times:
            hold(Client(), session_type, slot)  # a fresh browser each time: no cookie
            attempts += 1
    assert attempts > 100
    assert live_holds() == 2
    assert set(Booking.objects.values_list("held_by", flat=True)) != {""}

    held = set(Booking.objects.values_list("start_at", flat=True))
    for session_type, times in free.items():
        bookable = set(slots_for(session_type=session_type))
        # Every time but those two (and their neighbours blocked by buffers) is still free.
        assert len(bookable) >= len(times) - 2 * 3, session_type
    neighbour_slot = next(slot for slot in free[assessment] if slot not in held)
    assert hold(Client(), assessment, neighbour_slot, ip=NEIGHBOUR).status_code == 302


def test_it_tells_a_visitor_over_the_hold_limit_what_to_do(client, assessment):
    times = slots_for(session_type=assessment)
    for slot in times[:2]:
        assert hold(Client(), assessment, slot).status_code == 302
    response = hold(Client(), assessment, times[5])
    assert response.status_code == 429
    assert "You are already holding 2 times" in response.content.decode()
    assert live_holds() == 2


def test_it_releases_the_browsers_previous_hold_when_it_chooses_again(client, assessment):
    times = slots_for(session_type=assessment)
    for slot in times[:5]:
        assert hold(client, assessment, slot).status_code == 302
    assert live_holds() == 1
    assert Booking.objects.get().start_at == times[4]


def test_it_frees_the_visitors_holds_as_they_lapse(client, assessment, time_machine):
    times = slots_for(session_type=assessment)
    for slot in times[:2]:
        hold(Client(), assessment, slot)
    time_machine.shift(timedelta(minutes=11))
    assert hold(Client(), assessment, times[3]).status_code == 302


def test_it_counts_an_ipv6_visitor_per_64(client, assessment):
    times = slots_for(session_type=assessment)
    assert hold(Client(), assessment, times[0], ip="2001:db8:1:2::1").status_code == 302
    assert hold(Client(), assessment, times[1], ip="2001:db8:1:2::2").status_code == 302
    assert hold(Client(), assessment, times[2], ip="2001:db8:1:2:ffff::9").status_code == 429
    assert hold(Client(), assessment, times[3], ip="2001:db8:1:3::1").status_code == 302


def test_it_believes_forwarded_addresses_only_from_trusted_proxies(client, assessment, settings):
    times = slots_for(session_type=assessment)
    # Untrusted: everyone behind 10.0.0.2 is one visitor, whatever they claim.
    for index, claimed in enumerate(["1.1.1.1", "2.2.2.2", "3.3.3.3"]):
        response = hold(Client(), assessment, times[index], ip="10.0.0.2", X_FORWARDED_FOR=claimed)
        assert response.status_code == (429 if index == 2 else 302)
    Booking.objects.all().delete()
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for index, claimed in enumerate(["1.1.1.1", "2.2.2.2", "3.3.3.3"]):
        response = hold(Client(), assessment, times[index], ip="10.0.0.2", X_FORWARDED_FOR=claimed)
        assert response.status_code == 302


def test_it_refuses_holds_sent_from_another_websites_page(client, assessment):
    slot = slots_for(session_type=assessment)[0]
    response = hold(client, assessment, slot, SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert "could not be held from another website" in response.content.decode()
    response = hold(client, assessment, slot, ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert live_holds() == 0
    assert hold(client, assessment, slot, SEC_FETCH_SITE="same-origin").status_code == 302


def test_it_accepts_a_hold_from_its_own_origin(client, assessment, settings):
    settings.SITE_URL = "https://book.example.com"
    slot = slots_for(session_type=assessment)[0]
    assert hold(client, assessment, slot, ORIGIN="https://book.example.com").status_code == 302


def test_it_pauses_a_visitor_who_sends_a_form_too_often(client, assessment, settings):
    settings.PUBLIC_ATTEMPTS_PER_WINDOW = 3
    url = "/book/assessment-call/hold/"
    statuses = [
        client.post(url, {"slot": "nonsense"}, REMOTE_ADDR=SCRIPT).status_code for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    paused = client.post(url, {"slot": "nonsense"}, REMOTE_ADDR=SCRIPT)
    assert "Please wait a few minutes" in paused.content.decode()
    assert paused["Retry-After"] == "600"
    assert client.post(url, {"slot": "nonsense"}, REMOTE_ADDR=NEIGHBOUR).status_code == 400


def test_it_never_limits_reading_a_page(client, assessment, settings):
    settings.PUBLIC_ATTEMPTS_PER_WINDOW = 1
    for _ in range(5):
        assert client.get("/book/assessment-call/", REMOTE_ADDR=SCRIPT).status_code == 200


DOWN_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_it_lets_clients_book_when_the_cache_is_down_and_still_caps_holds(
    client, assessment, settings, caplog
):
    settings.CACHES = DOWN_CACHE
    settings.PUBLIC_ATTEMPTS_PER_WINDOW = 1
    times = slots_for(session_type=assessment)
    with caplog.at_level(logging.WARNING):
        statuses = [hold(Client(), assessment, slot).status_code for slot in times[:3]]
    assert statuses == [302, 302, 429]  # attempts fail open; the database still caps holds
    assert "cache unavailable; allowing" in caplog.text


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/follow-ups/stop/bad-token/", {}),
        ("/b/cancel/", {}),
        ("/intake/code/", {}),
    ],
)
def test_it_limits_every_public_write(client, settings, url, data):
    settings.PUBLIC_ATTEMPTS_PER_WINDOW = 2
    statuses = [client.post(url, data, REMOTE_ADDR=SCRIPT).status_code for _ in range(3)]
    assert statuses[-1] == 429
    assert 429 not in statuses[:2]


def test_it_stores_no_address_on_a_hold(client, assessment):
    hold(client, assessment, TUESDAY_9)
    held_by = Booking.objects.get().held_by
    assert len(held_by) == 32
    assert SCRIPT not in held_by
