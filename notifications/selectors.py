"""Reads for the email log and the health check. Nothing here writes."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from .delivery import SWEEP_HEARTBEAT
from .models import Heartbeat, OutboundEmail


def emails_to_client(client_id: int) -> QuerySet[OutboundEmail]:
    """Return every email sent or due to one client, oldest first."""
    return OutboundEmail.objects.filter(recipient_client_id=client_id).order_by("due_at")


def emails_about(subject_type: str, subject_id: int) -> QuerySet[OutboundEmail]:
    """Return every email about one subject (a booking, say), oldest first."""
    return OutboundEmail.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "due_at"
    )


def outbox_last_sweep() -> datetime | None:
    """Return when the outbox was last swept, or None if it never was."""
    return Heartbeat.objects.filter(name=SWEEP_HEARTBEAT).values_list("beat_at", flat=True).first()
