"""Writes for clients."""

from datetime import datetime

from django.db import transaction

from .models import Client
from .selectors import clients_by_email


@transaction.atomic
def client_get_or_create_for_booking(
    *, name: str, email: str, time_zone: str, consent_at: datetime, email_proven: bool = False
) -> Client:
    """Return the client with this email (any case), creating them on their first booking.

    Anyone can type an address, so a returning client's record changes only when
    the person booking has proved the email is theirs (``email_proven``): then
    their time zone and consent time are refreshed. Their name in our records is
    always kept, since the practitioner may have corrected it.
    """
    client = clients_by_email(email).select_for_update().first()
    if client is None:
        return Client.objects.create(
            name=name.strip(),
            email=email.strip(),
            time_zone=time_zone,
            privacy_consent_at=consent_at,
        )
    if not email_proven:
        return client
    client.time_zone = time_zone
    client.privacy_consent_at = consent_at
    client.save(update_fields=["time_zone", "privacy_consent_at", "updated_at"])
    return client


@transaction.atomic
def client_follow_ups_stop(*, client_id: int, now: datetime) -> Client:
    """Record that this client wants no follow-up emails (reminders still go out)."""
    client = Client.objects.select_for_update().get(pk=client_id)
    if client.follow_ups_opt_out_at is None:
        client.follow_ups_opt_out_at = now
        client.save(update_fields=["follow_ups_opt_out_at", "updated_at"])
    return client


@transaction.atomic
def client_get_or_create_for_invitation(*, name: str, email: str, time_zone: str) -> Client:
    """Return the client with this email (any case), creating them without consent.

    For a partner invited to answer a questionnaire: their record exists from
    the invitation, so their answers are theirs alone, and their consent is
    recorded when they agree to the privacy notice before answering.
    """
    client = clients_by_email(email).select_for_update().first()
    if client is None:
        client = Client.objects.create(name=name.strip(), email=email.strip(), time_zone=time_zone)
    return client
