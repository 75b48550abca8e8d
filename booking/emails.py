"""The booking confirmation email. Issue "email pipeline" replaces the delivery, not this."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from .calendar import booking_ics
from .formatting import when
from .links import manage_url
from .models import Booking


def calendar_title(booking: Booking) -> str:
    """Return a discreet title: names the practitioner, never the kind of help."""
    return f"Call with {booking.practitioner.display_name}"


def ics_for(booking: Booking) -> bytes:
    practitioner = booking.practitioner
    description = f"Manage or cancel: {manage_url(booking)}"
    if practitioner.meeting_url:
        description = f"Join: {practitioner.meeting_url}\n{description}"
    return booking_ics(
        uid=f"{booking.public_id}@scales",
        sequence=booking.sequence,
        title=calendar_title(booking),
        start=booking.start_at,
        end=booking.end_at,
        stamp=timezone.now(),
        location=practitioner.meeting_url,
        description=description,
        organizer_email=practitioner.contact_email,
        organizer_name=practitioner.display_name,
        cancelled=booking.status == Booking.Status.CANCELLED,
    )


def confirmation_context(booking: Booking) -> dict:
    practitioner = booking.practitioner
    return {
        "booking": booking,
        "practitioner": practitioner,
        "client_when": when(booking.start_at, booking.client_time_zone),
        "practitioner_when": when(booking.start_at, practitioner.time_zone),
        "manage_url": manage_url(booking),
        "same_zone": booking.client_time_zone == practitioner.time_zone,
    }


def confirmation_message(booking: Booking) -> EmailMultiAlternatives:
    """Build the confirmation: plain text, HTML and the calendar file. No health data."""
    context = confirmation_context(booking)
    subject = f"Booked: {context['client_when']}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/booking_confirmed.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.client.email],
        reply_to=[booking.practitioner.contact_email]
        if booking.practitioner.contact_email
        else None,
    )
    message.attach_alternative(
        render_to_string("emails/booking_confirmed.html", context), "text/html"
    )
    message.attach(
        "appointment.ics", ics_for(booking), "text/calendar; charset=utf-8; method=PUBLISH"
    )
    return message
