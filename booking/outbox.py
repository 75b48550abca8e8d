"""The email outbox: what to send, when, and delivering each email at most once.

Services call the ``booking_emails_*`` functions inside their own transaction,
so an email exists exactly when the event that causes it does. Delivery is a
sweep (Celery beat, every minute, and a kick after each commit) that claims
due rows and queues one send task per row id; the database is the schedule.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from clients.models import Client

from .models import Booking, OutboundEmail, SessionType

logger = logging.getLogger(__name__)

Kind = OutboundEmail.Kind
Status = OutboundEmail.Status

# Emails tied to the booking's time: moved with a reschedule, dropped with a cancel.
TIMED_KINDS = (Kind.REMINDER, Kind.INTAKE_NUDGE, Kind.FOLLOW_UP)
# Follow-ups a client can opt out of (reminders and notices are not).
FOLLOW_UP_KINDS = (Kind.FOLLOW_UP, Kind.MISSED, Kind.NOT_A_FIT)
PRACTITIONER_KINDS = (Kind.NEW_BOOKING_ALERT, Kind.CANCELLATION_ALERT, Kind.URGENT_ALERT)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def _row(
    kind: str, booking: Booking, *, due_at: datetime, key: str, to: str = "", client=None
) -> OutboundEmail:
    to_practitioner = kind in PRACTITIONER_KINDS
    return OutboundEmail(
        kind=kind,
        booking=booking,
        client=client or booking.client,
        to_email=to
        or (booking.practitioner.alert_email if to_practitioner else booking.client.email),
        due_at=due_at,
        dedupe_key=key,
    )


def _insert(rows: list[OutboundEmail]) -> None:
    """Insert rows, silently skipping any whose dedupe key is already there."""
    if rows:
        OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(outbox_kick, robust=True)


def _timed_rows(booking: Booking, now: datetime) -> list[OutboundEmail]:
    """Reminders, the questionnaire nudge and the follow-up, for the booking's current time."""
    start = booking.start_at
    stamp = _stamp(start)
    rows = []
    for offset in booking.session_type.reminder_offsets:
        due = start - offset
        if due > now:  # a reminder whose moment has passed is skipped, not sent late
            hours = int(offset.total_seconds() // 3600)
            rows.append(
                _row(
                    Kind.REMINDER,
                    booking,
                    due_at=due,
                    key=f"reminder-{hours}h:{booking.pk}:{stamp}",
                )
            )
    if booking.session_type.kind == SessionType.Kind.ASSESSMENT:
        nudge_due = start - timedelta(hours=settings.INTAKE_NUDGE_HOURS)
        if nudge_due > now:
            rows.append(
                _row(
                    Kind.INTAKE_NUDGE, booking, due_at=nudge_due, key=f"nudge:{booking.pk}:{stamp}"
                )
            )
        follow_up_due = booking.end_at + timedelta(hours=settings.FOLLOW_UP_DELAY_HOURS)
        rows.append(
            _row(
                Kind.FOLLOW_UP, booking, due_at=follow_up_due, key=f"follow-up:{booking.pk}:{stamp}"
            )
        )
    return rows


def _cancel_pending(booking: Booking, kinds, reason: str) -> None:
    """Cancel this booking's unsent emails of these kinds (not those already being sent)."""
    OutboundEmail.objects.filter(booking=booking, kind__in=kinds).filter(
        Q(status=Status.SCHEDULED) | Q(status=Status.SENDING, attempt_started_at__isnull=True)
    ).update(status=Status.CANCELLED, last_error=reason)


def booking_emails_confirmed(booking: Booking, *, now: datetime) -> None:
    """Queue the confirmation, the practitioner's alert and the booking's timed emails."""
    rows = [
        _row(Kind.CONFIRMATION, booking, due_at=now, key=f"confirmation:{booking.pk}"),
        _row(Kind.NEW_BOOKING_ALERT, booking, due_at=now, key=f"new-booking:{booking.pk}"),
        *_timed_rows(booking, now),
    ]
    _insert(rows)


def booking_emails_rescheduled(booking: Booking, *, now: datetime) -> None:
    """Move the timed emails to the new time and tell the client."""
    _cancel_pending(booking, TIMED_KINDS, "booking moved")
    stamp = _stamp(booking.start_at)
    rows = [
        _row(Kind.RESCHEDULED, booking, due_at=now, key=f"rescheduled:{booking.pk}:{stamp}"),
        *_timed_rows(booking, now),
    ]
    _insert(rows)


def booking_emails_cancelled(booking: Booking, *, now: datetime, by_practitioner: bool) -> None:
    """Drop everything pending, tell the client and, if they cancelled, the practitioner."""
    _cancel_pending(
        booking, [k for k in Kind.values if k not in PRACTITIONER_KINDS], "booking cancelled"
    )
    rows = [_row(Kind.CANCELLED, booking, due_at=now, key=f"cancelled:{booking.pk}")]
    if not by_practitioner:
        rows.append(
            _row(Kind.CANCELLATION_ALERT, booking, due_at=now, key=f"cancellation:{booking.pk}")
        )
    _insert(rows)


def booking_emails_outcome(booking: Booking, *, now: datetime) -> None:
    """Replace the follow-up to match the outcome the practitioner marked."""
    if booking.status == Booking.Status.NO_SHOW:
        _cancel_pending(booking, [Kind.FOLLOW_UP], "marked no-show")
        _insert([_row(Kind.MISSED, booking, due_at=now, key=f"missed:{booking.pk}")])
    elif booking.status == Booking.Status.NOT_A_FIT:
        _cancel_pending(booking, [Kind.FOLLOW_UP], "marked not a fit")
        _insert([_row(Kind.NOT_A_FIT, booking, due_at=now, key=f"not-a-fit:{booking.pk}")])


def practitioner_alert_schedule(*, booking: Booking, kind: str, key: str) -> None:
    """Queue an alert to the practitioner now (for example an urgent questionnaire answer)."""
    _insert([_row(kind, booking, due_at=timezone.now(), key=key)])


def client_email_schedule(
    *, booking: Booking, kind: str, key: str, to: str, client: Client | None = None
) -> None:
    """Queue an email about this booking to a given person now (for example a partner).

    The row belongs to that person's client record, so it shows in their email log.
    """
    _insert([_row(kind, booking, due_at=timezone.now(), key=key, to=to, client=client)])


# --- delivery -----------------------------------------------------------------


def outbox_kick() -> None:
    """Ask for a sweep now, so emails due now do not wait for the next minute."""
    from .tasks import outbox_sweep_task

    outbox_sweep_task.delay()


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
            .order_by("due_at")
            .values_list("pk", flat=True)
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due[:batch])
        if ids:
            OutboundEmail.objects.filter(pk__in=ids).update(status=Status.SENDING, queued_at=now)
    return ids


