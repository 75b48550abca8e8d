"""How the questionnaire follows what happens to bookings (connected in ``apps.py``).

Booking announces confirmations, moves and its manage page through its hooks
(``booking.events``); these receivers run inside booking's transaction, so a
failure here rolls the booking back rather than leaving a call without its
questionnaire.
"""

from __future__ import annotations

from booking import events

from .emails import intake_nudge_queue
from .links import intake_path
from .models import Intake
from .selectors import intake_for_client
from .services import intake_partner_invite, intakes_create_for_booking, intakes_review_withdraw


def on_booking_confirmed(event: events.BookingConfirmed) -> None:
    """Create the call's questionnaires, and queue the nudge."""
    if intakes_create_for_booking(booking=event.booking):
        intake_nudge_queue(event.booking, now=event.now)


def on_booking_email_verified(event: events.BookingEmailVerified) -> None:
    """Invite the partner, now that the person who booked proved their email."""
    intake_partner_invite(booking=event.booking, now=event.now)


def on_booking_rescheduled(event: events.BookingRescheduled) -> None:
    """Queue the nudge for the new time (booking cancelled the old one with its timed emails)."""
    if event.booking.intakes.filter(round=1).exists():  # a later round has no nudge
        intake_nudge_queue(event.booking, now=event.now)


def on_booking_cancelled(event: events.BookingCancelled) -> None:
    """A cancelled call's answers stop waiting on her Today page."""
    intakes_review_withdraw(booking_id=event.booking.pk)


def manage_page_panel(page: events.ManagePage) -> events.Panel | None:
    """Add "Before we talk" to the client's manage page while their questionnaire is open."""
    booking = page.booking
    intake = intake_for_client(booking, now=page.now)
    if intake is None:
        return None
    # Booked with the address of an existing client and not yet proven: whoever typed
    # it may not be that client, so the link goes only by email, to the address's owner.
    by_email_only = booking.email_of_existing_client and booking.email_verified_at is None
    return events.Panel(
        template="assessments/panels/manage_intake.html",
        context={
            "intake": intake,
            "intake_path": "" if by_email_only else intake_path(intake),
            "practitioner": booking.practitioner,
        },
    )


def manage_partner_panel(page: events.ManagePage) -> events.Panel | None:
    """Tell the booker when their partner is invited: once they prove their email, then done."""
    booking = page.booking
    if not (booking.is_couple and booking.partner_email):
        return None  # nobody to invite, and no query for the many individual bookings
    if not booking.intakes.filter(role=Intake.Role.PARTNER).exists():
        return None
    return events.Panel(
        template="assessments/panels/manage_partner.html",
        context={
            "partner_name": booking.partner_name,
            "invited": booking.email_verified_at is not None,
        },
    )


def receivers_connect() -> None:
    events.booking_confirmed.connect(on_booking_confirmed)
    events.booking_email_verified.connect(on_booking_email_verified)
    events.booking_rescheduled.connect(on_booking_rescheduled)
    events.booking_cancelled.connect(on_booking_cancelled)
    events.manage_page_panels.connect(manage_page_panel)
    events.manage_page_panels.connect(manage_partner_panel)
