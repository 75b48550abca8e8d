"""Background work for email. Tasks take ids only: no personal data in the broker."""

from __future__ import annotations

import logging

from celery import shared_task

from . import delivery

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Claim due emails and queue one send task each; return how many were queued."""
    queued = delivery.outbox_sweep(enqueue=outbox_send_task.delay)
    if queued:
        logger.info("outbox: queued %d emails", queued)
    return queued


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def outbox_send_task(email_id: int) -> str:
    """Send one claimed email (idempotent: a second run for the same row sends nothing)."""
    return delivery.outbox_send(email_id)
