"""The slot page's cache: a page served from it costs one round trip to the cache, no query.

Each page is kept under a fixed key (offer, zone, week asked for) together with
the calendar version it was built under and the minute it was built in. The
version is kept in the cache too, so one ``get_many`` answers both "which version
is current?" and "is there a page for it?".

Why a page never shows a time taken since: a page is filed under the version
read *before* its database reads, and every write that takes or frees time
(``practitioner_calendar_touch``) replaces the version with a new random one
*after* its transaction commits. A page built before that commit, or while it
was in flight, carries an older version and is never served again; a page that
carries the current version was built after the last replacement, so from data
that includes every committed write. Random versions never come back, so an
old page cannot match by chance, and two writers replacing it in any order are
both seen. The minute in the value lets notice periods and lapsed holds move on.

A cache each process keeps for itself (locmem: development, tests) cannot tell
the other processes, so there the practitioner's calendar version from the
database is part of the version (one query), as it is raised in the same
transaction as each write. If replacing the version fails (the cache dropped
out just then), a page may be served until its minute ends; with the cache
down the page is built fresh for every visitor.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction

from . import selectors

logger = logging.getLogger(__name__)

VERSION_KEY = "slot-pages:version"
# A page is only served in the minute it was built; the timeout just frees the memory.
PAGE_SECONDS = 90


@dataclass(frozen=True)
class Lookup:
    """What the cache said: the version to file a new page under, and the page if current.

    ``version`` is None when there is no cache to speak of (down, or no such
    offer): the page is then built and not kept.
    """

    version: str | None
    content: bytes | None = None


def slot_page_key(*, slug: str, zone_name: str | None, asked_week: date | None) -> str:
    """Return the key of a slot page: the offer, the visitor's zone (or hers), the week asked."""
    week = asked_week.isoformat() if asked_week else "now"
    return f"slot-page:{slug}:{zone_name or '-'}:{week}"


def cache_is_per_process() -> bool:
    """Return whether each process has its own cache, so it cannot carry the version alone."""
    return isinstance(caches["default"], LocMemCache)


def slot_page_lookup(key: str, *, slug: str, minute: int) -> Lookup:
    """Return the current version and, if one was built for it in this minute, the page.

    One ``get_many`` for both with a shared cache (Redis); a missing version (first
    visit, eviction) is made once, by whichever request adds it first.
    """
    try:
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:  # the cache backend's connection errors have no common base
        logger.warning("slot page cache unavailable; rendering without it", exc_info=True)
        return Lookup(version=None)
    if version is None:
        return Lookup(version=None)
    if cache_is_per_process():
        stamp = selectors.slot_page_stamp(slug)
        if stamp is None:
            return Lookup(version=None)
        version = f"{version}:{stamp.calendar_version}"
    page = found.get(key)
    if page is not None and page[0] == version and page[1] == minute:
        return Lookup(version=version, content=page[2])
    return Lookup(version=version)


def slot_page_store(key: str, *, version: str, minute: int, content: bytes) -> None:
    """Keep a page built under ``version`` in ``minute``; a cache that is down keeps nothing."""
    try:
        cache.set(key, (version, minute, content), timeout=PAGE_SECONDS)
    except Exception:
        logger.warning("slot page cache unavailable; page not cached", exc_info=True)


def slot_pages_expire() -> None:
    """Replace the version now, so no page kept so far is served again."""
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.warning("slot page cache unavailable; version not replaced", exc_info=True)


def slot_pages_expire_on_commit() -> None:
    """Replace the version once this transaction commits (at once outside one).

    Before the commit would be too early: a visitor could build a page from the
    data as it was, under the new version, and it would be served until the next
    write. Once per transaction, however many writes it makes.
    """
    pending = connection.run_on_commit if connection.in_atomic_block else []
    # Entries are (savepoint ids, callback, robust) in Django 5; the callback is second.
    if not any(entry[1] is slot_pages_expire for entry in pending):
        transaction.on_commit(slot_pages_expire, robust=True)
