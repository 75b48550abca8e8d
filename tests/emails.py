"""Helpers for tests that look at emails: rows written by hand, rendered as the outbox would."""

from booking.emails import booking_load
from notifications.models import OutboundEmail
from notifications.rendering import render_email


def email_row(booking, kind: str, to: str, **fields) -> OutboundEmail:
    """Write an outbox row about this booking, due now unless told otherwise."""
    values = {
        "kind": kind,
        "subject_type": "booking",
        "subject_id": booking.pk,
        "recipient_client_id": booking.client_id,
        "to_email": to,
        "dedupe_key": f"test:{kind}:{booking.pk}:{to}",
    }
    values.update(fields)
    if "due_at" not in values:
        from django.utils import timezone

        values["due_at"] = timezone.now()
    return OutboundEmail.objects.create(**values)


def rendered(email: OutboundEmail):
    """Return the message the outbox would send for this row."""
    return render_email(email, booking_load(email.subject_id))
