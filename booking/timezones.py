"""The visitor's time zone: validated, remembered in a cookie, offered in a list."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Legacy aliases (US/Eastern, Etc/GMT+5 ...) confuse people; offer canonical names.
_SKIP_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def offered_zones() -> tuple[str, ...]:
    names = sorted(
        name
        for name in known_zones()
        if "/" in name and not name.startswith(_SKIP_PREFIXES) and name[0].isupper()
    )
    return (*names, "UTC")


def is_known(name: str | None) -> bool:
    return bool(name) and name in known_zones()


def visitor_zone(request, default: str) -> str:
    """Return the zone from ?tz=, else the cookie, else ``default``."""
    for candidate in (request.GET.get("tz"), request.COOKIES.get(COOKIE)):
        if is_known(candidate):
            return candidate
    return default


def remember(response, zone_name: str) -> None:
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
        parts.extend(
            f'<option value="{escape(n)}">{escape(n.replace("_", " "))}</option>' for n in names
        )
        parts.append("</optgroup>")
    return "".join(parts)


def zone_options(selected: str) -> SafeString:
    """Return the <option>s of every offered zone, with ``selected`` chosen."""
    html = _options_html()
    needle = f'<option value="{escape(selected)}">'
    if needle in html:
        html = html.replace(needle, f'<option value="{escape(selected)}" selected>', 1)
    return mark_safe(html)  # noqa: S308 - built from escaped zone names only


def utc_offset_label(zone_name: str, at: datetime) -> str:
    """Return e.g. "UTC+05:30" for the zone at that moment."""
    offset = at.astimezone(zoneinfo.ZoneInfo(zone_name)).utcoffset()
    total = int(offset.total_seconds()) // 60 if offset else 0
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
