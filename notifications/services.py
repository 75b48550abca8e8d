"""Queueing emails: called by the domain apps' services inside their own transactions.

An email exists exactly when the event that causes it does: a rolled-back
booking takes its emails with it. The key of each row holds everything that
makes an email a new one, so a legitimate email is never dropped; an email
queued twice for the same reason is dropped and logged (ids only).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from .kinds import EmailKind, Recipient, kind_get, kinds_all
from .models import OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status


def email_key(
    kind: EmailKind, *, subject_id: int, version: str, recipient: Recipient, variant: str = ""
) -> str:
    """Return the dedupe key: kind, subject, its version, a variant and the recipient's role.

    Each part is needed: without the version a booking moved away and back would
    lose its reminders; without the variant its 24-hour and 1-hour reminders
    would be one; without the role the partner's copy would replace the client's.
    No address or name is in it, so logging a key reveals nobody.
    """
    return ":".join(
        [kind.name, f"{kind.subject_type}{subject_id}", version, variant, recipient.role]
    )


def emails_queue(
    kind_name: str,
    subject: models.Model,
    *,
    due_at: datetime,
    variant: str = "",
    recipients: Iterable[Recipient] | None = None,
) -> list[OutboundEmail]:
    """Queue one kind of email about ``subject`` to its recipients; return the new rows.

    ``recipients`` defaults to the kind's own; pass a subset to write to one of them.
    """
    kind = kind_get(kind_name)
    version = kind.version(subject)
    rows = [
        OutboundEmail(
            kind=kind.name,
            subject_type=kind.subject_type,
            subject_id=subject.pk,
            recipient_client_id=recipient.client_id,
            to_email=recipient.email,
            due_at=due_at,
            dedupe_key=email_key(
                kind,
                subject_id=subject.pk,
                version=version,
                recipient=recipient,
                variant=variant,
            ),
        )
        for recipient in (kind.recipients(subject) if recipients is None else recipients)
        if recipient.email
    ]
    return _insert(rows)


def _insert(rows: list[OutboundEmail]) -> list[OutboundEmail]:
    """Insert rows, dropping (and logging) any whose key is already there."""
    if not rows:
        return []
    keys = [row.dedupe_key for row in rows]
    taken = set(
        OutboundEmail.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    for key in sorted(taken):
        logger.info("email %s is already queued; not queued again", key)
    new = [row for row in rows if row.dedupe_key not in taken]
    if new:
        # ignore_conflicts only covers a concurrent writer of the same key: the
        # caller's transaction holds the subject's lock, so that is a true duplicate.
        OutboundEmail.objects.bulk_create(new, ignore_conflicts=True)
        _kick_after_commit()
    return new


def _kick_after_commit() -> None:
    """Ask for one sweep after this transaction commits, however many emails it queued.

    Robust: with the broker down the commit still succeeds, and beat's next
    sweep sends the emails.
    """
    pending = connection.run_on_commit if connection.in_atomic_block else []
    # Entries are (savepoint ids, callback, robust) in Django 5; the callback is second.
    if not any(entry[1] is outbox_kick for entry in pending):
        transaction.on_commit(outbox_kick, robust=True)


def _pending() -> Q:
    """Rows not yet handed to the mail server (a claimed row whose send has not started)."""
    return Q(status=Status.SCHEDULED) | Q(status=Status.SENDING, attempt_started_at__isnull=True)


def emails_cancel_pending(
    *, subject_type: str, subject_id: int, kinds: Iterable[str], reason: str
) -> int:
    """Cancel unsent emails of these kinds about one subject; return how many."""
    return (
        OutboundEmail.objects.filter(
            subject_type=subject_type, subject_id=subject_id, kind__in=list(kinds)
        )
        .filter(_pending())
        .update(status=Status.CANCELLED, last_error=reason)
    )


def emails_cancel_timed(*, subject_type: str, subject_id: int, reason: str) -> int:
    """Cancel the unsent emails tied to a subject's time, whichever app registered them."""
    timed = [kind.name for kind in kinds_all() if kind.timed and kind.subject_type == subject_type]
    return emails_cancel_pending(
        subject_type=subject_type, subject_id=subject_id, kinds=timed, reason=reason
    )


def outbox_send_again(*, email_ids: Iterable[int], now: datetime | None = None) -> int:
    """Put failed emails back in the queue (the practitioner's "send again"); return how many.

    Only failed rows move; any other row in ``email_ids`` is left alone.
    """
    now = now or timezone.now()
    count = OutboundEmail.objects.filter(pk__in=list(email_ids), status=Status.FAILED).update(
        status=Status.SCHEDULED,
        due_at=now,
        attempts=0,
        attempt_started_at=None,
        queued_at=None,
    )
    if count:
        _kick_after_commit()
    return count


def emails_forget(*, subject_type: str, subject_id: int) -> int:
    """Delete the emails about a subject that is being deleted; return how many."""
    deleted, _ = OutboundEmail.objects.filter(
        subject_type=subject_type, subject_id=subject_id
    ).delete()
    return deleted


def emails_erase_person(
    *, client_id: int, addresses: Iterable[str], subjects: Iterable[tuple[str, int]]
) -> int:
    """Forget a person in the email log (their right to erasure); return the rows touched.

    The rows stay, emptied, so the practice's counts and the keys that stop a
    resend stay true: an email to them keeps no address and no copy; an email about
    one of ``subjects`` (their bookings, to the practitioner or a partner) keeps
    its address but no copy, since a copy may name them. Whatever of those has not
    gone to the mail server yet is cancelled, so nothing about them leaves after.
    """
    to_them = Q(recipient_client_id=client_id)
    for address in {address.strip().lower() for address in addresses if address}:
        to_them |= Q(to_email__iexact=address)
    about_them = Q(pk__in=[])
    for subject_type, subject_id in subjects:
        about_them |= Q(subject_type=subject_type, subject_id=subject_id)
    rows = OutboundEmail.objects.filter(to_them | about_them)
    rows.filter(_pending()).update(status=Status.CANCELLED)
    emptied = {"sent_subject": "", "sent_text": "", "sent_html": "", "last_error": ""}
    touched = rows.filter(to_them).update(to_email="", recipient_client_id=None, **emptied)
    return touched + OutboundEmail.objects.filter(about_them).exclude(to_them).update(**emptied)


def outbox_kick() -> None:
    """Ask for a sweep now, so emails due now do not wait for the next minute."""
    from .tasks import outbox_sweep_task

    outbox_sweep_task.delay()
