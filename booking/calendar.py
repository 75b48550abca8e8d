"""Calendar files (RFC 5545) for bookings.

Titles are discreet on purpose: a calendar is often shared or glanced at by
others, so a client's file names the practitioner, never the kind of help, and
the practitioner's own feed names clients by their initials only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Scales//Booking//EN"


def booking_event(
    *,
    uid: str,
    sequence: int,
    title: str,
    start: datetime,
    end: datetime,
    stamp: datetime,
    location: str = "",
    url: str = "",
    description: str = "",
    organizer_email: str = "",
    organizer_name: str = "",
    cancelled: bool = False,
) -> Event:
    """Return one booking as a calendar event; times are written in UTC."""
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
    if url or location:
        event.add("url", url or location)
    if description:
        event.add("description", description)
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        if organizer_name:
            organizer.params["cn"] = vText(organizer_name)
        event["organizer"] = organizer
    return event


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
    """Return an iCalendar file with one event, the meeting link as its location and URL."""
    calendar = _calendar(method="CANCEL" if cancelled else "PUBLISH")
    event = booking_event(
        uid=uid,
        sequence=sequence,
        title=title,
        start=start,
        end=end,
        stamp=stamp,
        location=location,
        description=description,
        organizer_email=organizer_email,
        organizer_name=organizer_name,
        cancelled=cancelled,
    )
    calendar.add_component(event)
    return calendar.to_ical()


def feed_ics(*, name: str, events: Iterable[Event]) -> bytes:
    """Return a subscribed calendar: many events, named as her calendar app lists it.

    The refresh hints ask apps that honour them to look again within the hour.
    """
    calendar = _calendar(method="PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def _calendar(*, method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar
