"""Absolute links for emails and calendar files."""

from django.conf import settings
from django.urls import reverse

from .models import Booking
from .tokens import manage_token_make


def manage_path(booking: Booking) -> str:
    return reverse("booking:manage", args=[manage_token_make(booking.public_id)])


def manage_url(booking: Booking) -> str:
    return settings.SITE_URL + manage_path(booking)
