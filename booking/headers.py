"""Middleware at the edge of every request: no oversized bodies, no browser features.

Every page here is a form or a text; none takes a file or uses a camera. So a
request body longer than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused on its
Content-Length before anything reads it (Django's own limit leaves file parts
out and reads them in full), and ``Permissions-Policy`` turns off the powerful
browser features, which Django has no setting for and django-csp does not send.

It lives in booking, the lowest app that owns the site visitors see (the base
template, the error pages): ``lib`` stays free of Django, ``notifications`` serves
no pages, and ``clients`` keeps client records, not the site's look.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

# Features a page could ask the browser for; none of ours does, nor may anything injected.
DISABLED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


def request_size_limit_middleware(get_response):
    """Refuse a body longer than the upload limit with a 400, before anything reads it."""

    def middleware(request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        if limit is not None and length > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return get_response(request)

    return middleware


def permissions_policy_middleware(get_response):
    """Send Permissions-Policy on every response, static files and error pages included."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware
