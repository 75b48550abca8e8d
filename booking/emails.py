"""Booking's emails: what each says, who gets it, when it is queued, and when it is moot.

Registered with the outbox (``notifications``) at start-up by ``BookingConfig``.
Subjects and calendar titles are discreet on purpose: inboxes and calendars are
often seen by others, so they name a time or the practitioner, never the kind
of help. Emails never contain questionnaire answers.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.links import follow_ups_stop_url
from clients.models import Client
from clients.selectors import client_id_by_email
from notifications.kinds import EmailKind, Recipient, SubjectType, kind_get, kind_register
from notifications.kinds import subject_type_register as _subject_type_register
from notifications.models import OutboundEmail
from notifications.services import emails_cancel_pending, emails_cancel_timed, emails_queue

from .calendar import booking_ics
from .formatting import clock_in_zone, long_date, when
from .links import email_proof_url, manage_url, verify_url
from .models import Booking, Practitioner, SessionType
from .selectors import session_type_for_returning_clients

SUBJECT = "booking"

# Notices a client must hear in order even when a cancellation follows at once:
# dropping a pending "moved" would leave the "cancelled" email naming a time
# the client was never told.
NOTICES = ("confirmation", "rescheduled", "cancelled", "cancellation_alert", "reschedule_alert")


# --- Who and what -------------------------------------------------------------


def _bookings_for_email():
    return Booking.objects.select_related("session_type", "practitioner__user", "client")


def booking_load(booking_id: int) -> Booking | None:
    return _bookings_for_email().filter(pk=booking_id).first()


def bookings_load(booking_ids: list[int]) -> dict[int, Booking]:
    """Return the bookings a batch of emails is about, by id, in one query."""
    return {booking.pk: booking for booking in _bookings_for_email().filter(pk__in=booking_ids)}


def client_of(booking: Booking) -> list[Recipient]:
    client = booking.client
    return [Recipient(email=client.email, role="client", client_id=client.pk)] if client else []


def partner_address(booking: Booking) -> str:
    """Return the address of a couple booking's partner, or "" when there is none to write to."""
    email = booking.partner_email.strip()
    if not booking.is_couple or not email:
        return ""
    if booking.client and email.lower() == booking.client.email.lower():
        return ""
    return email


def partner_awaits_proof(booking: Booking) -> bool:
    """Return whether a partner will be written to once the booker proves their email."""
    return bool(partner_address(booking)) and booking.email_verified_at is None


def partner_of(booking: Booking) -> list[Recipient]:
    """Return the partner of a couple booking, once the booker proved their email.

    Anyone can type an address: until the person who booked opened the link in
    their confirmation, the practice writes to nobody they named.
    """
    email = partner_address(booking)
    if not email or booking.email_verified_at is None:
        return []
    return [Recipient(email=email, role="partner", client_id=client_id_by_email(email))]


def verifier_of(booking: Booking) -> list[Recipient]:
    """Return the address typed for a single session, which may be nobody's record yet."""
    email = str(booking.pending_details.get("email", "")).strip()
    if not email:
        return []
    return [Recipient(email=email, role="client", client_id=client_id_by_email(email))]


def everyone_on(booking: Booking) -> list[Recipient]:
    return client_of(booking) + partner_of(booking)


def practitioner_of(booking: Booking) -> list[Recipient]:
    return [Recipient(email=booking.practitioner.alert_email, role="practitioner")]


def once(booking: Booking) -> str:
    """The version of an email a booking gets once whatever happens to it."""
    return ""


def per_time(booking: Booking) -> str:
    """The version of an email tied to the booking's time: every move makes a new one."""
    return f"seq{booking.sequence}"


def per_request(booking: Booking) -> str:
    """The version of a confirm link: each new request for one held time sends a new one."""
    return f"request{booking.pending_details.get('request', 0)}"


# --- What it says -------------------------------------------------------------


def calendar_title(booking: Booking) -> str:
    """Return a discreet title: names the practitioner, never the kind of help."""
    return f"Call with {booking.practitioner.display_name}"


def ics_for(booking: Booking) -> bytes:
    """Return the booking's calendar file, with the meeting link but never the manage link.

    Calendars are synced, shared with partners and assistants, and shown on lock
    screens: a link that can cancel or move the booking stays in the email.
    """
    practitioner = booking.practitioner
    description = f"Join: {practitioner.meeting_url}" if practitioner.meeting_url else ""
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


