"""Absolute links for emails and calendar files."""

from django.conf import settings
from django.urls import reverse

from .models import Booking
from .tokens import email_proof_token_make, manage_token_make, verify_token_make


def manage_path(booking: Booking) -> str:
    """Return the emailed manage link's path: it only opens the booking in a browser's session."""
    return reverse("booking:open", args=[manage_token_make(booking.public_id)])


def manage_url(booking: Booking) -> str:
    return settings.SITE_URL + manage_path(booking)


def verify_url(booking: Booking, request: int) -> str:
    """Return the link that confirms a held single session, for the email sent to prove it."""
    token = verify_token_make(public_id=booking.public_id, request=request)
    return settings.SITE_URL + reverse("booking:verify", args=[token])


def email_proof_url(booking: Booking) -> str:
    """Return the link in a confirmation that proves the email belongs to the person who booked."""
    return settings.SITE_URL + reverse(
        "booking:email_proof", args=[email_proof_token_make(booking.public_id)]
    )
