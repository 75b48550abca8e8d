"""Background work for booking. Tasks take ids only: no personal data in the broker."""

from __future__ import annotations

import logging

from celery import shared_task

from . import outbox
from .services import booking_holds_purge

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Claim due emails and queue one send task each; return how many were queued."""
    ids = outbox.outbox_claim_due()
    for email_id in ids:
        outbox_send_task.delay(email_id)
    if ids:
        logger.info("outbox: queued %d emails", len(ids))
    return len(ids)


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def outbox_send_task(email_id: int) -> str:
    """Send one claimed email (idempotent: a second run for the same row sends nothing)."""
    return outbox.outbox_send(email_id)


@shared_task(ignore_result=True)
def booking_holds_purge_task() -> None:
    """Periodic: clear abandoned holds so the calendar and admin stay tidy."""
    removed = booking_holds_purge()
    if removed:
        logger.info("removed %d abandoned holds", removed)
