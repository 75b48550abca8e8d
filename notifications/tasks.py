"""Background work for email. Tasks take ids only: no personal data in the broker."""

from __future__ import annotations

import logging
from collections import Counter

from celery import shared_task

from . import delivery

logger = logging.getLogger(__name__)

# A batch starts no new email after OUTBOX_BATCH_SECONDS (20 s); the one in flight
# may then wait on a slow relay for its connect and its send (EMAIL_TIMEOUT, 20 s,
# each), so the batch task's soft limit leaves room for both before Celery stops it.
BATCH_SOFT_LIMIT_SECONDS = 100
BATCH_HARD_LIMIT_SECONDS = 120


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Claim due emails, queue send tasks for them, and sweep again if the batch was full.

    The next sweep is queued behind this batch's sends, so the broker holds
    about one batch at a time however many emails are due. Return how many
    emails were queued.
    """
    groups: list[list[int]] = []
    full = delivery.outbox_sweep(enqueue=groups.append)
    for email_ids in groups:
        outbox_send_batch_task.delay(email_ids)
    queued = sum(len(email_ids) for email_ids in groups)
    if queued:
        logger.info("outbox: queued %d emails in %d tasks", queued, len(groups))
    if full:
        outbox_sweep_task.delay()
    return queued


@shared_task(
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=BATCH_SOFT_LIMIT_SECONDS,
    time_limit=BATCH_HARD_LIMIT_SECONDS,
)
def outbox_send_batch_task(email_ids: list[int]) -> dict[str, int]:
    """Send a group of claimed emails over one mail connection; count what happened.

    Idempotent: a second run for the same ids sends nothing already attempted.
    Emails it had no time for go back to the queue, and a sweep is asked for
    at once so they do not wait for beat's next minute.
    """
    outcomes = Counter(delivery.outbox_send_batch(email_ids).values())
    if outcomes["released"]:
        outbox_sweep_task.delay()
    return dict(outcomes)


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def outbox_send_task(email_id: int) -> str:
    """Send one claimed email (idempotent: a second run for the same row sends nothing).

    Sweeps now queue ``outbox_send_batch_task``; this stays for messages
    already in the broker when a release that made the change is deployed.
    """
    return delivery.outbox_send(email_id)
