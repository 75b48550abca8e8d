"""Background work for email. Tasks take ids only: no personal data in the broker."""

from __future__ import annotations

import logging

from celery import shared_task

from . import delivery

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Claim due emails, queue one send task each, and sweep again if the batch was full.

    The next sweep is queued behind this batch's sends, so the broker holds
    about one batch at a time however many emails are due. Return how many
    emails were queued.
    """
    queued: list[int] = []
    full = delivery.outbox_sweep(enqueue=lambda email_id: queued.append(email_id))
    for email_id in queued:
        outbox_send_task.delay(email_id)
    if queued:
        logger.info("outbox: queued %d emails", len(queued))
    if full:
        outbox_sweep_task.delay()
    return len(queued)


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def outbox_send_task(email_id: int) -> str:
    """Send one claimed email (idempotent: a second run for the same row sends nothing)."""
    return delivery.outbox_send(email_id)
