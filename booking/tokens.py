"""Signed, unguessable tokens for client links.

A link carries a random UUID (122 random bits) signed with SECRET_KEY, so it can
be neither guessed nor forged from a booking's id. Hold links expire with the
hold's grace period; manage links expire some weeks after the booking ends; the
link that confirms a single session works only while its time is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.core import signing

HOLD_SALT = "booking.hold"
MANAGE_SALT = "booking.manage"
VERIFY_SALT = "booking.verify"
EMAIL_PROOF_SALT = "booking.email_proof"
HOLD_LINK_MAX_AGE = 24 * 60 * 60


class BadToken(Exception):
    """The link was tampered with, truncated or has expired."""


@dataclass(frozen=True)
class HoldToken:
    public_id: UUID
    session_type_slug: str
    slot_start: datetime


def hold_token_make(*, public_id: UUID, session_type_slug: str, slot_start: datetime) -> str:
    payload = {"b": str(public_id), "s": session_type_slug, "t": slot_start.isoformat()}
    return signing.dumps(payload, salt=HOLD_SALT, compress=True)


def hold_token_read(token: str) -> HoldToken:
    try:
        payload = signing.loads(token, salt=HOLD_SALT, max_age=HOLD_LINK_MAX_AGE)
        return HoldToken(
            public_id=UUID(payload["b"]),
            session_type_slug=str(payload["s"]),
            slot_start=datetime.fromisoformat(payload["t"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken from error


def manage_token_make(public_id: UUID) -> str:
    return signing.dumps(str(public_id), salt=MANAGE_SALT)


def manage_token_read(token: str) -> UUID:
    """Return the booking's public id; the view checks expiry against the booking's end."""
    try:
        return UUID(signing.loads(token, salt=MANAGE_SALT))
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadToken from error


@dataclass(frozen=True)
class VerifyToken:
    public_id: UUID
    request: int


def verify_token_make(*, public_id: UUID, request: int) -> str:
    """Return the link that confirms a single session: one held booking, one request for it."""
    return signing.dumps({"b": str(public_id), "n": request}, salt=VERIFY_SALT)


def verify_token_read(token: str) -> VerifyToken:
    """Return what a confirm link names; it works only as long as the time is held."""
    try:
        payload = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.BOOKING_VERIFY_MINUTES * 60
        )
        return VerifyToken(public_id=UUID(payload["b"]), request=int(payload["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken from error


def email_proof_token_make(public_id: UUID) -> str:
    return signing.dumps(str(public_id), salt=EMAIL_PROOF_SALT)


def email_proof_token_read(token: str) -> UUID:
    """Return the booking's public id; the view checks expiry as for the manage link."""
    try:
        return UUID(signing.loads(token, salt=EMAIL_PROOF_SALT))
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadToken from error
