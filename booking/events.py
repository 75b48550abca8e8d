"""What booking announces to the apps above it, through typed hooks (``lib.hooks``).

Services send these inside their transaction, after the booking is written;
a receiver's error propagates and rolls the booking back, so nothing is ever
half done. The questionnaire app, for instance, creates its questionnaires
when a call is confirmed, without booking importing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lib.hooks import Collector, Hook

from .models import Booking


@dataclass(frozen=True)
class BookingConfirmed:
    booking: Booking
    now: datetime


@dataclass(frozen=True)
class BookingEmailVerified:
    """The person who booked proved the email is theirs: only now may their partner hear."""

    booking: Booking
    now: datetime


@dataclass(frozen=True)
class BookingRescheduled:
    booking: Booking
    previous_start: datetime
    now: datetime


@dataclass(frozen=True)
class BookingCancelled:
    booking: Booking
    by_practitioner: bool
    now: datetime


@dataclass(frozen=True)
class ManagePage:
    """A client's manage page being shown: apps above may add a panel to it."""

    booking: Booking
    now: datetime


@dataclass(frozen=True)
class Panel:
    """A section of a page from another app: its template and that template's context."""

    template: str
    context: dict


booking_confirmed: Hook[BookingConfirmed] = Hook("booking_confirmed")
booking_email_verified: Hook[BookingEmailVerified] = Hook("booking_email_verified")
booking_rescheduled: Hook[BookingRescheduled] = Hook("booking_rescheduled")
booking_cancelled: Hook[BookingCancelled] = Hook("booking_cancelled")
manage_page_panels: Collector[ManagePage, Panel] = Collector("manage_page_panels")
