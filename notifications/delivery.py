"""Delivering the outbox: claim what is due, send each email at most once, retry with backoff.

The database is the schedule. A sweep (Celery beat every minute, and a kick
after each commit that queues email) claims due rows and queues send tasks of
up to OUTBOX_TASK_SIZE row ids; a send task sends its rows over one mail
connection, recording each attempt and committing it before that message
leaves, so a second worker, a redelivered task or a crash never sends twice.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .kinds import UnknownKind, kind_get, subject_type_get
from .models import Heartbeat, OutboundEmail
from .rendering import render_email

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status
SWEEP_HEARTBEAT = "outbox-sweep"
INTERRUPTED = "The worker stopped while sending; it may or may not have arrived."
# How a batch tells the time it has spent (tests put their own clock here).
_clock = time.monotonic


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
            status=Status.FAILED, last_error=INTERRUPTED
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


def outbox_sweep(*, enqueue: Callable[[list[int]], object], batch: int | None = None) -> bool:
    """Claim one batch of due emails and enqueue them in tasks; return whether it was full.

    The claimed ids are handed out in groups of OUTBOX_TASK_SIZE, one send task
    each, so a worker sends a group over one mail connection and several workers
    share a batch. A full batch means more may be due: the caller sweeps again
    once this batch has been handed out (``outbox_sweep_task`` queues itself
    behind the sends), so 10,000 due reminders flow without waiting a minute per
    batch, and the broker never holds more than about one batch. Records when it
    ran, for the health check.
    """
    batch = batch or settings.OUTBOX_BATCH_SIZE
    ids = outbox_claim_due(batch=batch)
    size = settings.OUTBOX_TASK_SIZE
    for start in range(0, len(ids), size):
        enqueue(ids[start : start + size])
    Heartbeat.objects.update_or_create(name=SWEEP_HEARTBEAT, defaults={"beat_at": timezone.now()})
    return len(ids) == batch


def _unsent(pks: list[int]) -> Any:
    """Rows among ``pks`` still claimed and not yet attempted: the only ones this worker may touch."""
    return OutboundEmail.objects.filter(
        pk__in=pks, status=Status.SENDING, attempt_started_at__isnull=True
    )


class _Mailer:
    """One connection to the mail server for a batch: opened on first use, again after an error.

    A connection per message cost more than building the message (connect, EHLO,
    QUIT); after any error it is closed, since the server may have dropped it.
    """

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, message: Any) -> None:
        if self._connection is None:
            self._connection = get_connection()
            self._connection.open()
        message.connection = self._connection
        try:
            message.send()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.close()
        except Exception as error:  # the server went away first; nothing is left to close
            logger.info("mail connection closed with %s", type(error).__name__)


def outbox_send(email_id: int) -> str:
    """Send one claimed email; return what happened ("sent", "retry", "failed", ...)."""
    return outbox_send_batch([email_id])[email_id]


def outbox_send_batch(email_ids: list[int], *, seconds: float | None = None) -> dict[int, str]:
    """Send claimed emails over one mail connection; return what happened to each id.

    At most once, one email at a time: each attempt is recorded by a guarded
    ``UPDATE ... WHERE attempt_started_at IS NULL`` (committed) before its
    message leaves, and marked sent after (see ``_Ledger``), so a second worker,
    a redelivered task or a crash never sends twice, and a crash leaves only the
    email in flight "may or may not have arrived"; the others are still claimed
    and unattempted, and are claimed again. What the emails are about and
    whether each is still needed is loaded for the whole batch (a query per
    kind of subject, and per kind whose check reads the database).

    No new email is started after ``seconds`` (OUTBOX_BATCH_SECONDS): the rest
    go back to the queue ("released"), so a slow mail relay never meets the
    task's time limit in the middle of a batch.
    """
    started = _clock()
    limit = settings.OUTBOX_BATCH_SECONDS if seconds is None else seconds
    outcomes = dict.fromkeys(email_ids, "skipped")
    ready = _sendable(list(_unsent(list(email_ids)).order_by("due_at", "pk")), outcomes)
    mailer, ledger = _Mailer(), _Ledger()
    in_flight: OutboundEmail | None = None
    try:
        for index, (email, kind, subject, extra) in enumerate(ready):
            if _clock() - started >= limit:
                rest = [pending[0].pk for pending in ready[index:]]
                _unsent(rest).update(status=Status.SCHEDULED, queued_at=None)
                outcomes.update(dict.fromkeys(rest, "released"))
                logger.info("outbox: %d emails back in the queue after %ss", len(rest), limit)
                break
            message = _build(email, subject, extra)
            if message is None:
                outcomes[email.pk] = "failed"
                continue
            if not ledger.claim(email):
                continue  # cancelled, or another worker started it, since the batch was read
            in_flight = email
            outcomes[email.pk] = _deliver(email, kind, message, mailer, ledger)
            in_flight = None
    except SoftTimeLimitExceeded:
        # Celery's time limit: the email in flight may or may not have left; the rest
        # stay claimed and unattempted, and a sweep claims them again.
        ledger.flush()
        if in_flight is not None:
            OutboundEmail.objects.filter(pk=in_flight.pk, status=Status.SENDING).update(
                status=Status.FAILED, last_error=INTERRUPTED
            )
            outcomes[in_flight.pk] = "failed"
        logger.warning("outbox: a batch of %d emails reached the time limit", len(email_ids))
    finally:
        try:
            ledger.flush()
        finally:
            mailer.close()
    return outcomes


def _sendable(emails: list[OutboundEmail], outcomes: dict[int, str]) -> list[tuple]:
    """Return (email, kind, subject, extra context) for each email still to send; close the others.

    Emails of a kind no app sends fail, emails whose subject is gone or whose
    moment has passed are cancelled, each group in one guarded UPDATE. What a
    kind's check or context reads from the database is read once per kind.
    """
    now = timezone.now()
    closed: dict[tuple[str, str], list[int]] = {}
    by_type: dict[str, list[OutboundEmail]] = {}
    for email in emails:
        try:
            kind_get(email.kind)
            subject_type_get(email.subject_type)
        except UnknownKind:
            reason = f"No app sends emails of the kind “{email.kind}”."
            closed.setdefault((Status.FAILED, reason), []).append(email.pk)
            continue
        by_type.setdefault(email.subject_type, []).append(email)
    by_kind: dict[str, list[tuple[OutboundEmail, Any]]] = {}
    for type_name, of_type in by_type.items():
        ids = [email.subject_id for email in of_type if email.subject_id is not None]
        subjects = subject_type_get(type_name).load_all(ids) if ids else {}
        for email in of_type:
            subject = subjects.get(email.subject_id) if email.subject_id is not None else None
            if subject is None:
                reason = f"the {email.subject_type} no longer exists"
                closed.setdefault((Status.CANCELLED, reason), []).append(email.pk)
            else:
                by_kind.setdefault(email.kind, []).append((email, subject))
    ready: list[tuple[OutboundEmail, Any, Any, dict[str, Any]]] = []
    for kind_name, pairs in by_kind.items():
        kind = kind_get(kind_name)
        needed = []
        for pair, reason in zip(pairs, kind.reasons_not_needed(pairs, now), strict=True):
            if reason:
                closed.setdefault((Status.CANCELLED, reason), []).append(pair[0].pk)
            else:
                needed.append(pair)
        extras = kind.context_many(needed) if kind.context_many and needed else [{}] * len(needed)
        ready.extend(
            (email, kind, subject, extra)
            for (email, subject), extra in zip(needed, extras, strict=True)
        )
    for (status, reason), pks in closed.items():
        _unsent(pks).update(status=status, last_error=reason)
        outcomes.update(dict.fromkeys(pks, "failed" if status == Status.FAILED else "cancelled"))
    ready.sort(key=lambda entry: (entry[0].due_at, entry[0].pk))
    return ready


def _build(email: OutboundEmail, subject: Any, extra: dict[str, Any]) -> Any:
    """Return the message, or None after failing the email: a template or data problem.

    Retrying cannot help those, so they show in the log at once.
    """
    try:
        return render_email(email, subject, extra)
    except Exception as error:
        logger.exception("email %s (%s) could not be built", email.pk, email.kind)
        _unsent([email.pk]).update(
            status=Status.FAILED, last_error=f"Could not build the message: {type(error).__name__}"
        )
        return None


def _deliver(
    email: OutboundEmail, kind: Any, message: Any, mailer: _Mailer, ledger: _Ledger
) -> str:
    """Hand the message to the mail server and record the outcome."""
    try:
        mailer.send(message)
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:  # SMTP, network or provider API: the backend decides the type
        return _record_failure(email, error)
    ledger.sent(email, message if kind.keep_copy else None)
    logger.info("email %s (%s) sent", email.pk, email.kind)
    return "sent"


class _Ledger:
    """The two writes every email costs: its attempt before it leaves, "sent" after.

    On PostgreSQL an email's "sent" is written in the same statement as the next
    email's attempt (a data-modifying WITH), so a batch costs one statement and
    one commit per email, and the last "sent" is written on its own when the
    batch ends. At any moment at most one email is in doubt (attempted and not
    yet marked), so a crash leaves one "may or may not have arrived", never more.
    Written as SQL because building these through the ORM took as long as
    running them (0.3 ms each of a 2–3 ms email); everything else uses the ORM.
    """

    def __init__(self) -> None:
        table = connection.ops.quote_name(OutboundEmail._meta.db_table)  # the model's, not input
        self._claim_sql = (
            f"UPDATE {table} SET attempt_started_at = %s, attempts = attempts + 1"  # noqa: S608
            " WHERE id = %s AND status = %s AND attempt_started_at IS NULL"
        )
        sent = f"UPDATE {table} SET status = %s, sent_at = %s, last_error = ''"  # noqa: S608
        self._sent_sql = f"{sent} WHERE id = %s"
        self._sent_copy_sql = (
            f"{sent}, sent_subject = %s, sent_text = %s, sent_html = %s WHERE id = %s"
        )
        self._combine = connection.vendor == "postgresql"
        self._unmarked: tuple[str, list[Any]] | None = None

    def claim(self, email: OutboundEmail) -> bool:
        """Record the attempt, committed, before the message leaves; False if it is not ours.

        Guarded: whoever sets attempt_started_at first sends, and a row cancelled
        meanwhile (its booking was) is left alone.
        """
        sql, params = self._claim_sql, [self._now(), email.pk, Status.SENDING.value]
        if self._unmarked is not None and self._combine:
            (mark, mark_params), self._unmarked = self._unmarked, None
            sql, params = f"WITH sent AS ({mark}) {sql}", [*mark_params, *params]
        else:
            self.flush()
        claimed = self._execute(sql, params) == 1
        if claimed:
            email.attempts += 1
        return claimed

    def sent(self, email: OutboundEmail, copy: Any) -> None:
        """Mark an email sent, with the message as sent unless its kind keeps no copy."""
        self.flush()
        params = [Status.SENT.value, self._now()]
        if copy is None:
            self._unmarked = (self._sent_sql, [*params, email.pk])
            return
        html = str(copy.alternatives[0][0]) if copy.alternatives else ""
        params += [copy.subject[:300], copy.body, html]
        self._unmarked = (self._sent_copy_sql, [*params, email.pk])

    def flush(self) -> None:
        """Write the "sent" still waiting for the next attempt."""
        if self._unmarked is not None:
            (sql, params), self._unmarked = self._unmarked, None
            self._execute(sql, params)

    def _execute(self, sql: str, params: list[Any]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    @staticmethod
    def _now() -> Any:
        return connection.ops.adapt_datetimefield_value(timezone.now())


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
