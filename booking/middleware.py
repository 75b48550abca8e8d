"""Show the admin in the practitioner's own time zone."""

import zoneinfo

from django.utils import timezone


def practitioner_timezone_middleware(get_response):
    """Activate the signed-in practitioner's zone so admin times read as their clock."""

    def middleware(request):
        practitioner = (
            getattr(getattr(request, "user", None), "practitioner", None)
            if (request.path.startswith("/admin/") and request.user.is_authenticated)
            else None
        )
        if practitioner is not None:
            timezone.activate(zoneinfo.ZoneInfo(practitioner.time_zone))
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
