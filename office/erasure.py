"""Erasing a person (GDPR Art. 17): one transaction across every app that holds them.

The office sits on top of the apps, so it is the one place that knows all of a
person's data: it asks each app to let go of its part, in an order the
database's constraints accept, then deletes the client record itself. What
stays is what the practice must keep and that names no one: anonymous past
bookings (for counts), emptied email rows (so nothing is sent twice), and the
audit trail, which never held a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from assessments.models import Intake
from assessments.services import intakes_erase_person
from booking.erasure import LIVE, bookings_release_person
from booking.models import Booking
from clients.models import Client
from lib.errors import DomainError
from notifications.services import emails_erase_person

from .audit import audit_opened
from .models import Note

ERASED = "Erased record"


class ErasureError(DomainError):
    pass


@dataclass(frozen=True)
class Erasure:
    client_id: int
    bookings_handed_over: int
    bookings_cancelled: int
    bookings_kept_anonymous: int
    questionnaires: int
    notes: int
    emails: int

    @property
    def summary(self) -> str:
        """What happened, for the practitioner, naming no one."""
        parts = [
            f"{self.questionnaires} questionnaire(s), {self.notes} note(s) and the copies "
            f"of {self.emails} email(s) removed",
        ]
        if self.bookings_cancelled:
            parts.append(f"{self.bookings_cancelled} booking(s) to come cancelled, unannounced")
        if self.bookings_handed_over:
            parts.append(f"{self.bookings_handed_over} couple booking(s) kept for the partner")
        if self.bookings_kept_anonymous:
            parts.append(f"{self.bookings_kept_anonymous} past booking(s) kept without a name")
        return "The person is erased: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a person would do, shown before she confirms."""

    bookings_to_cancel: int
    couple_bookings_kept: int
    bookings_kept_anonymous: int
    questionnaires: int
    notes: int


def erasure_plan(*, client_id: int, now: datetime) -> ErasurePlan:
    """Count what ``client_erase`` would touch, by the same rules, in five queries."""
    own = Booking.objects.filter(client_id=client_id)
    kept_for_partner = set(
        Intake.objects.filter(booking__client_id=client_id, role=Intake.Role.PARTNER)
        .exclude(client_id=client_id)
        .values_list("booking_id", flat=True)
    )
    upcoming = set(own.filter(status__in=LIVE, end_at__gt=now).values_list("pk", flat=True))
    return ErasurePlan(
        bookings_to_cancel=len(upcoming - kept_for_partner),
        couple_bookings_kept=len(kept_for_partner),
        bookings_kept_anonymous=own.exclude(pk__in=upcoming | kept_for_partner).count(),
        questionnaires=Intake.objects.filter(client_id=client_id).count(),
        notes=Note.objects.filter(client_id=client_id).count(),
    )


@transaction.atomic
def client_erase(
    *, client_id: int, now: datetime, reason: str = "Erased the person's record"
) -> Erasure:
    """Remove a person: record, answers, notes, email copies and addresses, names on others'
    bookings and in Django's admin history; bookings by the rules of ``bookings_release_person``.
    """
    client = Client.objects.select_for_update().filter(pk=client_id).first()
    if client is None:
        raise ErasureError("This person is not on record (perhaps already erased).")
    own = list(Booking.objects.filter(client_id=client_id).values_list("pk", flat=True))
    partner_of = dict(
        Intake.objects.filter(booking_id__in=own, role=Intake.Role.PARTNER)
        .exclude(client_id=client_id)
        .values_list("booking_id", "client_id")
    )
    as_partner = list(
        Intake.objects.filter(client_id=client_id, role=Intake.Role.PARTNER)
        .exclude(booking__client_id=client_id)
        .values_list("booking_id", flat=True)
    )
    # Bookings they joined as a partner before they ever answered: by address.
    as_partner += Booking.objects.filter(partner_email__iexact=client.email).values_list(
        "pk", flat=True
    )
    emails = emails_erase_person(
        client_id=client_id,
        addresses=[client.email],
        subjects=[("booking", pk) for pk in {*own, *as_partner}],
    )
    questionnaires = intakes_erase_person(client_id=client_id, promote_partner_on=list(partner_of))
    notes, _ = Note.objects.filter(client_id=client_id).delete()
    released = bookings_release_person(
        client_id=client_id, partner_of=partner_of, as_partner=as_partner, now=now
    )
    _admin_history_forget(client, bookings=own)
    audit_opened(client, what=reason)
    Client.objects.filter(pk=client_id).delete()
    return Erasure(
        client_id=client_id,
        bookings_handed_over=len(released.handed_over),
        bookings_cancelled=len(released.cancelled),
        bookings_kept_anonymous=len(released.anonymous),
        questionnaires=questionnaires,
        notes=notes,
        emails=emails,
    )


def _admin_history_forget(client: Client, *, bookings: list[int]) -> None:
    """Django's admin history names records by their str(): a client's is their name."""
    types = ContentType.objects.get_for_models(Client, Booking, Note)
    about = Q(content_type=types[Client], object_id=str(client.pk)) | Q(
        content_type=types[Booking], object_id__in=[str(pk) for pk in bookings]
    )
    naming = Q(object_repr__icontains=client.email)
    if len(client.name.strip()) >= 3:
        naming |= Q(object_repr__icontains=client.name.strip())
    LogEntry.objects.filter(about | naming).update(object_repr=ERASED, change_message="")
