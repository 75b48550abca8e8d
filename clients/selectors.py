"""Reads for clients. Nothing here writes."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Client


def clients_by_email(email: str) -> QuerySet[Client]:
    """Return the client with this email, ignoring case and spaces (one at most)."""
    return Client.objects.filter(email__iexact=email.strip())


def client_id_by_email(email: str) -> int | None:
    """Return the id of the client with this email, or None if there is none."""
    return clients_by_email(email).values_list("pk", flat=True).first()
