"""lib.ratelimit: attempts counted per window, and allowed when the cache is down."""

import logging

from django.core.cache.backends.locmem import LocMemCache

from lib.ratelimit import attempt_allowed


def test_it_allows_up_to_the_limit_then_refuses():
    cache = LocMemCache("limits", {})
    results = [attempt_allowed(cache, "k", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert attempt_allowed(cache, "other", limit=3, window_seconds=60)


class DownCache:
    def add(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    incr = add


def test_it_fails_open_with_a_log_line_when_the_cache_is_down(caplog):
    with caplog.at_level(logging.WARNING, logger="lib.ratelimit"):
        assert all(attempt_allowed(DownCache(), "k", limit=1, window_seconds=60) for _ in range(3))
    assert "cache unavailable; allowing" in caplog.text
