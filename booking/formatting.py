"""Human-readable times, always in a named zone. Pure functions, no Django."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def zone_label(zone_name: str) -> str:
    """Return a zone name as people read it: "Asia/Kolkata" becomes "Kolkata (Asia)"."""
    region, _, city = zone_name.partition("/")
    if not city:
        return zone_name
    return f"{city.replace('_', ' ').replace('/', ' – ')} ({region})"


def long_date(moment: datetime, zone_name: str) -> str:
    """Return e.g. "Tuesday 3 March 2026" for the moment's date in that zone."""
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{local:%A} {local.day} {local:%B %Y}"


def short_date(day: date) -> str:
    """Return e.g. "Tue 3 Mar" for a calendar date."""
    return f"{day:%a} {day.day} {day:%b}"


def clock(moment: datetime, zone_name: str) -> str:
    """Return e.g. "14:30" in that zone (24-hour clock: unambiguous worldwide)."""
    return moment.astimezone(ZoneInfo(zone_name)).strftime("%H:%M")


def clock_in_zone(moment: datetime, zone_name: str) -> str:
    """Return e.g. "14:30 (Kolkata time)"."""
    city = zone_name.rpartition("/")[2].replace("_", " ")
    return f"{clock(moment, zone_name)} ({city} time)"


def when(moment: datetime, zone_name: str) -> str:
    """Return e.g. "Tuesday 3 March 2026 at 14:30 (Kolkata time)"."""
    return f"{long_date(moment, zone_name)} at {clock_in_zone(moment, zone_name)}"


def initials(name: str) -> str:
    """Return e.g. "A.S." for "Ana Souza": first and last name only, for calendars others see.

    Words without a letter or digit (a stray dash) are skipped; an empty name gives "".
    """
    letters = [next((c for c in word if c.isalnum()), "") for word in name.split()]
    letters = [letter.upper() for letter in letters if letter]
    if len(letters) > 2:
        letters = [letters[0], letters[-1]]
    return "".join(f"{letter}." for letter in letters)
