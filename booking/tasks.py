"""Background work for booking. Tasks take ids only: no personal data in the broker."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .emails import confirmation_message
from .models import Booking
from .services import booking_holds_purge

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    max_retries=8,
    acks_late=True,
)
def booking_confirmation_send_task(booking_id: int) -> None:
    """Send a booking's confirmation once.

    The row is claimed with a conditional UPDATE before sending, so two workers
    (or a redelivered message) can never both send it. If the send fails the
    claim is undone and the task retries with backoff.
    """
    claimed = Booking.objects.filter(
        pk=booking_id, status=Booking.Status.CONFIRMED, confirmation_sent_at__isnull=True
    ).update(confirmation_sent_at=timezone.now())
    if not claimed:
        logger.info("booking %s: confirmation already sent or not needed", booking_id)
        return
    booking = Booking.objects.select_related("practitioner", "client", "session_type").get(
        pk=booking_id
    )
    try:
        confirmation_message(booking).send()
    except Exception:
        with transaction.atomic():
            Booking.objects.filter(pk=booking_id).update(confirmation_sent_at=None)
        raise
    logger.info("booking %s: confirmation sent", booking_id)


@shared_task
def booking_holds_purge_task() -> None:
    """Periodic: clear abandoned holds so the calendar and admin stay tidy."""
    removed = booking_holds_purge()
    if removed:
        logger.info("removed %d abandoned holds", removed)
