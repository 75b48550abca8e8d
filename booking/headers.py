"""Middleware at the edge of every request: no oversized bodies, no browser features.

Every page here is a form or a text, and none uses a camera; only her profile in
the office takes a file, her photo. So a request body longer than
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (for that form, a photo's size) is refused on its
Content-Length before anything reads it (Django's own limit leaves file parts out
and reads them in full), a file part sent to any other page is refused before it
is stored, and ``Permissions-Policy`` turns off the powerful browser features,
which Django has no setting for and django-csp does not send.

It lives in booking, the lowest app that owns the site visitors see (the base
template, the error pages): ``lib`` stays free of Django, ``notifications`` serves
no pages, and ``clients`` keeps client records, not the site's look.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import Resolver404, resolve

from .photos import PHOTO_MAX_BYTES

# The one form that takes a file: her profile in the office, for her photo. Its body
# may be larger, with room for a photo somewhat over the limit, so that she reads the
# form's own "larger than 5 MB" rather than an error page.
PHOTO_FORM_VIEWS = frozenset(
    {"admin:booking_practitioner_change", "admin:booking_practitioner_add"}
)
PHOTO_FORM_MAX_BODY = 2 * PHOTO_MAX_BYTES

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


def takes_a_photo(request) -> bool:
    """Return whether this request goes to the one form that takes a file (her photo)."""
    try:
        return resolve(request.path_info).view_name in PHOTO_FORM_VIEWS
    except Resolver404:
        return False


def request_size_limit_middleware(get_response):
    """Refuse a body longer than the upload limit with a 400, before anything reads it."""

    def middleware(request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        too_long = limit is not None and length > limit
        if too_long and not (length <= PHOTO_FORM_MAX_BODY and takes_a_photo(request)):
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


class FileOnlyForThePhotoHandler(FileUploadHandler):
    """Refuse a file part (400) in any form but her photo's, before any of it is stored.

    First in ``FILE_UPLOAD_HANDLERS``: Django's own limit on files
    (``DATA_UPLOAD_MAX_NUMBER_FILES``) is one number for every URL.
    """

    def new_file(self, *args, **kwargs):
        if not takes_a_photo(self.request):
            raise TooManyFilesSent("Only the practitioner's photo form takes a file.")

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler keeps it

    def file_complete(self, file_size):
        return None
