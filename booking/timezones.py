"""The visitor's time zone: validated, remembered in a cookie, offered in a list."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Old spellings browsers still report (Chromium says Asia/Calcutta, Europe/Kiev), read
# before the database's links. Zones the database merged into another city's rules
# (Europe/Amsterdam, now a link to Europe/Brussels) are listed by zone.tab under their
# own name, because people look for their own city.
RENAMED = {
    "Africa/Asmera": "Africa/Asmara",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Cordoba": "America/Argentina/Cordoba",
    "America/Fort_Wayne": "America/Indiana/Indianapolis",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Jujuy": "America/Argentina/Jujuy",
    "America/Knox_IN": "America/Indiana/Knox",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Mendoza": "America/Argentina/Mendoza",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Chongqing": "Asia/Shanghai",
    "Asia/Chungking": "Asia/Shanghai",
    "Asia/Dacca": "Asia/Dhaka",
    "Asia/Harbin": "Asia/Shanghai",
    "Asia/Istanbul": "Europe/Istanbul",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Macao": "Asia/Macau",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Tel_Aviv": "Asia/Jerusalem",
    "Asia/Thimbu": "Asia/Thimphu",
    "Asia/Ujung_Pandang": "Asia/Makassar",
    "Asia/Ulan_Bator": "Asia/Ulaanbaatar",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Europe/Belfast": "Europe/London",
    "Europe/Kiev": "Europe/Kyiv",
    "Europe/Tiraspol": "Europe/Chisinau",
    "Europe/Uzhgorod": "Europe/Kyiv",
    "Europe/Zaporozhye": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Samoa": "Pacific/Pago_Pago",
    "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Yap": "Pacific/Chuuk",
}
# UTC by any of its names (Etc/UTC, GMT, Zulu, ...): each is, or links to, one of these.
_UTC_ZONES = ("Etc/UTC", "Etc/GMT")
# The zones most visitors live in, offered first (the full list follows by region).
COMMON_ZONES = (
    "Africa/Johannesburg",
    "Africa/Lagos",
    "America/Argentina/Buenos_Aires",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/New_York",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Toronto",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Berlin",
    "Europe/Dublin",
    "Europe/Istanbul",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Rome",
    "Pacific/Auckland",
)
COMMON_GROUP = "Common"
OTHER_GROUP = "Other"
# The list's regions in the order shown, as people name them.
REGIONS = {
    "Africa": "Africa",
    "America": "Americas",
    "Asia": "Asia",
    "Atlantic": "Atlantic Ocean",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
}
# Country names as iso3166.tab writes them, where people would write them otherwise.
COUNTRY_NAMES = {
    "GB": "United Kingdom",
    "KR": "South Korea",
    "KP": "North Korea",
    "WS": "Samoa",
    "AS": "American Samoa",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "MM": "Myanmar",
    "SZ": "Eswatini",
    "MF": "Saint Martin",
    "SX": "Sint Maarten",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "CC": "Cocos Islands",
    "TC": "Turks & Caicos Islands",
}


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone_file(name: str) -> str:
    return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@cache
def _links() -> dict[str, str]:
    """Return {alias: target} from the zone database's link lines."""
    links = {}
    for line in _zone_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


@cache
def _countries() -> dict[str, str]:
    """Return {zone: country name} for every zone of zone.tab, the list people choose from.

    zone.tab names one zone per place people live (Europe/Amsterdam as well as
    Europe/Brussels), and no alias, legacy spelling or fixed offset.
    """
    names = {}
    for line in _zone_file("iso3166.tab").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            names[code] = COUNTRY_NAMES.get(code, name)
    countries = {}
    for line in _zone_file("zone.tab").splitlines():
        if line and not line.startswith("#"):
            code, _, zone_name = line.split("\t")[:3]
            countries[zone_name] = names.get(code, code)
    return countries


def canonical(name: str | None) -> str | None:
    """Return the listed name of a zone (old spellings by today's), or None for any other.

    Aliases and legacy names (Asia/Calcutta, US/Eastern,
    America/Argentina/ComodRivadavia) are read as the listed zone they stand
    for; a fixed offset (Etc/GMT+3) or a name the database does not know is None.
    """
    if not name or name not in known_zones():
        return None
    if name in _UTC_ZONES or _links().get(name) in _UTC_ZONES:
        return "UTC"
    current: str | None = name
    for _ in range(3):  # an alias's target is a listed zone, or at most a link away from one
        if current is None or current in _offered():
            return current
        current = RENAMED.get(current) or _links().get(current)
    return None


@cache
def offered_zones() -> tuple[str, ...]:
    """Return every zone the list offers (zone.tab's, and UTC), sorted by name."""
    return (*sorted(_countries()), "UTC")


@cache
def _offered() -> frozenset[str]:
    return frozenset(offered_zones())


