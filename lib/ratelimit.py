"""Counting attempts in a shared cache, failing open when the cache is down.

A limit on attempts protects the practice from scripts, never from its own
clients: if the cache cannot be reached the attempt is allowed and a line is
logged, so an outage never locks out a worried person. Limits that must hold
whatever happens (how many times one visitor may hold) are counted in the
database instead. Pure: the cache is passed in (anything with Django's
``add``/``incr`` interface).
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def attempt_allowed(cache: Any, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; return whether it is within ``limit`` per window.

    The window starts with the first attempt and is not extended by later ones.
    """
    try:
        count = 1 if cache.add(key, 1, timeout=window_seconds) else cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is a new window
        try:
            cache.add(key, 1, timeout=window_seconds)
        except Exception:
            logger.warning("attempt limit: cache unavailable; allowing", exc_info=True)
        return True
    except Exception:  # a cache backend's connection errors have no common base
        logger.warning("attempt limit: cache unavailable; allowing", exc_info=True)
        return True
    return count <= limit