def _is_partner(email: OutboundEmail, booking: Booking) -> bool:
    """Return whether this email goes to the partner, who must never get the booker's links."""
    partner = partner_address(booking)
    return bool(partner) and email.to_email.lower() == partner.lower()


def booking_email_context(email: OutboundEmail, booking: Booking) -> dict[str, Any]:
    """Return the template context: times in the recipient's own zone."""
    practitioner = booking.practitioner
    to_practitioner = kind_get(email.kind).to_practitioner
    zone = practitioner.time_zone if to_practitioner else booking.client_time_zone
    other_zone = booking.client_time_zone if to_practitioner else practitioner.time_zone
    partner = _is_partner(email, booking)
    context = {
        "booking": booking,
        "client": booking.client,
        "practitioner": practitioner,
        "recipient_name": (booking.partner_name if partner else booking.client.name)
        if booking.client
        else "",
        "to_partner": partner,
        "when": when(booking.start_at, zone),
        "other_when": when(booking.start_at, other_zone),
        "same_zone": booking.client_time_zone == practitioner.time_zone,
        "manage_url": "" if partner else manage_url(booking),
        "landing_url": settings.SITE_URL + reverse("booking:landing"),
        "admin_url": settings.SITE_URL + reverse("admin:booking_booking_change", args=[booking.pk]),
        "day": long_date(booking.start_at, zone),
        "reply_to": "" if to_practitioner else practitioner.contact_email,
        # Clients hear from her by name; her own alerts keep the practice's sender.
        "from_name": "" if to_practitioner else practitioner.display_name,
    }
    if email.kind == "reminder":
        hours = round((booking.start_at - email.due_at).total_seconds() / 3600)
        context["lead"] = "in 1 hour" if hours == 1 else f"in {hours} hours"
    if email.kind == "confirmation" and partner_awaits_proof(booking):
        context["email_proof_url"] = email_proof_url(booking)
    return context


def verify_context(email: OutboundEmail, booking: Booking) -> dict[str, Any]:
    """Return what the confirm-link email needs: the details as typed and the newest link.

    The email is the same whoever owns the address: it never says whether they
    are a client.
    """
    pending = booking.pending_details or {}
    zone = pending.get("time_zone") or booking.client_time_zone
    held_until = booking.held_until or timezone.now()
    return {
        **booking_email_context(email, booking),
        "recipient_name": pending.get("name") or (booking.client.name if booking.client else ""),
        "when": when(booking.start_at, zone),
        "verify_url": verify_url(booking, int(pending.get("request", 0))),
        "held_until": clock_in_zone(held_until, zone),
        "manage_url": "",
    }


def follow_up_context(email: OutboundEmail, booking: Booking) -> dict[str, Any]:
    """The booking's context plus how to stop follow-ups (``session_links`` adds where to book)."""
    context = booking_email_context(email, booking)
    if booking.client and booking.client.pk is not None:
        context["opt_out_url"] = follow_ups_stop_url(booking.client.pk)
    return context


def session_links(pairs: list[tuple[OutboundEmail, Booking]]) -> list[dict[str, Any]]:
    """Where each follow-up invites the client to book a session: the offer for returning
    clients, or the landing page without one. One query per practitioner in the batch."""
    landing = settings.SITE_URL + reverse("booking:landing")
    offers = {
        practitioner_id: session_type_for_returning_clients(practitioner_id)
        for practitioner_id in {booking.practitioner_id for _, booking in pairs}
    }
    urls = {
        practitioner_id: settings.SITE_URL + reverse("booking:slots", args=[offer.slug])
        if offer
        else landing
        for practitioner_id, offer in offers.items()
    }
    return [{"session_url": urls[booking.practitioner_id]} for _, booking in pairs]


def calendar_attachment(email: OutboundEmail, booking: Booking) -> list:
    method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "PUBLISH"
    content = ics_for(booking)
    return [("appointment.ics", content, f"text/calendar; charset=utf-8; method={method}")]


# --- Whether it is still needed at the moment of sending ----------------------


def still_needed(email: OutboundEmail, booking: Booking, now: datetime) -> str:
    """Return why an email about this booking should no longer go out, or ""."""
    if booking.status == Booking.Status.CANCELLED and email.kind not in NOTICES:
        return "booking cancelled"
    return ""


