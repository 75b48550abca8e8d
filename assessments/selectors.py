"""Reads for questionnaires. Nothing here writes."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from booking.models import Booking

from .models import Instrument, Intake

STATUS_LABELS = {
    "none": "—",
    "not_started": "Not started",
    "in_progress": "In progress",
    "completed": "Completed",
    "urgent": "Urgent",
}


def intake_by_public_id(public_id: UUID) -> Intake:
    """Return an intake with what its pages need (one query), or raise DoesNotExist."""
    return Intake.objects.select_related("instrument", "booking__practitioner").get(
        public_id=public_id
    )


def intake_link_expires(booking: Booking, intake: Intake | None = None) -> datetime:
    """Return when a questionnaire link stops working: a later round's own date, else
    INTAKE_LINK_DAYS after the booking."""
    if intake is not None and intake.expires_at is not None:
        return intake.expires_at
    return booking.end_at + timedelta(days=settings.INTAKE_LINK_DAYS)


def intake_for_client(booking: Booking, *, now: datetime) -> Intake | None:
    """Return the latest questionnaire of the person who booked while its link works, else None.

    Only their own: the manage page never shows anything about a partner's.
    """
    if booking.status != Booking.Status.CONFIRMED:
        return None
    intake = (
        Intake.objects.filter(booking=booking, role=Intake.Role.CLIENT)
        .select_related("instrument")
        .order_by("-round")
        .first()
    )
    if intake is None or now > intake_link_expires(booking, intake):
        return None
    return intake


def intake_latest_for_client(client_id: int) -> Intake | None:
    """Return the person's newest questionnaire, whichever booking it came with."""
    return (
        Intake.objects.filter(client_id=client_id)
        .select_related("instrument")
        .order_by("-round", "-created_at", "-pk")
        .first()
    )


def bookings_with_unfinished_intake(booking_ids: list[int]) -> set[int]:
    """Return which of these bookings' bookers still have a questionnaire to send.

    The outbox asks this before sending questionnaire nudges, a batch at a
    time, in one query. Nudges go to the person who booked only: a partner's
    progress never causes or stops an email.
    """
    return set(
        Intake.objects.filter(booking_id__in=booking_ids, role=Intake.Role.CLIENT)
        .exclude(status=Intake.Status.COMPLETED)
        .values_list("booking_id", flat=True)
    )


def intake_partner_name(booking: Booking, intake: Intake) -> str:
    """Return the name of the other person on a couple's booking, as the report names them."""
    if intake.role == Intake.Role.PARTNER:
        return booking.client.name if booking.client else "their partner"
    return booking.partner_name or "their partner"


def intakes_for_report(booking_id: int) -> tuple[Booking, list[Intake]]:
    """Return a booking and its latest questionnaire per person, client first, in two queries.

    A booking holds more than one round of a person's questionnaire when one was
    sent again before it; the report reads the latest, and shows the earlier ones
    through ``intake_rounds_for_report``.
    """
    booking = Booking.objects.select_related("client", "practitioner", "session_type").get(
        pk=booking_id
    )
    rows = (
        Intake.objects.filter(booking=booking)
        .select_related("client", "instrument")
        .order_by("role", "-round")  # "client" sorts before "partner"
    )
    latest: dict[str, Intake] = {}
    for intake in rows:
        latest.setdefault(intake.role, intake)
    return booking, list(latest.values())


def intake_rounds_for_report(intakes: list[Intake]) -> dict[int, list[Intake]]:
    """Return each person's sent rounds of the same questionnaire version, oldest first.

    Keyed by client id, for the people of ``intakes``; one query, whatever the number
    of rounds. The answers of every round are loaded: the report compares them.
    """
    wanted = Q()
    for intake in intakes:
        wanted |= Q(client_id=intake.client_id, instrument_id=intake.instrument_id)
    if not intakes:
        return {}
    rounds: dict[int, list[Intake]] = {intake.client_id: [] for intake in intakes}
    for row in (
        Intake.objects.filter(wanted, status=Intake.Status.COMPLETED)
        .select_related("instrument")
        .order_by("submitted_at", "pk")
    ):
        rounds[row.client_id].append(row)
    return rounds


def _count(condition: Q) -> Coalesce:
    counted = (
        Intake.objects.filter(condition, booking=OuterRef("pk"))
        .order_by()
        .values("booking")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def bookings_with_intake_summary(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    """Annotate each booking with its questionnaires' counts, in the same query.

    Read the result with ``intake_summary``.
    """
    return queryset.annotate(
        intake_total=_count(Q()),
        intake_started=_count(~Q(status=Intake.Status.NOT_STARTED)),
        intake_completed=_count(Q(status=Intake.Status.COMPLETED)),
        intake_urgent=Exists(Intake.objects.filter(booking=OuterRef("pk"), urgent=True)),
    )


def intake_summary(booking: Booking) -> str:
    """Return one status for a booking's questionnaires from ``bookings_with_intake_summary``.

    "urgent" if anyone answered a safety question yes; "completed" once
    everyone has sent theirs; "in_progress" once anyone has begun; "none" for
    bookings without a questionnaire (single sessions).
    """
    # The counts are annotations, which the model's type does not declare.
    total = getattr(booking, "intake_total")  # noqa: B009
    if not total:
        return "none"
    if getattr(booking, "intake_urgent"):  # noqa: B009
        return "urgent"
    if getattr(booking, "intake_completed") == total:  # noqa: B009
        return "completed"
    if getattr(booking, "intake_started"):  # noqa: B009
        return "in_progress"
    return "not_started"


def _unreviewed_since(moment: str) -> Q:
    return Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=F(moment))


def intakes_urgent_unreviewed() -> QuerySet[Intake]:
    """Questionnaires with a safety answer the practitioner has not yet marked read."""
    return (
        Intake.objects.filter(Q(urgent=True) & _unreviewed_since("urgent_at"))
        .exclude(booking__status=Booking.Status.CANCELLED)
        .select_related("client", "booking")
        .order_by("urgent_at")
    )


def intakes_awaiting_review() -> QuerySet[Intake]:
    """Sent questionnaires the practitioner has not read since they were sent, oldest first.

    Cancelling a booking withdraws its questionnaires from this list
    (``services.intakes_review_withdraw``).
    """
    return (
        Intake.objects.filter(awaiting_review=True)
        .select_related("client", "booking")
        .order_by("submitted_at")
    )


def instrument_versions() -> list[Instrument]:
    """Return every questionnaire version, newest first, with ``started``: how many
    questionnaires were given it. One query; the definitions are not loaded."""
    return list(
        Instrument.objects.defer("definition")
        .annotate(started=Count("intakes"))
        .order_by("slug", "-version")
    )
