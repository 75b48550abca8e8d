"""What each email says. Rendering only: the outbox decides when and whether to send.

Subjects and calendar titles are discreet on purpose: inboxes and calendars are
often seen by others, so they name a time or the practitioner, never the kind
of help. Emails never contain questionnaire answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .calendar import booking_ics
from .formatting import long_date, when
from .links import manage_url
from .models import Booking, OutboundEmail

Kind = OutboundEmail.Kind
OPT_OUT_SALT = "clients.follow-ups-opt-out"


@dataclass(frozen=True)
class EmailSpec:
    subject: str  # formatted with the context
    attach_ics: bool = False
    to_practitioner: bool = False
    follow_up: bool = False


SPECS: dict[str, EmailSpec] = {
    Kind.CONFIRMATION: EmailSpec("Booked: {when}", attach_ics=True),
    Kind.RESCHEDULED: EmailSpec("Moved: your appointment is now {when}", attach_ics=True),
    Kind.CANCELLED: EmailSpec("Cancelled: {when}", attach_ics=True),
    Kind.REMINDER: EmailSpec("Reminder: {when}"),
    Kind.INTAKE_NUDGE: EmailSpec("Before we talk on {day}"),
    Kind.INTAKE_INVITATION: EmailSpec("An invitation from {practitioner}"),
    Kind.FOLLOW_UP: EmailSpec("Thank you for our call", follow_up=True),
    Kind.MISSED: EmailSpec("Sorry we missed you", follow_up=True),
    Kind.NOT_A_FIT: EmailSpec("Following up on our call", follow_up=True),
    Kind.NEW_BOOKING_ALERT: EmailSpec("New booking: {when}", to_practitioner=True),
    Kind.CANCELLATION_ALERT: EmailSpec("Cancellation: {when}", to_practitioner=True),
    Kind.URGENT_ALERT: EmailSpec("Please look at a questionnaire soon", to_practitioner=True),
}


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


def opt_out_token_make(client_id: int) -> str:
    return signing.dumps(client_id, salt=OPT_OUT_SALT)


def opt_out_url(client_id: int) -> str:
    return settings.SITE_URL + reverse(
        "booking:follow_ups_stop", args=[opt_out_token_make(client_id)]
    )


def _session_type_url(slug: str) -> str:
    return settings.SITE_URL + reverse("booking:slots", args=[slug])


def email_context(email: OutboundEmail) -> dict:
    """Return the template context: times in the recipient's own zone."""
    booking = email.booking
    practitioner = booking.practitioner
    spec = SPECS[email.kind]
    zone = practitioner.time_zone if spec.to_practitioner else booking.client_time_zone
    context = {
        "email": email,
        "booking": booking,
        "client": booking.client,
        "practitioner": practitioner,
        "when": when(booking.start_at, zone),
        "other_when": when(
            booking.start_at,
            booking.client_time_zone if spec.to_practitioner else practitioner.time_zone,
        ),
        "same_zone": booking.client_time_zone == practitioner.time_zone,
        "manage_url": manage_url(booking),
        "landing_url": settings.SITE_URL + reverse("booking:landing"),
        "session_url": _session_type_url("single-session"),
        "admin_url": settings.SITE_URL + reverse("admin:booking_booking_change", args=[booking.pk]),
        "day": long_date(booking.start_at, zone),
        "intake_url": intake_url_for(email),
    }
    if spec.follow_up and booking.client:
        context["opt_out_url"] = opt_out_url(booking.client.pk)
    if email.kind == Kind.REMINDER:
        hours = round((booking.start_at - email.due_at).total_seconds() / 3600)
        context["lead"] = "in 1 hour" if hours == 1 else f"in {hours} hours"
    return context


def intake_url_for(email: OutboundEmail) -> str:
    """Return the questionnaire link for this email's recipient, when the intake app has one."""
    try:
        from assessments.links import intake_url_for_email
    except ImportError:
        return ""
    return intake_url_for_email(email)


def render_email(email: OutboundEmail) -> EmailMultiAlternatives:
    """Build the message: plain text, HTML, and the calendar file where it helps."""
    spec = SPECS[email.kind]
    context = email_context(email)
    subject = spec.subject.format(
        when=context["when"], day=context["day"], practitioner=context["practitioner"]
    )
    practitioner = email.booking.practitioner
    headers = {
        "Message-ID": f"<outbox-{email.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>",
        # Lets a mail filter (or a test) tell the kinds apart without reading the text.
        "X-Scales-Kind": email.kind,
    }
    if "opt_out_url" in context:
        headers["List-Unsubscribe"] = f"<{context['opt_out_url']}>"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{email.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        reply_to=[practitioner.contact_email]
        if practitioner.contact_email and not spec.to_practitioner
        else None,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{email.kind}.html", context), "text/html")
    if spec.attach_ics:
        method = "CANCEL" if email.booking.status == Booking.Status.CANCELLED else "PUBLISH"
        message.attach(
            "appointment.ics",
            ics_for(email.booking),
            f"text/calendar; charset=utf-8; method={method}",
        )
    return message