def verify_still_needed(email: OutboundEmail, booking: Booking, now: datetime) -> str:
    """A confirm link is moot once the time is no longer held for it."""
    if booking.status != Booking.Status.HELD:
        return "booking no longer waiting for its email to be confirmed"
    if booking.held_until is None or booking.held_until <= now:
        return "hold lapsed"
    return ""


def still_needed_before_the_call(email: OutboundEmail, booking: Booking, now: datetime) -> str:
    """As ``still_needed``, and moot once the call has begun (a reminder is never sent late)."""
    reason = still_needed(email, booking, now)
    if not reason and now >= booking.start_at:
        return "the booking has already started"
    return reason


def follow_up_still_needed(email: OutboundEmail, booking: Booking, now: datetime) -> str:
    reason = still_needed(email, booking, now)
    if reason:
        return reason
    if email.kind == "follow_up" and booking.status not in (
        Booking.Status.CONFIRMED,
        Booking.Status.COMPLETED,
    ):
        return f"booking marked {booking.get_status_display().lower()}"
    if booking.client and booking.client.follow_ups_opt_out_at:
        return "client opted out of follow-ups"
    return ""


# --- Previews -----------------------------------------------------------------


def demo_booking(user) -> Booking:
    """Return an unsaved booking with demo people, using the practitioner's real profile."""
    practitioner = Practitioner.objects.filter(user=user).first() or Practitioner(
        display_name="Maya Lind",
        time_zone="Europe/Amsterdam",
        meeting_url="https://meet.example.com/maya",
        contact_email="maya@example.com",
    )
    practitioner.user = user
    session_type = SessionType(
        name="Free assessment call", kind=SessionType.Kind.ASSESSMENT, duration_minutes=20
    )
    client = Client(pk=0, name="Alex Demo", email="alex@example.com", time_zone="Asia/Kolkata")
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    return Booking(
        pk=0,
        public_id=uuid.uuid4(),
        practitioner=practitioner,
        session_type=session_type,
        client=client,
        start_at=start,
        end_at=start + timedelta(minutes=20),
        client_time_zone="Asia/Kolkata",
        status=Booking.Status.CONFIRMED,
        mode=Booking.Mode.COUPLE,
        partner_name="Sam Demo",
        partner_email="sam@example.com",
        # Proven, so the preview shows what a partner receives (see partner_of).
        email_verified_at=timezone.now(),
    )


def a_day_before(booking: Booking) -> datetime:
    return booking.start_at - timedelta(hours=24)


# --- Registration -------------------------------------------------------------


def _kind(name: str, label: str, subject_line: str, **options) -> EmailKind:
    options.setdefault("recipients", client_of)
    options.setdefault("version", once)
    options.setdefault("context", booking_email_context)
    options.setdefault("still_needed", still_needed)
    return EmailKind(
        name=name, label=label, subject_type=SUBJECT, subject_line=subject_line, **options
    )


def booking_emails_register() -> None:
    """Register what bookings are and the emails they cause (called once at start-up)."""
    _subject_type_register(
        SubjectType(name=SUBJECT, load=booking_load, demo=demo_booking, load_many=bookings_load)
    )
    follow_up = {
        "context": follow_up_context,
        "context_many": session_links,
        "still_needed": follow_up_still_needed,
    }
    for kind in (
        _kind(
            "confirmation",
            _("Booking confirmation"),
            "Booked: {when}",
            attachments=calendar_attachment,
        ),
        _kind(
            "booking_verify",
            _("Confirm your booking (single session)"),
            "Please confirm your booking with {practitioner}",
            recipients=verifier_of,
            version=per_request,
            context=verify_context,
            still_needed=verify_still_needed,
            keep_copy=False,  # its link confirms the booking: no copy outlives it
        ),
        _kind(
            "rescheduled",
            _("Booking moved"),
            "Moved: your appointment is now {when}",
            recipients=everyone_on,
            version=per_time,
            attachments=calendar_attachment,
        ),
        _kind(
            "cancelled",
            _("Booking cancelled"),
            "Cancelled: {when}",
            recipients=everyone_on,
            attachments=calendar_attachment,
        ),
        _kind(
            "reminder",
            _("Reminder"),
            "Reminder: {when}",
            version=per_time,
            timed=True,
            still_needed=still_needed_before_the_call,
            preview_due=a_day_before,
        ),
        _kind(
            "follow_up",
            _("Follow-up after the call"),
            "Thank you for our call",
            version=per_time,
            timed=True,
            **follow_up,
        ),
        _kind("missed", _("Sorry we missed you"), "Sorry we missed you", **follow_up),
        _kind("not_a_fit", _("Referral note (not a fit)"), "Following up on our call", **follow_up),
        _kind(
            "new_booking_alert",
            _("To you: new booking"),
            "New booking: {when}",
            recipients=practitioner_of,
            to_practitioner=True,
        ),
        _kind(
            "cancellation_alert",
            _("To you: cancellation"),
            "Cancellation: {when}",
            recipients=practitioner_of,
            to_practitioner=True,
        ),
        _kind(
            "reschedule_alert",
            _("To you: a client moved a booking"),
            "Moved: {when}",
            recipients=practitioner_of,
            version=per_time,
            to_practitioner=True,
        ),
    ):
        kind_register(kind)


