"""Who may see a questionnaire in this browser: the client session, the device, the form stamp.

The emailed link (``/intake/<token>/``) is only exchanged: it puts the intake's
public id in the Django session and redirects to pages without a token, so
browser history, Referer headers and access logs hold no working link to
the answers. The session entry lasts while it is used and ends after
``SESSION_IDLE`` without a page, or at once with "Leave this page quickly".

A browser that has opened an intake before carries a signed cookie naming
it (``DEVICE_COOKIE``). A half-answered questionnaire opens without a code
only in such a browser; elsewhere the person's email gets a one-time code.

Every section form carries a signed stamp naming its intake, so answers posted
after the session ended are still saved, though no page is shown.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from booking.access import SESSION_IDLE as SESSION_IDLE  # the pages state it
from booking.access import session_entry_open, session_entry_read

from .models import Intake

SESSION_KEY = "intake"
PENDING_KEY = "intake_code"

DEVICE_COOKIE = "scales_device"
DEVICE_SALT = "assessments.device"
DEVICE_MAX_AGE = 365 * 24 * 60 * 60
_DEVICE_MAX_INTAKES = 20

FORM_FIELD = "intake_form"
FORM_SALT = "assessments.intake-form"
FORM_MAX_AGE = 24 * 60 * 60


# --- The session ----------------------------------------------------------------


def session_open(request: HttpRequest, intake: Intake) -> None:
    """Open this intake's pages in this browser's session, under a new session key."""
    session_entry_open(request, SESSION_KEY, intake.public_id)
    request.session.pop(PENDING_KEY, None)


def session_public_id(request: HttpRequest) -> UUID | None:
    """Return the public id of the intake open in this session, or None once it has ended."""
    return session_entry_read(request, SESSION_KEY)


def pending_set(request: HttpRequest, intake: Intake) -> None:
    """Remember which intake waits for a code in this browser (nothing is open yet)."""
    request.session.pop(SESSION_KEY, None)
    request.session[PENDING_KEY] = str(intake.public_id)


def pending_public_id(request: HttpRequest) -> UUID | None:
    try:
        return UUID(request.session[PENDING_KEY])
    except (KeyError, TypeError, ValueError):
        return None


# --- The device cookie ------------------------------------------------------------


def _devices(request: HttpRequest) -> dict[str, str]:
    """Return the intakes this browser opened before: public id hex -> random device id."""
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
    )
    pairs = (part.partition(".") for part in value.split("|") if part)
    return {intake_hex: device for intake_hex, _, device in pairs if device}


def device_knows(request: HttpRequest, intake: Intake) -> bool:
    return intake.public_id.hex in _devices(request)


def device_remember(request: HttpRequest, response: HttpResponse, intake: Intake) -> None:
    """Add the intake to this browser's signed device cookie (kept for a year)."""
    devices = _devices(request)
    if intake.public_id.hex in devices:
        return
    devices[intake.public_id.hex] = secrets.token_hex(8)
    kept = list(devices.items())[-_DEVICE_MAX_INTAKES:]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        "|".join(f"{intake_hex}.{device}" for intake_hex, device in kept),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


# --- The form stamp ---------------------------------------------------------------


def form_stamp(intake: Intake) -> str:
    """Return the signed value a section form carries to name its intake."""
    return signing.dumps(str(intake.public_id), salt=FORM_SALT)


def form_stamp_read(value: str) -> UUID | None:
    """Return the public id a posted stamp names, or None if tampered with or over a day old."""
    try:
        return UUID(signing.loads(value, salt=FORM_SALT, max_age=FORM_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None
