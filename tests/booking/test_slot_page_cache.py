"""The slot page's cache: no query for a cached page, and never a time taken since.

Each test runs with a cache all processes share (Redis, as in production) and
with one each process keeps for itself (locmem), whose version also comes from
the database.
"""

import logging
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking import services, slot_page_cache

from ..clock import NOW, TUESDAY_9
from .helpers import committed

pytestmark = [pytest.mark.time_machine(NOW, tick=False)]

PAGE = "/book/assessment-call/?tz=UTC"
SLOT = f'value="{TUESDAY_9.isoformat()}"'
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here: Redis is down
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture(params=["shared", "per-process"])
def page_cache(request, settings):
    """Point the default cache at Redis (skipped without REDIS_URL) or at locmem; empty it."""
    if request.param == "shared":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    else:
        settings.CACHES = LOCMEM
    from django.core.cache import cache

    cache.clear()
    return request.param


def page_in_another_thread() -> str:
    """Fetch the slot page as another visitor would, on a database connection of its own."""
    pages: list[str] = []

    def fetch() -> None:
        try:
            pages.append(Client().get(PAGE).content.decode())
        finally:
            connection.close()

    thread = threading.Thread(target=fetch)
    thread.start()
    thread.join(timeout=30)
    return pages[0]


@pytest.mark.django_db(transaction=True)
def test_it_hides_a_booked_time_at_once(client, assessment, page_cache):
    assert SLOT in client.get(PAGE).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert SLOT in client.get(PAGE).content.decode()
    assert len(queries) == (0 if page_cache == "shared" else 1)  # from the cache
    held = client.post("/book/assessment-call/hold/", {"slot": TUESDAY_9.isoformat(), "tz": "UTC"})
    assert held.status_code == 302
    assert SLOT not in client.get(PAGE).content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_never_serves_a_page_built_while_a_booking_was_being_committed(
    client, assessment, page_cache
):
    with transaction.atomic():
        services.booking_hold(session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC")
        # Another visitor's page, built from the data as committed: the time is still free,
        # and that page is now in the cache.
        assert SLOT in page_in_another_thread()
    assert SLOT not in client.get(PAGE).content.decode()


@pytest.mark.django_db
def test_it_sees_a_write_its_cache_was_not_told_of_with_a_cache_per_process(
    client, assessment, settings
):
    """Another process's write replaces the version in that process's cache only.

    Here the test's transaction never commits, so the version in the cache is
    never replaced: as in a process that did not make the write.
    """
    settings.CACHES = LOCMEM
    assert SLOT in client.get(PAGE).content.decode()
    services.booking_hold(session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC")
    assert SLOT not in client.get(PAGE).content.decode()


@pytest.mark.django_db
def test_it_replaces_the_version_once_per_transaction(assessment, maya):
    from django.core.cache import cache

    before = cache.get(slot_page_cache.VERSION_KEY)
    with committed(), transaction.atomic():
        for _ in range(3):
            services.practitioner_calendar_touch(practitioner_id=maya.pk)
        pending = [entry[1] for entry in connection.run_on_commit]
        assert pending.count(slot_page_cache.slot_pages_expire) == 1
    assert cache.get(slot_page_cache.VERSION_KEY) not in (None, before)


@pytest.mark.django_db
def test_it_books_and_logs_when_the_version_cannot_be_replaced(assessment, settings, caplog):
    settings.CACHES = DOWN
    with caplog.at_level(logging.WARNING, logger="booking.slot_page_cache"), committed():
        services.booking_hold(session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC")
    assert "version not replaced" in caplog.text