# --- Queueing (called by booking's services, inside their transaction) --------


def _timed_emails_queue(booking: Booking, now: datetime) -> None:
    """Queue the reminders and, after an assessment call, the follow-up, for the current time."""
    for offset in booking.session_type.reminder_offsets:
        due = booking.start_at - offset
        if due > now:  # a reminder whose moment has passed is skipped, not sent late
            hours = int(offset.total_seconds() // 3600)
            emails_queue("reminder", booking, due_at=due, variant=f"{hours}h")
    if booking.session_type.kind == SessionType.Kind.ASSESSMENT:
        follow_up_due = booking.end_at + timedelta(hours=settings.FOLLOW_UP_DELAY_HOURS)
        emails_queue("follow_up", booking, due_at=follow_up_due)


def booking_emails_confirmed(
    booking: Booking, *, now: datetime, by_practitioner: bool = False
) -> None:
    """Queue the confirmation, the practitioner's alert (unless she booked it) and timed emails."""
    emails_queue("confirmation", booking, due_at=now)
    if not by_practitioner:
        emails_queue("new_booking_alert", booking, due_at=now)
    _timed_emails_queue(booking, now)


def booking_emails_verify(booking: Booking, *, now: datetime) -> None:
    """Queue the newest confirm link to the address typed; earlier unsent ones are dropped."""
    emails_cancel_pending(
        subject_type=SUBJECT,
        subject_id=booking.pk,
        kinds=["booking_verify"],
        reason="a newer link was asked for",
    )
    emails_queue("booking_verify", booking, due_at=now)


def booking_emails_rescheduled(
    booking: Booking, *, now: datetime, by_practitioner: bool = False
) -> None:
    """Move the timed emails (every app's) to the new time and tell everyone on the booking;
    tell her too when a client moved it, unless she switched that alert off."""
    emails_cancel_timed(subject_type=SUBJECT, subject_id=booking.pk, reason="booking moved")
    emails_queue("rescheduled", booking, due_at=now)
    if not by_practitioner and booking.practitioner.reschedule_alerts:
        emails_queue("reschedule_alert", booking, due_at=now)
    _timed_emails_queue(booking, now)


def booking_emails_cancelled(
    booking: Booking, *, now: datetime, by_practitioner: bool, tell_client: bool = True
) -> None:
    """Drop the timed emails, tell everyone on the booking (unless she chose not to) and,
    if a client cancelled, you."""
    emails_cancel_timed(subject_type=SUBJECT, subject_id=booking.pk, reason="booking cancelled")
    if tell_client:
        emails_queue("cancelled", booking, due_at=now)
    if not by_practitioner:
        emails_queue("cancellation_alert", booking, due_at=now)


def booking_emails_outcome(booking: Booking, *, now: datetime) -> None:
    """Replace the follow-up to match the outcome the practitioner marked."""
    outcome_kinds = {
        Booking.Status.NO_SHOW: ("missed", "marked no-show"),
        Booking.Status.NOT_A_FIT: ("not_a_fit", "marked not a fit"),
    }
    if booking.status in outcome_kinds:
        kind, reason = outcome_kinds[booking.status]
        emails_cancel_pending(
            subject_type=SUBJECT, subject_id=booking.pk, kinds=["follow_up"], reason=reason
        )
        emails_queue(kind, booking, due_at=now)
