"""Delivering the outbox: claim what is due, send each email at most once, retry with backoff.

The database is the schedule. A sweep (Celery beat every minute, and a kick
after each commit that queues email) claims due rows and queues one send task
per row id; the send records the attempt and commits before the message
leaves, so a second worker, a redelivered task or a crash never sends twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .kinds import UnknownKind, kind_get, subject_type_get
from .models import Heartbeat, OutboundEmail
from .rendering import render_email

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status
SWEEP_HEARTBEAT = "outbox-sweep"


def outbox_claim_due(*, now: datetime | None = None, batch: int | None = None) -> list[int]:
    """Claim a batch of due emails for sending and return their ids.

    Three queries whatever the batch size. On PostgreSQL, rows another sweep is
    claiming are skipped (SKIP LOCKED). Claimed rows whose task never ran (a
    lost broker message) are claimed again after OUTBOX_REQUEUE_MINUTES; rows
    whose send started but never finished are marked failed rather than risk
    a second delivery.
    """
    now = now or timezone.now()
    batch = batch or settings.OUTBOX_BATCH_SIZE
    stale = now - timedelta(minutes=settings.OUTBOX_REQUEUE_MINUTES)
    with transaction.atomic():
        OutboundEmail.objects.filter(status=Status.SENDING, attempt_started_at__lt=stale).update(
            status=Status.FAILED,
            last_error="The worker stopped while sending; it may or may not have arrived.",
        )
        due = (
            OutboundEmail.objects.filter(
                Q(status=Status.SCHEDULED, due_at__lte=now)
                | Q(status=Status.SENDING, attempt_started_at__isnull=True, queued_at__lt=stale)
            )
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due[:batch])
        if ids:
            OutboundEmail.objects.filter(pk__in=ids).update(status=Status.SENDING, queued_at=now)
    return ids


def outbox_sweep(*, enqueue: Callable[[int], object], batch: int | None = None) -> bool:
    """Claim one batch of due emails and enqueue each; return whether the batch was full.

    A full batch means more may be due: the caller sweeps again once this batch
    has been handed out (``outbox_sweep_task`` queues itself behind the sends),
    so 10,000 due reminders flow without waiting a minute per batch, and the
    broker never holds more than about one batch. Records when it ran, for the
    health check.
    """
    batch = batch or settings.OUTBOX_BATCH_SIZE
    ids = outbox_claim_due(batch=batch)
    for email_id in ids:
        enqueue(email_id)
    Heartbeat.objects.update_or_create(name=SWEEP_HEARTBEAT, defaults={"beat_at": timezone.now()})
    return len(ids) == batch


def _subject_for(email: OutboundEmail) -> Any:
    """Return what the email is about, or None if it no longer exists."""
    if email.subject_id is None:
        return None
    return subject_type_get(email.subject_type).load(email.subject_id)


def _close(email: OutboundEmail, status: str, reason: str) -> None:
    email.status = status
    email.last_error = reason
    email.save(update_fields=["status", "last_error"])


def outbox_send(email_id: int) -> str:
    """Send one claimed email; return what happened ("sent", "retry", "failed", ...).

    The attempt is recorded and committed before the message leaves, so a second
    worker, a redelivered task or a crash can never send it twice.
    """
    now = timezone.now()
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != Status.SENDING or email.attempt_started_at:
            return "skipped"
        try:
            kind = kind_get(email.kind)
            subject = _subject_for(email)
        except UnknownKind:
            _close(email, Status.FAILED, f"No app sends emails of the kind “{email.kind}”.")
            return "failed"
        if subject is None:
            _close(email, Status.CANCELLED, f"the {email.subject_type} no longer exists")
            return "cancelled"
        reason = kind.still_needed(email, subject, now)
        if reason:
            _close(email, Status.CANCELLED, reason)
            return "cancelled"
        email.attempt_started_at = now
        email.attempts += 1
        email.save(update_fields=["attempt_started_at", "attempts"])

    try:
        message = render_email(email, subject)
    except Exception as error:
        # A template or data problem: retrying cannot help, so it shows in the log at once.
        logger.exception("email %s (%s) could not be built", email.pk, email.kind)
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=Status.FAILED, last_error=f"Could not build the message: {type(error).__name__}"
        )
        return "failed"
    try:
        message.send()
    except Exception as error:  # SMTP, network or provider API: the backend decides the type
        return _record_failure(email, error)
    copy = (
        {
            "sent_subject": message.subject[:300],
            "sent_text": message.body,
            "sent_html": str(message.alternatives[0][0]) if message.alternatives else "",
        }
        if kind.keep_copy
        else {}
    )
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", **copy
    )
    logger.info("email %s (%s) sent", email.pk, email.kind)
    return "sent"


def _is_permanent(error: Exception) -> bool:
    """Return whether trying again cannot help (a refused address, a 5xx reply)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return True
    status = getattr(error, "status_code", None)  # provider APIs: 4xx but 429 will not improve
    return (
        isinstance(error, AnymailAPIError)
        and status is not None
        and 400 <= status < 500
        and status != 429
    )


def _record_failure(email: OutboundEmail, error: Exception) -> str:
    message = _describe(error)
    if _is_permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=Status.FAILED, last_error=message, attempt_started_at=None
        )
        logger.warning("email %s failed for good after %s attempts", email.pk, email.attempts)
        return "failed"
    delay = settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (email.attempts - 1)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SCHEDULED,
        due_at=timezone.now() + timedelta(seconds=delay),
        last_error=message,
        attempt_started_at=None,
    )
    logger.info("email %s: attempt %s failed, retrying in %ss", email.pk, email.attempts, delay)
    return "retry"


def _describe(error: Exception) -> str:
    """Return a short description of a delivery error for the log and the office.

    It is the server's reply or the network error, never message content.
    """
    try:
        detail = str(error)
    except Exception:  # some provider errors cannot describe themselves without a response
        detail = f"status {getattr(error, 'status_code', '?')}"
    return f"{type(error).__name__}: {detail}"[:500]