def _not_needed(email: OutboundEmail, now: datetime) -> str:
    """Return why this email should no longer go out, or "" if it should."""
    booking = email.booking
    if booking is None:
        return ""
    if booking.status == Booking.Status.CANCELLED and email.kind not in (
        Kind.CANCELLED,
        Kind.CANCELLATION_ALERT,
    ):
        return "booking cancelled"
    if email.kind in (Kind.REMINDER, Kind.INTAKE_NUDGE) and now >= booking.start_at:
        return "the booking has already started"
    if email.kind == Kind.INTAKE_NUDGE and not intake_unfinished(booking):
        return "questionnaire already completed"
    if email.kind == Kind.FOLLOW_UP and booking.status not in (
        Booking.Status.CONFIRMED,
        Booking.Status.COMPLETED,
    ):
        return f"booking marked {booking.get_status_display().lower()}"
    if email.kind in FOLLOW_UP_KINDS and email.client and email.client.follow_ups_opt_out_at:
        return "client opted out of follow-ups"
    return ""


def intake_unfinished(booking: Booking) -> bool:
    """Return whether the booking's questionnaire still needs answers (the nudge's condition).

    The intake app answers this; without it there is nothing to nudge about.
    """
    try:
        from assessments.selectors import intake_unfinished_for_booking
    except ImportError:
        return False
    return intake_unfinished_for_booking(booking)


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


def outbox_send(email_id: int) -> str:
    """Send one claimed email; return what happened ("sent", "retry", "failed", ...).

    The attempt is recorded and committed before the message leaves, so a second
    worker, a redelivered task or a crash can never send it twice.
    """
    from .emails import render_email

    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related(
                "booking__session_type", "booking__practitioner__user", "booking__client", "client"
            )
            .filter(pk=email_id)
            .first()
        )
        if email is None or email.status != Status.SENDING or email.attempt_started_at:
            return "skipped"
        reason = _not_needed(email, now)
        if reason:
            email.status = Status.CANCELLED
            email.last_error = reason
            email.save(update_fields=["status", "last_error"])
            return "cancelled"
        email.attempt_started_at = now
        email.attempts += 1
        email.save(update_fields=["attempt_started_at", "attempts"])

    try:
        message = render_email(email)
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
    OutboundEmail.objects.filter(pk=email.pk).update(status=Status.SENT, sent_at=timezone.now())
    logger.info("email %s (%s) sent", email.pk, email.kind)
    return "sent"


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
    """Return a short description of a delivery error for the log and the admin.

    It is the server's reply or the network error, never message content.
    """
    try:
        detail = str(error)
    except Exception:  # some provider errors cannot describe themselves without a response
        detail = f"status {getattr(error, 'status_code', '?')}"
    return f"{type(error).__name__}: {detail}"[:500]


def outbox_send_again(email: OutboundEmail) -> None:
    """Put a failed email back in the queue (the practitioner's "send again")."""
    OutboundEmail.objects.filter(pk=email.pk, status=Status.FAILED).update(
        status=Status.SCHEDULED,
        due_at=timezone.now(),
        attempts=0,
        attempt_started_at=None,
    )
    transaction.on_commit(outbox_kick, robust=True)
