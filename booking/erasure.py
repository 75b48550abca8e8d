"""Taking an erased person out of the calendar, keeping the practice's counts true.

Called by the office's erasure (``office.erasure.client_erase``) inside its
transaction, after the person's emails and questionnaires are dealt with and
before their client record is deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from .models import Booking
from .services import practitioner_calendar_touch

LIVE = (Booking.Status.HELD, Booking.Status.CONFIRMED)


@dataclass(frozen=True)
class Released:
    """What became of a person's bookings: ids, for the office's message and the audit."""

    handed_over: list[int]  # couple bookings now under the other partner
    cancelled: list[int]  # their future bookings, cancelled without an email
    anonymous: list[int]  # past or cancelled ones kept without them
    partner_details_removed: list[int]  # others' bookings they were the partner on


@transaction.atomic
def bookings_release_person(
    *,
    client_id: int,
    partner_of: Mapping[int, int],
    as_partner: Iterable[int],
    now: datetime,
) -> Released:
    """Detach a person from every booking, by the erasure rules.

    - A couple booking they made whose partner has a record of their own
      (``partner_of``: booking id -> the partner's client id) stays, under the
      partner, without the erased person's details, past or to come (it is the
      partner's history too, and one still to come still happens).
    - Any other booking of theirs still to come is cancelled, without an email.
    - Past and cancelled bookings stay, anonymous (no client, their note and the
      partner's details gone), so counts and the funnel stay true.
    - On bookings they joined as someone's partner, their name and address go.

    Each booking touched gets a new ``public_id``: links in emails they were sent
    (manage, calendar file) stop working.
    """
    handed_over, cancelled, anonymous = [], [], []
    bookings = Booking.objects.select_for_update().filter(client_id=client_id).order_by("pk")
    for booking in bookings:
        booking.public_id = uuid.uuid4()
        booking.note = ""
        booking.pending_details = {}
        booking.held_by = ""
        partner = partner_of.get(booking.pk)
        upcoming = booking.status in LIVE and booking.end_at > now
        if partner is not None:
            booking.client_id = partner
            booking.partner_name = booking.partner_email = ""
            booking.partner_is_existing_client = False
            handed_over.append(booking.pk)
        else:
            if upcoming:
                booking.status = Booking.Status.CANCELLED
                booking.cancelled_at = now
                booking.held_until = None
                cancelled.append(booking.pk)
            else:
                anonymous.append(booking.pk)
            booking.client = None
            booking.client_erased_at = now
            booking.partner_name = booking.partner_email = ""
        booking.save()
    joined = list(
        Booking.objects.filter(pk__in=list(as_partner))
        .exclude(client_id=client_id)
        .values_list("pk", flat=True)
    )
    Booking.objects.filter(pk__in=joined).update(
        partner_name="", partner_email="", partner_is_existing_client=False
    )
    if cancelled:
        for practitioner_id in set(
            Booking.objects.filter(pk__in=cancelled).values_list("practitioner_id", flat=True)
        ):
            practitioner_calendar_touch(practitioner_id=practitioner_id)
    return Released(handed_over, cancelled, anonymous, joined)
