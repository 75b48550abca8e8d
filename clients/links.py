"""Signed links for clients: stopping follow-up emails without logging in."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

OPT_OUT_SALT = "clients.follow-ups-opt-out"


class BadToken(Exception):
    """The link was tampered with or truncated."""


def opt_out_token_make(client_id: int) -> str:
    return signing.dumps(client_id, salt=OPT_OUT_SALT)


def opt_out_token_read(token: str) -> int:
    try:
        return int(signing.loads(token, salt=OPT_OUT_SALT))
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadToken from error


def follow_ups_stop_url(client_id: int) -> str:
    return settings.SITE_URL + reverse(
        "clients:follow_ups_stop", args=[opt_out_token_make(client_id)]
    )
