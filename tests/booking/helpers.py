"""Booking the way a visitor does: hold a time, then confirm it with their details."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.test import TestCase

from booking import services, slot_page_cache
from booking.models import Booking

from ..clock import THURSDAY_9

PRIYA = {"name": "Priya", "email": "priya@example.com", "time_zone": "Asia/Kolkata"}


def book(session_type, start=THURSDAY_9, **details) -> Booking:
    """Hold and confirm a time through the services, as Priya in Kolkata unless told otherwise.

    A single session is confirmed as a person does it: from the link emailed to her.
    """
    held = services.booking_hold(
        session_type=session_type, slot_start=start, client_time_zone="Asia/Kolkata"
    )
    typed = services.ClientDetails(**{**PRIYA, **details})
    if session_type.requires_assessment:
        requested = services.booking_verify_request(public_id=held.public_id, details=typed)
        return services.booking_verify_confirm(
            public_id=held.public_id, request=requested.pending_details["request"]
        )
    return services.booking_confirm(public_id=held.public_id, details=typed)


def cached_page_queries() -> int:
    """Return the queries of a slot page served from the cache.

    None with a cache all processes share (Redis); with one per process, one
    for the calendar version, which only the database can tell them all.
    """
    return 1 if slot_page_cache.cache_is_per_process() else 0


@contextmanager
def committed() -> Iterator[None]:
    """Run, at the end of the block, what its writes asked to run once they commit.

    A test's transaction never commits, so without this a shared cache (Redis)
    would never hear that the calendar changed.
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