@lru_cache(maxsize=1024)
def place_label(zone_name: str) -> str:
    """Return a zone as people name it: "Santiago (Chile)", "Indianapolis, Indiana (United States)".

    The city is the zone name's last part; a zone named after its country
    ("Asia/Singapore") is just "Singapore". A zone outside the list is read as
    the listed zone it stands for, or by its city alone.
    """
    listed = canonical(zone_name) or zone_name
    parts = listed.replace("_", " ").split("/")
    country = _countries().get(listed)
    if country is None:
        return parts[-1]
    city = parts[-1]
    if len(parts) == 3 and parts[1] != country:
        city = f"{city}, {parts[1]}"
    return city if city == country else f"{city} ({country})"


def zone_choices(now: datetime) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the list as groups of (zone, "Santiago (Chile), now 21:04"), common zones first.

    Then every listed zone by region, by place; then UTC. A common zone is in
    both its groups: people look for their city where they expect it.
    """
    return _choices_at(int(now.timestamp() // 60))


@cache
def _groups() -> list[tuple[str, list[tuple[str, str, zoneinfo.ZoneInfo]]]]:
    """Return the list's groups of (zone, place, ZoneInfo): all but the time, built once."""

    def entries(names: Iterable[str]) -> list[tuple[str, str, zoneinfo.ZoneInfo]]:
        found = [(name, place_label(name), zoneinfo.ZoneInfo(name)) for name in names]
        return sorted(found, key=lambda entry: entry[1].casefold())

    by_region: dict[str, list[str]] = {region: [] for region in REGIONS}
    for zone_name in _countries():
        by_region[zone_name.split("/", 1)[0]].append(zone_name)
    groups = [(COMMON_GROUP, entries(COMMON_ZONES))]
    groups += [(REGIONS[region], entries(names)) for region, names in by_region.items() if names]
    groups.append((OTHER_GROUP, [("UTC", "UTC", zoneinfo.ZoneInfo("UTC"))]))
    return groups


@lru_cache(maxsize=4)
def _choices_at(minute: int) -> list[tuple[str, list[tuple[str, str]]]]:
    moment = datetime.fromtimestamp(minute * 60, tz=UTC)
    clocks: dict[timedelta | None, str] = {}  # a few dozen offsets for ~440 zones

    def clock(zone: zoneinfo.ZoneInfo) -> str:
        offset = zone.utcoffset(moment)
        if offset not in clocks:
            clocks[offset] = f"{moment.astimezone(zone):%H:%M}"
        return clocks[offset]

    return [
        (group, [(name, f"{place}, now {clock(zone)}") for name, place, zone in entries])
        for group, entries in _groups()
    ]


def chosen_zone(request: HttpRequest) -> str | None:
    """Return the listed zone the visitor asked for (?tz=) or remembered (cookie), else None."""
    for candidate in (request.GET.get("tz"), request.COOKIES.get(COOKIE)):
        current = canonical(candidate)
        if current:
            return current
    return None


def visitor_zone(request: HttpRequest, default: str) -> str:
    """Return the listed zone from ?tz=, else from the cookie, else ``default``."""
    return chosen_zone(request) or default


def remember(response: HttpResponse, zone_name: str) -> None:
    """Keep the visitor's zone in a cookie; a zone the list does not offer is never kept."""
    if zone_name not in _offered():
        return
    response.set_cookie(COOKIE, zone_name, max_age=COOKIE_MAX_AGE, samesite="Lax")


@lru_cache(maxsize=4)
def _options_html(minute: int) -> str:
    # Built once a minute (the labels show the time): ~440 <option>s rendered by a
    # template loop cost a details page ~15 ms.
    parts = []
    for group, choices in _choices_at(minute):
        parts.append(f'<optgroup label="{escape(group)}">')
        parts.extend(
            f'<option value="{escape(zone_name)}">{escape(label)}</option>'
            for zone_name, label in choices
        )
        parts.append("</optgroup>")
    return "".join(parts)


def zone_options(selected: str | None, now: datetime) -> SafeString:
    """Return the list's <optgroup>s as of ``now``, with ``selected`` chosen (where listed first).

    An alias (Asia/Calcutta) selects the zone it stands for.
    """
    html = _options_html(int(now.timestamp() // 60))
    current = canonical(selected)
    if current:
        needle = f'<option value="{escape(current)}">'
        html = html.replace(needle, f'<option value="{escape(current)}" selected>', 1)
    return mark_safe(html)  # noqa: S308 - built from escaped zone names and labels only


def utc_offset_label(zone_name: str, at: datetime) -> str:
    """Return e.g. "UTC+05:30" for the zone at that moment."""
    offset = at.astimezone(zoneinfo.ZoneInfo(zone_name)).utcoffset()
    total = int(offset.total_seconds()) // 60 if offset else 0
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
