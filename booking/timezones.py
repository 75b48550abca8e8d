"""The visitor's time zone: validated, remembered in a cookie, offered in a list."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache
from importlib import resources

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
_SKIP_PREFIXES = ("Etc/", "SystemV/")
# Old spellings browsers still report (Chromium says Asia/Calcutta, Europe/Kiev).
# Only true renames: zones the database merged into another city's rules (for
# example Europe/Amsterdam, now a link to Europe/Brussels) keep their own name,
# because people look for their own city.
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
# Whole families of aliases with no city of their own (US/Eastern, Australia/NSW).
_ALIAS_PREFIXES = ("US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "Australia/")
# UTC by any of its names (Etc/UTC, GMT, Zulu, ...): each is, or links to, one of these.
_UTC_ZONES = ("Etc/UTC", "Etc/GMT")


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _links() -> dict[str, str]:
    """Return {alias: target} from the zone database's link lines."""
    links = {}
    text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text()
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def _is_alias(name: str) -> bool:
    if name in RENAMED:
        return True
    return name in _links() and ("/" not in name or name.startswith(_ALIAS_PREFIXES))


def canonical(name: str | None) -> str | None:
    """Return the listed name of a zone (old spellings by today's), or None for any other.

    Only zones the list offers come back: the details form can preselect no
    other, and would silently send the list's first zone instead.
    """
    if not name or name not in known_zones():
        return None
    if name in _UTC_ZONES or _links().get(name) in _UTC_ZONES:
        return "UTC"
    if name in RENAMED:
        current = RENAMED[name]
    elif _is_alias(name):
        current = _links()[name]
    else:
        current = name
    return current if current in _offered() else None


@cache
def offered_zones() -> tuple[str, ...]:
    names = sorted(
        name
        for name in known_zones()
        if "/" in name
        and not _is_alias(name)
        and not name.startswith(_SKIP_PREFIXES)
        and name[0].isupper()
    )
    return (*names, "UTC")


@cache
def _offered() -> frozenset[str]:
    return frozenset(offered_zones())


def visitor_zone(request: HttpRequest, default: str) -> str:
    """Return the listed zone from ?tz=, else from the cookie, else ``default``."""
    for candidate in (request.GET.get("tz"), request.COOKIES.get(COOKIE)):
        current = canonical(candidate)
        if current:
            return current
    return default


def remember(response: HttpResponse, zone_name: str) -> None:
    """Keep the visitor's zone in a cookie; a zone the list does not offer is never kept."""
    if zone_name not in _offered():
        return
    response.set_cookie(COOKIE, zone_name, max_age=COOKIE_MAX_AGE, samesite="Lax")


@cache
def _options_html() -> str:
    # Built once per process: ~430 <option>s would otherwise be a template loop per request.
    groups: dict[str, list[str]] = {}
    for name in offered_zones():
        region = name.split("/", 1)[0] if "/" in name else "Other"
        groups.setdefault(region, []).append(name)
    parts = []
    for region, names in groups.items():
        parts.append(f'<optgroup label="{escape(region)}">')
        # No value attribute: an option's value is its text, which halves ~440 options.
        parts.extend(f"<option>{escape(n)}</option>" for n in names)
        parts.append("</optgroup>")
    return "".join(parts)


def zone_options(selected: str) -> SafeString:
    """Return the <option>s of every offered zone, with ``selected`` chosen."""
    html = _options_html()
    needle = f"<option>{escape(selected)}</option>"
    if needle in html:
        html = html.replace(needle, f"<option selected>{escape(selected)}</option>", 1)
    return mark_safe(html)  # noqa: S308 - built from escaped zone names only


def utc_offset_label(zone_name: str, at: datetime) -> str:
    """Return e.g. "UTC+05:30" for the zone at that moment."""
    offset = at.astimezone(zoneinfo.ZoneInfo(zone_name)).utcoffset()
    total = int(offset.total_seconds()) // 60 if offset else 0
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
