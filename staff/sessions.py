"""How long a staff session lasts: until the browser closes, or STAFF_SESSION_IDLE_MINUTES idle.

Set per login, so client sessions (a booking's or a questionnaire's) keep the
site's own lifetime. The time of the last request is kept in the session and
refreshed at most once a minute, so a busy office page does not write the
session on every request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

LAST_SEEN_KEY = "staff_last_seen"
REFRESH_SECONDS = 60


def staff_session_start(session: SessionBase) -> None:
    """Make a new login's session end with the browser and start its idle clock."""
    session.set_expiry(0)
    session[LAST_SEEN_KEY] = int(time.time())


def staff_session_expired(session: SessionBase) -> bool:
    """Return whether the session has been idle too long (or never started its clock)."""
    last_seen = session.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, int):
        return True
    return time.time() - last_seen > settings.STAFF_SESSION_IDLE_MINUTES * 60


def staff_session_touch(session: SessionBase) -> None:
    now = int(time.time())
    if now - session.get(LAST_SEEN_KEY, 0) >= REFRESH_SECONDS:
        session[LAST_SEEN_KEY] = now
