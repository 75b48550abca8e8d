"""How long records are kept: quiet leads may be erased automatically, clinical records never.

The practitioner decides (Settings, "Keeping records"). People who booked or
were invited but never had a session and never answered are erased once quiet
for ``inactive_lead_days``, and only if she turned that on. People who had
sessions are listed after ``keep_records_years`` since their last one, for her
decision: a clinical record may have to be kept, and only she knows.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from assessments.models import Intake
from booking.models import Booking, Practitioner
from clients.models import Client

from .erasure import client_erase

logger = logging.getLogger(__name__)

ATTENDED = (Booking.Status.COMPLETED, Booking.Status.NOT_A_FIT)


def leads_quiet_since(*, cutoff: datetime) -> QuerySet[Client]:
    """People who never attended, never answered, and did nothing since ``cutoff``."""
    booked_since = Booking.objects.filter(client=OuterRef("pk")).filter(
        Q(created_at__gte=cutoff) | Q(end_at__gte=cutoff)
    )
    invited_since = Intake.objects.filter(client=OuterRef("pk")).filter(
        Q(created_at__gte=cutoff) | Q(booking__end_at__gte=cutoff)
    )
    return (
        Client.objects.filter(created_at__lt=cutoff)
        .exclude(Exists(Booking.objects.filter(client=OuterRef("pk"), status__in=ATTENDED)))
        .exclude(Exists(Intake.objects.filter(client=OuterRef("pk"), started_at__isnull=False)))
        .exclude(Exists(booked_since))
        .exclude(Exists(invited_since))
        .order_by("created_at")
    )


def records_past_retention(*, cutoff: datetime) -> QuerySet[Client]:
    """People who had sessions, the last one ended before ``cutoff``: hers to decide."""
    return (
        Client.objects.annotate(
            last_session=Max("bookings__end_at", filter=Q(bookings__status__in=ATTENDED)),
            last_booking=Max("bookings__end_at"),
        )
        .filter(last_session__lt=cutoff, last_booking__lt=cutoff)
        .order_by("last_session")
    )


def retention_cutoffs(practitioner: Practitioner, *, now: datetime) -> tuple[datetime, datetime]:
    """(quiet leads before, records before), from her settings."""
    return (
        now - timedelta(days=practitioner.inactive_lead_days),
        now - timedelta(days=round(365.25 * practitioner.keep_records_years)),
    )


def retention_sweep(*, now: datetime) -> int:
    """Erase the quiet leads, if she turned that on; return how many. Daily, from beat.

    One transaction per person, so a failure leaves the others done and is
    retried the next day. Logs counts and ids, never names.
    """
    practitioner = Practitioner.objects.order_by("pk").first()
    if practitioner is None or not practitioner.erase_inactive_leads:
        return 0
    leads_before, _ = retention_cutoffs(practitioner, now=now)
    erased = 0
    for client_id in list(leads_quiet_since(cutoff=leads_before).values_list("pk", flat=True)):
        client_erase(client_id=client_id, now=now, reason="Erased automatically: never came")
        erased += 1
    if erased:
        logger.info("retention: erased %d quiet leads", erased)
    return erased
