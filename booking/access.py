"""Which booking this browser may see: the booking's public id in the Django session.

The emailed manage link (``/b/<token>/``) is only exchanged: it puts the
booking's public id in the session and redirects to pages without a token
(``/b/``, ``/b/calendar.ics``, ``/b/cancel/``, ``/b/reschedule/``), so browser
history, Referer headers and access logs hold no working link to the booking.
The session entry lasts while it is used and ends after ``SESSION_IDLE``
without a page, or at once with "Leave this page quickly" (``quick_exit``).
The same pattern as the questionnaire's (``assessments/access.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone

from .models import Booking

SESSION_KEY = "booking"
SESSION_IDLE = timedelta(hours=2)
# The last-seen time is written at most this often, not on every page.
_SEEN_STEP = timedelta(minutes=1)


def session_entry_open(request: HttpRequest, key: str, public_id: UUID) -> None:
    """Open one record's pages in this browser's session, under a new session key.

    Shared with the questionnaire (``assessments.access``), which keeps its own key.
    """
    # A session id known before the link was opened is useless. A browser without a
    # session gets a new id when this one is saved; cycling it would write it twice.
    if request.session.session_key is not None:
        request.session.cycle_key()
    request.session[key] = {"id": str(public_id), "seen": _stamp(timezone.now())}
    request.session.set_expiry(int(SESSION_IDLE.total_seconds()))


def session_entry_read(request: HttpRequest, key: str) -> UUID | None:
    """Return the public id open under ``key``, or None once it has ended.

    Each page keeps it open for another SESSION_IDLE.
    """
    entry = request.session.get(key)
    if not isinstance(entry, dict):
        return None
    now = timezone.now()
    seen = datetime.fromtimestamp(entry.get("seen", 0), tz=UTC)
    if now - seen > SESSION_IDLE:
        del request.session[key]
        return None
    if now - seen >= _SEEN_STEP:
        request.session[key] = {**entry, "seen": _stamp(now)}
        request.session.set_expiry(int(SESSION_IDLE.total_seconds()))
    try:
        return UUID(entry["id"])
    except (KeyError, TypeError, ValueError):
        return None


def session_open(request: HttpRequest, booking: Booking) -> None:
    """Open this booking's pages in this browser's session."""
    session_entry_open(request, SESSION_KEY, booking.public_id)


def session_public_id(request: HttpRequest) -> UUID | None:
    """Return the public id of the booking open in this session, or None once it has ended."""
    return session_entry_read(request, SESSION_KEY)


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())
