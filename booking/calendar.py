"""Calendar files (RFC 5545) for bookings.

Titles are discreet on purpose: a calendar is often shared or glanced at by
others, so it names the practitioner, never the kind of help.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Scales//Booking//EN"


def booking_ics(
    *,
    uid: str,
    sequence: int,
    title: str,
    start: datetime,
    end: datetime,
    stamp: datetime,
    location: str = "",
    description: str = "",
    organizer_email: str = "",
    organizer_name: str = "",
    cancelled: bool = False,
) -> bytes:
    """Return an iCalendar file with one event; times are written in UTC."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", title)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if location:
        event.add("location", location)
        event.add("url", location)
    if description:
        event.add("description", description)
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        if organizer_name:
            organizer.params["cn"] = vText(organizer_name)
        event["organizer"] = organizer
    calendar.add_component(event)
    return calendar.to_ical()
