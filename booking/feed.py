"""Her private calendar feed: her bookings, as her own calendar app subscribes to them.

Calendar apps sync to phones, watches and shared family calendars, so each event
names the people by their initials only and carries nothing they wrote: no
email, no note, no answers. The link in each event opens the booking in the
office, which asks her to sign in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from .calendar import booking_event, feed_ics
from .formatting import initials
from .models import Booking, Practitioner


def feed_title(booking: Booking) -> str:
    """Return e.g. "Session · A.S. & J.R. · Single session": who by initials, and the offer."""
    who = initials(booking.client.name if booking.client else "")
    partner = initials(booking.partner_name) if booking.is_couple else ""
    if partner:
        who = f"{who} & {partner}" if who else partner
    return " · ".join(part for part in ("Session", who, booking.session_type.name) if part)


def calendar_feed_url(practitioner: Practitioner) -> str:
    """Return the address her calendar app subscribes to ("" while the feed is off)."""
    token = practitioner.calendar_feed_token
    return settings.SITE_URL + reverse("booking:calendar_feed", args=[token]) if token else ""


def _uid(booking: Booking) -> str:
    """Return the event's UID: stable for the booking's life, so a move updates the event.

    Its own form, not the confirmation's ``<public_id>@scales``: the public id
    stays out of synced calendars, and her feed never collides with a client's file.
    """
    host = urlsplit(settings.SITE_URL).hostname or "scales"
    return f"booking-{booking.pk}@{host}"


def calendar_feed_file(
    *, practitioner: Practitioner, bookings: Iterable[Booking], now: datetime
) -> bytes:
    """Return the feed's iCalendar file for these bookings."""
    events = []
    for booking in bookings:
        office_url = settings.SITE_URL + reverse("admin:booking_booking_change", args=[booking.pk])
        events.append(
            booking_event(
                uid=_uid(booking),
                sequence=booking.sequence,
                title=feed_title(booking),
                start=booking.start_at,
                end=booking.end_at,
                stamp=now,
                url=office_url,
                description=f"Open in your office: {office_url}",
            )
        )
    return feed_ics(name=f"{practitioner.display_name}: bookings", events=events)
