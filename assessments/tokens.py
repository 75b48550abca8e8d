"""Signed, expiring tokens for questionnaire links.

A link carries the intake's random public id (never a database id) signed
with SECRET_KEY under its own salt, so it can be neither guessed, forged nor
swapped for a booking's manage link. The signature expires after
INTAKE_LINK_MAX_AGE_DAYS; the pages also close a few days after the call.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.core import signing

from booking.tokens import BadToken

INTAKE_SALT = "assessments.intake"

__all__ = ["INTAKE_SALT", "BadToken", "intake_token_make", "intake_token_read"]


def intake_token_make(public_id: UUID) -> str:
    return signing.dumps(str(public_id), salt=INTAKE_SALT)


def intake_token_read(token: str) -> UUID:
    """Return the intake's public id, or raise BadToken if tampered with or too old."""
    max_age = settings.INTAKE_LINK_MAX_AGE_DAYS * 24 * 60 * 60
    try:
        return UUID(signing.loads(token, salt=INTAKE_SALT, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadToken from error
